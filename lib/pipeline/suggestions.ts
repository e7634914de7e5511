// The grouping writer's side of "possible same story": the engine's suggestions into the table, editors' dismissals into the engine.
import { suggestionKey, type MergeSuggestion } from '../group/suggestions.ts';
import type { Logger } from '../log.ts';
import type { DismissedPair, StoredSuggestion, SuggestionStore } from '../store/suggestions.ts';
import type { Story } from '../types.ts';

/**
 * What the group stage needs from an engine that keeps merge suggestions. Engines without it group as before and
 * the desk lists no suggestions.
 */
export interface SuggestingGrouper {
  /**
   * The pairs of active stories the engine holds that it scored near its merge threshold without merging them,
   * with their evidence. Complete: a stored suggestion missing from the list is withdrawn from the desk.
   */
  suggestions(): MergeSuggestion[];
  /**
   * Editor constraint: never merge these two stories automatically and never suggest them again, following later
   * merges of either. Ids the engine does not hold (yet) are kept as given, as `forbid` keeps item ids.
   */
  keepApart(a: string, b: string): void;
}

/** The engine as a {@link SuggestingGrouper}, when it is one. */
export function suggestingGrouper(grouper: object): SuggestingGrouper | undefined {
  const g = grouper as Partial<SuggestingGrouper>;
  return typeof g.suggestions === 'function' && typeof g.keepApart === 'function' ? (g as SuggestingGrouper) : undefined;
}

/** What the writer knows of the stored pairs, kept with the warm engine state. */
export interface SuggestionMemo {
  /** Live suggestions as stored, by pair key; undefined until read from the table (cold start, or after an error). */
  stored?: Map<string, StoredSuggestion>;
  /** Dismissed pairs handed to the engine, by pair key. */
  dismissed: Map<string, DismissedPair>;
  /** Newest dismissal time read so far; later reads start a little before it. */
  dismissedUpTo?: string;
}

/** Most suggestions kept (closest to the threshold first): the desk shows a handful, writes stay bounded. */
export const MAX_SUGGESTIONS = 200;

/** A score moving less than this is not worth a rewrite. */
export const SCORE_STEP = 0.02;

/** Dismissals by desks whose clocks run behind ours still get read: reads start this long before the newest seen. */
const CLOCK_OVERLAP_MS = 60_000;

const pairId = (a: string, b: string) => `${a}#${b}`;

/** A fresh memo (a cold engine reads every dismissal and the stored suggestions). */
export const newSuggestionMemo = (): SuggestionMemo => ({ dismissed: new Map() });

/**
 * Hands the engine the pairs editors dismissed: all of them on a cold engine, then only those dismissed since the
 * last call. Returns how many were new.
 */
export async function applyDismissals(store: Pick<SuggestionStore, 'listDismissed'>, grouper: SuggestingGrouper, memo: SuggestionMemo): Promise<number> {
  const since = memo.dismissedUpTo ? new Date(Date.parse(memo.dismissedUpTo) - CLOCK_OVERLAP_MS).toISOString() : undefined;
  let fresh = 0;
  for (const d of await store.listDismissed({ since })) {
    if (!memo.dismissedUpTo || d.dismissedAt > memo.dismissedUpTo) memo.dismissedUpTo = d.dismissedAt;
    const id = pairId(d.a, d.b);
    if (memo.dismissed.has(id)) continue;
    memo.dismissed.set(id, d);
    // Its record is a dismissal now: nothing for the sync to rewrite or withdraw.
    memo.stored?.delete(id);
    grouper.keepApart(d.a, d.b);
    fresh++;
  }
  return fresh;
}

const sameSet = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v) => y.includes(v));

/** True when a suggestion differs from the stored one in what the desk shows: score (beyond a step), threshold, languages, evidence. */
export function changedMaterially(stored: MergeSuggestion, next: MergeSuggestion): boolean {
  const e = stored.evidence;
  const f = next.evidence;
  return (
    Math.abs(stored.score - next.score) >= SCORE_STEP ||
    stored.threshold !== next.threshold ||
    stored.crossLingual !== next.crossLingual ||
    !sameSet(stored.languages.a, next.languages.a) ||
    !sameSet(stored.languages.b, next.languages.b) ||
    !sameSet(e.entities, f.entities) ||
    !sameSet(e.terms, f.terms) ||
    !sameSet(e.translated, f.translated) ||
    !sameSet(e.numbers, f.numbers)
  );
}

/** True once `at` is past the middle of a record's lifetime: renewing then keeps it alive at one write per half-life. */
export const pastHalfLife = (keptFrom: string, keepUntil: string, at: string): boolean =>
  Date.parse(at) > (Date.parse(keptFrom) + Date.parse(keepUntil)) / 2;

/** The engine's suggestions as they should be stored: ids in order, one per pair, no dismissed pair, the closest first. */
export function suggestionsToStore(suggestions: readonly MergeSuggestion[], dismissed: ReadonlyMap<string, unknown>): MergeSuggestion[] {
  const best = new Map<string, MergeSuggestion>();
  for (const s of suggestions) {
    if (s.a === s.b) continue;
    const { a, b } = suggestionKey(s.a, s.b);
    const id = pairId(a, b);
    if (dismissed.has(id)) continue;
    const swapped = a !== s.a;
    const pair: MergeSuggestion = swapped ? { ...s, a, b, languages: { a: s.languages.b, b: s.languages.a } } : s;
    const prev = best.get(id);
    if (!prev || pair.score > prev.score) best.set(id, pair);
  }
  return [...best.values()]
    .sort((x, y) => y.score / y.threshold - x.score / x.threshold || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1))
    .slice(0, MAX_SUGGESTIONS);
}

/** What the grouping writer uses of the suggestion store. */
export type SuggestionWriter = Pick<SuggestionStore, 'listSuggestions' | 'putSuggestion' | 'removeSuggestion' | 'listDismissed' | 'renewDismissal'>;

/** What one sync wrote. */
export interface SuggestionSyncOutcome {
  /** Suggestions written (new, changed materially, or renewed before expiry). */
  written: number;
  /** Stored suggestions withdrawn (merged, expired, no longer suggested) or found dismissed. */
  removed: number;
  /** Dismissals whose lifetime was extended because their stories are still active. */
  renewed: number;
}

/**
 * Makes the stored suggestions match the engine's current ones, writing only what changed materially, and keeps
 * the dismissals of stories that are still active from expiring. `stories` are the stored stories the writer
 * knows (their newest item times). Called once per grouping pass.
 */
export async function syncSuggestions(
  store: SuggestionWriter,
  suggestions: readonly MergeSuggestion[],
  memo: SuggestionMemo,
  stories: ReadonlyMap<string, Story>,
  log: Logger,
): Promise<SuggestionSyncOutcome> {
  const out: SuggestionSyncOutcome = { written: 0, removed: 0, renewed: 0 };
  const stored = (memo.stored ??= new Map((await store.listSuggestions()).map((s) => [pairId(s.a, s.b), s])));
  const wanted = suggestionsToStore(suggestions, memo.dismissed);
  const keep = new Set<string>();
  for (const s of wanted) {
    const id = pairId(s.a, s.b);
    const prev = stored.get(id);
    keep.add(id);
    if (prev && !changedMaterially(prev, s) && !pastHalfLife(prev.at, prev.keepUntil, s.at)) continue;
    const written = await store.putSuggestion(s);
    if (written) {
      stored.set(id, written);
      out.written++;
    } else {
      // Dismissed by an editor after this engine last read the dismissals: the next pass hands it to the engine.
      stored.delete(id);
      keep.delete(id);
    }
  }
  for (const [id, s] of stored) {
    if (keep.has(id)) continue;
    await store.removeSuggestion(s.a, s.b);
    stored.delete(id);
    out.removed++;
  }
  for (const [id, d] of memo.dismissed) {
    const a = stories.get(d.a);
    const b = stories.get(d.b);
    // Only pairs whose stories both still live matter: the others expire with their stories.
    if (!a || !b || a.mergedInto || b.mergedInto) continue;
    const active = a.lastItemAt > b.lastItemAt ? a.lastItemAt : b.lastItemAt;
    if (!pastHalfLife(d.keptFrom, d.keepUntil, active)) continue;
    const renewed = await store.renewDismissal(d.a, d.b, active);
    if (renewed) memo.dismissed.set(id, { ...d, ...renewed });
    out.renewed++;
  }
  if (out.written || out.removed || out.renewed) log.info('merge suggestions synced', { ...out, suggestions: stored.size });
  return out;
}
