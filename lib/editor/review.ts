// The editors' review queue: new, changed-since-review and suspicious stories, widest coverage first, possible same stories, filters.
import pLimit from 'p-limit';
import { ValidationError } from '../errors.ts';
import type { ItemStore, OutletStore, StoryFailure, StoryFailureStore, StoryStore, SuggestionStore } from '../store/store.ts';
import type { Membership, Story, StoryStatus } from '../types.ts';
import { loadSuggestions, type SuggestionEntry } from './suggestions.ts';

/** Why a story is in the queue. */
export type ReviewReason = 'new' | 'changed' | 'low-cohesion' | 'large' | 'single-outlet' | 'write-failed';

/** Thresholds of the suspicious-story checks. */
export interface ReviewOptions {
  /** Mean engine membership score below which a story looks loosely grouped. */
  minCohesion: number;
  /** More items than this looks like several stories glued together. */
  maxItems: number;
  /** How many of the most recently updated stories are considered. */
  scanLimit: number;
}

/** Defaults: the engine joins at 0.3, so a mean under 0.4 means most members barely made it. */
export const DEFAULT_REVIEW_OPTIONS: ReviewOptions = { minCohesion: 0.4, maxItems: 40, scanLimit: 500 };

/** One queue row. */
export interface ReviewEntry {
  story: Story;
  reasons: ReviewReason[];
  /** Mean score of engine-placed members (founders and editor placements excluded); absent when none. */
  cohesion?: number;
  /** Languages of the story's items (of its shown items for a runaway story), most frequent first. */
  languages: string[];
}

/** The queue, the pairs the engine found possibly the same story, and the stories the grouping writer could not write. */
export interface ReviewQueue {
  entries: ReviewEntry[];
  suggestions: SuggestionEntry[];
  failures: StoryFailure[];
  /** Every language of the unfiltered queue and suggestions, for a language picker. */
  languages: string[];
}

/** Kinds of queue rows: stories to review, and pairs of stories that may be one. */
export const QUEUE_KINDS = ['story', 'possible-same-story'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

const STATUSES: readonly StoryStatus[] = ['auto', 'approved', 'unpublished'];

/**
 * Filters of the queue (`GET /review?…`, the `/editor` page). Story filters keep a story that matches all of them;
 * a suggestion is kept when either of its stories does.
 */
export interface QueueFilters {
  /** Only stories, or only possible same stories. */
  kind?: QueueKind;
  /** Story status, any of. */
  status?: StoryStatus[];
  /** Stories covered by one outlet only (lone items included): the ones coverage never publishes. */
  singleOutlet?: boolean;
  /** Stories whose cohesion is under `minCohesion`. */
  lowCohesion?: boolean;
  /** Stories with an item in any of these languages (BCP 47 primary subtags). */
  language?: string[];
}

/** Names of the filter parameters, as in the query string. */
export const FILTER_PARAMS = ['kind', 'status', 'single-outlet', 'low-cohesion', 'language'] as const;

/**
 * Parses the filter parameters of a query string; lists may repeat the parameter or separate values with commas.
 * @throws ValidationError for an unknown value
 */
export function parseQueueFilters(query: URLSearchParams | Record<string, string | string[] | undefined>): QueueFilters {
  const all = (name: string): string[] => {
    const raw = query instanceof URLSearchParams ? query.getAll(name) : ([] as string[]).concat(query[name] ?? []);
    return raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  };
  const errors: string[] = [];
  const out: QueueFilters = {};
  const kind = all('kind');
  if (kind.length > 1 || (kind[0] !== undefined && !(QUEUE_KINDS as readonly string[]).includes(kind[0]))) {
    errors.push(`kind: one of ${QUEUE_KINDS.join(', ')}`);
  } else if (kind[0]) out.kind = kind[0] as QueueKind;
  const status = all('status');
  const badStatus = status.filter((v) => !(STATUSES as readonly string[]).includes(v));
  if (badStatus.length) errors.push(`status: ${badStatus.join(', ')} is not one of ${STATUSES.join(', ')}`);
  else if (status.length) out.status = [...new Set(status)] as StoryStatus[];
  const flag = (name: string): boolean | undefined => {
    const v = all(name);
    if (v.length === 0) return undefined;
    if (v.length === 1 && ['true', '1', 'yes', 'on'].includes(v[0]!)) return true;
    if (v.length === 1 && ['false', '0', 'no', 'off'].includes(v[0]!)) return undefined;
    errors.push(`${name}: true or false`);
    return undefined;
  };
  if (flag('single-outlet')) out.singleOutlet = true;
  if (flag('low-cohesion')) out.lowCohesion = true;
  const language = all('language').map((v) => v.toLowerCase());
  const badLanguage = language.filter((v) => !/^[a-z]{2,3}$/.test(v));
  if (badLanguage.length) errors.push(`language: ${badLanguage.join(', ')} is not a language subtag such as fr or ar`);
  else if (language.length) out.language = [...new Set(language)];
  if (errors.length) throw new ValidationError(`Invalid queue filter: ${errors.join('; ')}`, errors);
  return out;
}

/** The filters as a query string (`?kind=…&status=…`; empty when none), in the form parseQueueFilters reads. */
export function queueQuery(f: QueueFilters): string {
  const q = new URLSearchParams();
  if (f.kind) q.set('kind', f.kind);
  if (f.status?.length) q.set('status', f.status.join(','));
  if (f.singleOutlet) q.set('single-outlet', 'true');
  if (f.lowCohesion) q.set('low-cohesion', 'true');
  if (f.language?.length) q.set('language', f.language.join(','));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** True when a story passes the story filters (`kind` aside). */
export function storyMatches(
  story: Story,
  facts: { cohesion?: number; languages: readonly string[] },
  f: QueueFilters,
  opts: Pick<ReviewOptions, 'minCohesion'> = DEFAULT_REVIEW_OPTIONS,
): boolean {
  if (f.status && !f.status.includes(story.status)) return false;
  if (f.singleOutlet && story.outletIds.length !== 1) return false;
  if (f.lowCohesion && !(facts.cohesion !== undefined && facts.cohesion < opts.minCohesion)) return false;
  if (f.language && !facts.languages.some((l) => f.language!.includes(l))) return false;
  return true;
}

/** Languages by frequency, most frequent first (ties by tag). */
function byFrequency(langs: string[]): string[] {
  const n = new Map<string, number>();
  for (const l of langs) n.set(l, (n.get(l) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
}

/** Mean score of engine placements; founders score 0 and editor placements 1 by construction, so both are left out. */
export function cohesionOf(memberships: Membership[], itemIds: string[]): number | undefined {
  const scored = memberships.filter((m) => m.by === 'engine' && m.score > 0 && itemIds.includes(m.itemId));
  if (scored.length === 0) return undefined;
  return Math.round((scored.reduce((n, m) => n + m.score, 0) / scored.length) * 1000) / 1000;
}

/** The reasons a story needs an editor's eye (empty: it does not). */
export function reviewReasons(
  story: Story,
  cohesion: number | undefined,
  opts: ReviewOptions = DEFAULT_REVIEW_OPTIONS,
  failure?: StoryFailure,
): ReviewReason[] {
  if (story.mergedInto) return [];
  const out: ReviewReason[] = [];
  // The grouping writer could not store its latest change: what readers see is behind.
  if (failure) out.push('write-failed');
  if (!story.reviewedAt) out.push('new');
  else if (story.updatedAt > story.reviewedAt) out.push('changed');
  if (cohesion !== undefined && cohesion < opts.minCohesion) out.push('low-cohesion');
  if ((story.itemCount ?? story.itemIds.length) > opts.maxItems) out.push('large');
  // A lone item is trivially single-outlet; several items from one outlet smell of a feed duplicating itself.
  if (story.itemIds.length > 1 && story.outletIds.length === 1) out.push('single-outlet');
  return out;
}

/** Queue order: most outlets first, then most items, then most recently updated. */
export function sortQueue(entries: ReviewEntry[]): ReviewEntry[] {
  return [...entries].sort(
    (a, b) =>
      b.story.outletIds.length - a.story.outletIds.length ||
      (b.story.itemCount ?? b.story.itemIds.length) - (a.story.itemCount ?? a.story.itemIds.length) ||
      (b.story.updatedAt > a.story.updatedAt ? 1 : b.story.updatedAt < a.story.updatedAt ? -1 : 0),
  );
}

/** What the queue reads. */
export type ReviewStore = Pick<StoryStore, 'listStories' | 'getMemberships' | 'getListedStories'> &
  Pick<StoryFailureStore, 'listStoryFailures'> &
  Pick<ItemStore, 'getItems'> &
  Pick<SuggestionStore, 'listSuggestions'> &
  Pick<OutletStore, 'listOutlets'>;

/**
 * Builds the queue from the most recently updated stories (membership scores fetched per multi-item story, the
 * queued stories' items read for their languages), adds the engine's live suggestions, applies `filters`, and
 * lists the stories the grouping writer could not write (`failures`; a story that failed on creation has no
 * record to queue).
 */
export async function loadReviewQueue(store: ReviewStore, opts: ReviewOptions = DEFAULT_REVIEW_OPTIONS, filters: QueueFilters = {}): Promise<ReviewQueue> {
  const [scanned, suggestions] = await Promise.all([
    scanStories(store, opts),
    filters.kind === 'story' ? Promise.resolve([] as SuggestionEntry[]) : loadSuggestions(store),
  ]);
  const queued = scanned.entries.filter((e) => e.reasons.length > 0);
  const items = filters.kind === 'possible-same-story' ? [] : await store.getItems([...new Set(queued.flatMap((e) => e.story.itemIds))]);
  const langOf = new Map(items.map((i) => [i.id, i.language]));
  for (const e of queued) e.languages = byFrequency(e.story.itemIds.map((id) => langOf.get(id)).filter((l): l is string => l !== undefined));
  const cohesion = new Map(scanned.entries.map((e) => [e.story.id, e.cohesion]));
  const sideMatches = (s: SuggestionEntry['a']) => storyMatches(s.story, { cohesion: cohesion.get(s.story.id), languages: s.languages }, filters, opts);
  return {
    entries: sortQueue(filters.kind === 'possible-same-story' ? [] : queued.filter((e) => storyMatches(e.story, e, filters, opts))),
    suggestions: suggestions.filter((s) => sideMatches(s.a) || sideMatches(s.b)),
    failures: scanned.failures,
    languages: [...new Set([...queued.flatMap((e) => e.languages), ...suggestions.flatMap((s) => [...s.a.languages, ...s.b.languages])])].sort(),
  };
}

/** Every scanned story with its reasons and cohesion (languages not read yet), and the write failures. */
async function scanStories(store: ReviewStore, opts: ReviewOptions): Promise<{ entries: ReviewEntry[]; failures: StoryFailure[] }> {
  const failures = new Map((await store.listStoryFailures()).map((f) => [f.storyId, f]));
  const stories: Story[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listStories({ limit: Math.min(200, opts.scanLimit - stories.length), cursor });
    stories.push(...page.items.filter((s) => !s.mergedInto));
    cursor = page.cursor;
  } while (cursor && stories.length < opts.scanLimit);
  const limit = pLimit(8);
  const entries = await Promise.all(
    stories.map((story) =>
      limit(async (): Promise<ReviewEntry> => {
        // Memberships are those of the story's current items (a runaway story is listed with its shown ones only).
        const memberships = story.itemIds.length > 1 ? await store.getMemberships(story.id) : [];
        const cohesion = story.itemIds.length > 1 ? cohesionOf(memberships, memberships.map((m) => m.itemId)) : undefined;
        return { story, reasons: reviewReasons(story, cohesion, opts, failures.get(story.id)), cohesion, languages: [] };
      }),
    ),
  );
  return { entries, failures: [...failures.values()] };
}
