// Concurrent ingest runs and the grouping lease, on both DynamoDB implementations.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/log.ts';
import { fetchBatch } from '../../lib/pipeline/distributed.ts';
import { enqueueDueFeeds } from '../../lib/pipeline/enqueue.ts';
import { LeaseLostError, runGroupStage } from '../../lib/pipeline/group-stage.ts';
import { runIngest } from '../../lib/pipeline/ingest.ts';
import { MemoryQueue, drainQueue } from '../../lib/pipeline/queue.ts';
import { leaseKeys } from '../../lib/store/keys.ts';
import { createDynamoStore } from '../../lib/store/store.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { manualClock } from '../support/records.ts';
import {
  FIXTURE_NOW,
  fixtureDeps,
  registerFixture,
  snapshotTable,
  startFixtureFeeds,
  type TableSnapshot,
} from '../support/ingest-fixture.ts';

describe.each(BACKENDS)('concurrency on $name', (backend) => {
  let feeds: Awaited<ReturnType<typeof startFixtureFeeds>>;
  let single: TableSnapshot;
  const dbs: TestDb[] = [];
  const fresh = async () => {
    const db = await openTestDb(backend);
    dbs.push(db);
    await registerFixture(db.store, feeds.outlets);
    return db;
  };

  beforeAll(async () => {
    feeds = await startFixtureFeeds();
    const db = await fresh();
    await runIngest(fixtureDeps(db.store, 'single'));
    single = await snapshotTable(db.client, db.table);
  });
  afterAll(async () => {
    await feeds?.server.close();
    for (const db of dbs) await db.close();
  });

  it('four runs started at once over every feed end with exactly what one run produces', async () => {
    const db = await fresh();
    const runs = await Promise.all([1, 2, 3, 4].map((n) => runIngest(fixtureDeps(db.store, `all-${n}`), { all: true })));
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toEqual(single.itemIds);
    expect(snap.stories).toEqual(single.stories);
    expect(snap.duplicated).toEqual([]);
    expect(snap.ungrouped).toEqual([]);
    // Every item was created exactly once across the four runs.
    expect(runs.reduce((n, r) => n + r.newItems, 0)).toBe(single.itemIds.length);
  }, 120_000); // four full runs, serialized on the leases: minutes on a loaded 2-core machine

  it('four scheduled runs at once claim each due feed once and end with what one run produces', async () => {
    const db = await fresh();
    const runs = await Promise.all([1, 2, 3, 4].map((n) => runIngest(fixtureDeps(db.store, `due-${n}`))));
    const fetched = runs.reduce((n, r) => n + r.feedsFetched + r.feedsNotModified, 0);
    expect(fetched).toBe(feeds.outlets.flatMap((o) => o.feeds).length);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toEqual(single.itemIds);
    expect(snap.duplicated).toEqual([]);
    expect(snap.ungrouped).toEqual([]);
    expect(snap.stories).toEqual(single.stories);
  }, 120_000);

  /** Fetches every feed into a fresh table without grouping. */
  async function fetchOnly(): Promise<TestDb> {
    const db = await fresh();
    const deps = fixtureDeps(db.store, 'fetcher');
    const queue = new MemoryQueue();
    await enqueueDueFeeds({ store: db.store, queue, now: deps.now, log: silentLogger });
    await drainQueue(queue, (b) => fetchBatch(b, { ...deps }));
    return db;
  }

  /** The test's store and the grouping pass share a manual clock: lease terms pass only when the test says so. */
  const clockedStore = (db: TestDb, clock: () => number) => createDynamoStore({ client: db.client, table: db.table, retentionDays: 30, clock });

  it('renews the lease during a long pass, so nobody else can take it', async () => {
    const db = await fetchOnly();
    const clock = manualClock();
    const store = clockedStore(db, clock);
    let writes = 0;
    const stolen: boolean[] = [];
    const r = await runGroupStage({
      store,
      clock,
      log: silentLogger,
      now: () => FIXTURE_NOW,
      windowHours: 72,
      owner: 'slow',
      leaseTtlMs: 1_000,
      beforeStoryWrite: async () => {
        writes++;
        if (writes <= 7) clock.advance(300); // 2.1 s of writes: twice the lease term
        if (writes === 7) stolen.push(await store.acquireLease('grouping', 'intruder', 1_000));
      },
    });
    expect(stolen).toEqual([false]);
    expect(r.storiesCreated).toBe(single.storyRecords);
  });

  it('a writer that lost its lease stops before its next story write', async () => {
    const db = await fetchOnly();
    const clock = manualClock();
    const store = clockedStore(db, clock);
    let writes = 0;
    const pass = runGroupStage({
      store,
      clock,
      log: silentLogger,
      now: () => FIXTURE_NOW,
      windowHours: 72,
      owner: 'paused',
      leaseTtlMs: 1_000,
      beforeStoryWrite: async () => {
        writes++;
        if (writes === 3) {
          // A pause longer than the lease (GC, frozen container): another writer took over meanwhile.
          clock.advance(1_100);
          await db.client.send(
            new PutItemCommand({
              TableName: db.table,
              Item: marshall({ ...leaseKeys('grouping'), entity: 'lease', owner: 'successor', expiresAt: clock() + 60_000 }),
            }),
          );
        }
      },
    });
    await expect(pass).rejects.toBeInstanceOf(LeaseLostError);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.storyRecords).toBe(2);
    // The successor's lease is untouched by the loser's release.
    expect(await store.acquireLease('grouping', 'third', 1_000)).toBe(false);
  });
});
