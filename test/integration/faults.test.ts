// Fault injection: DynamoDB throttling, a run killed midway, and a poison feed, on both DynamoDB implementations.
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../lib/pipeline/ingest.ts';
import { MemoryQueue } from '../../lib/pipeline/queue.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { DynamoStore } from '../../lib/store/dynamo.ts';
import { feedKeys, primary } from '../../lib/store/keys.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import {
  FIXTURE_NOW,
  fixtureDeps,
  registerFixture,
  snapshotTable,
  startFixtureFeeds,
  type TableSnapshot,
} from '../support/ingest-fixture.ts';

/** Deterministic PRNG so a failing run can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isWrite = (op: string) => /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem)Command$/.test(op);

/**
 * A client with the SDK's retries, the only retry layer; more attempts than the local budget so that a 20%
 * throttling rate cannot exhaust one call by chance.
 */
function bareClient(db: TestDb): DynamoDBClient {
  return createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1', maxAttempts: 10 });
}

/**
 * Throws a ThrottlingException-shaped error (as DynamoDB sends it) for a share of all attempts. It sits inside
 * the SDK's retry middleware (finalizeRequest, low priority), where a real throttled response arrives.
 */
function injectThrottling(client: DynamoDBClient, rate: number, random: () => number): { throttled: number; calls: number } {
  const stats = { throttled: 0, calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      stats.calls++;
      if (random() < rate) {
        stats.throttled++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'injectThrottling' },
  );
  return stats;
}

/** After `writes` successful writes every call fails, like a process that died. */
function killAfter(client: DynamoDBClient, writes: number): { writes: number } {
  const stats = { writes: 0 };
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (stats.writes >= writes) throw Object.assign(new Error('process killed'), { name: 'ProcessKilled' });
      const out = await next(args);
      if (isWrite(ctx.commandName ?? '')) stats.writes++;
      return out;
    },
    { step: 'initialize', name: 'killAfter' },
  );
  return stats;
}

describe.each(BACKENDS)('faults on $name', (backend) => {
  let feeds: Awaited<ReturnType<typeof startFixtureFeeds>>;
  let clean: TableSnapshot;
  let cleanWrites = 0;
  const dbs: TestDb[] = [];
  const clients: DynamoDBClient[] = [];
  const fresh = async () => {
    const db = await openTestDb(backend);
    dbs.push(db);
    await registerFixture(db.store, feeds.outlets);
    return db;
  };
  const storeOn = (db: TestDb, client: DynamoDBClient) => {
    clients.push(client);
    return new DynamoStore({ client, table: db.table, retentionDays: 30 });
  };

  beforeAll(async () => {
    feeds = await startFixtureFeeds();
    const db = await fresh();
    const client = bareClient(db);
    const counter = killAfter(client, Infinity);
    await runIngest(fixtureDeps(storeOn(db, client), 'clean'));
    cleanWrites = counter.writes;
    clean = await snapshotTable(db.client, db.table);
  });
  afterAll(async () => {
    await feeds?.server.close();
    for (const c of clients) c.destroy();
    for (const db of dbs) await db.close();
  });

  it('loses nothing when 20% of DynamoDB calls are throttled', async () => {
    const db = await fresh();
    const client = bareClient(db);
    const stats = injectThrottling(client, 0.2, mulberry32(42));
    const r = await runIngest(fixtureDeps(storeOn(db, client), 'throttled'));
    expect(stats.throttled).toBeGreaterThan(stats.calls * 0.1);
    expect(r.failures).toEqual([]);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toEqual(clean.itemIds);
    expect(snap.stories).toEqual(clean.stories);
  }, 300_000);

  it.each([0.3, 0.85])('finishes the work of a run killed after %s of its writes, without duplicates', async (share) => {
    const db = await fresh();
    const client = bareClient(db);
    const kill = killAfter(client, Math.floor(cleanWrites * share));
    // A dead process keeps its grouping lease until it expires: a short term keeps the test quick.
    await runIngest(fixtureDeps(storeOn(db, client), 'killed', { settleMs: 0, group: { leaseTtlMs: 2_000 } })).catch(() => undefined);
    expect(kill.writes).toBeGreaterThanOrEqual(Math.floor(cleanWrites * share));
    expect(kill.writes).toBeLessThan(cleanWrites);
    const mid = await snapshotTable(db.client, db.table);
    if (share < 0.5) {
      // Killed while fetching: some items stored, none grouped yet.
      expect(mid.itemIds.length).toBeGreaterThan(0);
      expect(mid.itemIds.length).toBeLessThan(clean.itemIds.length);
      expect(mid.storyRecords).toBe(0);
    } else {
      // Killed while grouping: some stories written, some items still ungrouped.
      expect(mid.storyRecords).toBeGreaterThan(0);
      expect(mid.ungrouped.length).toBeGreaterThan(0);
    }
    // The next run comes after the dead run's claims expired, in a new process (no warm state).
    const r = await runIngest(fixtureDeps(db.store, 'next', { now: () => new Date(FIXTURE_NOW.getTime() + 11 * 60_000) }));
    expect(r.failures).toEqual([]);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toEqual(clean.itemIds);
    expect(snap.duplicated).toEqual([]);
    expect(snap.ungrouped).toEqual([]);
  });

  it('dead-letters a poison feed with its error after 3 receives while the others proceed', async () => {
    const db = await fresh();
    const poison = 'wsj/world';
    // A feed record this version cannot use (its URL attribute lost): the worker throws on every receive.
    await db.client.send(
      new UpdateItemCommand({ TableName: db.table, Key: { pk: { S: primary(feedKeys(poison)).pk }, sk: { S: 'FEED' } }, UpdateExpression: 'REMOVE #u', ExpressionAttributeNames: { '#u': 'url' } }),
    );
    const queue = new MemoryQueue({ maxReceiveCount: 3 });
    await queue.send([{ id: 'junk', body: 'not json {' }]);
    const r = await runIngest(fixtureDeps(db.store, 'poison', { fetchQueue: queue }));
    const all = feeds.outlets.flatMap((o) => o.feeds).length;
    expect(r.feedsFetched).toBe(all - 1);
    expect(r.deadLetters).toBe(2);
    const dead = new Map(queue.deadLetters.map((d) => [d.body, d]));
    const feedLetter = [...dead.values()].find((d) => d.body.includes(poison));
    expect(feedLetter).toMatchObject({ receiveCount: 3 });
    expect(feedLetter!.error).toMatch(/InvalidFeedRecordError/);
    expect(dead.get('not json {')).toMatchObject({ receiveCount: 3, error: expect.stringMatching(/PoisonMessageError/) });
    expect(r.failures.map((f) => f.feedId)).toContain(poison);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds.length).toBeGreaterThan(0);
    expect(snap.ungrouped).toEqual([]);
    const stored = await db.store.getItems(snap.itemIds);
    expect(stored.some((i) => i.feedId === poison)).toBe(false);
  });
});
