// Tests of the grouping vocabulary: document frequencies, O(1) posting removal and bounded decay.
import { describe, expect, it } from 'vitest';
import { Vocabulary, type PostingEntry } from '../../lib/group/vocabulary.ts';

const entry = (slot: number): PostingEntry => ({ slot, w: slot / 2, pi: -1, ti: -1 });
const slots = (v: Vocabulary<PostingEntry>, id: number): number[] =>
  Array.from({ length: v.postingCount(id) }, (_, j) => v.postingEntry(id, j).slot);

describe('Vocabulary', () => {
  it('keeps posting positions consistent through adds and swap-removals', () => {
    const v = new Vocabulary<PostingEntry>();
    const t = v.intern('mali');
    const [a, b, c] = [entry(0), entry(1), entry(2)];
    v.add(t, a);
    v.add(t, b);
    v.add(t, c);
    v.add(t, b); // already indexed: no duplicate
    expect(slots(v, t)).toEqual([0, 1, 2]);
    v.remove(t, a);
    expect(slots(v, t).sort()).toEqual([1, 2]);
    for (let j = 0; j < v.postingCount(t); j++) {
      const e = v.postingEntry(t, j);
      expect(e.pi).toBe(j);
      // The pooled (slot, weight) pair moved with its entry.
      expect(v.pool[2 * (v.start[t]! + j)]).toBe(e.slot);
      expect(v.pool[2 * (v.start[t]! + j) + 1]).toBe(e.w);
    }
    expect(a.pi).toBe(-1);
    v.remove(t, a); // not indexed any more: no-op
    expect(v.indexedSize).toBe(1);
    v.remove(t, b);
    v.remove(t, c);
    expect(v.postingCount(t)).toBe(0);
    expect(v.indexedSize).toBe(0);
  });

  it('halves document frequencies and forgets rare terms no story holds, freeing their ids', () => {
    const v = new Vocabulary<PostingEntry>();
    const rare = v.intern('rare');
    v.df[rare] = 1;
    const held = v.intern('held');
    v.df[held] = 1;
    v.add(held, entry(0));
    const common = v.intern('common');
    v.df[common] = 10;
    expect(v.decay()).toBe(true);
    expect(v.keyOf(rare)).toBeUndefined();
    expect(v.get('rare')).toBe(-1);
    expect(v.get('held')).toBe(held);
    expect(v.df[held]).toBe(0.5);
    expect(v.df[common]).toBe(5);
    expect(v.size).toBe(2);
    // The freed id is recycled for the next new key, which starts from df 0.
    const next = v.intern('fresh');
    expect(next).toBe(rare);
    expect(v.keyOf(next)).toBe('fresh');
    expect(v.df[next]).toBe(0);
  });
});
