// Review queue rules: new, changed since review, low cohesion, very large, single outlet; widest coverage first.
import { describe, expect, it } from 'vitest';
import { cohesionOf, reviewReasons, sortQueue, type ReviewEntry } from '../../lib/editor/review.ts';
import type { Membership, Story } from '../../lib/types.ts';

const story = (id: string, over: Partial<Story> = {}): Story => ({
  id,
  label: id,
  headline: id,
  firstSeenAt: '2026-11-26T08:00:00.000Z',
  updatedAt: '2026-11-26T09:00:00.000Z',
  lastItemAt: '2026-11-26T09:00:00.000Z',
  itemIds: ['i1', 'i2'],
  outletIds: ['a', 'b'],
  version: 1,
  status: 'auto',
  ...over,
});
const m = (itemId: string, score: number, by: 'engine' | 'editor' = 'engine'): Membership => ({
  storyId: 's', itemId, score, matched: [], by, at: '2026-11-26T09:00:00.000Z',
});

describe('reviewReasons', () => {
  it('flags never-reviewed stories as new and stories updated after review as changed', () => {
    expect(reviewReasons(story('s'), undefined)).toEqual(['new']);
    expect(reviewReasons(story('s', { reviewedAt: '2026-11-26T08:30:00.000Z' }), undefined)).toEqual(['changed']);
    expect(reviewReasons(story('s', { reviewedAt: '2026-11-26T09:00:00.000Z' }), undefined)).toEqual([]);
  });

  it('flags low cohesion, very large and single-outlet stories even when reviewed', () => {
    const reviewed = { reviewedAt: '2026-11-26T10:00:00.000Z' };
    expect(reviewReasons(story('s', reviewed), 0.35)).toEqual(['low-cohesion']);
    expect(reviewReasons(story('s', reviewed), 0.6)).toEqual([]);
    const big = story('s', { ...reviewed, itemIds: Array.from({ length: 41 }, (_, i) => `i${i}`) });
    expect(reviewReasons(big, undefined)).toEqual(['large']);
    expect(reviewReasons(story('s', { ...reviewed, outletIds: ['a'] }), undefined)).toEqual(['single-outlet']);
    // A lone item is trivially single-outlet: not suspicious.
    expect(reviewReasons(story('s', { ...reviewed, itemIds: ['i1'], outletIds: ['a'] }), undefined)).toEqual([]);
  });

  it('never lists merged stories', () => {
    expect(reviewReasons(story('s', { mergedInto: 't' }), 0.1)).toEqual([]);
  });
});

describe('cohesionOf', () => {
  it('averages engine placements only (founders score 0, editor placements are decisions)', () => {
    const ms = [m('i1', 0), m('i2', 0.5), m('i3', 0.3), m('i4', 1, 'editor'), m('gone', 0.01)];
    expect(cohesionOf(ms, ['i1', 'i2', 'i3', 'i4'])).toBe(0.4);
    expect(cohesionOf([m('i1', 0)], ['i1'])).toBeUndefined();
  });
});

describe('sortQueue', () => {
  it('orders by outlets, then items, then recency', () => {
    const e = (s: Story): ReviewEntry => ({ story: s, reasons: ['new'], languages: [] });
    const out = sortQueue([
      e(story('few', { outletIds: ['a'] })),
      e(story('wide', { outletIds: ['a', 'b', 'c'] })),
      e(story('older', { updatedAt: '2026-11-26T07:00:00.000Z' })),
      e(story('bigger', { itemIds: ['1', '2', '3'] })),
      e(story('newer', { updatedAt: '2026-11-26T09:30:00.000Z' })),
    ]);
    expect(out.map((x) => x.story.id)).toEqual(['wide', 'bigger', 'newer', 'older', 'few']);
  });
});
