// Every DynamoDB key of the single-table design is built here, and only here (see docs/data-model.md).

/** Primary and index key attributes of one stored record. */
export interface Keys {
  pk: string;
  sk: string;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk?: string;
  gsi2sk?: string;
  gsi3pk?: string;
  gsi3sk?: string;
}

/** Index names as created by `ensureTable` and by the CDK stack. */
export const INDEX = { byList: 'gsi1', byQueue: 'gsi2', byStory: 'gsi3' } as const;

/** Primary key only (for GetItem, UpdateItem, DeleteItem). */
export const primary = (k: Keys): { pk: string; sk: string } => ({ pk: k.pk, sk: k.sk });

/** Outlet record; listed under `OUTLETS`. */
export const outletKeys = (outletId: string): Keys => ({
  pk: `OUTLET#${outletId}`,
  sk: 'OUTLET',
  gsi1pk: 'OUTLETS',
  gsi1sk: outletId,
});

/** Partition value of everything stored per feed (state, seen set). */
const feedPk = (feedId: string) => `FEED#${feedId}`;

/**
 * Feed record (definition + fetch state). Indexed only in gsi2: live feeds under `DUE` by next due time, gone
 * feeds under `GONE`; listing every feed reads both. No gsi1 entry, because the record changes on every poll
 * and each index it sits in multiplies that write.
 */
export const feedKeys = (feedId: string, nextDueAt?: string): Keys => ({
  pk: feedPk(feedId),
  sk: 'FEED',
  ...(nextDueAt ? dueIndex(feedId, nextDueAt) : { gsi2pk: 'GONE', gsi2sk: feedId }),
});

/** Index keys that put a feed in the scheduler's due queue (a gone feed has none: it is never due again). */
export const dueIndex = (feedId: string, nextDueAt: string) => ({ gsi2pk: 'DUE', gsi2sk: `${nextDueAt}#${feedId}` });

/** Upper bound of the due-queue sort keys at `now` (every feed due at or before it). */
export const dueUpTo = (now: string) => `${now}#\uffff`;

/**
 * Seen set of a feed: short hashes of (item id, content hash) of the items in its last parsed body. Kept out
 * of the feed record so it is written only when the feed's items change, and never into an index.
 */
export const feedSeenKeys = (feedId: string): Keys => ({ pk: feedPk(feedId), sk: 'SEEN' });

/** Item record (no index entries: items are found through arrival records and story item lists). */
export const itemKeys = (itemId: string): Keys => ({ pk: `ITEM#${itemId}`, sk: 'ITEM' });

/** Arrival records are bucketed by hour so the grouping stage reads a bounded number of partitions. */
export const arrivalBucket = (at: string) => `ARRIVALS#${at.slice(0, 13)}`;

/**
 * Arrival record: the ids of the items one fetch attempt was about to write, for the grouping stage's
 * cursor. Sorted by time, then feed, then a per-attempt nonce (concurrent attempts each get their own).
 */
export const arrivalKeys = (at: string, feedId: string, nonce: string): Keys => ({
  pk: arrivalBucket(at),
  sk: `${at}#${feedId}#${nonce}`,
});

/** Hour buckets from `from` to `to` inclusive (ISO strings), oldest first. */
export function arrivalBuckets(from: string, to: string): string[] {
  const out: string[] = [];
  const start = Date.parse(from.slice(0, 13) + ':00:00.000Z');
  for (let t = start; t <= Date.parse(to); t += 3_600_000) out.push(arrivalBucket(new Date(t).toISOString()));
  return out;
}

/** Dedupe claim: one article URL per outlet, whatever feed it came from (only outlets with several feeds). */
export const articleClaimKeys = (outletId: string, urlHash: string): Keys => ({
  pk: `ARTICLE#${outletId}#${urlHash}`,
  sk: 'CLAIM',
});

/** Story record (with its memberships); listed under `STORIES` by last update. */
export const storyKeys = (storyId: string, updatedAt?: string): Keys => ({
  pk: `STORY#${storyId}`,
  sk: 'STORY',
  ...(updatedAt ? { gsi1pk: 'STORIES', gsi1sk: `${updatedAt}#${storyId}` } : {}),
});

/** Lower bound of story listing sort keys for stories updated at or after `since`. */
export const storiesSince = (since: string) => since;

/** Audit entry of a story, ordered by time. */
export const auditKeys = (storyId: string, at: string, id: string): Keys => ({
  pk: `STORY#${storyId}`,
  sk: `AUDIT#${at}#${id}`,
});

/** Sort-key prefix of a story's audit entries (Query with begins_with). */
export const AUDIT_PREFIX = 'AUDIT#';

/** Editor key record (hash only), listed under `EDITORKEYS`. */
export const editorKeyKeys = (keyId: string): Keys => ({
  pk: `EDITORKEY#${keyId}`,
  sk: 'EDITORKEY',
  gsi1pk: 'EDITORKEYS',
  gsi1sk: keyId,
});

/** A lease (single-writer lock) record. */
export const leaseKeys = (name: string): Keys => ({ pk: `LEASE#${name}`, sk: 'LEASE' });

/** Progress cursor of a single-writer stage (the grouping stage's position in the arrival records). */
export const cursorKeys = (name: string): Keys => ({ pk: `CURSOR#${name}`, sk: 'CURSOR' });
