// DynamoDB implementation of the Store interface (single table, conditional writes, retries, no transactions).
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { createHash, randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { ConflictError, ValidationError } from '../errors.ts';
import type { FeedState, Item, Membership, Outlet, Story } from '../types.ts';
import { decodeCursor, encodeCursor, fromAttrs, isConditionFailure, toAttrs, ttlAfter, type Attrs } from './codec.ts';
import {
  INDEX,
  arrivalBuckets,
  arrivalKeys,
  articleClaimKeys,
  cursorKeys,
  dueIndex,
  dueUpTo,
  feedKeys,
  feedSeenKeys,
  itemKeys,
  leaseKeys,
  outletKeys,
  primary,
  storiesSince,
  storyKeys,
  type Keys,
} from './keys.ts';
import type { DynamoSender } from './client.ts';
import { RETRY_BUDGETS, drainUnprocessed, type RetryBudget } from '../aws/retry.ts';
import type { Arrival, FeedItems, FeedItemsWrite, ItemWrite, Page, PutStoryOptions, Store } from './store.ts';

/** Options of the DynamoDB store. */
export interface DynamoStoreOptions {
  client: DynamoSender;
  table: string;
  /** Days after which items and quiet stories expire through DynamoDB TTL. */
  retentionDays: number;
  /**
   * Attempts for items a batch call leaves unprocessed (the SDK retries everything else itself, see
   * lib/aws/retry.ts); the client's budget, default `local`.
   */
  retry?: Pick<RetryBudget, 'maxAttempts'>;
}

/** Items missing from a feed's seen set before it is rewritten (see putFeedItems). */
const SEEN_REWRITE_MIN = 4;

/** Arrival records only need to outlive the grouping stage's catch-up window. */
const ARRIVAL_TTL_DAYS = 7;

/** Id bytes per arrival record: a quarter of DynamoDB's 400 KB item limit leaves room for keys and overhead. */
const ARRIVAL_MAX_BYTES = 100_000;

/** Stands in for the feed id in the sort key of an arrival record shared by a fetch batch. */
const ARRIVAL_BATCH_TAG = 'batch';

/** Story fields that may be absent: an update removes them when the new version lacks them. */
const OPTIONAL_STORY_FIELDS = [
  'summary',
  'pinned',
  'hidden',
  'locked',
  'labelByEditor',
  'headlineByEditor',
  'mergedInto',
  'reviewedAt',
  'excludedItemIds',
] as const;

/**
 * A membership as kept inside the story record (story and item ids are implied by where it sits), in short
 * form: the record is copied into gsi1 on every story write, so each byte past a kilobyte costs two units.
 * `s` score, `m` matched terms (absent when none), `t` time as epoch ms (the ISO string if it would not
 * round-trip), `b` only for editor placements (absent = engine).
 */
interface MemberEntry {
  s: number;
  m?: string[];
  t: number | string;
  b?: 'editor';
}

/** The long form written before entries were shortened; still read, never written. */
interface LegacyMemberEntry {
  score: number;
  matched: string[];
  by: 'engine' | 'editor';
  at: string;
}

/** DynamoDB's answer to `SET members.#id = …` on a record without a `members` map. */
const isMissingMembersMap = (err: unknown) =>
  (err as Error | undefined)?.name === 'ValidationException' && /document path/i.test((err as Error).message);

/** Store backed by one DynamoDB table. */
export class DynamoStore implements Store {
  private readonly client: DynamoSender;
  private readonly table: string;
  private readonly retentionDays: number;
  private readonly retry: Pick<RetryBudget, 'maxAttempts'>;

  constructor(opts: DynamoStoreOptions) {
    this.client = opts.client;
    this.table = opts.table;
    this.retentionDays = opts.retentionDays;
    this.retry = opts.retry ?? RETRY_BUDGETS.local;
  }

  // ---- outlets and feeds -------------------------------------------------------------------------------

  async putOutlets(outlets: Outlet[]): Promise<number> {
    // Read hashes first (reads are 4× cheaper than writes) and rewrite only outlets that changed.
    const stored = await this.batchGet(
      outlets.map((o) => primary(outletKeys(o.id))),
      { projection: ['pk', 'hash'] },
    );
    const storedHash = new Map(stored.map((r) => [r.pk?.S, r.hash?.S]));
    const changed = outlets.filter((o) => storedHash.get(outletKeys(o.id).pk) !== contentHash(o));
    await this.batchWrite(
      changed.map((o) => ({ PutRequest: { Item: toAttrs({ ...outletKeys(o.id), entity: 'outlet', ...o, hash: contentHash(o) }) } })),
    );
    return changed.length;
  }

  async listOutlets(): Promise<Outlet[]> {
    const rows = await this.queryAll({ IndexName: INDEX.byList, ...eq('gsi1pk', 'OUTLETS') });
    return rows.map((r) => {
      const o = fromAttrs<Outlet & { hash?: string }>(r);
      delete o.hash;
      return o;
    });
  }

  async ensureFeeds(feeds: FeedState[]): Promise<number> {
    const existing = new Set(
      (await this.batchGet(feeds.map((f) => primary(feedKeys(f.feedId))), { projection: ['pk'] })).map((r) => r.pk?.S),
    );
    let created = 0;
    for (const f of feeds) {
      if (existing.has(feedKeys(f.feedId).pk)) continue;
      try {
        await this.send(
          new PutItemCommand({
            TableName: this.table,
            Item: toAttrs({ ...feedKeys(f.feedId, f.gone ? undefined : f.nextDueAt), entity: 'feed', ...f }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        created++;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    return created;
  }

  async getFeed(feedId: string): Promise<FeedState | undefined> {
    const r = await this.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(primary(feedKeys(feedId))), ConsistentRead: true }),
    );
    return r.Item ? fromAttrs<FeedState>(r.Item) : undefined;
  }

  async listFeeds(): Promise<FeedState[]> {
    const [live, gone] = await Promise.all([
      this.queryAll({ IndexName: INDEX.byQueue, ...eq('gsi2pk', 'DUE') }),
      this.queryAll({ IndexName: INDEX.byQueue, ...eq('gsi2pk', 'GONE') }),
    ]);
    return [...live, ...gone].map((r) => fromAttrs<FeedState>(r)).sort((a, b) => (a.feedId < b.feedId ? -1 : 1));
  }

  async saveFeed(state: FeedState): Promise<void> {
    // Saving after a fetch ends the scheduler's claim: its marker must not be carried along.
    const { claimedUntil: _u, claimedBy: _b, claims: _c, ...plain } = state as FeedState & { claimedUntil?: string; claimedBy?: string };
    await this.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toAttrs({ ...feedKeys(plain.feedId, plain.gone ? undefined : plain.nextDueAt), entity: 'feed', ...plain }),
      }),
    );
  }

  async dueFeeds(now: string, limit: number): Promise<FeedState[]> {
    const out: FeedState[] = [];
    let start: Attrs | undefined;
    do {
      const r = await this.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.byQueue,
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
          ExpressionAttributeValues: toAttrs({ ':p': 'DUE', ':now': dueUpTo(now) }),
          Limit: limit - out.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const row of r.Items ?? []) out.push(fromAttrs<FeedState>(row));
      start = r.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async claimFeed(feedId: string, dueAt: string, claimedUntil: string, owner = 'scheduler'): Promise<boolean> {
    const idx = dueIndex(feedId, claimedUntil);
    try {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toAttrs(primary(feedKeys(feedId))),
          UpdateExpression: 'SET nextDueAt = :until, gsi2sk = :sk, claimedUntil = :until, claimedBy = :by, claims = if_not_exists(claims, :zero) + :one',
          // Still due at the time this scheduler saw, and not gone (gone feeds have no due-queue entry).
          ConditionExpression: 'nextDueAt = :due AND gsi2pk = :live',
          ExpressionAttributeValues: toAttrs({ ':until': claimedUntil, ':sk': idx.gsi2sk, ':due': dueAt, ':by': owner, ':live': idx.gsi2pk, ':zero': 0, ':one': 1 }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async feedsInFlight(now: string, exceptOwner?: string): Promise<string[]> {
    return ((await this.listFeeds()) as (FeedState & { claimedUntil?: string; claimedBy?: string })[])
      .filter((f) => f.claimedUntil !== undefined && f.claimedUntil > now && f.claimedBy !== exceptOwner)
      .map((f) => f.feedId);
  }

  // ---- items ---------------------------------------------------------------------------------------------

  async putItem(item: Item): Promise<ItemWrite> {
    const [existing] = await this.itemHashes([item.id]);
    if (existing?.get(item.id) === item.contentHash) return 'unchanged';
    const [w] = await this.writeItems(item.feedId, [item], existing?.has(item.id) ? [] : [item], { dedupeUrls: true });
    return w!;
  }

  async putFeedItems(feedId: string, items: Item[], opts: { dedupeUrls?: boolean } = {}): Promise<FeedItemsWrite> {
    const [out] = await this.putBatchItems([{ feedId, items, dedupeUrls: opts.dedupeUrls }]);
    return out!;
  }

  async putBatchItems(feeds: FeedItems[]): Promise<FeedItemsWrite[]> {
    const outs: FeedItemsWrite[] = feeds.map(() => ({ created: 0, updated: 0, unchanged: 0, duplicate: 0, skippedSeen: 0 }));
    if (feeds.length === 0) return outs;
    // Every feed's seen set in one batched read (eventually consistent, like the single GetItem it replaces).
    const seenRows = await this.batchGet(feeds.map((f) => primary(feedSeenKeys(f.feedId))), { projection: ['pk', 'h'] });
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
    const rows = await this.batchGet(
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
    await this.announce(
      feeds.length === 1 ? feeds[0]!.feedId : undefined,
      writes.filter((w) => w.fresh).map((w) => w.item.id),
    );
    const limit = pLimit(8);
    const results = await Promise.all(
      writes.map((w) => limit(() => (w.fresh ? this.createItem(w.item, w.dedupeUrls) : this.updateItem(w.item)))),
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
            this.send(
              new PutItemCommand({
                TableName: this.table,
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
  }

  async getItems(ids: string[], opts: { consistent?: boolean } = {}): Promise<Item[]> {
    const rows = await this.batchGet([...new Set(ids)].map((id) => primary(itemKeys(id))), { consistent: opts.consistent });
    const found = new Map<string, Item>();
    for (const row of rows) {
      const it = cleanItem(fromAttrs<Item & Record<string, unknown>>(row));
      found.set(it.id, it);
    }
    return ids.map((id) => found.get(id)).filter((x): x is Item => x !== undefined);
  }

  async listArrivals(opts: { after?: string; from: string; now: string }): Promise<Arrival[]> {
    const afterAt = opts.after?.slice(0, 24);
    const from = afterAt && afterAt > opts.from ? afterAt : opts.from;
    const lower = opts.after && opts.after > from ? opts.after : from;
    const limit = pLimit(8);
    const perBucket = await Promise.all(
      arrivalBuckets(from, opts.now).map((bucket) =>
        limit(() =>
          this.queryAll({
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
  }

  // ---- stories and memberships ----------------------------------------------------------------------------

  async setMembership(_item: Item, m: Membership): Promise<void> {
    const entry = memberEntry(m);
    try {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toAttrs(primary(storyKeys(m.storyId))),
          UpdateExpression: 'SET members.#i = :m',
          ConditionExpression: 'attribute_exists(members)',
          ExpressionAttributeNames: { '#i': m.itemId },
          ExpressionAttributeValues: toAttrs({ ':m': entry }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // A story written before memberships lived on it (or not written yet): start its map.
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toAttrs(primary(storyKeys(m.storyId))),
          UpdateExpression: 'SET members = if_not_exists(members, :empty)',
          ExpressionAttributeValues: toAttrs({ ':empty': {} }),
        }),
      );
      await this.setMembership(_item, m);
    }
  }

  async getMemberships(storyId: string): Promise<Membership[]> {
    const r = await this.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(primary(storyKeys(storyId))), ConsistentRead: true }),
    );
    if (!r.Item) return [];
    const rec = fromAttrs<Story & { members?: Record<string, MemberEntry | LegacyMemberEntry> }>(r.Item);
    const members = rec.members ?? {};
    return rec.itemIds.filter((id) => members[id] !== undefined).map((id) => fromMemberEntry(storyId, id, members[id]!));
  }

  async getStory(id: string): Promise<Story | undefined> {
    const r = await this.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(primary(storyKeys(id))), ConsistentRead: true }),
    );
    return r.Item ? decodeStory(r.Item) : undefined;
  }

  async putStory(story: Story, expectedVersion: number, opts: PutStoryOptions & { retried?: boolean } = {}): Promise<void> {
    // An update, not a put: memberships live on the record and must survive writes that don't mention them.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    let n = 0;
    const set = (path: string, value: unknown) => {
      const k = `#f${n}`;
      const v = `:v${n++}`;
      names[k] = path;
      values[v] = value;
      sets.push(`${k} = ${v}`);
    };
    const keys = storyKeys(story.id, story.updatedAt);
    for (const [k, v] of Object.entries(story)) if (v !== undefined && k !== 'members') set(k, v);
    set('entity', 'story');
    set('gsi1pk', keys.gsi1pk);
    set('gsi1sk', keys.gsi1sk);
    // Pinned or editor-approved stories are kept; others expire once quiet for the retention period.
    const keep = story.pinned || story.status === 'approved';
    if (keep) {
      names['#ttl'] = 'ttl';
      removes.push('#ttl');
    } else set('ttl', ttlAfter(story.lastItemAt, this.retentionDays));
    for (const f of OPTIONAL_STORY_FIELDS) {
      if ((story as unknown as Record<string, unknown>)[f] === undefined) {
        names[`#r_${f}`] = f;
        removes.push(`#r_${f}`);
      }
    }
    const members = opts.members ?? [];
    if (expectedVersion === 0) {
      set('members', Object.fromEntries(members.map((m) => [m.itemId, memberEntry(m)])));
    } else if (members.length) {
      names['#members'] = 'members';
      members.forEach((m, i) => {
        names[`#m${i}`] = m.itemId;
        values[`:m${i}`] = memberEntry(m);
        sets.push(`#members.#m${i} = :m${i}`);
      });
    }
    if (expectedVersion !== 0) values[':expected'] = expectedVersion;
    try {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toAttrs(primary(keys)),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: toAttrs(values),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError(`Story ${story.id} changed since version ${expectedVersion}`, { cause: err });
      }
      if (isMissingMembersMap(err) && !opts.retried) {
        // A story stored before memberships lived on it: give it an empty map, then write again.
        await this.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: toAttrs(primary(keys)),
            UpdateExpression: 'SET members = if_not_exists(members, :empty)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: toAttrs({ ':empty': {} }),
          }),
        );
        return this.putStory(story, expectedVersion, { ...opts, retried: true });
      }
      throw err;
    }
  }

  async listStories(opts: { limit: number; cursor?: string; since?: string }): Promise<Page<Story>> {
    let start: Attrs | undefined;
    try {
      start = decodeCursor(opts.cursor);
    } catch (err) {
      throw new ValidationError('Invalid cursor', ['cursor'], { cause: err });
    }
    const r = await this.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.byList,
        KeyConditionExpression: opts.since ? 'gsi1pk = :p AND gsi1sk >= :since' : 'gsi1pk = :p',
        ExpressionAttributeValues: toAttrs(
          opts.since ? { ':p': 'STORIES', ':since': storiesSince(opts.since) } : { ':p': 'STORIES' },
        ),
        ScanIndexForward: false,
        Limit: opts.limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (r.Items ?? []).map(decodeStory), cursor: encodeCursor(r.LastEvaluatedKey) };
  }

  // ---- leases and cursors -------------------------------------------------------------------------------

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toAttrs({ ...leaseKeys(name), entity: 'lease', owner, expiresAt: now + ttlMs }),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: toAttrs({ ':now': now, ':owner': owner }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async renewLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toAttrs(leaseKeys(name)),
          UpdateExpression: 'SET expiresAt = :exp',
          ConditionExpression: '#o = :owner AND expiresAt >= :now',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: toAttrs({ ':exp': now + ttlMs, ':owner': owner, ':now': now }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    try {
      await this.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: toAttrs(leaseKeys(name)),
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: toAttrs({ ':owner': owner }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async getCursor(name: string): Promise<string | undefined> {
    const r = await this.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(primary(cursorKeys(name))), ConsistentRead: true }),
    );
    return r.Item?.value?.S;
  }

  async setCursor(name: string, value: string): Promise<void> {
    await this.send(new PutItemCommand({ TableName: this.table, Item: toAttrs({ ...cursorKeys(name), entity: 'cursor', value }) }));
  }

  // ---- internals ----------------------------------------------------------------------------------------

  /** Sends one command; retries, timeouts and the deadline are the client's (lib/aws/clients.ts). */
  private readonly send: DynamoDBClient['send'] = ((command: Parameters<DynamoDBClient['send']>[0]) =>
    this.client.send(command)) as DynamoDBClient['send'];

  /** Writes new items (announced first) and edited ones (conditional on the content hash); used by putItem. */
  private async writeItems(feedId: string, items: Item[], fresh: Item[], opts: { dedupeUrls?: boolean }): Promise<ItemWrite[]> {
    await this.announce(feedId, fresh.map((i) => i.id));
    const freshIds = new Set(fresh.map((i) => i.id));
    const limit = pLimit(8);
    return Promise.all(
      items.map((item) => limit(() => (freshIds.has(item.id) ? this.createItem(item, opts.dedupeUrls ?? false) : this.updateItem(item)))),
    );
  }

  /**
   * Announces item ids in arrival records before they are written, so a crash after some item writes still
   * lets the grouping stage find them. A whole fetch batch shares one record: write units are per started
   * kilobyte, so one record of n ids costs about 1 + n/40 units instead of one unit per feed. Records are
   * split only to stay far below DynamoDB's 400 KB item limit. `feedId` is kept for a one-feed record.
   */
  private async announce(feedId: string | undefined, ids: string[]): Promise<void> {
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
        this.send(
          new PutItemCommand({
            TableName: this.table,
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
  }

  private async createItem(item: Item, dedupeUrls: boolean): Promise<ItemWrite> {
    const ttl = ttlAfter(item.firstSeenAt, this.retentionDays);
    if (dedupeUrls && item.url) {
      try {
        await this.send(
          new PutItemCommand({
            TableName: this.table,
            Item: toAttrs({ ...articleClaimKeys(item.outletId, sha1(item.url)), entity: 'claim', itemId: item.id, ttl }),
            ConditionExpression: 'attribute_not_exists(pk) OR itemId = :id',
            ExpressionAttributeValues: toAttrs({ ':id': item.id }),
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) return 'duplicate';
        throw err;
      }
    }
    try {
      await this.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toAttrs({ ...itemKeys(item.id), entity: 'item', ...item, ttl }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (err) {
      // A concurrent run wrote it between our read and our write.
      if (isConditionFailure(err)) return 'unchanged';
      throw err;
    }
  }

  private async updateItem(item: Item): Promise<ItemWrite> {
    try {
      await this.send(
        new UpdateItemCommand({
          TableName: this.table,
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
        }),
      );
      return 'updated';
    } catch (err) {
      if (isConditionFailure(err)) return 'unchanged';
      throw err;
    }
  }

  /** Stored content hashes of the given item ids (missing ids are absent from the map). */
  private async itemHashes(ids: string[]): Promise<[Map<string, string>]> {
    const rows = await this.batchGet(ids.map((id) => primary(itemKeys(id))), { projection: ['id', 'contentHash'] });
    return [new Map(rows.map((r) => [r.id!.S!, r.contentHash?.S ?? '']))];
  }

  /** BatchGetItem in chunks of 100, retrying unprocessed keys with jittered backoff. */
  private async batchGet(keys: { pk: string; sk: string }[], opts: { projection?: string[]; consistent?: boolean } = {}): Promise<Attrs[]> {
    const out: Attrs[] = [];
    const chunks: Attrs[][] = [];
    const seen = new Set<string>();
    const unique = keys.filter((k) => !seen.has(k.pk + '\u0000' + k.sk) && seen.add(k.pk + '\u0000' + k.sk));
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100).map((k) => toAttrs(k)));
    const names = opts.projection ? Object.fromEntries(opts.projection.map((p, i) => [`#p${i}`, p])) : undefined;
    const limit = pLimit(4);
    await Promise.all(
      chunks.map((chunk) =>
        limit(() =>
          drainUnprocessed(
            'DynamoDB',
            'BatchGetItem',
            chunk,
            async (pending) => {
              const r = await this.send(
                new BatchGetItemCommand({
                  RequestItems: {
                    [this.table]: {
                      Keys: pending,
                      ConsistentRead: opts.consistent,
                      ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
                    },
                  },
                }),
              );
              out.push(...((r.Responses?.[this.table] ?? []) as Attrs[]));
              return (r.UnprocessedKeys?.[this.table]?.Keys as Attrs[] | undefined) ?? [];
            },
            this.retry,
          ),
        ),
      ),
    );
    return out;
  }

  /** BatchWriteItem in chunks of 25, retrying UnprocessedItems with jittered backoff. */
  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      await drainUnprocessed(
        'DynamoDB',
        'BatchWriteItem',
        requests.slice(i, i + 25),
        async (pending) => (await this.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }))).UnprocessedItems?.[this.table] ?? [],
        this.retry,
      );
    }
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Attrs[]> {
    const out: Attrs[] = [];
    let start: Attrs | undefined;
    do {
      const r = await this.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start }));
      out.push(...((r.Items ?? []) as Attrs[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

const eq = (attr: string, value: string) => ({
  KeyConditionExpression: `${attr} = :v`,
  ExpressionAttributeValues: toAttrs({ ':v': value }),
});

/** Kept small: the record is rewritten (and copied into gsi1) every time the story changes. */
function memberEntry(m: Membership): MemberEntry {
  const ms = Date.parse(m.at);
  const matched = m.matched.slice(0, MAX_MATCHED);
  return {
    s: m.score,
    ...(matched.length ? { m: matched } : {}),
    t: !Number.isNaN(ms) && new Date(ms).toISOString() === m.at ? ms : m.at,
    ...(m.by === 'editor' ? { b: 'editor' as const } : {}),
  };
}
const MAX_MATCHED = 5;

/** Decodes a stored membership entry, short or long form. */
function fromMemberEntry(storyId: string, itemId: string, e: MemberEntry | LegacyMemberEntry): Membership {
  if ('score' in e) return { storyId, itemId, score: e.score, matched: e.matched ?? [], by: e.by, at: e.at };
  return { storyId, itemId, score: e.s, matched: e.m ?? [], by: e.b ?? 'engine', at: typeof e.t === 'number' ? new Date(e.t).toISOString() : e.t };
}

function decodeStory(row: Attrs): Story {
  const s = fromAttrs<Story & { members?: unknown }>(row);
  delete s.members;
  return s;
}

function cleanItem(o: Item & Record<string, unknown>): Item {
  delete o.membership;
  delete o.storyId;
  for (const k of Object.keys(o)) if (o[k] === null) delete o[k];
  return o;
}

/** Seen-set entry of an item: 60 bits of hash over id and content hash (an edit changes it). */
const seenHash = (it: Item) => createHash('sha1').update(`${it.id}\n${it.contentHash}`).digest('base64url').slice(0, 10);

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const contentHash = (o: unknown) => sha1(JSON.stringify(o));

export type { Keys };
