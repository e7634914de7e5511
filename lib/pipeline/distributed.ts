// The fetch workers of the scale-out on AWS (scheduler → fetch queue → fetch workers → group queue → single grouping writer).
import { RoundupError } from '../errors.ts';
import { errorFields, type Logger } from '../log.ts';
import type { FeedStore, OutletStore } from '../store/store.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import type { FeedState, Outlet } from '../types.ts';
import { fetchFeeds, type FeedOutcome, type FetchStageDeps } from './fetch-stage.ts';
import type { MessageQueue } from './queue.ts';
import type { FetchMessage } from './enqueue.ts';

/** Message id and body as received from the queue. */
export interface InMessage {
  messageId: string;
  body: string;
}

/** A fetch message that can never be processed (not JSON, or not a fetch message). */
export class PoisonMessageError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('poison_message', message, options);
  }
}

/** A stored feed record that cannot be used to fetch (corrupt or written by an incompatible version). */
export class InvalidFeedRecordError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_feed_record', message, options);
  }
}

/** Parses and validates a fetch-queue message body. @throws PoisonMessageError */
export function parseFetchMessage(body: string): FetchMessage {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    throw new PoisonMessageError(`Fetch message is not JSON: ${body.slice(0, 80)}`, { cause: err });
  }
  const m = v as Partial<FetchMessage> | null;
  if (!m || typeof m.feedId !== 'string' || !m.feedId || typeof m.dueAt !== 'string') {
    throw new PoisonMessageError(`Fetch message lacks feedId/dueAt: ${body.slice(0, 80)}`);
  }
  return { feedId: m.feedId, dueAt: m.dueAt, force: m.force === true };
}

/** Outlets change rarely: one listing per container every few minutes instead of one per batch. */
const outletCache = new WeakMap<object, { at: number; outlets: Map<string, Outlet> }>();
const OUTLET_CACHE_MS = 5 * 60_000;

async function outletsOf(store: Pick<OutletStore, 'listOutlets'>): Promise<Map<string, Outlet>> {
  const hit = outletCache.get(store);
  if (hit && Date.now() - hit.at < OUTLET_CACHE_MS) return hit.outlets;
  const outlets = new Map((await store.listOutlets()).map((o) => [o.id, o]));
  outletCache.set(store, { at: Date.now(), outlets });
  return outlets;
}

function checkFeedRecord(state: FeedState): void {
  if (typeof state.url !== 'string' || typeof state.outletId !== 'string' || typeof state.nextDueAt !== 'string') {
    throw new InvalidFeedRecordError(`Feed record ${state.feedId} lacks url/outletId/nextDueAt`);
  }
}

/**
 * Fetch stage for a queue batch. Feed problems are stored on the feed (not failures); only unexpected errors
 * (a poison message, a corrupt feed record, the database unreachable) fail a message, so SQS redelivers it
 * and, after `maxReceiveCount` receives, dead-letters it. Stale messages (feed fetched since) are dropped.
 * The batch's feeds are fetched first and their new items stored together, behind one arrival record.
 */
export async function fetchBatch(
  messages: InMessage[],
  deps: { store: Pick<OutletStore, 'listOutlets'> & Pick<FeedStore, 'getFeed'> & FetchStageDeps['store']; log: Logger; fetch: FetchOptions; pollMinutes: number; now: () => Date; groupQueue?: MessageQueue },
): Promise<{ failedMessageIds: string[]; failures: { messageId: string; feedId?: string; error: string }[]; outcomes: FeedOutcome[] }> {
  const outlets = await outletsOf(deps.store);
  const failures: { messageId: string; feedId?: string; error: string }[] = [];
  const fail = (m: InMessage, feedId: string | undefined, err: unknown) => {
    const f = errorFields(err);
    deps.log.error('fetch message failed', { messageId: m.messageId, feedId, ...f });
    failures.push({ messageId: m.messageId, feedId, error: `${f.errorClass ?? 'Error'}: ${f.error}` });
  };
  const accepted = await Promise.all(
    messages.map(async (m): Promise<{ m: InMessage; state: FeedState } | undefined> => {
      let feedId: string | undefined;
      try {
        const msg = parseFetchMessage(m.body);
        feedId = msg.feedId;
        const state = await deps.store.getFeed(msg.feedId);
        if (!state) {
          deps.log.warn('unknown feed in queue', { feedId });
          return undefined;
        }
        checkFeedRecord(state);
        if (!msg.force && state.nextDueAt !== msg.dueAt) {
          deps.log.info('stale fetch message dropped', { feedId, claimedDueAt: msg.dueAt, nextDueAt: state.nextDueAt });
          return undefined;
        }
        return { m, state };
      } catch (err) {
        fail(m, feedId, err);
        return undefined;
      }
    }),
  );
  const work = accepted.filter((a): a is { m: InMessage; state: FeedState } => a !== undefined);
  let outcomes: FeedOutcome[] = [];
  try {
    outcomes = await fetchFeeds(work.map((w) => w.state), { ...deps, outlets });
  } catch (err) {
    // fetchFeeds records feed problems itself: anything reaching here is unexpected, and fails every message.
    for (const w of work) fail(w.m, w.state.feedId, err);
  }
  if (outcomes.some((o) => o.newItems > 0)) {
    // One trigger per minute however many batches found items: FIFO deduplication coalesces a fetch wave into
    // few grouping passes, and every pass rewrites each story it touches once. Later items wait at most for
    // the next minute's trigger or the scheduler's tick.
    const minute = Math.floor(deps.now().getTime() / 60_000);
    await deps.groupQueue?.send([{ id: 'items', body: '{"reason":"items"}', groupId: 'grouping', dedupId: `items-${minute}` }]);
  }
  return { failedMessageIds: failures.map((f) => f.messageId), failures, outcomes };
}
