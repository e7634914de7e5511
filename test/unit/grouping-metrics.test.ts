// Tests of the clustering metrics (B-cubed, pairwise, NMI) on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { scoreByLanguage, scoreClustering } from '../../lib/group/metrics.ts';

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

describe('scoreByLanguage', () => {
  it('counts cross-lingual pairs per language pair, hand-computed', () => {
    // Gold: one story told in fr (a, b), en (c) and ar (d); another in en (e) and ar (f).
    const gold = m([['a', 'x'], ['b', 'x'], ['c', 'x'], ['d', 'x'], ['e', 'y'], ['f', 'y']]);
    const lang = m([['a', 'fr'], ['b', 'fr'], ['c', 'en'], ['d', 'ar'], ['e', 'en'], ['f', 'ar']]);
    // Predicted: the Arabic d is alone, and f wrongly joined the first story.
    const pred = m([['a', '1'], ['b', '1'], ['c', '1'], ['d', '2'], ['e', '3'], ['f', '1']]);
    const r = scoreByLanguage(pred, gold, lang);
    // en-fr: gold a-c, b-c (2), predicted the same 2. ar-fr: gold a-d, b-d; predicted a-f, b-f (0 right).
    expect(r.crossLingual.pairs['en-fr']).toMatchObject({ goldPairs: 2, predictedPairs: 2, correctPairs: 2, precision: 1, recall: 1 });
    expect(r.crossLingual.pairs['ar-fr']).toMatchObject({ goldPairs: 2, predictedPairs: 2, correctPairs: 0, precision: 0, recall: 0 });
    // ar-en: gold c-d, e-f; predicted c-f.
    expect(r.crossLingual.pairs['ar-en']).toMatchObject({ goldPairs: 2, predictedPairs: 1, correctPairs: 0 });
    expect(r.crossLingual.all).toMatchObject({ goldPairs: 6, predictedPairs: 5, correctPairs: 2 });
    expect(r.crossLingual.all.precision).toBeCloseTo(2 / 5, 10);
    expect(r.crossLingual.all.recall).toBeCloseTo(2 / 6, 10);
    // Within French both items are together, as in the gold.
    expect(r.languages.fr).toMatchObject({ items: 2, bcubedF1: 1 });
    // Within Arabic d and f are apart in both.
    expect(r.languages.ar).toMatchObject({ items: 2, bcubedF1: 1 });
  });

  it('leaves out items without a language and treats an empty pair set as nothing missed', () => {
    const r = scoreByLanguage(m([['a', '1'], ['b', '2']]), m([['a', 'x'], ['b', 'y']]), m([['a', 'fr']]));
    expect(Object.keys(r.languages)).toEqual(['fr']);
    expect(r.crossLingual.all).toMatchObject({ goldPairs: 0, predictedPairs: 0, precision: 1, recall: 1 });
  });
});
