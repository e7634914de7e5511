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
 * Feed record: the feed's definition and health (URL, validators, last status and error, failure count). It is
 * rewritten only when one of those changes, and sits in no index. Records written before schedules had records
 * of their own also carry the schedule and a gsi2 entry (`DUE` by due time, or `GONE`): the feed store reads
 * them and rewrites them in the new form.
 */
export const feedKeys = (feedId: string): Keys => ({ pk: feedPk(feedId), sk: 'FEED' });

/** gsi2 partitions of feed records in the form before schedule records (read only to migrate them). */
export const LEGACY_FEED_QUEUES = ['DUE', 'GONE'] as const;

/** Partition of every feed's schedule record. */
export const SCHEDULE_PK = 'SCHEDULE';

/**
 * Schedule record of a feed: next due time, last attempt and success, and claim bookkeeping; about 150 bytes.
 * All of them share one partition that the scheduler reads whole each run, instead of an index sorted by due
 * time: the due time changes on every poll, and each index entry it moved cost two more write units.
 */
export const scheduleKeys = (feedId: string): Keys => ({ pk: SCHEDULE_PK, sk: feedId });

/**
 * Claim batch: the feeds one scheduler run claimed, with the due time each had. Bucketed by hour; a run reads
 * the buckets of the last claim window only (longer claims are written on the schedule record itself).
 */
export const claimBatchKeys = (at: string, nonce: string): Keys => ({ pk: `CLAIMS#${at.slice(0, 13)}`, sk: `${at}#${nonce}` });

/** Hour buckets of claim batches from `from` to `to` inclusive, oldest first. */
export const claimBuckets = (from: string, to: string): string[] => hourBuckets('CLAIMS#', from, to);

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

/** Hour buckets of arrival records from `from` to `to` inclusive (ISO strings), oldest first. */
export const arrivalBuckets = (from: string, to: string): string[] => hourBuckets('ARRIVALS#', from, to);

/** `<prefix><yyyy-mm-ddThh>` for every hour from `from` to `to` inclusive, oldest first. */
function hourBuckets(prefix: string, from: string, to: string): string[] {
  const out: string[] = [];
  const start = Date.parse(from.slice(0, 13) + ':00:00.000Z');
  for (let t = start; t <= Date.parse(to); t += 3_600_000) out.push(prefix + new Date(t).toISOString().slice(0, 13));
  return out;
}

/**
 * Search batch: the search words of the items that joined stories in one grouping flush, bucketed by hour so the
 * API refreshes its in-memory search index from the newest buckets only.
 */
export const searchBatchKeys = (at: string, nonce: string): Keys => ({ pk: `SEARCH#${at.slice(0, 13)}`, sk: `${at}#${nonce}` });

/** Hour buckets of search batches from `from` to `to` inclusive, oldest first. */
export const searchBuckets = (from: string, to: string): string[] => hourBuckets('SEARCH#', from, to);

/** Dedupe claim: one article URL per outlet, whatever feed it came from (only outlets with several feeds). */
export const articleClaimKeys = (outletId: string, urlHash: string): Keys => ({
  pk: `ARTICLE#${outletId}#${urlHash}`,
  sk: 'CLAIM',
});

/**
 * Story record: the story's fields, its item count and, while it is small, its item list; listed under
 * `STORIES` by last update. Its memberships live in member batches beside it, in the same partition.
 */
export const storyKeys = (storyId: string, updatedAt?: string): Keys => ({
  pk: `STORY#${storyId}`,
  sk: 'STORY',
  ...(updatedAt ? { gsi1pk: 'STORIES', gsi1sk: `${updatedAt}#${storyId}` } : {}),
});

/** Lower bound of story listing sort keys for stories updated at or after `since`. */
export const storiesSince = (since: string) => since;

/**
 * Member batch: the items that joined (with why) and left a story in one write, ordered by time. A story is read
 * with one Query from {@link STORY_READ_FROM}: every member batch, then the story record (`STORY` sorts after
 * `MEMBERS#`); audit entries (`AUDIT#…`) sort before and are not read.
 */
export const memberBatchKeys = (storyId: string, at: string, nonce: string): Keys => ({
  pk: `STORY#${storyId}`,
  sk: `MEMBERS#${at}#${nonce}`,
});

/** Sort-key lower bound of a story read (member batches and the story record). */
export const STORY_READ_FROM = 'MEMBERS#';

/** Partition of the records of stories the grouping writer could not write (one per story, until written). */
export const STORY_FAILURES_PK = 'FAILURES';

/** Write-failure record of a story. */
export const storyFailureKeys = (storyId: string): Keys => ({ pk: STORY_FAILURES_PK, sk: `STORY#${storyId}` });

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

/** gsi1 partition listing the story pairs the engine currently suggests merging ("possible same story"). */
export const SUGGESTIONS_LIST = 'SUGGESTIONS';

/** gsi1 partition listing the story pairs editors dismissed, by dismissal time. */
export const DISMISSED_LIST = 'DISMISSED';

/** Primary key of the record of a pair of stories (ids in ascending order): one record, suggested or dismissed. */
export const pairKeys = (a: string, b: string): Keys => ({ pk: `PAIR#${a}#${b}`, sk: 'PAIR' });

/**
 * A pair the engine suggests: listed under {@link SUGGESTIONS_LIST}. The suggestion and its dismissal are one
 * record so that a dismissal fences the grouping writer's later writes of the pair (a condition on the same item;
 * there are no transactions to fence one record with another).
 */
export const suggestedPairKeys = (a: string, b: string): Keys => ({ ...pairKeys(a, b), gsi1pk: SUGGESTIONS_LIST, gsi1sk: `${a}#${b}` });

/** A pair an editor dismissed: listed under {@link DISMISSED_LIST} by dismissal time, so a warm engine reads only new ones. */
export const dismissedPairKeys = (a: string, b: string, dismissedAt: string): Keys => ({
  ...pairKeys(a, b),
  gsi1pk: DISMISSED_LIST,
  gsi1sk: `${dismissedAt}#${a}#${b}`,
});
