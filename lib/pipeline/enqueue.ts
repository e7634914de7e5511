// Scheduler stage: claims due feeds and enqueues fetch messages (apart from the fetch stack, for a small bundle).
import type { Logger } from '../log.ts';
import type { FeedStore } from '../store/store.ts';
import type { MessageQueue } from './queue.ts';

/** Body of a fetch-queue message. */
export interface FetchMessage {
  feedId: string;
  /** Due time the scheduler's claim set on the feed; once the feed moved on, the message is stale and dropped. */
  dueAt: string;
  /** Fetch whatever the feed's due time (`ingest --once`): no claim was taken. */
  force?: boolean;
}

/** Longest claim: a feed whose fetches keep dying is still retried daily. */
const MAX_CLAIM_MS = 24 * 3_600_000;

/**
 * When a claim expires. Each claim that expired before a fetch saved the feed doubles the next one (10, 20, 40 min
 * … up to a day): a feed whose message always fails (dead-lettered after its receives) is otherwise re-enqueued
 * and dead-lettered again every claim period, flooding the dead-letter queue and its alarm.
 */
export function claimExpiry(now: Date, claimMinutes: number, expiredClaims: number): string {
  const ms = Math.min(claimMinutes * 60_000 * 2 ** Math.min(expiredClaims, 16), MAX_CLAIM_MS);
  return new Date(now.getTime() + ms).toISOString();
}

/**
 * Scheduler stage: claims every due feed (two overlapping schedulers cannot both claim a feed) and enqueues one
 * message per claim. A claim expires after `claimMinutes` (doubled for each earlier claim that expired, see
 * claimExpiry): a feed whose message was lost becomes due again. `all` enqueues every live feed unclaimed.
 */
export async function enqueueDueFeeds(deps: {
  store: Pick<FeedStore, 'listFeeds' | 'claimDueFeeds'>;
  queue: MessageQueue;
  groupQueue?: MessageQueue;
  now: () => Date;
  log: Logger;
  claimMinutes?: number;
  limit?: number;
  all?: boolean;
  feedIds?: string[];
  /** Claim owner recorded with the claims (lets an in-process run wait for other runs' fetches). */
  owner?: string;
}): Promise<{ enqueued: number }> {
  const started = Date.now();
  const now = deps.now();
  const claimMinutes = deps.claimMinutes ?? 10;
  let bodies: FetchMessage[];
  if (deps.all) {
    const wanted = deps.feedIds && new Set(deps.feedIds);
    bodies = (await deps.store.listFeeds())
      .filter((f) => !f.gone && (!wanted || wanted.has(f.feedId)))
      .map((f) => ({ feedId: f.feedId, dueAt: f.nextDueAt, force: true }));
  } else {
    const claims = await deps.store.claimDueFeeds({
      now: now.toISOString(),
      owner: deps.owner ?? 'scheduler',
      limit: deps.limit ?? 5_000,
      feedIds: deps.feedIds,
      claimUntil: (expired) => claimExpiry(now, claimMinutes, expired),
    });
    for (const c of claims) {
      if (c.expiredClaims > 0) deps.log.warn('feed claim expired without a fetch', { feedId: c.feedId, claims: c.expiredClaims });
    }
    bodies = claims.map((c) => ({ feedId: c.feedId, dueAt: c.dueAt }));
  }
  const messages = bodies.map((b, i) => ({ id: String(i), body: JSON.stringify(b) }));
  await deps.queue.send(messages);
  // A trigger per run lets grouping finish work a crashed pass left behind.
  await deps.groupQueue?.send([{ id: 'tick', body: '{"reason":"schedule"}', groupId: 'grouping', dedupId: `tick-${now.toISOString()}` }]);
  deps.log.info('feeds enqueued', { enqueued: messages.length, durationMs: Date.now() - started });
  return { enqueued: messages.length };
}
