// How member batches replay into a story's item list, and which items a runaway story shows.
import { describe, expect, it } from 'vitest';
import { SHOWN_MAX, SHOWN_PER_OUTLET, foldBatches, shownItems } from '../../lib/store/stories.ts';

const add = (...ids: string[]) => ({ a: ids.map((i) => ({ i, s: 0.5, t: 0 })) });

describe('foldBatches', () => {
  it('keeps join order, drops items that left, and lets an item that comes back join at the end', () => {
    const { itemIds } = foldBatches([add('a', 'b', 'c'), { x: ['b'] }, add('d'), add('b')]);
    expect(itemIds).toEqual(['a', 'c', 'd', 'b']);
  });

  it('starts over at a reset, a long reset going on in the next records', () => {
    const { itemIds } = foldBatches([add('a', 'b'), { r: ['c', 'd'] }, { l: ['e'] }, add('f'), { x: ['d'] }]);
    expect(itemIds).toEqual(['c', 'e', 'f']);
  });

  it('keeps the latest reason of each item; an update never makes an item a member', () => {
    const { itemIds, entries } = foldBatches([add('a'), { u: [{ i: 'a', s: 1, t: 5, b: 'editor' as const }, { i: 'z', s: 1, t: 5 }] }]);
    expect(itemIds).toEqual(['a']);
    expect(entries.get('a')).toMatchObject({ s: 1, b: 'editor' });
  });
});

describe('shownItems', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 26, 8, minutes)).toISOString();

  it('shows each outlet’s newest items, in story order', () => {
    const members = [
      ...[0, 1, 2, 3, 4].map((m) => ({ itemId: `flood-${m}`, outletId: 'flood', publishedAt: at(m) })),
      { itemId: 'quiet-0', outletId: 'quiet', publishedAt: at(1) },
    ];
    expect(shownItems(members)).toEqual(['flood-2', 'flood-3', 'flood-4', 'quiet-0']);
    expect(SHOWN_PER_OUTLET).toBe(3);
  });

  it('caps the total, giving every outlet its newest item before any outlet its second', () => {
    const members = Array.from({ length: 60 }, (_, o) => [0, 1].map((k) => ({ itemId: `o${o}-${k}`, outletId: `o${o}`, publishedAt: at(o + k) }))).flat();
    const shown = shownItems(members);
    expect(shown).toHaveLength(SHOWN_MAX);
    expect(shown.every((id) => id.endsWith('-1'))).toBe(true);
    // The outlets whose newest item is newest win the places.
    expect(shown).toContain('o59-1');
    expect(shown).not.toContain('o0-1');
  });
});
