// The editors' review queue: new, changed-since-review and suspicious stories, widest coverage first.
import pLimit from 'p-limit';
import type { StoryFailure, StoryFailureStore, StoryStore } from '../store/store.ts';
import type { Membership, Story } from '../types.ts';

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
}

/** The queue and the stories the grouping writer could not write. */
export interface ReviewQueue {
  entries: ReviewEntry[];
  failures: StoryFailure[];
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

/**
 * Builds the queue from the most recently updated stories (membership scores fetched per multi-item story), and
 * lists the stories the grouping writer could not write (`failures`; a story that failed on creation has no
 * record to queue).
 */
export async function loadReviewQueue(
  store: Pick<StoryStore, 'listStories' | 'getMemberships'> & Pick<StoryFailureStore, 'listStoryFailures'>,
  opts: ReviewOptions = DEFAULT_REVIEW_OPTIONS,
): Promise<ReviewQueue> {
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
        return { story, reasons: reviewReasons(story, cohesion, opts, failures.get(story.id)), cohesion };
      }),
    ),
  );
  return { entries: sortQueue(entries.filter((e) => e.reasons.length > 0)), failures: [...failures.values()] };
}
