// What makes items one story: the grouping engine's settings and scoring rules, as plain functions.
import type { TextOptions } from './features.ts';

/*
 * An item is a sparse vector of weighted features (features.ts), each weighted by its IDF when the item arrives:
 * value = weight × ln(1 + (documents + prior) / df). A story is the sum of its live members' vectors. An item
 * joins the story whose sum it is most similar to (cosine × a size factor, relative to the threshold of the
 * space it was compared in) when that score reaches the threshold, else it founds a story. Two spaces: an item
 * and a story all in the same language are compared on what that language writes (stems, names, countries,
 * numbers); otherwise on what every language shares (names, countries, numbers, English pivot terms,
 * skeletons, cognates), and when the story has no member in the item's language only with evidence of one
 * event (a shared name or number and a shared term, or two terms and a country). A second pass merges
 * stories whose most characteristic features overlap, under the same rules, and only when they also overlap
 * on event words (not only on names and countries); pairs that come near are kept as merge suggestions.
 */

/** Tunables of the engine (text weights as in TextOptions). The CLI and the pipeline use the defaults. */
export interface GroupingConfig extends Required<TextOptions> {
  /** An item joins a story only within this many hours of the story's latest item. */
  windowHours: number;
  /** Minimum score for an item to join a story of its own language rather than found a new one. */
  threshold: number;
  /**
   * Minimum score, compared in the language-neutral space, for an item to join a story with members in other
   * languages than its own.
   */
  crossThreshold: number;
  /** Added to a story's size in feature shares (merge checks, headline): small stories' shares count less. */
  smoothing: number;
  /** Features held by more active stories than this only rescore candidates found through rarer ones. */
  maxPostings: number;
  /** How many of the best candidates by rare features alone are scored with the common features too. */
  candidateLimit: number;
  /** Second, agglomerative pass: merge young similar stories when they grow (never locked/edited ones). */
  autoMerge: boolean;
  /** Minimum story–story similarity for an automatic merge of stories with a language in common. */
  mergeThreshold: number;
  /**
   * Share of the merge threshold that the overlap of two stories' event words alone (stems, pivot terms,
   * cognates: not names, countries or numbers) must reach for an automatic merge: two stories about one person
   * or one country (Macron's pension reform, Macron's Mali withdrawal) share the names, not the event.
   */
  eventShare: number;
  /** Minimum similarity, in the language-neutral space, for an automatic merge of stories with no language in common. */
  crossMergeThreshold: number;
  /**
   * Pairs of stories scored at or above this share of their threshold and not merged are kept as merge
   * suggestions for the desk.
   */
  suggestRatio: number;
  /** A story is checked for merging each time it grows by this factor (3, 6, 12, … for 2). */
  mergeCheckGrowth: number;
  /** One-item stories are re-scored against the others after this many more items. */
  recheckAfter: number;
  /** Document frequencies are halved every this many items, bounding memory and following vocabulary drift. */
  idfHalfLife: number;
  /** Background documents assumed in IDF (cold-start smoothing). */
  idfPrior: number;
  /** Scores are multiplied by min(size, sizeDecayCap)^sizeDecay: big centroids have long tails. */
  sizeDecay: number;
  /** Story size beyond which the size factor stops growing. */
  sizeDecayCap: number;
}

/** Defaults used by the CLI and the ingest pipeline. */
export const DEFAULT_GROUPING_CONFIG: GroupingConfig = {
  windowHours: 72,
  threshold: 0.3,
  crossThreshold: 0.3,
  smoothing: 1,
  titleWeight: 2,
  entityBoost: 1.5,
  countryBoost: 1.5,
  numberBoost: 1,
  maxSummaryTokens: 40,
  cognateWeight: 1,
  maxPostings: 50,
  candidateLimit: 40,
  autoMerge: true,
  mergeThreshold: 0.22,
  crossMergeThreshold: 0.22,
  eventShare: 0.25,
  suggestRatio: 0.6,
  mergeCheckGrowth: 2,
  recheckAfter: 300,
  idfHalfLife: 50_000,
  idfPrior: 100,
  sizeDecay: 0.1,
  sizeDecayCap: 50,
  slugWeight: 1,
  pivotWeight: 1,
  skeletonWeight: 1,
};

/** Number of top features compared when two stories are checked for a merge. */
export const TOP_FEATURES = 16;
/** How many stories sharing the most top features get the full merge similarity. */
export const MERGE_SHORTLIST = 5;

/**
 * IDF with `prior` background documents: ln(1 + (docs + prior) / df). The prior keeps a cold start from treating
 * the words shared by its first few items (in every document so far) as worthless.
 */
export function idf(df: number, docs: number, prior: number): number {
  return Math.log(1 + (docs + prior) / (df > 0 ? df : 1));
}

/**
 * Cosine of an item with a story's summed vector from their dot products over the features that count within
 * one language only (`w0`, stems), everywhere (`w1`, names, countries, numbers) and only between languages
 * (`w2`, pivot terms, skeletons, cognates). Within one language (the story's live members all in the item's
 * language) the first two count, else the last two: a stem shared by two languages is a coincidence, and a
 * translation shared within one language would blur its stories. Norms are per space: the item's `norm`
 * (spaces 0 and 1) and `normN` (1 and 2), the story's squared `sumsq` and `sumsqN`.
 */
export function cosine(
  w0: number,
  w1: number,
  w2: number,
  item: { norm: number; normN: number },
  story: { sumsq: number; sumsqN: number },
  crossLanguage: boolean,
): number {
  if (crossLanguage) return story.sumsqN > 0 && item.normN > 0 ? (w1 + w2) / (item.normN * Math.sqrt(story.sumsqN)) : 0;
  return story.sumsq > 0 && item.norm > 0 ? (w0 + w1) / (item.norm * Math.sqrt(story.sumsq)) : 0;
}

/** Features two texts in different languages share, by what they say (features.ts `evidenceKindOfKey`). */
export interface Evidence {
  /** Names, skeletons and numbers, and pivot terms one side writes as a name (`=ishikawa` beside `@ishikawa`). */
  anchors: number;
  countries: number;
  /** Pivot terms and cognates: what happened. */
  terms: number;
}

/**
 * Whether texts with no language in common share enough to be one event: something that happened (a term)
 * and who or where (an anchor or a country), and more than one country and one word: the same name or number,
 * or two terms. Two earthquakes share terms and no anchor; two stories about one country share the country
 * and rarely an event term.
 */
export function enoughEvidence(e: Evidence): boolean {
  return e.terms >= 1 && (e.anchors >= 1 || (e.countries >= 1 && e.terms >= 2));
}

/**
 * The score is the cosine times min(n, cap)^decay for a story of n live members: a large summed vector has a
 * long tail that lowers every cosine, and the factor keeps one threshold valid for one-item and hundred-item
 * stories; capped so a long-running story does not become an ever stronger attractor. Returns the factor by
 * story size (a table: it is read for every candidate of every item).
 */
export function sizeFactors(config: Pick<GroupingConfig, 'sizeDecay' | 'sizeDecayCap'>): (live: number) => number {
  const { sizeDecay, sizeDecayCap } = config;
  const factor = (n: number): number => (sizeDecay > 0 ? Math.pow(Math.min(Math.max(n, 1), sizeDecayCap), sizeDecay) : 1);
  const last = Math.max(0, Math.floor(sizeDecayCap));
  const table = Array.from({ length: last + 1 }, (_, n) => factor(n));
  const beyond = factor(last + 1);
  return (live) => (live <= last ? table[live]! : beyond);
}

/** Whether an item at `time` may join a story active from `firstAt` to `lastAt`: within the window of its latest item, or inside its span. */
export function inWindow(time: number, firstAt: number, lastAt: number, windowMs: number): boolean {
  return Math.abs(time - lastAt) <= windowMs || (time < lastAt && time >= firstAt);
}

/**
 * Similarity of two stories for the second pass, over the union of their top features (`keys`, the first
 * story's first): Σ min(p_s, p_t)·idf / min(Σ p_s·idf, Σ p_t·idf), where p is the share of a story's members
 * holding the feature (counts over live size + smoothing).
 */
export function storyOverlap<K>(
  keys: readonly K[],
  countS: (key: K) => number,
  countT: (key: K) => number,
  sizeS: number,
  sizeT: number,
  idfOf: (key: K) => number,
): number {
  let inter = 0;
  let sumS = 0;
  let sumT = 0;
  for (const key of keys) {
    const weight = idfOf(key);
    const ps = countS(key) / sizeS;
    const pt = countT(key) / sizeT;
    inter += Math.min(ps, pt) * weight;
    sumS += ps * weight;
    sumT += pt * weight;
  }
  return sumS > 0 && sumT > 0 ? inter / Math.min(sumS, sumT) : 0;
}

/**
 * How well a member's title represents its story (the headline is the best): the IDF-weighted share of members
 * holding each title feature, slightly less for titles of under six features (very short ones say little).
 */
export function headlineScore(titleFeatures: { weight: number; idf: number; count: number }[], featureCount: number, storySize: number): number {
  let num = 0;
  let den = 0;
  for (const f of titleFeatures) {
    const a = f.weight * f.idf;
    den += a;
    num += (a * f.count) / storySize;
  }
  return den > 0 ? (num / den) * Math.min(1, featureCount / 6) : 0;
}

/**
 * The explanation of a join: the shared features with the largest contributions (the item's value times the
 * story's weight), strongest first (ties in the order offered), as up to 6 distinct readable words. The 8
 * strongest offers are kept, by insertion.
 */
export class Explanation {
  private readonly surfaces: string[] = [];
  private readonly contributions: number[] = [];

  clear(): void {
    this.surfaces.length = 0;
    this.contributions.length = 0;
  }

  offer(surface: string, contribution: number): void {
    const { surfaces, contributions } = this;
    const n = surfaces.length;
    if (n === 8 && contribution <= contributions[7]!) return;
    let i = n < 8 ? n : 7;
    while (i > 0 && contributions[i - 1]! < contribution) {
      surfaces[i] = surfaces[i - 1]!;
      contributions[i] = contributions[i - 1]!;
      i--;
    }
    surfaces[i] = surface;
    contributions[i] = contribution;
  }

  words(): string[] {
    const words: string[] = [];
    for (const surface of this.surfaces) {
      const lower = surface.toLowerCase();
      if (words.length < 6 && !words.some((w) => w.toLowerCase() === lower)) words.push(surface);
    }
    return words;
  }
}

/** Rounds a similarity for the assignment record (3 decimals). */
export function roundScore(x: number): number {
  return Math.round(x * 1000) / 1000;
}
