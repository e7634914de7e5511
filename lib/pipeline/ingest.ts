// One ingest run in one process (npm start, CLI): the AWS stages chained through an in-process queue.
import type { Logger } from '../log.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import type { Store } from '../store/store.ts';
import { fetchBatch } from './distributed.ts';
import { enqueueDueFeeds } from './enqueue.ts';
import type { FeedOutcome } from './fetch-stage.ts';
import { runGroupStage, type GroupStageDeps, type GroupState } from './group-stage.ts';
import { MemoryQueue, drainQueue } from './queue.ts';

/** Summary printed by `roundup ingest --once` and logged by scheduled runs. */
export interface IngestSummary {
  feedsFetched: number;
  feedsNotModified: number;
  newItems: number;
  updatedItems: number;
  storiesTouched: number;
  storiesCreated: number;
  /** Stories the grouping pass could not write (recorded as story failures and retried by later passes). */
  storiesFailed: number;
  failures: { feedId: string; error: string }[];
  /** Fetch messages that failed `maxReceiveCount` times in this run and were dead-lettered. */
  deadLetters: number;
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
  /** Fetch queue to use (a fresh MemoryQueue with maxReceiveCount 3 by default); its dead letters persist. */
  fetchQueue?: MemoryQueue;
  /** How long a scheduler claim holds a feed (minutes). */
  claimMinutes?: number;
  /** Longest wait for fetches claimed by other runs before grouping (ms, default 30 s). */
  settleMs?: number;
  /** Grouping-stage tunables (lease, lag, test hooks). */
  group?: Partial<Pick<GroupStageDeps, 'batchSize' | 'leaseWaitMs' | 'leaseTtlMs' | 'lagMs' | 'holdMs' | 'beforeStoryWrite' | 'clock' | 'createGrouper' | 'deskLanguage'>>;
}

/** Registration lives with the outlets; re-exported because every ingest caller registers first. */
export { initialFeedStates, registerOutlets } from '../outlets/register.ts';

/**
 * Runs one ingest through the same stages as AWS, chained in process: the scheduler claims due feeds (`all`
 * ignores due times, as `--once` does) into a MemoryQueue with SQS redrive semantics, fetch workers drain it
 * in batches with partial failures (poison messages end in `queue.deadLetters`), then the grouping writer
 * runs one pass. A failing feed is recorded on the feed and never stops the run.
 */
export async function runIngest(deps: IngestDeps, opts: { all?: boolean; feedIds?: string[] } = {}): Promise<IngestSummary & { groupState: GroupState }> {
  const started = Date.now();
  const queue = deps.fetchQueue ?? new MemoryQueue({ maxReceiveCount: 3 });
  const deadBefore = queue.deadLetters.length;
  await enqueueDueFeeds({ store: deps.store, queue, now: deps.now, log: deps.log, all: opts.all, feedIds: opts.feedIds, claimMinutes: deps.claimMinutes, owner: deps.owner });
  const outcomes: FeedOutcome[] = [];
  const batchSize = Math.min(10, Math.max(1, deps.concurrency));
  await drainQueue(
    queue,
    async (batch) => {
      const r = await fetchBatch(batch, { store: deps.store, log: deps.log, fetch: deps.fetch, pollMinutes: deps.pollMinutes, now: deps.now });
      outcomes.push(...r.outcomes);
      return r;
    },
    { batchSize, concurrency: Math.ceil(deps.concurrency / batchSize) },
  );
  await settle(deps);
  const group = await runGroupStage({
    ...deps.group,
    store: deps.store,
    log: deps.log,
    now: deps.now,
    windowHours: deps.windowHours,
    owner: deps.owner,
    state: deps.groupState,
  });
  const deadLetters = queue.deadLetters.slice(deadBefore);
  const summary: IngestSummary = {
    feedsFetched: outcomes.filter((o) => o.status === 'ok').length,
    feedsNotModified: outcomes.filter((o) => o.status === 'not-modified').length,
    newItems: outcomes.reduce((n, o) => n + o.newItems, 0),
    updatedItems: outcomes.reduce((n, o) => n + o.updatedItems, 0),
    storiesTouched: group.storiesTouched,
    storiesCreated: group.storiesCreated,
    storiesFailed: group.storiesFailed,
    failures: [
      ...outcomes.filter((o) => o.error).map((o) => ({ feedId: o.feedId, error: `${o.error!.class}: ${o.error!.message}` })),
      ...deadLetters.map((d) => ({ feedId: feedIdOf(d.body), error: `dead-lettered after ${d.receiveCount} receives: ${d.error}` })),
    ],
    deadLetters: deadLetters.length,
    durationMs: Date.now() - started,
  };
  deps.log.info('ingest run done', { ...summary, failures: summary.failures.length });
  return { ...summary, groupState: group.state };
}

/**
 * Waits until no other run has a claimed feed in flight, so one grouping pass sees the whole wave of items
 * and groups them in one deterministic order (concurrent local runs then agree with a single run). Bounded:
 * a claim whose fetcher died only delays grouping by `settleMs`.
 */
async function settle(deps: IngestDeps): Promise<void> {
  const end = Date.now() + (deps.settleMs ?? 30_000);
  for (;;) {
    const inFlight = await deps.store.feedsInFlight(deps.now().toISOString(), deps.owner);
    if (inFlight.length === 0) return;
    if (Date.now() > end) {
      deps.log.warn('grouping without waiting for claimed feeds', { feeds: inFlight.length });
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Best-effort feed id of a dead-lettered message body, for the summary. */
function feedIdOf(body: string): string {
  try {
    const id = (JSON.parse(body) as { feedId?: unknown }).feedId;
    return typeof id === 'string' ? id : '(unknown)';
  } catch {
    return '(unparseable message)';
  }
}
