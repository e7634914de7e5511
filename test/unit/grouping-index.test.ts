// Tests of the grouping vocabulary: document frequencies, O(1) posting removal and bounded decay.
import { describe, expect, it } from 'vitest';
import { Vocabulary, type PostingEntry } from '../../lib/group/index.ts';

const entry = (slot: number): PostingEntry => ({ slot, pi: -1 });

describe('Vocabulary', () => {
  it('keeps posting positions consistent through adds and swap-removals', () => {
    const v = new Vocabulary<PostingEntry>();
    const t = v.intern('mali');
    const [a, b, c] = [entry(0), entry(1), entry(2)];
    v.add(t, a);
    v.add(t, b);
    v.add(t, c);
    v.add(t, b); // already indexed: no duplicate
    expect(t.postings.map((e) => e.slot)).toEqual([0, 1, 2]);
    v.remove(t, a);
    expect(t.postings.map((e) => e.slot).sort()).toEqual([1, 2]);
    t.postings.forEach((e, i) => expect(e.pi).toBe(i));
    expect(a.pi).toBe(-1);
    v.remove(t, a); // not indexed any more: no-op
    expect(v.indexedSize).toBe(1);
    v.remove(t, b);
    v.remove(t, c);
    expect(t.postings).toHaveLength(0);
    expect(v.indexedSize).toBe(0);
  });

  it('halves document frequencies and forgets rare terms no story holds, marking them dead', () => {
    const v = new Vocabulary<PostingEntry>();
    const rare = v.intern('rare');
    rare.df = 1;
    const held = v.intern('held');
    held.df = 1;
    v.add(held, entry(0));
    const common = v.intern('common');
    common.df = 10;
    v.decay();
    expect(rare.dead).toBe(true);
    expect(v.get('rare')).toBeUndefined();
    expect(v.get('held')).toBe(held);
    expect(held.df).toBe(0.5);
    expect(common.df).toBe(5);
    expect(v.intern('rare')).not.toBe(rare);
  });
});
