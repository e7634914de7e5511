// Fetch stage: feeds → fetch → decode/parse → normalize → store new or edited items; failures become feed health.
import { errorFields, type Logger } from '../log.ts';
import { fetchFeed, type FetchOptions } from '../ingest/fetch.ts';
import { normalizeFeed } from '../ingest/normalize.ts';
import { parseFeed } from '../ingest/parse.ts';
import type { FeedItemsWrite, FeedStore, ItemStore } from '../store/store.ts';
import type { FeedState, Item, Outlet } from '../types.ts';
import { nextStateAfterFailure, nextStateAfterSuccess } from './schedule.ts';

/** What fetching one feed produced. */
export interface FeedOutcome {
  feedId: string;
  status: 'ok' | 'not-modified' | 'failed' | 'skipped';
  newItems: number;
  updatedItems: number;
  error?: { class: string; message: string };
  durationMs: number;
}

/** I/O and settings the fetch stage needs. */
export interface FetchStageDeps {
  store: Pick<FeedStore, 'saveFeed'> & Pick<ItemStore, 'putBatchItems'>;
  log: Logger;
  fetch: FetchOptions;
  pollMinutes: number;
  /** Outlet metadata by id (language fallback for items). */
  outlets: Map<string, Outlet>;
  now: () => Date;
}

/** A feed fetched and normalized whose items (and new state) are not stored yet. */
interface LoadedFeed {
  state: FeedState;
  next: FeedState;
  items: Item[];
  dedupeUrls: boolean;
  log: Logger;
  now: string;
  started: number;
  permanentRedirect?: string;
  logFields: Record<string, unknown>;
}

/** Records a feed-level failure on the feed's state (never throws) and returns its outcome. */
async function recordFailure(
  state: FeedState,
  err: unknown,
  ctx: { deps: FetchStageDeps; log: Logger; now: string; started: number; permanentRedirect?: string },
): Promise<FeedOutcome> {
  const redirect = ctx.permanentRedirect ?? (err as { permanentRedirect?: string } | undefined)?.permanentRedirect;
  const failed = nextStateAfterFailure(state, { now: ctx.now, error: err, pollMinutes: ctx.deps.pollMinutes, permanentRedirect: redirect });
  try {
    await ctx.deps.store.saveFeed(failed, state);
  } catch (saveErr) {
    ctx.log.error('could not record feed failure', errorFields(saveErr));
  }
  const durationMs = Date.now() - ctx.started;
  ctx.log.warn('feed failed', {
    durationMs,
    ...errorFields(err),
    httpStatus: failed.httpStatus,
    consecutiveFailures: failed.consecutiveFailures,
    nextDueAt: failed.nextDueAt,
    ...(failed.gone ? { gone: true } : {}),
  });
  return {
    feedId: state.feedId,
    status: 'failed',
    newItems: 0,
    updatedItems: 0,
    error: { class: failed.errorClass ?? 'Error', message: failed.errorMessage ?? String(err) },
    durationMs,
  };
}

/**
 * Fetches, parses and normalizes one feed. A 304, a gone feed or a feed-level failure is finished here (the
 * feed state is saved) and comes back as an outcome; a parsed feed comes back loaded, its items not yet stored.
 */
async function loadFeed(state: FeedState, deps: FetchStageDeps): Promise<FeedOutcome | LoadedFeed> {
  const started = Date.now();
  const now = deps.now().toISOString();
  const log = deps.log.child({ feedId: state.feedId });
  if (state.gone) return { feedId: state.feedId, status: 'skipped', newItems: 0, updatedItems: 0, durationMs: 0 };
  let permanentRedirect: string | undefined;
  try {
    const res = await fetchFeed(state, deps.fetch);
    permanentRedirect = res.permanentRedirect;
    if (res.kind === 'not-modified') {
      const next = nextStateAfterSuccess(state, { now, status: 304, pollMinutes: deps.pollMinutes, permanentRedirect });
      await deps.store.saveFeed(next, state);
      const durationMs = Date.now() - started;
      log.info('feed not modified', { durationMs, httpStatus: 304, ...(next.url !== state.url ? { movedTo: next.url } : {}) });
      return { feedId: state.feedId, status: 'not-modified', newItems: 0, updatedItems: 0, durationMs };
    }
    const parsed = await parseFeed(res.body, { contentType: res.contentType, contentLanguage: res.contentLanguage, url: res.url, maxItems: deps.fetch.maxItems });
    const outlet = deps.outlets.get(state.outletId);
    const feedDef = outlet?.feeds.find((f) => f.id === state.feedId);
    const items = normalizeFeed(parsed, {
      feed: { id: state.feedId, language: feedDef?.language },
      outlet: outlet ?? { id: state.outletId, languages: [] },
      feedUrl: res.url,
      now,
    });
    const next = nextStateAfterSuccess(state, {
      now,
      status: res.status,
      pollMinutes: deps.pollMinutes,
      etag: res.etag,
      lastModified: res.lastModified,
      itemsSeen: items.length,
      warning: parsed.warning,
      permanentRedirect,
    });
    return {
      state,
      next,
      items,
      dedupeUrls: (outlet?.feeds.length ?? 1) > 1,
      log,
      now,
      started,
      permanentRedirect,
      logFields: { httpStatus: res.status, bytes: res.body.length, encoding: parsed.encoding, items: items.length },
    };
  } catch (err) {
    return recordFailure(state, err, { deps, log, now, started, permanentRedirect });
  }
}

/**
 * Stores the items of loaded feeds together (one arrival record for all their new items), then saves each
 * feed's state. The feed state is saved after its items, so a crash re-fetches the feed and re-checks them.
 * A store failure is recorded on every feed of the group, as a failed fetch of each.
 */
async function storeLoaded(loaded: LoadedFeed[], deps: FetchStageDeps): Promise<FeedOutcome[]> {
  if (loaded.length === 0) return [];
  let writes: Pick<FeedItemsWrite, 'created' | 'updated'>[];
  try {
    writes = await deps.store.putBatchItems(loaded.map((l) => ({ feedId: l.state.feedId, items: l.items, dedupeUrls: l.dedupeUrls })));
  } catch (err) {
    return Promise.all(loaded.map((l) => recordFailure(l.state, err, { deps, ...l })));
  }
  return Promise.all(
    loaded.map(async (l, i): Promise<FeedOutcome> => {
      const { created: newItems, updated: updatedItems } = writes[i]!;
      try {
        await deps.store.saveFeed(l.next, l.state);
      } catch (err) {
        return recordFailure(l.state, err, { deps, ...l });
      }
      const durationMs = Date.now() - l.started;
      l.log.info('feed fetched', {
        durationMs,
        ...l.logFields,
        newItems,
        updatedItems,
        ...(l.next.url !== l.state.url ? { movedTo: l.next.url } : {}),
      });
      return { feedId: l.state.feedId, status: 'ok', newItems, updatedItems, durationMs };
    }),
  );
}

const isOutcome = (x: FeedOutcome | LoadedFeed): x is FeedOutcome => 'status' in x;

/**
 * Fetches and stores a group of feeds (a fetch batch): every feed is fetched and parsed first, then the new
 * items of all of them are stored behind one arrival record. Never throws for feed-level problems: they are
 * recorded on each feed's state (errorClass, errorMessage, httpStatus, consecutiveFailures, nextDueAt).
 * @returns one outcome per feed, in input order
 */
export async function fetchFeeds(states: FeedState[], deps: FetchStageDeps): Promise<FeedOutcome[]> {
  const first = await Promise.all(states.map((s) => loadFeed(s, deps)));
  const loaded = first.filter((x): x is LoadedFeed => !isOutcome(x));
  const stored = new Map((await storeLoaded(loaded, deps)).map((o, i) => [loaded[i]!, o]));
  return first.map((x) => (isOutcome(x) ? x : stored.get(x)!));
}

/**
 * Fetches and stores one feed. Never throws for feed-level problems: they are recorded on the feed's state
 * (errorClass, errorMessage, httpStatus, consecutiveFailures, nextDueAt).
 */
export async function fetchOneFeed(state: FeedState, deps: FetchStageDeps): Promise<FeedOutcome> {
  const [outcome] = await fetchFeeds([state], deps);
  return outcome!;
}
