// Item records, the feeds' seen sets, article claims and arrival records (what the grouping stage reads next).
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { createHash, randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { Item } from '../types.ts';
import { fromAttrs, toAttrs, ttlAfter, type Table } from './db.ts';
import { arrivalBuckets, arrivalKeys, articleClaimKeys, feedSeenKeys, itemKeys, primary } from './keys.ts';

/** What writing one feed's parsed items did. */
export interface FeedItemsWrite {
  created: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  /** Items skipped without any database call because the feed's seen set already had them. */
  skippedSeen: number;
}

/** One feed's parsed items, as handed to `putBatchItems`. */
export interface FeedItems {
  feedId: string;
  items: Item[];
  /** Claim each article URL per outlet (only needed when the outlet has several feeds). */
  dedupeUrls?: boolean;
}

/** One arrival record: items a fetch attempt (one feed, or a whole fetch batch) wrote, for the grouping stage. */
export interface Arrival {
  /** Opaque, time-ordered position (the record's sort key); the grouping cursor stores it. */
  key: string;
  /** The feed, for a record written for one feed; absent on a record shared by a fetch batch. */
  feedId?: string;
  itemIds: string[];
}

/** Stored items and the arrival records that announce them. */
export interface ItemStore {
  /**
   * Writes the parsed items of the feeds of a fetch batch idempotently: items in a feed's seen set cost
   * nothing, the others are checked with one batched read and only new or edited ones are written
   * (conditional puts, no blind writes). The new items of every feed are announced in one arrival record,
   * written before any item.
   * @returns one result per feed, in input order
   */
  putBatchItems(feeds: FeedItems[]): Promise<FeedItemsWrite[]>;
  /** The items that exist among `ids`, in the order of `ids`. */
  getItems(ids: string[], opts?: { consistent?: boolean }): Promise<Item[]>;
  /** Arrival records with a key after `after` (all when undefined), written at or after `from`, oldest first. */
  listArrivals(opts: { after?: string; from: string; now: string }): Promise<Arrival[]>;
}

/** Items missing from a feed's seen set before it is rewritten (see putBatchItems). */
const SEEN_REWRITE_MIN = 4;

/** Arrival records only need to outlive the grouping stage's catch-up window. */
const ARRIVAL_TTL_DAYS = 7;

/** Id bytes per arrival record: a quarter of DynamoDB's 400 KB item limit leaves room for keys and overhead. */
const ARRIVAL_MAX_BYTES = 100_000;

/** Stands in for the feed id in the sort key of an arrival record shared by a fetch batch. */
const ARRIVAL_BATCH_TAG = 'batch';

/** Seen-set entry of an item: 60 bits of hash over id and content hash (an edit changes it). */
const seenHash = (it: Item) => createHash('sha1').update(`${it.id}\n${it.contentHash}`).digest('base64url').slice(0, 10);

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** ItemStore on the table; items expire `retentionDays` after they were first seen. */
export function itemStore(db: Table, opts: { retentionDays: number }): ItemStore {
  /**
   * Announces item ids in arrival records before they are written, so a crash after some item writes still
   * lets the grouping stage find them. A whole fetch batch shares one record: write units are per started
   * kilobyte, so one record of n ids costs about 1 + n/40 units instead of one unit per feed. Records are
   * split only to stay far below DynamoDB's 400 KB item limit. `feedId` is kept for a one-feed record.
   */
  const announce = async (feedId: string | undefined, ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    const at = new Date().toISOString();
    const chunks: string[][] = [[]];
    let bytes = 0;
    for (const id of ids) {
      if (bytes + id.length + 3 > ARRIVAL_MAX_BYTES && chunks.at(-1)!.length) {
        chunks.push([]);
        bytes = 0;
      }
      chunks.at(-1)!.push(id);
      bytes += id.length + 3;
    }
    const nonce = randomUUID().slice(0, 8);
    await Promise.all(
      chunks.map((itemIds, i) =>
        db.send(
          new PutItemCommand({
            TableName: db.name,
            Item: toAttrs({
              ...arrivalKeys(at, feedId ?? ARRIVAL_BATCH_TAG, chunks.length > 1 ? `${nonce}.${i}` : nonce),
              entity: 'arrival',
              ...(feedId ? { feedId } : {}),
              itemIds,
              ttl: ttlAfter(at, ARRIVAL_TTL_DAYS),
            }),
          }),
        ),
      ),
    );
  };

  const createItem = async (item: Item, dedupeUrls: boolean): Promise<'created' | 'unchanged' | 'duplicate'> => {
    const ttl = ttlAfter(item.firstSeenAt, opts.retentionDays);
    if (dedupeUrls && item.url) {
      const claimed = await db.sendIf(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...articleClaimKeys(item.outletId, sha1(item.url)), entity: 'claim', itemId: item.id, ttl }),
          ConditionExpression: 'attribute_not_exists(pk) OR itemId = :id',
          ExpressionAttributeValues: toAttrs({ ':id': item.id }),
        }),
      );
      if (!claimed) return 'duplicate';
    }
    const put = new PutItemCommand({
      TableName: db.name,
      Item: toAttrs({ ...itemKeys(item.id), entity: 'item', ...item, ttl }),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    // A condition failure: a concurrent run wrote it between our read and our write.
    return (await db.sendIf(put)) ? 'created' : 'unchanged';
  };

  const updateItem = async (item: Item): Promise<'updated' | 'unchanged'> => {
    const update = new UpdateItemCommand({
      TableName: db.name,
      Key: toAttrs(primary(itemKeys(item.id))),
      UpdateExpression:
        'SET title = :title, summary = :summary, author = :author, #url = :url, image = :image, contentHash = :hash, publishedRaw = :raw',
      ConditionExpression: 'attribute_exists(pk) AND contentHash <> :hash',
      ExpressionAttributeNames: { '#url': 'url' },
      ExpressionAttributeValues: toAttrs({
        ':title': item.title,
        ':summary': item.summary ?? null,
        ':author': item.author ?? null,
        ':url': item.url ?? null,
        ':image': item.image ?? null,
        ':hash': item.contentHash,
        ':raw': item.publishedRaw ?? null,
      }),
    });
    return (await db.sendIf(update)) ? 'updated' : 'unchanged';
  };

  return {
    async putBatchItems(feeds) {
      const outs: FeedItemsWrite[] = feeds.map(() => ({ created: 0, updated: 0, unchanged: 0, duplicate: 0, skippedSeen: 0 }));
      if (feeds.length === 0) return outs;
      // Every feed's seen set in one batched read (eventually consistent, like the single GetItem it replaces).
      const seenRows = await db.batchGet(feeds.map((f) => primary(feedSeenKeys(f.feedId))), { projection: ['pk', 'h'] });
      const seenOf = new Map(seenRows.map((r) => [r.pk!.S!, new Set<string>(r.h?.SS ?? [])]));
      const plans = feeds.map((f, i) => {
        const seen = seenOf.get(feedSeenKeys(f.feedId).pk) ?? new Set<string>();
        const hashes = f.items.map(seenHash);
        const candidates = f.items.filter((_, k) => !seen.has(hashes[k]!));
        outs[i]!.skippedSeen = f.items.length - candidates.length;
        return { feed: f, out: outs[i]!, hashes, candidates };
      });
      const candidateIds = plans.flatMap((p) => p.candidates.map((i) => i.id));
      if (candidateIds.length === 0) return outs;
      // Items outside the seen sets (new, edited, or a lost seen-set write) are checked with one batched read,
      // so unchanged items cost half a read unit instead of a failed conditional write. The same read fetches
      // the article claims of those that need one: an article another feed of the outlet already stored is a
      // duplicate found without a (billed) failed conditional write, on this poll and every later one.
      const claimKeys = (item: Item) => articleClaimKeys(item.outletId, sha1(item.url!));
      const claimKey = (item: Item) => claimKeys(item).pk;
      const claimed = plans.flatMap((p) => (p.feed.dedupeUrls ? p.candidates.filter((i) => i.url) : []));
      const rows = await db.batchGet(
        [...candidateIds.map((id) => primary(itemKeys(id))), ...claimed.map((i) => primary(claimKeys(i)))],
        { projection: ['pk', 'id', 'contentHash', 'itemId'] },
      );
      const stored = new Map<string, string>();
      const claims = new Map<string, string>();
      for (const r of rows) {
        if (r.itemId?.S) claims.set(r.pk!.S!, r.itemId.S);
        else if (r.id?.S) stored.set(r.id.S, r.contentHash?.S ?? '');
      }
      const writes: { item: Item; fresh: boolean; dedupeUrls: boolean; out: FeedItemsWrite }[] = [];
      const queued = new Set<string>();
      for (const p of plans) {
        const dedupe = p.feed.dedupeUrls ?? false;
        for (const item of p.candidates) {
          const fresh = !stored.has(item.id);
          // The same item twice in a batch (a redelivered message next to its successor) is written once.
          if (queued.has(item.id) || (!fresh && stored.get(item.id) === item.contentHash)) {
            p.out.unchanged++;
            continue;
          }
          if (fresh && dedupe && item.url) {
            // First come in the batch takes the claim; the conditional claim write still settles races with
            // other fetchers.
            const owner = claims.get(claimKey(item));
            if (owner !== undefined && owner !== item.id) {
              p.out.duplicate++;
              continue;
            }
            claims.set(claimKey(item), item.id);
          }
          queued.add(item.id);
          writes.push({ item, fresh, dedupeUrls: dedupe, out: p.out });
        }
      }
      await announce(
        feeds.length === 1 ? feeds[0]!.feedId : undefined,
        writes.filter((w) => w.fresh).map((w) => w.item.id),
      );
      const limit = pLimit(8);
      const results = await Promise.all(
        writes.map((w) => limit(() => (w.fresh ? createItem(w.item, w.dedupeUrls) : updateItem(w.item)))),
      );
      results.forEach((r, i) => writes[i]!.out[r]++);
      // A seen set is rewritten only once enough items miss from it: below that, re-checking them with a batched
      // read (half a read unit each) is cheaper than a write unit per poll with new items. Written last: if
      // anything above failed, the next attempt re-checks these items instead of skipping them.
      await Promise.all(
        plans
          .filter((p) => p.candidates.length >= SEEN_REWRITE_MIN)
          .map((p) =>
            limit(() =>
              db.send(
                new PutItemCommand({
                  TableName: db.name,
                  Item: {
                    ...toAttrs({ ...feedSeenKeys(p.feed.feedId), entity: 'seen', feedId: p.feed.feedId }),
                    ...(p.hashes.length ? { h: { SS: [...new Set(p.hashes)] } } : {}),
                  },
                }),
              ),
            ),
          ),
      );
      return outs;
    },

    async getItems(ids, readOpts = {}) {
      const rows = await db.batchGet([...new Set(ids)].map((id) => primary(itemKeys(id))), { consistent: readOpts.consistent });
      const found = new Map<string, Item>();
      for (const row of rows) {
        const it = cleanItem(fromAttrs<Item & Record<string, unknown>>(row));
        found.set(it.id, it);
      }
      return ids.map((id) => found.get(id)).filter((x): x is Item => x !== undefined);
    },

    async listArrivals(range) {
      const afterAt = range.after?.slice(0, 24);
      const from = afterAt && afterAt > range.from ? afterAt : range.from;
      const lower = range.after && range.after > from ? range.after : from;
      const limit = pLimit(8);
      const perBucket = await Promise.all(
        arrivalBuckets(from, range.now).map((bucket) =>
          limit(() =>
            db.queryAll({
              KeyConditionExpression: 'pk = :p AND sk > :after',
              ExpressionAttributeValues: toAttrs({ ':p': bucket, ':after': lower }),
              ConsistentRead: true,
            }),
          ),
        ),
      );
      return perBucket.flat().map((r) => {
        const a = fromAttrs<{ feedId?: string; itemIds: string[] }>(r);
        return { key: r.sk!.S!, ...(a.feedId ? { feedId: a.feedId } : {}), itemIds: a.itemIds };
      });
    },
  };
}

/** Drops fields older records carried and nulls left by updates of absent fields. */
function cleanItem(o: Item & Record<string, unknown>): Item {
  delete o.membership;
  delete o.storyId;
  for (const k of Object.keys(o)) if (o[k] === null) delete o[k];
  return o;
}
