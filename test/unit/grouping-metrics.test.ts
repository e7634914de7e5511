// Tests of the clustering metrics (B-cubed, pairwise, NMI) on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { scoreClustering } from '../../lib/group/metrics.ts';

const m = (pairs: [string, string][]): Map<string, string> => new Map(pairs);

describe('scoreClustering', () => {
  it('scores a perfect clustering 1 whatever the cluster names', () => {
    const gold = m([['a', 'x'], ['b', 'x'], ['c', 'y']]);
    const r = scoreClustering(m([['a', '1'], ['b', '1'], ['c', '2']]), gold);
    expect(r).toMatchObject({ bcubedF1: 1, pairwiseF1: 1, predictedClusters: 2, goldClusters: 2, items: 3, missing: 0 });
    expect(r.nmi).toBeCloseTo(1, 10);
  });

  it('computes B-cubed and pairwise scores of a known case', () => {
    // gold: {a,b,c} {d}; predicted: {a,b} {c,d}
    const gold = m([['a', 'x'], ['b', 'x'], ['c', 'x'], ['d', 'y']]);
    const r = scoreClustering(m([['a', '1'], ['b', '1'], ['c', '2'], ['d', '2']]), gold);
    // precision per item: a 1, b 1, c 1/2, d 1/2 → 0.75; recall: a 2/3, b 2/3, c 1/3, d 1 → 2/3
    expect(r.bcubedPrecision).toBeCloseTo(0.75, 10);
    expect(r.bcubedRecall).toBeCloseTo(2 / 3, 10);
    expect(r.bcubedF1).toBeCloseTo((2 * 0.75 * (2 / 3)) / (0.75 + 2 / 3), 10);
    // pairs: predicted {ab, cd}, gold {ab, ac, bc}; shared {ab}
    expect(r.pairwisePrecision).toBeCloseTo(0.5, 10);
    expect(r.pairwiseRecall).toBeCloseTo(1 / 3, 10);
    expect(r.nmi).toBeGreaterThan(0);
    expect(r.nmi).toBeLessThan(1);
  });

  it('gives NMI 0 to one all-in cluster and counts gold items missing from the prediction', () => {
    const gold = m([['a', 'x'], ['b', 'y'], ['c', 'z']]);
    const r = scoreClustering(m([['a', '1'], ['b', '1']]), gold);
    expect(r.missing).toBe(1);
    expect(r.items).toBe(2);
    expect(r.nmi).toBe(0);
    expect(r.bcubedRecall).toBe(1);
    expect(r.bcubedPrecision).toBe(0.5);
  });
});
