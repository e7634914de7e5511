// Tests of event-level precision across languages, merge suggestions ("possible same story") and keepApart.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StoryGrouper, type GroupInput } from '../../lib/group/engine.ts';

const MIXED: (GroupInput & { id: string })[] = readFileSync(new URL('../fixtures/grouping/mixed/items.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as GroupInput);

const storyName = (id: string): string => id.replace(/^mx-/, '').replace(/-\d+$/, '');
const of = (name: string) => MIXED.filter((i) => storyName(i.id) === name);

function grouped(items: GroupInput[], before?: (g: StoryGrouper) => void): StoryGrouper {
  const g = new StoryGrouper();
  before?.(g);
  for (const it of items) g.add(it);
  return g;
}

describe('event-level precision across languages', () => {
  it('puts the Arabic headline on the Moroccan earthquake with the English, French and German ones', () => {
    const items = of('morocco-quake');
    const g = grouped(items);
    const stories = new Set(items.filter((i) => i.lang !== 'ar').map((i) => g.storyOf(i.id)));
    expect(stories.size).toBe(1);
    const langs = new Set(items.filter((i) => g.storyOf(i.id) === [...stories][0]).map((i) => i.lang));
    expect([...langs].sort()).toEqual(expect.arrayContaining(['de', 'en', 'es', 'fr', 'pt']));
  });

  it("puts the Arabic headlines on the Suez Canal fees and the nurses' strike with the other languages' stories", () => {
    // Through Roundup's news words (إضراب → strike) and the everyday country names (بريطانيا → United Kingdom).
    const g = grouped(MIXED);
    for (const name of ['suez-fees', 'uk-nurses-strike']) {
      const ar = g.storyOf(of(name).find((i) => i.lang === 'ar')!.id);
      const en = g.storyOf(of(name).find((i) => i.lang === 'en')!.id);
      expect(ar, name).toBe(en);
    }
  });

  it('keeps two earthquakes and two strikes apart although they share the theme in every language', () => {
    for (const [x, y] of [['morocco-quake', 'chile-quake'], ['italy-rail-strike', 'uk-nurses-strike']] as const) {
      const items = [...of(x), ...of(y)].sort((a, b) => Date.parse(a.publishedAt!) - Date.parse(b.publishedAt!));
      const g = grouped(items);
      const storiesOf = (name: string) => new Set(of(name).map((i) => g.storyOf(i.id)));
      for (const s of storiesOf(x)) expect(storiesOf(y).has(s), `${x} / ${y}`).toBe(false);
    }
  });

  it('keeps one person or one country in two events apart (Macron: Mali and pensions; Morocco: earthquake and football)', () => {
    for (const [x, y] of [['mali', 'macron-pensions'], ['morocco-quake', 'morocco-football']] as const) {
      const items = [...of(x), ...of(y)].sort((a, b) => Date.parse(a.publishedAt!) - Date.parse(b.publishedAt!));
      const g = grouped(items);
      const ys = new Set(of(y).map((i) => g.storyOf(i.id)));
      for (const i of of(x)) expect(ys.has(g.storyOf(i.id)), `${x}: ${i.title}`).toBe(false);
    }
  });

  it('does not join an item to a story in other languages on a shared theme word and country alone', () => {
    const g = new StoryGrouper();
    g.add({ id: 'en-1', lang: 'en', publishedAt: '2024-01-01T08:00:00Z', title: 'Strike shuts schools across Italy', summary: 'Teachers walked out over pay.' });
    const a = g.add({ id: 'es-1', lang: 'es', publishedAt: '2024-01-01T09:00:00Z', title: 'Huelga de transporte en Italia', summary: 'Los trenes no circulan.' });
    expect(a.created).toBe(true);
  });
});

describe('merge suggestions', () => {
  const g = grouped(MIXED);
  const suggestions = g.suggestions();

  it('lists pairs it did not merge, closest to their threshold first, with ids in order and readable evidence', () => {
    expect(suggestions.length).toBeGreaterThan(0);
    for (const s of suggestions) {
      expect(s.a < s.b).toBe(true);
      expect(g.resolve(s.a)).toBe(s.a);
      expect(g.resolve(s.b)).toBe(s.b);
      expect(g.snapshot(s.a)!.mergedInto).toBeUndefined();
      expect(s.score / s.threshold).toBeGreaterThanOrEqual(g.config.suggestRatio);
      expect(s.threshold).toBe(s.crossLingual ? g.config.crossMergeThreshold : g.config.mergeThreshold);
      const shared = s.languages.a.filter((l) => s.languages.b.includes(l));
      expect(s.crossLingual).toBe(shared.length === 0);
      const words = [...s.evidence.entities, ...s.evidence.terms, ...s.evidence.translated, ...s.evidence.numbers];
      expect(words.length).toBeGreaterThan(0);
      // Readable words, never feature keys.
      for (const w of words) expect(w).not.toMatch(/^[@^#=&~]/);
    }
    const ratios = suggestions.map((s) => s.score / s.threshold);
    expect(ratios).toEqual([...ratios].sort((x, y) => y - x));
  });

  it('suggests the Arabic headline on the Morocco–Portugal friendly for the story told in four other languages', () => {
    const ar = g.storyOf(of('morocco-football').find((i) => i.lang === 'ar')!.id)!;
    const en = g.storyOf(of('morocco-football').find((i) => i.lang === 'en')!.id)!;
    expect(ar).not.toBe(en);
    const s = suggestions.find((x) => (x.a === ar && x.b === en) || (x.a === en && x.b === ar));
    expect(s).toBeDefined();
    expect(s!.crossLingual).toBe(true);
    expect(s!.languages[s!.a === ar ? 'a' : 'b']).toEqual(['ar']);
    expect(s!.evidence.entities).toContain('البرتغال / Portugal');
    expect(s!.evidence.translated).toContain('يفوز → win');
  });

  it('never suggests a pair an editor kept apart, also after either story is merged into a third', () => {
    const h = grouped(MIXED);
    const [first] = h.suggestions();
    h.keepApart(first!.a, first!.b);
    expect(h.suggestions().some((s) => s.a === first!.a && s.b === first!.b)).toBe(false);
    expect(h.snapshot(first!.a)!.keptApart).toEqual([first!.b]);
    expect(h.snapshot(first!.b)!.keptApart).toEqual([first!.a]);
    // An editor merges b into a third story: the survivor stays apart from a.
    const third = h.drainTouched().find((s) => s.id !== first!.a && s.id !== first!.b && !s.mergedInto)!.id;
    h.mergeStories(first!.b, third);
    expect(h.snapshot(third)!.keptApart).toContain(first!.a);
    expect(h.snapshot(first!.a)!.keptApart).toContain(third);
    expect(h.suggestions().some((s) => [s.a, s.b].includes(first!.a) && [s.a, s.b].includes(third))).toBe(false);
  });
});

describe('keepApart', () => {
  // A pair the engine merges by itself on the mixed set: the story absorbed and its survivor.
  const free = grouped(MIXED);
  const merged = free.drainTouched().find((s) => s.mergedInto && !s.mergedInto.startsWith('mx'))!;

  it('stops an automatic merge, even when given before either story exists', () => {
    expect(merged).toBeDefined();
    const apart = grouped(MIXED, (g) => g.keepApart(merged.id, merged.mergedInto!));
    expect(apart.snapshot(merged.id)?.mergedInto).toBeUndefined();
    expect(apart.resolve(merged.id)).toBe(merged.id);
    expect(apart.snapshot(merged.id)!.keptApart).toContain(merged.mergedInto);
    // Items of the absorbed story are not in the survivor.
    for (const id of apart.snapshot(merged.id)!.itemIds) expect(apart.storyOf(id)).not.toBe(merged.mergedInto);
  });

  it('is kept through a restore', () => {
    const apart = grouped(MIXED, (g) => g.keepApart(merged.id, merged.mergedInto!));
    const snaps = [merged.id, merged.mergedInto!].map((id) => apart.snapshot(id)!);
    const byId = new Map(MIXED.map((i) => [i.id, i]));
    const g = new StoryGrouper();
    g.restore(snaps.map((s) => ({ id: s.id, items: s.itemIds.map((id) => byId.get(id)!), keptApart: s.keptApart })));
    expect(g.snapshot(merged.id)!.keptApart).toEqual([merged.mergedInto]);
    expect(g.snapshot(merged.mergedInto!)!.keptApart).toEqual([merged.id]);
  });

  it('does nothing for a story and itself', () => {
    const g = grouped(of('tennis'));
    const s = g.storyOf(of('tennis')[0]!.id)!;
    g.keepApart(s, s);
    expect(g.snapshot(s)!.keptApart).toBeUndefined();
  });
});
