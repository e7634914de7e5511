// Fetch stage: one feed → fetch → parse → normalize → store items; failures become feed health data.
import { errorFields, type Logger } from '../log.ts';
import { fetchFeed, type FetchOptions } from '../ingest/fetch.ts';
import { normalizeFeed } from '../ingest/normalize.ts';
import { parseFeed } from '../ingest/parse.ts';
import type { Store } from '../store/store.ts';
import type { FeedState, Outlet } from '../types.ts';
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
 * Fetches and stores one feed. Never throws for feed-level problems: they are recorded on the feed's state.
 */
export async function fetchOneFeed(state: FeedState, deps: FetchStageDeps): Promise<FeedOutcome> {
  const started = Date.now();
  const now = deps.now().toISOString();
  const log = deps.log.child({ feedId: state.feedId });
  if (state.gone) return { feedId: state.feedId, status: 'skipped', newItems: 0, updatedItems: 0, durationMs: 0 };
  try {
    const res = await fetchFeed(state, deps.fetch);
    if (res.kind === 'not-modified') {
      await deps.store.saveFeed(nextStateAfterSuccess(state, { now, status: 304, pollMinutes: deps.pollMinutes }));
      const durationMs = Date.now() - started;
      log.info('feed not modified', { durationMs, httpStatus: 304 });
      return { feedId: state.feedId, status: 'not-modified', newItems: 0, updatedItems: 0, durationMs };
    }
    const parsed = await parseFeed(res.body, { contentType: res.contentType, url: res.url });
    const outlet = deps.outlets.get(state.outletId) ?? { id: state.outletId, languages: [] };
    const items = normalizeFeed(parsed, {
      feed: { id: state.feedId, url: state.url },
      outlet,
      feedUrl: res.url,
      now,
    });
    let newItems = 0;
    let updatedItems = 0;
    for (const item of items) {
      const w = await deps.store.putItem(item);
      if (w === 'created') newItems++;
      else if (w === 'updated') updatedItems++;
    }
    await deps.store.saveFeed(
      nextStateAfterSuccess(state, {
        now,
        status: res.status,
        pollMinutes: deps.pollMinutes,
        etag: res.etag,
        lastModified: res.lastModified,
        itemsSeen: items.length,
      }),
    );
    const durationMs = Date.now() - started;
    log.info('feed fetched', { durationMs, httpStatus: res.status, items: items.length, newItems, updatedItems });
    return { feedId: state.feedId, status: 'ok', newItems, updatedItems, durationMs };
  } catch (err) {
    const failed = nextStateAfterFailure(state, { now, error: err, pollMinutes: deps.pollMinutes });
    await deps.store.saveFeed(failed);
    const durationMs = Date.now() - started;
    log.warn('feed failed', { durationMs, ...errorFields(err), consecutiveFailures: failed.consecutiveFailures });
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
