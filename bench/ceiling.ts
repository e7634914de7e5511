// How far lexical grouping can go on a labelled set: the engine against offline clustering with a hindsight threshold.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GroupInput } from '../lib/group/engine.ts';
import { analyze, NameEvidence, spaceOfKey } from '../lib/group/features.ts';
import { scoreClustering } from '../lib/group/metrics.ts';
import { DEFAULT_GROUPING_CONFIG, idf } from '../lib/group/scoring.ts';
import { groupWithDefaults, loadDataset } from '../test/support/datasets.ts';

/*
 * The online engine sees each item once, in order, and must decide with a fixed threshold. The offline
 * reference here sees every item at once, clusters them by average linkage (each pair of clusters compared
 * by the mean similarity of their items) and is scored at the threshold that suits the gold labels best, in
 * hindsight. That is an upper bound for the engine's features and similarity, not a system one could run: if
 * even it stays under a target, the target needs other evidence than the words of the headlines.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A similarity between two items' weighted feature vectors. */
type Similarity = 'cosine' | 'dice';

interface Variant {
  name: string;
  /** Which feature keys count. */
  keep: (key: string) => boolean;
  similarity: Similarity;
}

const WITHIN_LANGUAGE = (key: string): boolean => spaceOfKey(key) !== 2;
const VARIANTS: Variant[] = [
  { name: "engine's features (stems, names, countries, numbers), cosine", keep: WITHIN_LANGUAGE, similarity: 'cosine' },
  { name: "engine's features, weighted Dice", keep: WITHIN_LANGUAGE, similarity: 'dice' },
  { name: 'with 5-letter prefixes (~ keys) in the language too, cosine', keep: (k) => WITHIN_LANGUAGE(k) || k.startsWith('~'), similarity: 'cosine' },
  { name: 'with 5-letter prefixes and English pivot terms, cosine', keep: (k) => !k.startsWith('&'), similarity: 'cosine' },
];

/** TF-IDF vectors (feature weight × the engine's IDF over the whole set) of the kept features. */
function vectors(items: GroupInput[], keep: (key: string) => boolean): Map<string, number>[] {
  const names = new NameEvidence();
  const raw = items.map((it) => {
    const out = new Map<string, number>();
    for (const [key, info] of analyze(it, DEFAULT_GROUPING_CONFIG, names).features) if (keep(key)) out.set(key, info.weight);
    return out;
  });
  const df = new Map<string, number>();
  for (const v of raw) for (const key of v.keys()) df.set(key, (df.get(key) ?? 0) + 1);
  return raw.map((v) => new Map([...v].map(([key, w]) => [key, w * idf(df.get(key)!, items.length, DEFAULT_GROUPING_CONFIG.idfPrior)])));
}

/** The full item × item similarity matrix. */
function similarities(vs: Map<string, number>[], kind: Similarity): Float64Array {
  const n = vs.length;
  const norm = vs.map((v) => Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)));
  const mass = vs.map((v) => [...v.values()].reduce((a, x) => a + x, 0));
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const [small, large] = vs[i]!.size <= vs[j]!.size ? [vs[i]!, vs[j]!] : [vs[j]!, vs[i]!];
      let dot = 0;
      let shared = 0;
      for (const [key, a] of small) {
        const b = large.get(key);
        if (b === undefined) continue;
        dot += a * b;
        shared += Math.min(a, b);
      }
      const s = kind === 'cosine' ? (norm[i]! > 0 && norm[j]! > 0 ? dot / (norm[i]! * norm[j]!) : 0) : mass[i]! + mass[j]! > 0 ? (2 * shared) / (mass[i]! + mass[j]!) : 0;
      sim[i * n + j] = sim[j * n + i] = s;
    }
  }
  return sim;
}

/**
 * Average-linkage agglomeration down to one cluster: the merges in order, each with the mean item similarity
 * of the two clusters it joined (non-increasing, so cutting at a threshold is keeping a prefix).
 */
function averageLinkage(sim: Float64Array, n: number): { a: number; b: number; at: number }[] {
  const s = Float64Array.from(sim);
  const size = new Float64Array(n).fill(1);
  const alive = new Uint8Array(n).fill(1);
  const merges: { a: number; b: number; at: number }[] = [];
  for (let step = 0; step < n - 1; step++) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (alive[j] && s[i * n + j]! > best) {
          best = s[i * n + j]!;
          bi = i;
          bj = j;
        }
      }
    }
    merges.push({ a: bi, b: bj, at: best });
    // Lance–Williams update for average linkage: the merged cluster's mean similarity to every other one.
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === bi || k === bj) continue;
      const v = (size[bi]! * s[bi * n + k]! + size[bj]! * s[bj * n + k]!) / (size[bi]! + size[bj]!);
      s[bi * n + k] = s[k * n + bi] = v;
    }
    size[bi]! += size[bj]!;
    alive[bj] = 0;
  }
  return merges;
}

/** The clustering left by the merges at or above `threshold`, as item id → cluster id. */
function cut(ids: string[], merges: { a: number; b: number; at: number }[], threshold: number): Map<string, string> {
  const parent = ids.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  for (const m of merges) {
    if (m.at < threshold) break;
    parent[find(m.b)] = find(m.a);
  }
  return new Map(ids.map((id, i) => [id, `c${find(i)}`]));
}

/** How many items share no feature at all with any other item of their gold story: no lexical method joins them. */
function isolatedItems(items: GroupInput[], gold: Map<string, string>, vs: Map<string, number>[]): number {
  const byGold = new Map<string, number[]>();
  items.forEach((it, i) => {
    const story = gold.get(it.id)!;
    const members = byGold.get(story);
    if (members) members.push(i);
    else byGold.set(story, [i]);
  });
  const sharesWith = (i: number, j: number): boolean => [...vs[i]!.keys()].some((k) => vs[j]!.has(k));
  return items.filter((it, i) => {
    const mates = byGold.get(gold.get(it.id)!)!.filter((j) => j !== i);
    return mates.length > 0 && !mates.some((j) => sharesWith(i, j));
  }).length;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs the comparison on the French Google News dev set (and the mixed fixture); returns the figures. */
export async function benchCeiling(): Promise<Record<string, unknown>> {
  const sets = [
    { name: 'french-googlenews-dev', dir: resolve(repoRoot, '../shared/datasets/french-googlenews-dev') },
    { name: 'mixed fixture', dir: resolve(repoRoot, 'test/fixtures/grouping/mixed') },
  ].filter((s) => existsSync(resolve(s.dir, 'items.jsonl')));
  const out: Record<string, unknown> = {};
  for (const set of sets) {
    const { items, gold } = loadDataset(set.dir);
    const ids = items.map((it) => it.id);
    const engine = scoreClustering(groupWithDefaults(items), gold);
    // One analysis per feature selection (VARIANTS share WITHIN_LANGUAGE with the isolation count).
    const analysed = new Map<Variant['keep'], Map<string, number>[]>();
    const vectorsFor = (keep: Variant['keep']): Map<string, number>[] => {
      let vs = analysed.get(keep);
      if (!vs) analysed.set(keep, (vs = vectors(items, keep)));
      return vs;
    };
    const isolated = isolatedItems(items, gold, vectorsFor(WITHIN_LANGUAGE));
    const row: Record<string, unknown> = { items: items.length, itemsSharingNothingWithTheirStory: isolated, engine: { precision: round(engine.bcubedPrecision), recall: round(engine.bcubedRecall), f1: round(engine.bcubedF1) } };
    for (const v of VARIANTS) {
      const merges = averageLinkage(similarities(vectorsFor(v.keep), v.similarity), items.length);
      let best = { f1: -1, precision: 0, recall: 0, threshold: 0 };
      for (let t = 0.02; t < 0.9; t += 0.01) {
        const r = scoreClustering(cut(ids, merges, t), gold);
        if (r.bcubedF1 > best.f1) best = { f1: r.bcubedF1, precision: r.bcubedPrecision, recall: r.bcubedRecall, threshold: t };
      }
      row[`offline, hindsight threshold: ${v.name}`] = { precision: round(best.precision), recall: round(best.recall), f1: round(best.f1), threshold: round(best.threshold) };
      console.error(`   ${set.name}: ${v.name}: B³ F1 ${round(best.f1)} at ${round(best.threshold)} (engine ${round(engine.bcubedF1)})`);
    }
    out[set.name] = row;
  }
  return out;
}
