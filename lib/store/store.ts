// The storage interface every stage talks to; DynamoDB implements it (lib/store/dynamo.ts).
import type { FeedState, Item, Membership, Outlet, Story } from '../types.ts';

/** Result of writing one normalized item. */
export type ItemWrite = 'created' | 'updated' | 'unchanged' | 'duplicate';

/** One page of a listing with an opaque continuation token. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** What writing one feed's parsed items did. */
export interface FeedItemsWrite {
  created: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  /** Items skipped without any database call because the feed's seen set already had them. */
  skippedSeen: number;
}

/** One arrival record: items a fetch attempt (one feed, or a whole fetch batch) wrote, for the grouping stage. */
export interface Arrival {
  /** Opaque, time-ordered position (the record's sort key); the grouping cursor stores it. */
  key: string;
  /** The feed, for a record written for one feed; absent on a record shared by a fetch batch. */
  feedId?: string;
  itemIds: string[];
}

/** One feed's parsed items, as handed to `putBatchItems`. */
export interface FeedItems {
  feedId: string;
  items: Item[];
  /** Claim each article URL per outlet (only needed when the outlet has several feeds). */
  dedupeUrls?: boolean;
}

/** Options of `putStory`. */
export interface PutStoryOptions {
  /** Memberships of items joining the story in this write; existing memberships are kept. */
  members?: Membership[];
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
  /**
   * Claims a due feed for one fetch: moves its due time from `dueAt` to `claimedUntil` only if it is still
   * `dueAt`, so of two overlapping schedulers exactly one wins. False when someone else claimed it first.
   */
  claimFeed(feedId: string, dueAt: string, claimedUntil: string, owner?: string): Promise<boolean>;
  /** Feeds claimed (by someone other than `exceptOwner`) and not yet saved by their fetcher. */
  feedsInFlight(now: string, exceptOwner?: string): Promise<string[]>;

  /** Writes an item if new or edited; `duplicate` when the outlet already has this article. */
  putItem(item: Item): Promise<ItemWrite>;
  /**
   * Writes one feed's parsed items idempotently: items in the feed's seen set cost nothing, the others are
   * checked with a batched read and only new or edited ones are written (conditional puts, no blind writes).
   * New items are announced in an arrival record before they are written.
   * @param opts.dedupeUrls claim each article URL per outlet (only needed when the outlet has several feeds)
   */
  putFeedItems(feedId: string, items: Item[], opts?: { dedupeUrls?: boolean }): Promise<FeedItemsWrite>;
  /**
   * `putFeedItems` for the feeds of a whole fetch batch at once: the new items of every feed are announced in
   * one arrival record (the per-poll record was the largest per-item cost), written before any item.
   * @returns one result per feed, in input order
   */
  putBatchItems(feeds: FeedItems[]): Promise<FeedItemsWrite[]>;
  getItems(ids: string[], opts?: { consistent?: boolean }): Promise<Item[]>;
  /** Arrival records with a key after `after` (all when undefined), written at or after `from`, oldest first. */
  listArrivals(opts: { after?: string; from: string; now: string }): Promise<Arrival[]>;

  /** Records an item's membership of a story (kept on the story record; the version is not bumped). */
  setMembership(item: Item, membership: Membership): Promise<void>;
  /** Memberships of the story's current items, in story order. */
  getMemberships(storyId: string): Promise<Membership[]>;

  getStory(id: string): Promise<Story | undefined>;
  /**
   * Writes a story if its stored version still equals `expectedVersion` (0 = must not exist).
   * @throws ConflictError when another writer got there first
   */
  putStory(story: Story, expectedVersion: number, opts?: PutStoryOptions): Promise<void>;
  /** Stories by last update, newest first. */
  listStories(opts: { limit: number; cursor?: string; since?: string }): Promise<Page<Story>>;

  /**
   * Takes (or, for its current holder, extends) a named lease until `ttlMs` from now; false when someone
   * else holds it. A holder whose lease already expired cannot extend it: it must acquire it anew.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease still held by `owner`; false when it expired or changed hands (the holder must stop). */
  renewLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;

  /** Progress cursor of a single-writer stage; undefined before its first pass. */
  getCursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;
}
