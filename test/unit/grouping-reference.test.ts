// Property tests: the grouping engine and its plain reference model give identical results on random streams.
import { afterAll, describe, expect, it } from 'vitest';
import { runStream } from '../support/grouping-streams.ts';

/*
 * Each run drives the engine and the reference model (test/support/reference-grouper.ts) with the same random
 * stream of items and editor operations, under small windows, IDF half-lives and posting limits, so decay,
 * retirement, eviction, recycled ids, candidate cuts and merges all happen many times; after every operation
 * the two must return the same thing, and every few operations their whole visible state must agree.
 * GROUPING_PROPERTY_RUNS=500 runs more streams; GROUPING_PROPERTY_SEED=n replays one.
 */
const RUNS = Number(process.env.GROUPING_PROPERTY_RUNS ?? 24);
const FIRST_SEED = Number(process.env.GROUPING_PROPERTY_SEED ?? 1);
const STEPS = Number(process.env.GROUPING_PROPERTY_STEPS ?? 700);

describe('grouping engine = reference model on random streams', () => {
  const total: Record<string, number> = {};
  for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
    it(`stream ${seed}`, () => {
      const { operations, events } = runStream(seed, STEPS, (a, b, what) => expect(a, what).toEqual(b));
      expect(operations.add).toBeGreaterThan(STEPS / 2);
      for (const [k, v] of Object.entries({ ...operations, ...events })) total[k] = (total[k] ?? 0) + v;
    });
  }

  // The streams must exercise every rule whose bookkeeping the engine optimizes, or equality would prove little.
  afterAll(() => {
    if (RUNS < 8) return;
    for (const rule of ['decays', 'forgottenTerms', 'forgottenWords', 'retired', 'evicted', 'candidateCuts', 'autoMerges', 'recheckMerges', 'pairMerges', 'suggested']) {
      expect(total[rule], rule).toBeGreaterThan(0);
    }
    for (const op of ['move', 'remove', 'merge', 'split', 'lock', 'forbid', 'label', 'restore', 'drain', 'state', 'keepApart', 'suggestions']) {
      expect(total[op], op).toBeGreaterThan(0);
    }
  });
});
