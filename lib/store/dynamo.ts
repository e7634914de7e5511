// DynamoDB implementation of the Store interface (single table, conditional writes, no transactions).
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { ConflictError, ValidationError } from '../errors.ts';
import type { FeedState, Item, Membership, Outlet, Story } from '../types.ts';
import { decodeCursor, encodeCursor, fromAttrs, toAttrs, ttlAfter, type Attrs } from './codec.ts';
import {
  INDEX,
  articleClaimKeys,
  feedKeys,
  itemKeys,
  leaseKeys,
  outletKeys,
  pendingItemIndex,
  storyItemIndex,
  storyKeys,
} from './keys.ts';
import type { ItemWrite, Page, Store } from './store.ts';

/** Options of the DynamoDB store. */
export interface DynamoStoreOptions {
  client: DynamoDBClient;
  table: string;
  /** Days after which items and quiet stories expire through DynamoDB TTL. */
  retentionDays: number;
}

const isConditionFailure = (err: unknown) =>
  err instanceof ConditionalCheckFailedException || (err as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Store backed by one DynamoDB table. */
export class DynamoStore implements Store {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly retentionDays: number;
  /** Per-process sequence so items written in the same millisecond keep their arrival order. */
  private seq = 0;

  constructor(opts: DynamoStoreOptions) {
    this.client = opts.client;
    this.table = opts.table;
    this.retentionDays = opts.retentionDays;
  }

  async putOutlets(outlets: Outlet[]): Promise<number> {
    let written = 0;
    for (const o of outlets) {
      const hash = contentHash(o);
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: toAttrs({ ...outletKeys(o.id), entity: 'outlet', ...o, hash }),
            ConditionExpression: 'attribute_not_exists(pk) OR #h <> :h',
            ExpressionAttributeNames: { '#h': 'hash' },
            ExpressionAttributeValues: toAttrs({ ':h': hash }),
          }),
        );
        written++;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    return written;
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
    let created = 0;
    for (const f of feeds) {
      try {
        await this.client.send(
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
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(pkOnly(feedKeys(feedId))), ConsistentRead: true }),
    );
    return r.Item ? fromAttrs<FeedState>(r.Item) : undefined;
  }

  async listFeeds(): Promise<FeedState[]> {
    const rows = await this.queryAll({ IndexName: INDEX.byList, ...eq('gsi1pk', 'FEEDS') });
    return rows.map((r) => fromAttrs<FeedState>(r));
  }

  async saveFeed(state: FeedState): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toAttrs({ ...feedKeys(state.feedId, state.gone ? undefined : state.nextDueAt), entity: 'feed', ...state }),
      }),
    );
  }

  async dueFeeds(now: string, limit: number): Promise<FeedState[]> {
    const out: FeedState[] = [];
    let start: Attrs | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.byQueue,
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
          ExpressionAttributeValues: toAttrs({ ':p': 'DUE', ':now': `${now}#\uffff` }),
          Limit: limit - out.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const row of r.Items ?? []) out.push(fromAttrs<FeedState>(row));
      start = r.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async putItem(item: Item): Promise<ItemWrite> {
    if (item.url) {
      const claim = articleClaimKeys(item.outletId, sha1(item.url));
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: toAttrs({ ...claim, entity: 'claim', itemId: item.id, ttl: ttlAfter(item.firstSeenAt, this.retentionDays) }),
            ConditionExpression: 'attribute_not_exists(pk) OR itemId = :id',
            ExpressionAttributeValues: toAttrs({ ':id': item.id }),
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) return 'duplicate';
        throw err;
      }
    }
    const ttl = ttlAfter(item.firstSeenAt, this.retentionDays);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toAttrs({
            ...itemKeys(item.id),
            ...pendingItemIndex(item.firstSeenAt, this.seq++ % 1_000_000, item.id),
            entity: 'item',
            ...item,
            ttl,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    // The item exists: update the reader-visible fields only when its content changed.
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toAttrs(pkOnly(itemKeys(item.id))),
          UpdateExpression:
            'SET title = :title, summary = :summary, author = :author, #url = :url, image = :image, contentHash = :hash, publishedRaw = :raw',
          ConditionExpression: 'contentHash <> :hash',
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

  async getItems(ids: string[]): Promise<Item[]> {
    const found = new Map<string, Item>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Attrs[] = unique.slice(i, i + 100).map((id) => toAttrs(pkOnly(itemKeys(id))));
      for (let attempt = 0; keys.length > 0 && attempt < 8; attempt++) {
        const r = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
        for (const row of r.Responses?.[this.table] ?? []) {
          const it = cleanItem(fromAttrs<Item & Record<string, unknown>>(row));
          found.set(it.id, it);
        }
        keys = (r.UnprocessedKeys?.[this.table]?.Keys as Attrs[] | undefined) ?? [];
        if (keys.length) await sleep(jitter(attempt));
      }
    }
    return ids.map((id) => found.get(id)).filter((x): x is Item => x !== undefined);
  }

  async pendingItems(limit: number): Promise<Item[]> {
    const r = await this.client.send(
      new QueryCommand({ TableName: this.table, IndexName: INDEX.byQueue, ...eq('gsi2pk', 'PENDING'), Limit: limit }),
    );
    return (r.Items ?? []).map((row) => cleanItem(fromAttrs<Item & Record<string, unknown>>(row)));
  }

  async setMembership(item: Item, m: Membership): Promise<void> {
    const idx = storyItemIndex(m.storyId, item.publishedAt, item.id);
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: toAttrs(pkOnly(itemKeys(item.id))),
        UpdateExpression: 'SET storyId = :s, membership = :m, gsi3pk = :g3p, gsi3sk = :g3s REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: toAttrs({ ':s': m.storyId, ':m': m, ':g3p': idx.gsi3pk, ':g3s': idx.gsi3sk }),
      }),
    );
  }

  async getMemberships(storyId: string): Promise<Membership[]> {
    const rows = await this.queryAll({ IndexName: INDEX.byStory, ...eq('gsi3pk', `STORY#${storyId}`) });
    return rows
      .map((r) => (fromAttrs<{ membership?: Membership }>(r)).membership)
      .filter((m): m is Membership => m !== undefined);
  }

  async getStory(id: string): Promise<Story | undefined> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(pkOnly(storyKeys(id))), ConsistentRead: true }),
    );
    return r.Item ? fromAttrs<Story>(r.Item) : undefined;
  }

  async putStory(story: Story, expectedVersion: number): Promise<void> {
    const quietTtl = ttlAfter(story.lastItemAt, this.retentionDays);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toAttrs({
            // Merged and hidden stories stay in the listing so the grouping writer sees editor changes; readers filter.
            ...storyKeys(story.id, story.updatedAt),
            entity: 'story',
            ...story,
            // Pinned or editor-approved stories are kept; others expire once quiet for the retention period.
            ttl: story.pinned || story.status === 'approved' ? undefined : quietTtl,
          }),
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : toAttrs({ ':v': expectedVersion }),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError(`Story ${story.id} changed since version ${expectedVersion}`, { cause: err });
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
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.byList,
        KeyConditionExpression: opts.since ? 'gsi1pk = :p AND gsi1sk >= :since' : 'gsi1pk = :p',
        ExpressionAttributeValues: toAttrs(opts.since ? { ':p': 'STORIES', ':since': opts.since } : { ':p': 'STORIES' }),
        ScanIndexForward: false,
        Limit: opts.limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (r.Items ?? []).map((row) => fromAttrs<Story>(row)), cursor: encodeCursor(r.LastEvaluatedKey) };
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.client.send(
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

  async releaseLease(name: string, owner: string): Promise<void> {
    try {
      await this.client.send(
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

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Attrs[]> {
    const out: Attrs[] = [];
    let start: Attrs | undefined;
    do {
      const r = await this.client.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start }));
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

const pkOnly = (k: { pk: string; sk: string }) => ({ pk: k.pk, sk: k.sk });

function cleanItem(o: Item & Record<string, unknown>): Item {
  delete o.membership;
  delete o.storyId;
  for (const k of Object.keys(o)) if (o[k] === null) delete o[k];
  return o;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const contentHash = (o: unknown) => sha1(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (attempt: number) => Math.random() * Math.min(2000, 50 * 2 ** attempt);
