// One ingest run in one process: register feeds, fetch the due ones concurrently, then group (npm start, CLI).
import pLimit from 'p-limit';
import type { Logger } from '../log.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import type { Store } from '../store/store.ts';
import type { FeedState, Outlet } from '../types.ts';
import { fetchOneFeed, type FeedOutcome } from './fetch-stage.ts';
import { runGroupStage, type GroupState } from './group-stage.ts';

/** Summary printed by `roundup ingest --once` and logged by scheduled runs. */
export interface IngestSummary {
  feedsFetched: number;
  feedsNotModified: number;
  newItems: number;
  updatedItems: number;
  storiesTouched: number;
  storiesCreated: number;
  failures: { feedId: string; error: string }[];
  durationMs: number;
}

/** Everything one ingest run needs; the same object is built by the CLI, the local stack and tests. */
export interface IngestDeps {
  store: Store;
  log: Logger;
  now: () => Date;
  fetch: FetchOptions;
  pollMinutes: number;
  windowHours: number;
  concurrency: number;
  owner: string;
  /** Warm grouping state kept by long-running processes. */
  groupState?: GroupState;
}

/** Feed states for a set of outlets, due immediately. */
export function initialFeedStates(outlets: Outlet[], now: string): FeedState[] {
  return outlets.flatMap((o) =>
    o.feeds.map((f) => ({
      feedId: f.id,
      outletId: o.id,
      url: f.url,
      consecutiveFailures: 0,
      nextDueAt: now,
      itemsSeen: 0,
    })),
  );
}

/** Registers outlets and their feeds in the store (idempotent). */
export async function registerOutlets(store: Store, outlets: Outlet[], now: string): Promise<void> {
  await store.putOutlets(outlets);
  await store.ensureFeeds(initialFeedStates(outlets, now));
}

/**
 * Runs one ingest: fetches feeds (`all` ignores due times, as `--once` does), stores items, groups them.
 * A failing feed is recorded on the feed and never stops the run.
 */
export async function runIngest(deps: IngestDeps, opts: { all?: boolean; feedIds?: string[] } = {}): Promise<IngestSummary & { groupState: GroupState }> {
  const started = Date.now();
  const nowIso = deps.now().toISOString();
  const outlets = new Map((await deps.store.listOutlets()).map((o) => [o.id, o]));
  let feeds = opts.all ? await deps.store.listFeeds() : await deps.store.dueFeeds(nowIso, 10_000);
  if (opts.feedIds) {
    const wanted = new Set(opts.feedIds);
    feeds = feeds.filter((f) => wanted.has(f.feedId));
  }
  feeds = feeds.filter((f) => !f.gone);
  const limit = pLimit(deps.concurrency);
  const outcomes: FeedOutcome[] = await Promise.all(
    feeds.map((f) =>
      limit(() =>
        fetchOneFeed(f, {
          store: deps.store,
          log: deps.log,
          fetch: deps.fetch,
          pollMinutes: deps.pollMinutes,
          outlets,
          now: deps.now,
        }),
      ),
    ),
  );
  const group = await runGroupStage({
    store: deps.store,
    log: deps.log,
    now: deps.now,
    windowHours: deps.windowHours,
    owner: deps.owner,
    state: deps.groupState,
  });
  const summary: IngestSummary = {
    feedsFetched: outcomes.filter((o) => o.status === 'ok').length,
    feedsNotModified: outcomes.filter((o) => o.status === 'not-modified').length,
    newItems: outcomes.reduce((n, o) => n + o.newItems, 0),
    updatedItems: outcomes.reduce((n, o) => n + o.updatedItems, 0),
    storiesTouched: group.storiesTouched,
    storiesCreated: group.storiesCreated,
    failures: outcomes.filter((o) => o.error).map((o) => ({ feedId: o.feedId, error: `${o.error!.class}: ${o.error!.message}` })),
    durationMs: Date.now() - started,
  };
  deps.log.info('ingest run done', { ...summary, failures: summary.failures.length });
  return { ...summary, groupState: group.state };
}
