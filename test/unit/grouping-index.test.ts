// Tests of the grouping vocabulary: postings with O(1) removal, document frequencies and bounded decay.
import { describe, expect, it } from 'vitest';
import { Vocabulary, type Posting } from '../../lib/group/vocabulary.ts';

const entry = (slot: number): Posting => ({ slot, w: slot / 2, pi: -1 });

describe('Vocabulary', () => {
  it('keeps posting positions consistent through adds and swap-removals', () => {
    const v = new Vocabulary();
    const t = v.intern('mali');
    const [a, b, c] = [entry(0), entry(1), entry(2)];
    v.index(t, a);
    v.index(t, b);
    v.index(t, c);
    v.index(t, b); // already indexed: no duplicate
    expect(t.postings.map((p) => p.slot)).toEqual([0, 1, 2]);
    v.unindex(t, a);
    expect(t.postings.map((p) => p.slot).sort()).toEqual([1, 2]);
    t.postings.forEach((p, i) => expect(p.pi).toBe(i));
    expect(a.pi).toBe(-1);
    v.unindex(t, a); // not indexed any more: no-op
    expect(v.indexedSize).toBe(1);
    v.unindex(t, b);
    v.unindex(t, c);
    expect(t.postings).toEqual([]);
    expect(v.indexedSize).toBe(0);
  });

  it('halves document frequencies and forgets rare terms no story holds', () => {
    const v = new Vocabulary();
    v.docs = 10;
    const rare = v.intern('rare');
    rare.df = 1;
    const held = v.intern('held');
    held.df = 1;
    held.held = 1;
    const common = v.intern('common');
    common.df = 10;
    v.decay();
    expect(v.docs).toBe(5);
    expect(v.get('rare')).toBeUndefined();
    expect(v.get('held')).toBe(held);
    expect(held.df).toBe(0.5);
    expect(common.df).toBe(5);
    expect(v.size).toBe(2);
    // A forgotten key comes back as a new term, from df 0.
    const again = v.intern('rare');
    expect(again).not.toBe(rare);
    expect(again.df).toBe(0);
    expect(v.intern('~reces').space).toBe(2);
    expect(v.intern('=earthquake').space).toBe(2);
    expect(v.intern('^JP').space).toBe(1);
    expect(v.intern('seism').space).toBe(0);
  });
});
