// Tests of the story grouping engine: cross-lingual grouping, labels, time window, ids, editor constraints, restore.
import { describe, expect, it } from 'vitest';
import { StoryGrouper, type GroupInput } from '../../lib/group/engine.ts';

const T0 = Date.parse('2022-02-17T08:00:00Z');
const at = (hours: number): string => new Date(T0 + hours * 3_600_000).toISOString();

/** France's withdrawal from Mali, as covered in French and English by different outlets. */
const MALI: GroupInput[] = [
  { id: 'devoir-1', lang: 'fr', outlet: 'le-devoir', publishedAt: at(0), title: 'La France annonce le retrait de ses troupes du Mali', summary: 'Emmanuel Macron a confirmé le retrait militaire français du Mali après neuf ans de présence de la force Barkhane.' },
  { id: 'wsj-1', lang: 'en', outlet: 'wsj', publishedAt: at(1), title: 'France to Withdraw Troops From Mali After Nearly a Decade', summary: 'President Emmanuel Macron said French forces will leave Mali, ending the Barkhane counterterrorism operation.' },
  { id: 'aljazeera-1', lang: 'en', outlet: 'al-jazeera', publishedAt: at(2), title: 'France announces military withdrawal from Mali', summary: 'Paris and its allies will pull troops out of Mali amid tensions with the military government in Bamako.' },
  { id: 'paalga-1', lang: 'fr', outlet: 'observateur-paalga', publishedAt: at(3), title: 'Retrait de Barkhane du Mali : quelles conséquences pour le Burkina Faso ?', summary: 'Le départ des soldats français du Mali inquiète les pays voisins du Sahel.' },
  { id: 'lepoint-1', lang: 'fr', outlet: 'le-point', publishedAt: at(4), title: 'Mali : Macron acte le départ des soldats français', summary: 'La France et ses partenaires européens quittent le Mali, où la junte de Bamako a rompu avec Paris.' },
];

const UNRELATED: GroupInput[] = [
  { id: 'apple-1', lang: 'en', publishedAt: at(5), title: 'Apple unveils iPhone 15 with USB-C port', summary: 'Apple switches the iPhone to USB-C, following European rules.' },
  { id: 'neige-1', lang: 'fr', publishedAt: at(5), title: 'Québec : la neige paralyse la circulation à Montréal' },
  { id: 'germany-1', lang: 'en', publishedAt: at(6), title: 'Germany slips toward recession as industrial output falls', summary: "German industrial production fell sharply in December, raising fears of a recession in Europe's largest economy." },
];

const GERMANY_FR: GroupInput = {
  id: 'figaro-1', lang: 'fr', publishedAt: at(7), title: "L'Allemagne menacée de récession, la production industrielle recule",
  summary: 'La production industrielle allemande a chuté en décembre, alimentant les craintes de récession outre-Rhin.',
};

/** A distinct made-up headline per number (so filler items found their own stories). */
function nonsense(i: number): string {
  const syl = ['ka', 'lo', 'mi', 'ra', 'zu', 'ne', 'to', 'vi', 'sa', 'do', 're', 'gu'];
  const word = (n: number): string => syl[n % 12]! + syl[Math.floor(n / 12) % 12]! + syl[Math.floor(n / 144) % 12]!;
  return `${word(i * 7 + 1)} ${word(i * 13 + 5)} ${word(i * 29 + 11)} ${word(i * 31 + 3)}`;
}

function feed(g: StoryGrouper, items: GroupInput[]): Map<string, string> {
  for (const it of items) g.add(it);
  const out = new Map<string, string>();
  for (const it of items) out.set(it.id, g.storyOf(it.id)!);
  return out;
}

describe('grouping', () => {
  it('puts the Mali withdrawal in French and English into one story and keeps unrelated items out', () => {
    const g = new StoryGrouper();
    const stories = feed(g, [...MALI, ...UNRELATED]);
    const mali = stories.get('devoir-1')!;
    for (const it of MALI) expect(stories.get(it.id), it.id).toBe(mali);
    for (const it of UNRELATED) expect(stories.get(it.id), it.id).not.toBe(mali);
    expect(new Set(UNRELATED.map((it) => stories.get(it.id))).size).toBe(3);
  });

  it('joins Allemagne and Germany through the normalized country entity', () => {
    const g = new StoryGrouper();
    feed(g, [...MALI, ...UNRELATED]);
    const a = g.add(GERMANY_FR);
    expect(a.created).toBe(false);
    expect(a.storyId).toBe(g.storyOf('germany-1'));
    expect(a.matched.map((m) => m.toLowerCase()).join(' ')).toMatch(/allemagne|germany/);
  });

  it('explains an assignment with its score and the shared signals', () => {
    const g = new StoryGrouper();
    const first = g.add(MALI[0]!);
    expect(first).toMatchObject({ created: true, score: 0, matched: [] });
    const second = g.add(MALI[1]!);
    expect(second.created).toBe(false);
    expect(second.score).toBeGreaterThan(0.2);
    expect(second.score).toBeLessThanOrEqual(1);
    expect(second.matched.map((m) => m.toLowerCase())).toContain('mali');
    // Idempotent: the same id returns its existing assignment.
    expect(g.add(MALI[1]!)).toEqual(second);
  });

  it('labels a story with 2–4 readable words and a real member headline, following its growth', () => {
    const g = new StoryGrouper();
    feed(g, MALI);
    const snap = g.snapshot(g.storyOf('devoir-1')!)!;
    const words = snap.label.split(/\s+/u);
    expect(words.length).toBeGreaterThanOrEqual(2);
    expect(words.length).toBeLessThanOrEqual(4);
    expect(snap.label).toMatch(/Mali/u);
    expect(snap.label).not.toMatch(/[@^#~]/u); // no internal keys, no stems with markers
    expect(MALI.map((m) => m.title)).toContain(snap.headline);
    expect(MALI.find((m) => m.title === snap.headline)!.id).toBe(snap.headlineItemId);
    expect(snap.itemIds.sort()).toEqual(MALI.map((m) => m.id).sort());
    expect(snap.firstItemAt).toBe(at(0));
    expect(snap.lastItemAt).toBe(at(4));
  });

  it('does not let an item join a story quiet for longer than the window, and evicts quiet stories', () => {
    const g = new StoryGrouper();
    feed(g, MALI.slice(0, 2));
    const late = g.add({ ...MALI[2]!, id: 'late', publishedAt: at(1 + 5 * 24) });
    expect(late.created).toBe(true);
    const sameDay = new StoryGrouper({ windowHours: 24 * 7 });
    feed(sameDay, MALI.slice(0, 2));
    expect(sameDay.add({ ...MALI[2]!, id: 'late', publishedAt: at(1 + 5 * 24) }).created).toBe(false);
    // Eviction runs periodically: after enough later items the first story is gone from memory.
    for (let i = 0; i < 300; i++) g.add({ id: `filler-${i}`, title: nonsense(i), publishedAt: at(10 * 24 + i) });
    expect(g.snapshot(g.storyOf('late') ?? 'none')).toBeUndefined();
    expect(g.storyOf('devoir-1')).toBeUndefined();
    expect(g.stats().items).toBeLessThan(300);
    const drained = g.drainTouched();
    expect(drained.some((s) => s.itemIds.includes('devoir-1'))).toBe(true); // final snapshot handed out
  });

  it('keeps a long-running story and all its members while retiring members older than the window', () => {
    const g = new StoryGrouper();
    const ids: string[] = [];
    // A story covered every 3 hours for 12 days, plus unrelated one-off items so eviction sweeps run.
    for (let i = 0; i < 96; i++) {
      const id = `gaza-${i}`;
      ids.push(id);
      g.add({ id, lang: 'en', publishedAt: at(i * 3), title: `Gaza ceasefire talks in Cairo resume, day ${i}`, summary: 'Negotiators from Israel and Hamas meet in Cairo on the Gaza ceasefire.' });
      for (let j = 0; j < 4; j++) g.add({ id: `noise-${i}-${j}`, publishedAt: at(i * 3), title: nonsense(i * 4 + j) });
    }
    const story = g.storyOf('gaza-0')!;
    expect(ids.every((id) => g.storyOf(id) === story)).toBe(true);
    const snap = g.snapshot(story)!;
    expect(snap.itemIds).toHaveLength(96);
    expect(snap.firstItemAt).toBe(at(0));
    // Members older than the window no longer carry vectors; quiet one-off stories are evicted.
    const stats = g.stats();
    expect(stats.items).toBeLessThan(96 + 96 * 4);
    // Noise stories are single items (never retired), so the difference is retired story members.
    expect(stats.items - stats.liveItems).toBeGreaterThanOrEqual(20);
    // Still matched on its recent coverage.
    expect(g.add({ id: 'gaza-next', lang: 'en', publishedAt: at(96 * 3), title: 'Cairo talks on a Gaza ceasefire continue' }).storyId).toBe(story);
  });

  it('derives story ids deterministically from the founding item', () => {
    const run = (): string[] => {
      const g = new StoryGrouper();
      return [...MALI, ...UNRELATED].map((it) => g.add(it).storyId);
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a[0]).toMatch(/^s_[0-9a-f]{12}$/u);
    const other = new StoryGrouper();
    expect(other.add(UNRELATED[0]!).storyId).toBe(a[MALI.length]);
  });
});

describe('editor constraints', () => {
  it('locked stories gain no items', () => {
    const g = new StoryGrouper();
    const s = g.add(MALI[0]!).storyId;
    g.setLocked(s, true);
    const a = g.add(MALI[1]!);
    expect(a.storyId).not.toBe(s);
    expect(g.snapshot(s)!.locked).toBe(true);
    g.setLocked(s, false);
    expect(g.add(MALI[2]!).storyId).toMatch(/^s_/u);
  });

  it('respects forbidden (item, story) pairs, also after a merge', () => {
    const g = new StoryGrouper();
    const s = g.add(MALI[0]!).storyId;
    g.forbid('wsj-1', s);
    expect(g.add(MALI[1]!).storyId).not.toBe(s);
    const h = new StoryGrouper();
    const a = h.add(MALI[0]!).storyId;
    const b = h.add(UNRELATED[0]!).storyId;
    h.forbid('wsj-1', b);
    h.mergeStories(a, b);
    expect(h.add(MALI[1]!).storyId).not.toBe(b);
  });

  it('never moves an already assigned item by itself', () => {
    const g = new StoryGrouper({ autoMerge: false });
    const assigned = new Map<string, string>();
    for (const it of [...MALI, ...UNRELATED, GERMANY_FR]) {
      g.add(it);
      for (const [id, s] of assigned) expect(g.storyOf(id), id).toBe(s);
      assigned.set(it.id, g.storyOf(it.id)!);
    }
  });

  it('moves, removes, merges and splits items and updates the story vectors', () => {
    const g = new StoryGrouper();
    feed(g, [...MALI, ...UNRELATED]);
    const mali = g.storyOf('devoir-1')!;
    const apple = g.storyOf('apple-1')!;
    g.moveItem('wsj-1', apple);
    expect(g.storyOf('wsj-1')).toBe(apple);
    expect(g.snapshot(mali)!.itemIds).not.toContain('wsj-1');
    g.removeItem('lepoint-1');
    expect(g.storyOf('lepoint-1')).toBeUndefined();
    expect(g.snapshot(mali)!.itemIds).not.toContain('lepoint-1');
    g.splitItems(['paalga-1', 'aljazeera-1'], 'story-editor-1');
    expect(g.snapshot('story-editor-1')!.itemIds.sort()).toEqual(['aljazeera-1', 'paalga-1']);
    expect(() => g.splitItems(['devoir-1'], 'story-editor-1')).toThrow();
    // The split story's vectors now hold the Mali withdrawal: a new Mali item goes there or to the
    // original, never to Apple's story (which only holds the moved WSJ item besides the iPhone).
    const next = g.add({ id: 'bbc-1', lang: 'en', publishedAt: at(8), title: 'Barkhane: French withdrawal from Mali begins', summary: 'Military convoys leave Mali for Niger as the withdrawal begins.' });
    expect([mali, 'story-editor-1']).toContain(next.storyId);
    g.mergeStories('story-editor-1', mali);
    const merged = g.snapshot('story-editor-1')!;
    expect(merged.mergedInto).toBe(mali);
    expect(merged.itemIds).toEqual([]);
    expect(g.storyOf('paalga-1')).toBe(mali);
    expect(g.resolve('story-editor-1')).toBe(mali);
    // Moving an item into a merged-away story routes it to the survivor.
    g.moveItem('wsj-1', 'story-editor-1');
    expect(g.storyOf('wsj-1')).toBe(mali);
    // A removed item that comes again never returns to the story it was removed from.
    expect(g.add(MALI[4]!).storyId).not.toBe(mali);
  });

  it('restores stories from storage and continues from them', () => {
    const g = new StoryGrouper();
    feed(g, [...MALI, ...UNRELATED]);
    const mali = g.storyOf('devoir-1')!;
    const snaps = g.drainTouched();
    const byId = new Map([...MALI, ...UNRELATED].map((it) => [it.id, it]));
    const stored = snaps.map((s) => ({ id: s.id, items: s.itemIds.map((id) => byId.get(id)!), locked: s.id === mali ? undefined : true }));
    const h = new StoryGrouper();
    h.restore([...stored, { id: 'fixed', items: [], label: 'Editor label', forbiddenItemIds: ['x'] }]);
    expect(h.drainTouched()).toEqual([]); // restored stories are already stored
    for (const s of snaps) {
      const r = h.snapshot(s.id)!;
      expect(r.itemIds.sort()).toEqual([...s.itemIds].sort());
      expect(r.label).toBe(s.label);
      expect(r.headline).toBe(s.headline);
    }
    expect(h.snapshot('fixed')!.label).toBe('Editor label');
    expect(h.storyOf('wsj-1')).toBe(mali);
    const next = h.add({ id: 'bbc-1', lang: 'en', publishedAt: at(8), title: 'Mali: why France is pulling its troops out', summary: 'Relations between Paris and the junta in Bamako broke down, leading to the French withdrawal from Mali.' });
    expect(next.storyId).toBe(mali);
    // Locked restored stories gain nothing.
    const locked = stored.find((s) => s.locked)!;
    const copy = locked.items[0]!;
    expect(h.add({ ...copy, id: 'copy-of-' + copy.id }).storyId).not.toBe(locked.id);
  });
});

describe('profile entry memo', () => {
  // Each item remembers the profile entry it was counted in, so detaching needs no key look-up. Moving an
  // item out and back (and merging/splitting) must leave the story's vector as if nothing had happened.
  const probe: GroupInput = {
    id: 'probe-1', lang: 'en', publishedAt: at(5), title: 'Macron confirms French troops leave Mali, ending Barkhane',
    summary: 'The withdrawal of French forces from Mali was confirmed in Paris.',
  };

  it('gives the same scores after items were moved away and back', () => {
    const plain = new StoryGrouper();
    feed(plain, [...MALI, ...UNRELATED]);
    const expected = plain.add(probe);

    const edited = new StoryGrouper();
    feed(edited, [...MALI, ...UNRELATED]);
    const mali = edited.storyOf('devoir-1')!;
    const apple = edited.storyOf('apple-1')!;
    edited.moveItem('wsj-1', apple);
    edited.moveItem('lepoint-1', apple);
    edited.moveItem('wsj-1', mali);
    edited.moveItem('lepoint-1', mali);
    edited.splitItems(['paalga-1'], 's_split');
    edited.mergeStories('s_split', mali);
    const got = edited.add(probe);

    expect(got.storyId).toBe(expected.storyId);
    expect(got.score).toBeCloseTo(expected.score, 6);
    expect(got.matched).toEqual(expected.matched);
    expect(edited.stats().features).toBe(plain.stats().features);
    expect(edited.snapshot(mali)!.itemIds.sort()).toEqual([...MALI.map((m) => m.id), 'probe-1'].sort());
  });

  it('empties the index when every item left its story', () => {
    const g = new StoryGrouper();
    feed(g, MALI);
    const before = g.stats().features;
    expect(before).toBeGreaterThan(0);
    for (const m of MALI) g.removeItem(m.id);
    expect(g.stats().features).toBe(0);
  });
});
