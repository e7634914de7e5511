// Fetch stage: one feed → fetch → decode/parse → normalize → store new or edited items; failures become feed health.
import { errorFields, type Logger } from '../log.ts';
import { fetchFeed, type FetchOptions } from '../ingest/fetch.ts';
import { normalizeFeed } from '../ingest/normalize.ts';
import { parseFeed } from '../ingest/parse.ts';
import type { Store } from '../store/store.ts';
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
  store: Store;
  log: Logger;
  fetch: FetchOptions;
  pollMinutes: number;
  /** Outlet metadata by id (language fallback for items). */
  outlets: Map<string, Outlet>;
  now: () => Date;
}

/**
 * Items that differ from what is stored: unchanged ones are dropped before any write, so re-polling an
 * unchanged feed costs reads only (cheaper than conditional writes, which are billed even when they fail).
 */
async function changedItems(store: Store, items: Item[]): Promise<Item[]> {
  if (items.length === 0) return items;
  const stored = new Map((await store.getItems(items.map((i) => i.id))).map((i) => [i.id, i.contentHash]));
  return items.filter((i) => stored.get(i.id) !== i.contentHash);
}

/**
 * Writes a feed's items: through the store's batched `putFeedItems` (seen set, batched read, conditional
 * puts, arrival record) when the store has it, else item by item after dropping unchanged items.
 */
async function writeItems(store: Store, feedId: string, items: Item[], dedupeUrls: boolean): Promise<{ newItems: number; updatedItems: number }> {
  const batched = store as Partial<Pick<Store, 'putFeedItems'>> & Store;
  if (typeof batched.putFeedItems === 'function') {
    const w = await batched.putFeedItems(feedId, items, { dedupeUrls });
    return { newItems: w.created, updatedItems: w.updated };
  }
  let newItems = 0;
  let updatedItems = 0;
  for (const item of await changedItems(store, items)) {
    const w = await store.putItem(item);
    if (w === 'created') newItems++;
    else if (w === 'updated') updatedItems++;
  }
  return { newItems, updatedItems };
}

/**
 * Fetches and stores one feed. Never throws for feed-level problems: they are recorded on the feed's state
 * (errorClass, errorMessage, httpStatus, consecutiveFailures, nextDueAt).
 */
export async function fetchOneFeed(state: FeedState, deps: FetchStageDeps): Promise<FeedOutcome> {
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
      await deps.store.saveFeed(next);
      const durationMs = Date.now() - started;
      log.info('feed not modified', { durationMs, httpStatus: 304, ...(next.url !== state.url ? { movedTo: next.url } : {}) });
      return { feedId: state.feedId, status: 'not-modified', newItems: 0, updatedItems: 0, durationMs };
    }
    const parsed = await parseFeed(res.body, { contentType: res.contentType, url: res.url });
    const outlet = deps.outlets.get(state.outletId);
    const feedDef = outlet?.feeds.find((f) => f.id === state.feedId);
    const items = normalizeFeed(parsed, {
      feed: { id: state.feedId, language: feedDef?.language },
      outlet: outlet ?? { id: state.outletId, languages: [] },
      feedUrl: res.url,
      now,
    });
    const { newItems, updatedItems } = await writeItems(deps.store, state.feedId, items, (outlet?.feeds.length ?? 1) > 1);
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
    await deps.store.saveFeed(next);
    const durationMs = Date.now() - started;
    log.info('feed fetched', {
      durationMs,
      httpStatus: res.status,
      bytes: res.body.length,
      encoding: parsed.encoding,
      items: items.length,
      newItems,
      updatedItems,
      ...(next.url !== state.url ? { movedTo: next.url } : {}),
    });
    return { feedId: state.feedId, status: 'ok', newItems, updatedItems, durationMs };
  } catch (err) {
    const redirect = permanentRedirect ?? (err as { permanentRedirect?: string } | undefined)?.permanentRedirect;
    const failed = nextStateAfterFailure(state, { now, error: err, pollMinutes: deps.pollMinutes, permanentRedirect: redirect });
    try {
      await deps.store.saveFeed(failed);
    } catch (saveErr) {
      log.error('could not record feed failure', errorFields(saveErr));
    }
    const durationMs = Date.now() - started;
    log.warn('feed failed', {
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
}
