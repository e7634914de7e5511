// applyStoryChanges brings editor corrections into the grouping engine, warm (state in memory) and cold (rebuilt).
import { describe, expect, it } from 'vitest';
import { StoryGrouper, type GroupInput } from '../../lib/group/engine.ts';
import { applyStoryChanges } from '../../lib/pipeline/corrections.ts';
import type { Story } from '../../lib/types.ts';

const T = Date.parse('2026-11-26T08:00:00.000Z');
const at = (min: number) => new Date(T + min * 60_000).toISOString();
const input = (id: string, title: string, summary: string, min = 0, outlet = id.slice(0, 1)): GroupInput => ({
  id, title, summary, outlet, lang: 'en', publishedAt: at(min),
});

const CHILE = [
  input('a1', 'Magnitude 7.8 earthquake strikes Valparaiso region of Chile', 'A powerful earthquake hit central Chile near Valparaiso.'),
  input('b1', 'Chile earthquake: Valparaiso shaken by magnitude 7.8 quake', 'The quake struck off the coast of Valparaiso, Chile.'),
  input('c1', 'Strong earthquake near Valparaiso, Chile kills dozens', 'Rescuers search rubble in Valparaiso after the earthquake in Chile.'),
];
const KENYA = [
  input('a2', 'Kenya election: Odinga and Ruto supporters await Nairobi results', 'Kenyans wait for the election commission in Nairobi.'),
  input('b2', 'Nairobi tense as Kenya election results from Ruto and Odinga camps delayed', 'The Kenya election commission in Nairobi delayed results.'),
];
const all = new Map([...CHILE, ...KENYA].map((i) => [i.id, i]));

/** A grouper holding the two fixture stories, and their stored records as the group stage wrote them. */
function setup() {
  const g = new StoryGrouper({ windowHours: 72 });
  for (const it of [...CHILE, ...KENYA]) g.add(it);
  const chile = g.storyOf('a1')!;
  const kenya = g.storyOf('a2')!;
  expect(g.storyOf('c1')).toBe(chile);
  expect(kenya).not.toBe(chile);
  const rec = (id: string, itemIds: string[]): Story => ({
    id, label: id, headline: id, firstSeenAt: at(0), updatedAt: at(1), lastItemAt: at(0), itemIds, outletIds: [], version: 2, status: 'auto',
  });
  return { g, chile, kenya, stored: { chile: rec(chile, ['a1', 'b1', 'c1']), kenya: rec(kenya, ['a2', 'b2']) } };
}

/** A cold engine rebuilt from the given stored stories. */
function cold(stories: Story[]): StoryGrouper {
  const g = new StoryGrouper({ windowHours: 72 });
  applyStoryChanges(g, stories, all);
  return g;
}

describe('applyStoryChanges', () => {
  it('locks a story: the engine gives it no new item (warm and cold)', () => {
    const { g, kenya, stored } = setup();
    const locked = { ...stored.kenya, locked: true };
    applyStoryChanges(g, [locked], all);
    const next = input('c2', 'Kenya election commission in Nairobi announces Ruto lead over Odinga', 'Kenya election results in Nairobi.', 5);
    expect(g.add(next).storyId).not.toBe(kenya);
    const c = cold([stored.chile, locked]);
    expect(c.add(next).storyId).not.toBe(kenya);
  });

  it('keeps an editor label', () => {
    const { g, chile, stored } = setup();
    applyStoryChanges(g, [{ ...stored.chile, label: 'Desk label', labelByEditor: true }], all);
    g.add(input('d1', 'Valparaiso earthquake death toll rises in Chile', 'Chile earthquake toll rises.', 5));
    expect(g.snapshot(chile)!.label).toBe('Desk label');
    expect(cold([{ ...stored.chile, label: 'Desk label', labelByEditor: true }]).snapshot(chile)!.label).toBe('Desk label');
  });

  it('moves an item to the story the editor chose, and it stays there as the story grows', () => {
    const { g, chile, kenya, stored } = setup();
    const moved = [{ ...stored.chile, itemIds: ['a1', 'b1'], excludedItemIds: ['c1'] }, { ...stored.kenya, itemIds: ['a2', 'b2', 'c1'] }];
    applyStoryChanges(g, moved, all);
    expect(g.storyOf('c1')).toBe(kenya);
    g.add(input('d1', 'Valparaiso earthquake death toll rises in Chile', 'Chile earthquake toll rises.', 5));
    expect(g.storyOf('d1')).toBe(chile);
    expect(g.storyOf('c1')).toBe(kenya);
    expect(cold(moved).storyOf('c1')).toBe(kenya);
  });

  it('creates a split story and never lets its items rejoin the source, even by automatic merging', () => {
    const { g, chile, stored } = setup();
    const source = { ...stored.chile, itemIds: ['a1', 'c1'], excludedItemIds: ['b1'], version: 3 };
    const split: Story = { ...stored.chile, id: 's_split', itemIds: ['b1'], version: 1 };
    // The split story comes first here on purpose: phase order, not input order, must decide.
    applyStoryChanges(g, [split, source], all);
    expect(g.storyOf('b1')).toBe('s_split');
    for (let i = 0; i < 8; i++) {
      g.add(input(`n${i}`, `Chile earthquake update ${i}: Valparaiso magnitude 7.8 quake`, 'The quake struck Valparaiso, Chile.', 10 + i));
    }
    expect(g.storyOf('b1')).toBe('s_split');
    expect(g.snapshot(chile)!.itemIds).not.toContain('b1');
    const c = cold([split, source]);
    for (let i = 0; i < 8; i++) c.add(input(`n${i}`, `Chile earthquake update ${i}: Valparaiso magnitude 7.8 quake`, 'The quake struck Valparaiso, Chile.', 10 + i));
    expect(c.storyOf('b1')).toBe('s_split');
    expect(c.resolve('s_split')).toBe('s_split');
  });

  it('merges: the absorbed story routes to the survivor (warm) and is restored as merged (cold)', () => {
    const { g, chile, kenya, stored } = setup();
    const survivor = { ...stored.chile, itemIds: ['a1', 'b1', 'c1', 'a2', 'b2'] };
    const absorbed = { ...stored.kenya, itemIds: [], mergedInto: chile };
    applyStoryChanges(g, [survivor, absorbed], all);
    expect(g.resolve(kenya)).toBe(chile);
    expect(g.storyOf('a2')).toBe(chile);
    const next = input('c2', 'Kenya election commission in Nairobi announces Ruto lead over Odinga', 'Kenya election results in Nairobi.', 5);
    expect(g.add(next).storyId).toBe(chile);
    const c = cold([survivor, absorbed]);
    expect(c.resolve(kenya)).toBe(chile);
    expect(c.add(next).storyId).toBe(chile);
  });

  it('removes an item: it leaves the engine and the story never takes it back', () => {
    const { g, chile, stored } = setup();
    applyStoryChanges(g, [{ ...stored.chile, itemIds: ['a1', 'b1'], excludedItemIds: ['c1'] }], all);
    expect(g.storyOf('c1')).toBeUndefined();
    expect(g.snapshot(chile)!.itemIds).toEqual(['a1', 'b1']);
  });

  it('is idempotent: applying the same stored state twice changes nothing', () => {
    const { g, chile, kenya, stored } = setup();
    const state = [{ ...stored.chile, itemIds: ['a1', 'b1'], excludedItemIds: ['c1'], locked: true }, { ...stored.kenya, itemIds: ['a2', 'b2', 'c1'] }];
    applyStoryChanges(g, state, all);
    const snap = [g.snapshot(chile), g.snapshot(kenya)];
    applyStoryChanges(g, state, all);
    expect([g.snapshot(chile), g.snapshot(kenya)]).toEqual(snap);
  });
});
