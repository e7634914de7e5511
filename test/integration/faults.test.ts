// Fault injection on both DynamoDB implementations: throttling, a run killed midway (and a local process's successor
// recovering its work), a poison feed, feeds moving to new URLs, a runaway story, a story that cannot be written,
// the cost of an unchanged poll, and records written by earlier versions.
import { GetItemCommand, PutItemCommand, ScanCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/api/app.ts';
import { loadReviewQueue } from '../../lib/editor/review.ts';
import { folderOwner } from '../../lib/local/lock.ts';
import { recoverFolderWork } from '../../lib/local/recover.ts';
import { createLogger, silentLogger } from '../../lib/log.ts';
import { registerOutlets, runIngest } from '../../lib/pipeline/ingest.ts';
import { attachCapacityMeter } from '../../lib/store/capacity.ts';
import { MemoryQueue } from '../../lib/pipeline/queue.ts';
import { nextStateAfterSuccess } from '../../lib/pipeline/schedule.ts';
import { GROUPING_LEASE } from '../../lib/pipeline/group-stage.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { createDynamoStore } from '../../lib/store/store.ts';
import { feedKeys, primary, scheduleKeys, storyKeys } from '../../lib/store/keys.ts';
import { INLINE_ITEMS, SHOWN_MAX, SHOWN_PER_OUTLET } from '../../lib/store/stories.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { startFlood } from '../support/flood.ts';
import { item, manualClock, putItems, story } from '../support/records.ts';
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

/** Size of the largest record in the table (marshalled JSON, as the runaway story was first measured). */
async function largestRecordBytes(db: TestDb): Promise<number> {
  let max = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.client.send(new ScanCommand({ TableName: db.table, ExclusiveStartKey: start as never }));
    for (const row of r.Items ?? []) max = Math.max(max, JSON.stringify(row).length);
    start = r.LastEvaluatedKey;
  } while (start);
  return max;
}

const later = (minutes: number) => () => new Date(FIXTURE_NOW.getTime() + minutes * 60_000);

/**
 * Fails every write of one story record (the first one written with several items while `on`), as DynamoDB fails
 * an oversized record.
 */
function failOneStory(client: DynamoDBClient): { on: boolean; storyId?: string } {
  const state: { on: boolean; storyId?: string } = { on: true };
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const input = args.input as {
        Key?: { pk?: { S?: string }; sk?: { S?: string } };
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Record<string, { N?: string }>;
      };
      const key = input.Key;
      if (state.on && ctx.commandName === 'UpdateItemCommand' && key?.sk?.S === 'STORY') {
        const countName = Object.entries(input.ExpressionAttributeNames ?? {}).find(([, v]) => v === 'itemCount')?.[0];
        const count = Number(input.ExpressionAttributeValues?.[countName?.replace('#f', ':v') ?? '']?.N ?? 0);
        if (count > 1) state.storyId ??= key.pk!.S!.slice('STORY#'.length);
        if (key.pk!.S === `STORY#${state.storyId}`) {
          throw Object.assign(new Error('Item size to update has exceeded the maximum allowed size'), {
            name: 'ValidationException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'failOneStory' },
  );
  return state;
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
  /** A store on `client`; `clock` (epoch ms) measures its lease terms, the machine's clock by default. */
  const storeOn = (db: TestDb, client: DynamoDBClient, clock?: () => number) => {
    clients.push(client);
    return createDynamoStore({ client, table: db.table, retentionDays: 30, clock });
  };

  beforeAll(async () => {
    feeds = await startFixtureFeeds();
    const db = await fresh();
    const client = bareClient(db);
    const counter = killAfter(client, Infinity);
    // Lease terms on a clock that stands still: no renewal writes, however slow the machine, so the killed runs
    // below count the same writes as this one.
    const clock = manualClock(FIXTURE_NOW.getTime());
    await runIngest(fixtureDeps(storeOn(db, client, clock), 'clean', { group: { leaseWaitMs: 120_000, clock } }));
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
    // Lease terms run on the test's clock, which stands still during the run: it dies of the kill, never of a
    // lease that a slow machine let expire between two writes.
    const clock = manualClock(FIXTURE_NOW.getTime());
    await expect(runIngest(fixtureDeps(storeOn(db, client, clock), 'killed', { settleMs: 0, group: { clock } }))).rejects.toMatchObject({ name: 'ProcessKilled' });
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
    // The next run comes after the dead run's claims and leases expired, in a new process (no warm state).
    clock.advance(11 * 60_000);
    const r = await runIngest(fixtureDeps(storeOn(db, bareClient(db), clock), 'next', { now: () => new Date(clock()), group: { clock } }));
    expect(r.failures).toEqual([]);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toEqual(clean.itemIds);
    expect(snap.duplicated).toEqual([]);
    expect(snap.ungrouped).toEqual([]);
  });

  it.each([0.3, 0.85])('a local process killed after %s of its writes: its successor releases its claims and leases and finishes at once', async (share) => {
    const db = await fresh();
    const folder = { id: `f${Math.round(share * 100)}${backend.name.length}` };
    const owner = folderOwner(folder, 'stack');
    // Lease terms on a frozen clock: the dead process's lease cannot run out while the test runs, however slowly.
    const frozen = { clock: () => FIXTURE_NOW.getTime() };
    const client = bareClient(db);
    clients.push(client);
    const dying = createDynamoStore({ client, table: db.table, retentionDays: 30, ...frozen });
    const kill = killAfter(client, Math.floor(cleanWrites * share));
    await runIngest(fixtureDeps(dying, owner, { settleMs: 0, group: { leaseTtlMs: 600_000 } })).catch(() => undefined);
    expect(kill.writes).toBeLessThan(cleanWrites);
    const next = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    clients.push(next);
    const successor = createDynamoStore({ client: next, table: db.table, retentionDays: 30, ...frozen });
    const now = FIXTURE_NOW.toISOString();
    // What the kill left: claims in force (killed while fetching) or the grouping lease (killed while grouping).
    const inFlight = await successor.feedsInFlight(now);
    if (share < 0.5) expect(inFlight.length).toBeGreaterThan(0);
    else expect(await successor.acquireLease(GROUPING_LEASE, 'someone-else', 60_000)).toBe(false);

    const recovered = await recoverFolderWork(successor, folder, now);
    expect(recovered.claims).toBe(inFlight.length);
    expect(recovered.leases).toEqual(share < 0.5 ? [] : [GROUPING_LEASE]);
    expect(await successor.feedsInFlight(now)).toEqual([]);
    // Recovering again finds nothing: only what the folder's owners held is released.
    expect(await recoverFolderWork(successor, folder, now)).toEqual({ claims: 0, leases: [] });

    // Same time as the kill: without the release the claimed feeds would wait 10 minutes and grouping the lease.
    const r = await runIngest(fixtureDeps(successor, owner, { group: { leaseWaitMs: 0 } }));
    expect(r.failures).toEqual([]);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toEqual(clean.itemIds);
    expect(snap.duplicated).toEqual([]);
    expect(snap.ungrouped).toEqual([]);
  });

  it("moves feeds to their new URLs on re-registration, dropping the old URL's validators, redirect, failures, backoff and gone", async () => {
    const first = await startFixtureFeeds();
    const second = await startFixtureFeeds();
    try {
      const db = await openTestDb(backend);
      dbs.push(db);
      await registerOutlets(db.store, first.outlets, FIXTURE_NOW.toISOString());
      expect((await runIngest(fixtureDeps(db.store, 'move-1'))).failures).toEqual([]);
      // The first server goes away (a sample server restarted on another port): every feed fails and backs off.
      await first.server.close();
      const failed = await runIngest(fixtureDeps(db.store, 'move-2', { now: later(20) }));
      const all = first.outlets.flatMap((o) => o.feeds);
      expect(failed.failures).toHaveLength(all.length);
      const [gone, redirected] = all;
      const state = (id: string) => db.store.getFeed(id).then((f) => f!);
      const g = await state(gone!.id);
      await db.store.saveFeed({ ...g, gone: true, httpStatus: 410 }, g);
      const p = await state(redirected!.id);
      await db.store.saveFeed({ ...p, pendingRedirect: { url: 'https://moved.example/feed.xml', count: 1 } }, p);
      for (const f of await db.store.listFeeds()) {
        expect(f.etag, f.feedId).toBeDefined();
        expect(f.consecutiveFailures, f.feedId).toBe(1);
        expect(f.nextDueAt > later(30)().toISOString(), f.feedId).toBe(true);
      }

      const at = later(30)().toISOString();
      const moved = await registerOutlets(db.store, second.outlets, at);
      expect(moved.feeds).toBe(0);
      const byId = new Map(second.outlets.flatMap((o) => o.feeds).map((f) => [f.id, f.url]));
      expect([...byId.values()].every((url) => url.startsWith(second.server.baseUrl))).toBe(true);
      for (const f of await db.store.listFeeds()) {
        expect(f.url).toBe(byId.get(f.feedId));
        expect(f).toMatchObject({ consecutiveFailures: 0, nextDueAt: at });
        for (const field of ['etag', 'lastModified', 'pendingRedirect', 'errorClass', 'errorMessage', 'httpStatus', 'gone'] as const) {
          expect(f[field], `${f.feedId}.${field}`).toBeUndefined();
        }
        expect(f.lastSuccessAt, f.feedId).toBe(FIXTURE_NOW.toISOString());
      }
      // Due at once, fetched in full (no validators of the old URL), and nothing stored twice.
      const r = await runIngest(fixtureDeps(db.store, 'move-3', { now: later(30) }));
      expect(r).toMatchObject({ feedsFetched: all.length, feedsNotModified: 0, failures: [] });
      const snap = await snapshotTable(db.client, db.table);
      expect(snap.itemIds).toEqual(clean.itemIds);
      expect(snap.duplicated).toEqual([]);
      // The same registration again (a restart whose URLs did not change) leaves the schedule alone.
      await registerOutlets(db.store, second.outlets, later(31)().toISOString());
      for (const f of await db.store.listFeeds()) expect(f).toMatchObject({ nextDueAt: later(45)().toISOString(), etag: expect.any(String) });

      // A fetch of the old URL that finishes after a registration moved the feed does not move it back.
      const before = await state(gone!.id);
      await db.store.ensureFeeds([{ ...before, url: 'https://elsewhere.example/feed.xml', nextDueAt: later(32)().toISOString() }]);
      const late = nextStateAfterSuccess(before, { now: later(33)().toISOString(), status: 200, pollMinutes: 15, etag: '"old-url"', itemsSeen: 1 });
      await db.store.saveFeed(late, before);
      expect(await state(gone!.id)).toMatchObject({ url: 'https://elsewhere.example/feed.xml', nextDueAt: later(33)().toISOString() });
      expect((await state(gone!.id)).etag).toBeUndefined();
    } finally {
      await first.server.close().catch(() => undefined);
      await second.server.close();
    }
  }, 300_000);

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
  it('keeps a runaway story of 3,500 near-identical items within small records, and later items still join it', async () => {
    // 25 local feeds each serving 140 variations of one headline: the flood that stopped every grouping pass.
    const flood = await startFlood({ outlets: 25, perFeed: 140, newest: FIXTURE_NOW });
    try {
      const db = await openTestDb(backend);
      dbs.push(db);
      await registerOutlets(db.store, flood.outlets, FIXTURE_NOW.toISOString());
      const first = await runIngest(fixtureDeps(db.store, 'flood-1'));
      expect(first.newItems).toBe(3_500);
      expect(first.failures).toEqual([]);
      expect(first.storiesFailed).toBe(0);
      const [storyId, ids] = Object.entries((await snapshotTable(db.client, db.table)).stories).sort((a, b) => b[1].length - a[1].length)[0]!;
      expect(ids.length).toBeGreaterThan(3_000);
      expect(await largestRecordBytes(db)).toBeLessThan(64 * 1024);
      flood.perFeed += 4;
      const second = await runIngest(fixtureDeps(db.store, 'flood-2', { now: later(16) }));
      expect(second.newItems).toBe(100);
      expect(second.storiesFailed).toBe(0);
      const stored = (await db.store.getStory(storyId))!;
      expect(stored.itemIds.length).toBeGreaterThanOrEqual(ids.length + 90);
      expect(await largestRecordBytes(db)).toBeLessThan(64 * 1024);
      // Readers get the newest items of each outlet and the full count, from one story read.
      const app = createApp({ store: db.store, config: { publish: { mode: 'outlets', minOutlets: 2 }, stage: 'test' }, log: silentLogger, cache: false });
      const body = (await (await app.request(`/stories/${storyId}`)).json()) as { counts: { items: number }; perspectives: { items: unknown[] }[] };
      expect(body.counts.items).toBe(stored.itemIds.length);
      expect(body.perspectives.flatMap((p) => p.items).length).toBe(SHOWN_MAX);
      for (const p of body.perspectives) expect(p.items.length).toBeLessThanOrEqual(SHOWN_PER_OUTLET);
    } finally {
      await flood.close();
    }
  }, 300_000);

  it.each(['warm', 'cold'])('isolates a story that cannot be written, records it, and writes it on a later (%s) pass', async (mode) => {
    const db = await fresh();
    const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    const fault = failOneStory(client);
    const store = storeOn(db, client);
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const first = await runIngest(fixtureDeps(store, 'one-fails', { log }));
    expect(first.failures).toEqual([]);
    expect(first.storiesFailed).toBe(1);
    // Every other story is written as in a clean run; the failed one's items wait in a failure record.
    const mid = await snapshotTable(db.client, db.table);
    expect(mid.partitions.length).toBe(clean.partitions.length - 1);
    for (const p of mid.partitions) expect(clean.partitions).toContain(p);
    const [failure] = await store.listStoryFailures();
    expect(failure).toMatchObject({ storyId: fault.storyId, errorClass: 'ValidationException', attempts: 1 });
    expect([...failure!.itemIds].sort()).toEqual(mid.ungrouped);
    expect(lines.find((l) => l.msg === 'story write failed')).toMatchObject({ level: 'error', storyId: fault.storyId, errorClass: 'ValidationException' });
    expect((await loadReviewQueue(store)).failures.map((f) => f.storyId)).toEqual([fault.storyId]);
    // Fixed: the next pass writes it, from the warm engine or, in a new process, by grouping its items again.
    fault.on = false;
    const second = await runIngest(
      fixtureDeps(store, mode === 'warm' ? 'one-fails' : 'new-process', { now: later(16), groupState: mode === 'warm' ? first.groupState : undefined }),
    );
    expect(second.storiesFailed).toBe(0);
    expect(await store.listStoryFailures()).toEqual([]);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.partitions).toEqual(clean.partitions);
    expect(snap.ungrouped).toEqual([]);
  });

  it('writes at most 1.5 units for an unchanged poll: a small schedule record and a share of the claim batch', async () => {
    const db = await fresh();
    const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    const meter = attachCapacityMeter(client);
    const store = storeOn(db, client);
    const feedCount = feeds.outlets.flatMap((o) => o.feeds).length;
    await runIngest(fixtureDeps(store, 'first'));
    await runIngest(fixtureDeps(store, 'second', { now: later(16) })); // status 200 → 304 is a real change of the feeds
    meter.reset();
    const third = await runIngest(fixtureDeps(store, 'third', { now: later(32) }));
    expect(third.feedsNotModified).toBe(feedCount);
    const perPoll = meter.snapshot().writeUnits / feedCount;
    expect(perPoll).toBeGreaterThanOrEqual(1);
    expect(perPoll).toBeLessThanOrEqual(1.5);
    // The guarantees hold: every feed was claimed once and saved (due again one poll later, claim ended).
    expect(await store.feedsInFlight(later(32)().toISOString())).toEqual([]);
    for (const f of await store.listFeeds()) expect(f).toMatchObject({ lastSuccessAt: later(32)().toISOString(), nextDueAt: later(47)().toISOString() });
  });

  it('reads story and feed records written before member batches and schedule records, and rewrites them in the new form', async () => {
    const db = await fresh();
    const at = '2026-11-25T09:00:00.000Z';
    const ids = Array.from({ length: INLINE_ITEMS + 16 }, (_, k) => `old-${k}`);
    await putItems(db.store, ids.map((id) => item(id)));
    const long = { score: 0.7, matched: ['mali'], by: 'editor', at };
    const short = { s: 0.42, m: ['bamako'], t: Date.parse(at) };
    const members = Object.fromEntries(ids.map((id, k) => [id, k === 0 ? long : short]));
    const legacy = { ...story('legacy', at), itemIds: ids };
    await db.client.send(new PutItemCommand({ TableName: db.table, Item: marshall({ ...storyKeys('legacy', at), entity: 'story', ...legacy, members }) }));
    const due = '2026-11-25T09:30:00.000Z';
    const oldFeed = { feedId: 'old/feed', outletId: 'old', url: 'https://old.test/feed', consecutiveFailures: 0, nextDueAt: due, itemsSeen: 3, lastSuccessAt: at };
    await db.client.send(
      new PutItemCommand({ TableName: db.table, Item: marshall({ ...primary(feedKeys('old/feed')), gsi2pk: 'DUE', gsi2sk: `${due}#old/feed`, entity: 'feed', ...oldFeed }) }),
    );
    // Read as they are.
    expect((await db.store.getStory('legacy'))!.itemIds).toEqual(ids);
    const before = await db.store.getMemberships('legacy');
    expect(before[0]).toEqual({ storyId: 'legacy', itemId: 'old-0', ...long });
    expect(before[1]).toEqual({ storyId: 'legacy', itemId: 'old-1', score: 0.42, matched: ['bamako'], by: 'engine', at });
    expect((await db.store.listFeeds()).find((f) => f.feedId === 'old/feed')).toMatchObject(oldFeed);
    // Written in the new form on the next write: no map, no inline list past the limit, nothing lost.
    const joining = { storyId: 'legacy', itemId: 'new-1', score: 0.5, matched: [], by: 'engine' as const, at, outletId: 'le-devoir', publishedAt: at };
    await db.store.putStory({ ...legacy, itemIds: [...ids, 'new-1'], version: 2 }, legacy, { members: [joining] });
    const raw = (await db.client.send(new GetItemCommand({ TableName: db.table, Key: marshall(primary(storyKeys('legacy'))) }))).Item!;
    expect(raw.members).toBeUndefined();
    expect(raw.itemIds).toBeUndefined();
    expect((await db.store.getStory('legacy'))!.itemIds).toEqual([...ids, 'new-1']);
    expect(await db.store.getMemberships('legacy')).toEqual([...before, joining]);
    // The feed got its schedule record and left the old due index.
    expect((await db.store.claimDueFeeds({ now: '2026-11-25T10:00:00.000Z', owner: 'migrate', feedIds: ['old/feed'], claimUntil: () => '2026-11-25T10:10:00.000Z' })).map((c) => c.feedId)).toEqual(['old/feed']);
    const feedRaw = (await db.client.send(new GetItemCommand({ TableName: db.table, Key: marshall(primary(feedKeys('old/feed'))) }))).Item!;
    expect(feedRaw.gsi2pk).toBeUndefined();
    expect(feedRaw.nextDueAt).toBeUndefined();
    const scheduleRaw = (await db.client.send(new GetItemCommand({ TableName: db.table, Key: marshall(primary(scheduleKeys('old/feed'))) }))).Item!;
    expect(scheduleRaw.nextDueAt).toEqual({ S: due });
  });
});
