// Registers outlets and their feeds in the store, shared by the CLI, the local stack and the editor API.
import type { FeedStore, OutletStore } from '../store/store.ts';
import type { FeedState, Outlet } from '../types.ts';

export { UNKNOWN_COUNTRY, UNKNOWN_REGION } from './vocabulary.ts';

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

/**
 * Registers outlets and their feeds (idempotent: unchanged outlets and known feeds are not rewritten).
 * @returns how many outlet records were written and how many feeds were new
 */
export async function registerOutlets(store: Pick<OutletStore, 'putOutlets'> & Pick<FeedStore, 'ensureFeeds'>, outlets: Outlet[], now: string): Promise<{ outlets: number; feeds: number }> {
  const written = await store.putOutlets(outlets);
  const feeds = await store.ensureFeeds(initialFeedStates(outlets, now));
  return { outlets: written, feeds };
}
