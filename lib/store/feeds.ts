// Feed records: definition, fetch state and health, the scheduler's due queue and its claims.
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { FeedState } from '../types.ts';
import { fromAttrs, keyEquals, toAttrs, type Table } from './db.ts';
import { INDEX, dueIndex, dueUpTo, feedKeys, primary } from './keys.ts';

/** Stored feeds and the scheduler's due queue. */
export interface FeedStore {
  /** Creates fetch state for feeds that have none yet; returns how many were created. */
  ensureFeeds(feeds: FeedState[]): Promise<number>;
  getFeed(feedId: string): Promise<FeedState | undefined>;
  listFeeds(): Promise<FeedState[]>;
  /** Stores the state after a fetch attempt; ends the scheduler's claim on the feed. */
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
}

/** A stored feed record while a scheduler claim is on it. */
type ClaimedFeed = FeedState & { claimedUntil?: string; claimedBy?: string };

/** FeedStore on the table. */
export function feedStore(db: Table): FeedStore {
  const listFeeds = async (): Promise<FeedState[]> => {
    const [live, gone] = await Promise.all([
      db.queryAll({ IndexName: INDEX.byQueue, ...keyEquals('gsi2pk', 'DUE') }),
      db.queryAll({ IndexName: INDEX.byQueue, ...keyEquals('gsi2pk', 'GONE') }),
    ]);
    return [...live, ...gone].map((r) => fromAttrs<FeedState>(r)).sort((a, b) => (a.feedId < b.feedId ? -1 : 1));
  };

  return {
    listFeeds,

    async ensureFeeds(feeds) {
      const existing = new Set(
        (await db.batchGet(feeds.map((f) => primary(feedKeys(f.feedId))), { projection: ['pk'] })).map((r) => r.pk?.S),
      );
      let created = 0;
      for (const f of feeds) {
        if (existing.has(feedKeys(f.feedId).pk)) continue;
        const put = new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...feedKeys(f.feedId, f.gone ? undefined : f.nextDueAt), entity: 'feed', ...f }),
          ConditionExpression: 'attribute_not_exists(pk)',
        });
        if (await db.sendIf(put)) created++;
      }
      return created;
    },

    async getFeed(feedId) {
      const row = await db.get(primary(feedKeys(feedId)), { consistent: true });
      return row ? fromAttrs<FeedState>(row) : undefined;
    },

    async saveFeed(state) {
      // Saving after a fetch ends the scheduler's claim: its marker must not be carried along.
      const { claimedUntil: _u, claimedBy: _b, claims: _c, ...plain } = state as ClaimedFeed;
      await db.send(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...feedKeys(plain.feedId, plain.gone ? undefined : plain.nextDueAt), entity: 'feed', ...plain }),
        }),
      );
    },

    async dueFeeds(now, limit) {
      const rows = await db.queryAll(
        {
          IndexName: INDEX.byQueue,
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
          ExpressionAttributeValues: toAttrs({ ':p': 'DUE', ':now': dueUpTo(now) }),
        },
        { max: limit },
      );
      return rows.map((row) => fromAttrs<FeedState>(row));
    },

    async claimFeed(feedId, dueAt, claimedUntil, owner = 'scheduler') {
      const idx = dueIndex(feedId, claimedUntil);
      return db.sendIf(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(feedKeys(feedId))),
          UpdateExpression: 'SET nextDueAt = :until, gsi2sk = :sk, claimedUntil = :until, claimedBy = :by, claims = if_not_exists(claims, :zero) + :one',
          // Still due at the time this scheduler saw, and not gone (gone feeds have no due-queue entry).
          ConditionExpression: 'nextDueAt = :due AND gsi2pk = :live',
          ExpressionAttributeValues: toAttrs({ ':until': claimedUntil, ':sk': idx.gsi2sk, ':due': dueAt, ':by': owner, ':live': idx.gsi2pk, ':zero': 0, ':one': 1 }),
        }),
      );
    },

    async feedsInFlight(now, exceptOwner) {
      return ((await listFeeds()) as ClaimedFeed[])
        .filter((f) => f.claimedUntil !== undefined && f.claimedUntil > now && f.claimedBy !== exceptOwner)
        .map((f) => f.feedId);
    },
  };
}
