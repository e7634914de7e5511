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
