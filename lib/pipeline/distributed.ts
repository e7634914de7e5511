// The scale-out stages on AWS: scheduler → fetch queue → fetch workers → group queue → single grouping writer.
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import { fetchOneFeed, type FeedOutcome } from './fetch-stage.ts';
import type { MessageQueue } from './queue.ts';

/** Body of a fetch-queue message. */
export interface FetchMessage {
  feedId: string;
  /** Due time the scheduler saw; a stale message (feed fetched since) is dropped. */
  dueAt: string;
}

/** Message id and body as received from the queue. */
export interface InMessage {
  messageId: string;
  body: string;
}

/**
 * Scheduler stage: enqueues every due feed once. Feeds are pushed back by `claimMinutes` before sending, so
 * overlapping scheduler runs don't enqueue the same feed twice.
 */
export async function enqueueDueFeeds(deps: {
  store: Store;
  queue: MessageQueue;
  groupQueue?: MessageQueue;
  now: () => Date;
  log: Logger;
  claimMinutes?: number;
  limit?: number;
}): Promise<{ enqueued: number }> {
  const now = deps.now();
  const due = await deps.store.dueFeeds(now.toISOString(), deps.limit ?? 5_000);
  const claimedUntil = new Date(now.getTime() + (deps.claimMinutes ?? 10) * 60_000).toISOString();
  const messages = [];
  for (const f of due) {
    if (f.gone) continue;
    await deps.store.saveFeed({ ...f, nextDueAt: claimedUntil });
    const body: FetchMessage = { feedId: f.feedId, dueAt: f.nextDueAt };
    messages.push({ id: String(messages.length), body: JSON.stringify(body) });
  }
  await deps.queue.send(messages);
  // A trigger per run lets grouping finish work a crashed pass left pending.
  await deps.groupQueue?.send([{ id: 'tick', body: '{"reason":"schedule"}', groupId: 'grouping', dedupId: `tick-${now.toISOString()}` }]);
  deps.log.info('feeds enqueued', { enqueued: messages.length });
  return { enqueued: messages.length };
}

/**
 * Fetch stage for a queue batch. Feed problems are stored on the feed (not failures); only unexpected errors
 * (e.g. the database unreachable) fail a message so SQS retries it and, after repeated failures, dead-letters it.
 */
export async function fetchBatch(
  messages: InMessage[],
  deps: { store: Store; log: Logger; fetch: FetchOptions; pollMinutes: number; now: () => Date; groupQueue?: MessageQueue },
): Promise<{ failedMessageIds: string[]; outcomes: FeedOutcome[] }> {
  const outlets = new Map((await deps.store.listOutlets()).map((o) => [o.id, o]));
  const failedMessageIds: string[] = [];
  const outcomes: FeedOutcome[] = [];
  await Promise.all(
    messages.map(async (m) => {
      try {
        const { feedId } = JSON.parse(m.body) as FetchMessage;
        const state = await deps.store.getFeed(feedId);
        if (!state) {
          deps.log.warn('unknown feed in queue', { feedId });
          return;
        }
        outcomes.push(await fetchOneFeed(state, { ...deps, outlets }));
      } catch (err) {
        deps.log.error('fetch message failed', { messageId: m.messageId, error: (err as Error).message });
        failedMessageIds.push(m.messageId);
      }
    }),
  );
  if (outcomes.some((o) => o.newItems > 0)) {
    const first = messages[0]?.messageId ?? 'batch';
    await deps.groupQueue?.send([{ id: 'items', body: '{"reason":"items"}', groupId: 'grouping', dedupId: `items-${first}` }]);
  }
  return { failedMessageIds, outcomes };
}
