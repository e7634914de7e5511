// Clustering quality metrics (B-cubed, pairwise, NMI) comparing predicted stories with gold stories; pure.

/** Scores of a predicted clustering against gold labels. */
export interface ClusteringScores {
  /** Items present in both predicted and gold (the ones scored). */
  items: number;
  /** Gold items missing from the prediction (not scored). */
  missing: number;
  bcubedPrecision: number;
  bcubedRecall: number;
  bcubedF1: number;
  pairwisePrecision: number;
  pairwiseRecall: number;
  pairwiseF1: number;
  /** Normalized mutual information (arithmetic-mean normalization, as scikit-learn's default). */
  nmi: number;
  predictedClusters: number;
  goldClusters: number;
}

const f1 = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/**
 * Compares `predicted` (item → cluster) with `gold` (item → story) over the items both contain.
 * B-cubed is item-averaged (Bagga & Baldwin): for each item, precision = |pred ∩ gold| / |pred| of its clusters.
 */
export function scoreClustering(predicted: Map<string, string>, gold: Map<string, string>): ClusteringScores {
  const ids: string[] = [];
  let missing = 0;
  for (const id of gold.keys()) {
    if (predicted.has(id)) ids.push(id);
    else missing++;
  }
  const n = ids.length;
  const predSize = new Map<string, number>();
  const goldSize = new Map<string, number>();
  const joint = new Map<string, number>();
  for (const id of ids) {
    const p = predicted.get(id)!;
    const g = gold.get(id)!;
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
    goldSize.set(g, (goldSize.get(g) ?? 0) + 1);
    const k = `${p}\u0000${g}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  let bp = 0;
  let br = 0;
  for (const id of ids) {
    const p = predicted.get(id)!;
    const g = gold.get(id)!;
    const both = joint.get(`${p}\u0000${g}`)!;
    bp += both / predSize.get(p)!;
    br += both / goldSize.get(g)!;
  }
  bp = n ? bp / n : 0;
  br = n ? br / n : 0;
  const pairs = (m: Map<string, number>): number => {
    let s = 0;
    for (const c of m.values()) s += (c * (c - 1)) / 2;
    return s;
  };
  const tp = pairs(joint);
  const predPairs = pairs(predSize);
  const goldPairs = pairs(goldSize);
  const pp = predPairs ? tp / predPairs : 1;
  const pr = goldPairs ? tp / goldPairs : 1;
  // NMI = I(P;G) / ((H(P)+H(G))/2)
  let mi = 0;
  for (const [k, c] of joint) {
    const [p, g] = k.split('\u0000') as [string, string];
    mi += (c / n) * Math.log((c * n) / (predSize.get(p)! * goldSize.get(g)!));
  }
  const entropy = (m: Map<string, number>): number => {
    let h = 0;
    for (const c of m.values()) h -= (c / n) * Math.log(c / n);
    return h;
  };
  const hp = entropy(predSize);
  const hg = entropy(goldSize);
  const nmi = hp + hg > 0 ? (2 * mi) / (hp + hg) : 1;
  return {
    items: n,
    missing,
    bcubedPrecision: bp,
    bcubedRecall: br,
    bcubedF1: f1(bp, br),
    pairwisePrecision: pp,
    pairwiseRecall: pr,
    pairwiseF1: f1(pp, pr),
    nmi: Math.max(0, Math.min(1, nmi)),
    predictedClusters: predSize.size,
    goldClusters: goldSize.size,
  };
}

/** Pairs of items: how many the prediction and the gold put together, and how many both did. */
export interface PairScores {
  goldPairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Scores per language and across languages. */
export interface LanguageScores {
  /** Per language: its items clustered among themselves (B-cubed, pairwise), as if the others were absent. */
  languages: Record<string, ClusteringScores>;
  /** Pairs of items in two different languages, all together (`all`) and per language pair (`ar-en`, sorted). */
  crossLingual: { all: PairScores; pairs: Record<string, PairScores> };
}

function pairScores(goldPairs: number, predictedPairs: number, correctPairs: number): PairScores {
  // A pair set with nothing to find (or nothing found) is perfect on that side: no pair was missed (or wrong).
  const precision = predictedPairs > 0 ? correctPairs / predictedPairs : 1;
  const recall = goldPairs > 0 ? correctPairs / goldPairs : 1;
  return { goldPairs, predictedPairs, correctPairs, precision, recall, f1: f1(precision, recall) };
}

/**
 * Quality per language (`lang`: item → language) and for pairs of items in different languages: of the gold
 * pairs across two languages, how many the prediction put together (recall), and of the predicted ones, how
 * many are gold (precision). Items missing from either side or without a language are left out.
 */
export function scoreByLanguage(predicted: Map<string, string>, gold: Map<string, string>, lang: Map<string, string>): LanguageScores {
  const byLang = new Map<string, string[]>();
  for (const id of gold.keys()) {
    const l = lang.get(id);
    if (!l || !predicted.has(id)) continue;
    const ids = byLang.get(l) ?? [];
    byLang.set(l, ids);
    ids.push(id);
  }
  const languages: Record<string, ClusteringScores> = {};
  for (const [l, ids] of [...byLang].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    languages[l] = scoreClustering(new Map(ids.map((id) => [id, predicted.get(id)!])), new Map(ids.map((id) => [id, gold.get(id)!])));
  }
  // Per cluster, its items per language; a cross pair is counted once per (language, language) product.
  const count = (keyOf: (id: string) => string): Map<string, Map<string, number>> => {
    const out = new Map<string, Map<string, number>>();
    for (const [l, ids] of byLang) {
      for (const id of ids) {
        const k = keyOf(id);
        const per = out.get(k) ?? new Map<string, number>();
        out.set(k, per);
        per.set(l, (per.get(l) ?? 0) + 1);
      }
    }
    return out;
  };
  const crossPairs = (clusters: Map<string, Map<string, number>>): Map<string, number> => {
    const out = new Map<string, number>();
    for (const per of clusters.values()) {
      const ls = [...per.keys()].sort();
      for (let i = 0; i < ls.length; i++) {
        for (let j = i + 1; j < ls.length; j++) {
          const key = `${ls[i]}-${ls[j]}`;
          out.set(key, (out.get(key) ?? 0) + per.get(ls[i]!)! * per.get(ls[j]!)!);
        }
      }
    }
    return out;
  };
  const goldPairs = crossPairs(count((id) => gold.get(id)!));
  const predPairs = crossPairs(count((id) => predicted.get(id)!));
  const bothPairs = crossPairs(count((id) => `${predicted.get(id)!}\u0000${gold.get(id)!}`));
  const keys = [...new Set([...goldPairs.keys(), ...predPairs.keys()])].sort();
  const pairs: Record<string, PairScores> = {};
  let g = 0;
  let p = 0;
  let c = 0;
  for (const k of keys) {
    pairs[k] = pairScores(goldPairs.get(k) ?? 0, predPairs.get(k) ?? 0, bothPairs.get(k) ?? 0);
    g += pairs[k].goldPairs;
    p += pairs[k].predictedPairs;
    c += pairs[k].correctPairs;
  }
  return { languages, crossLingual: { all: pairScores(g, p, c), pairs } };
}
