// "Possible same story": pairs of stories the engine nearly merged, kept with their evidence for the desk.

/** Evidence behind a suggestion, as readable words (surface forms, not stems or ids). */
export interface SuggestionEvidence {
  /** Names shared by both stories (people, places, organisations, countries), matched across scripts. */
  entities: string[];
  /** Content words shared as written (or as stems) in the same language. */
  terms: string[];
  /** Words that meet only through translation, as `source → pivot` (e.g. `retrait → withdrawal`). */
  translated: string[];
  /** Numbers and dates both stories mention. */
  numbers: string[];
}

/**
 * Two active stories the engine scored close to its merge threshold without merging them. The desk lists
 * them as "possible same story" with one-click merge and dismiss; a dismissed pair is never proposed again
 * and the engine keeps the two stories apart.
 */
export interface MergeSuggestion {
  /** The two story ids in ascending order: together they are the pair's identity. */
  a: string;
  b: string;
  /** Similarity of the two stories, on the scale of the engine's merge threshold. */
  score: number;
  /** The merge threshold the score was compared with, so the desk can show how near it came. */
  threshold: number;
  /** True when the two stories have no language in common. */
  crossLingual: boolean;
  /** Languages of each story's members. */
  languages: { a: string[]; b: string[] };
  evidence: SuggestionEvidence;
  /** When the engine last scored the pair (ISO 8601). */
  at: string;
}

/** A pair's identity, independent of the order its stories are given in. */
export function suggestionKey(x: string, y: string): { a: string; b: string } {
  return x < y ? { a: x, b: y } : { a: y, b: x };
}
