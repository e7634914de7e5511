// The storage interface every stage talks to; DynamoDB implements it (lib/store/dynamo.ts).
import type { FeedState, Item, Membership, Outlet, Story } from '../types.ts';

/** Result of writing one normalized item. */
export type ItemWrite = 'created' | 'updated' | 'unchanged' | 'duplicate';

/** One page of a listing with an opaque continuation token. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Persistence used by ingest, grouping, API and editor code. */
export interface Store {
  /** Upserts outlet records (writes only outlets whose content changed). */
  putOutlets(outlets: Outlet[]): Promise<number>;
  listOutlets(): Promise<Outlet[]>;

  /** Creates fetch state for feeds that have none yet; returns how many were created. */
  ensureFeeds(feeds: FeedState[]): Promise<number>;
  getFeed(feedId: string): Promise<FeedState | undefined>;
  listFeeds(): Promise<FeedState[]>;
  saveFeed(state: FeedState): Promise<void>;
  /** Feeds whose next due time is at or before `now`, oldest due first. */
  dueFeeds(now: string, limit: number): Promise<FeedState[]>;

  /** Writes an item if new or edited; `duplicate` when the outlet already has this article. */
  putItem(item: Item): Promise<ItemWrite>;
  getItems(ids: string[]): Promise<Item[]>;
  /** Items written but not yet grouped, in arrival order. */
  pendingItems(limit: number): Promise<Item[]>;
  /** Records an item's membership and takes it out of the pending queue. */
  setMembership(item: Item, membership: Membership): Promise<void>;
  getMemberships(storyId: string): Promise<Membership[]>;

  getStory(id: string): Promise<Story | undefined>;
  /**
   * Writes a story if its stored version still equals `expectedVersion` (0 = must not exist).
   * @throws ConflictError when another writer got there first
   */
  putStory(story: Story, expectedVersion: number): Promise<void>;
  /** Stories by last update, newest first. */
  listStories(opts: { limit: number; cursor?: string; since?: string }): Promise<Page<Story>>;

  /** Takes a named lease until `ttlMs` from now; false when someone else holds it. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
}
