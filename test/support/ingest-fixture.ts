// Pipeline-test fixture: sample feeds served locally, ingest deps on a test table, and a comparable snapshot.
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { parseConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import { fromOpml } from '../../lib/outlets/opml.ts';
import { registerOutlets, type IngestDeps } from '../../lib/pipeline/ingest.ts';
import { startSampleServer, type SampleServer } from '../../lib/samples/server.ts';
import type { Store } from '../../lib/store/store.ts';
import { foldBatches } from '../../lib/store/stories.ts';
import type { Outlet } from '../../lib/types.ts';

/** Frozen reference time of fixture runs: sample dates are shifted relative to it, so bodies never change. */
export const FIXTURE_NOW = new Date('2026-11-26T08:00:00.000Z');

/** The sample feeds on a local server with fixed content. */
export async function startFixtureFeeds(): Promise<{ server: SampleServer; outlets: Outlet[] }> {
  const server = await startSampleServer({ now: FIXTURE_NOW });
  return { server, outlets: fromOpml(server.opml) };
}

/** Ingest deps for a store at a fixed time (later runs pass a later time). */
export function fixtureDeps(store: Store, owner: string, over: Partial<IngestDeps> = {}): IngestDeps {
  const config = parseConfig({ ROUNDUP_ALLOW_PRIVATE_NETWORK: 'true', ROUNDUP_LOG_LEVEL: 'silent' });
  return {
    store,
    log: silentLogger,
    now: () => FIXTURE_NOW,
    // Generous: on a loaded machine an in-process dynalite can hold the event loop for seconds; a fetch that timed
    // out would change what a run stores, and the tests compare runs.
    fetch: { ...config.fetch, timeoutMs: 60_000 },
    pollMinutes: config.pollMinutes,
    windowHours: config.grouping.windowHours,
    concurrency: 8,
    owner,
    group: { leaseWaitMs: 120_000 },
    ...over,
  };
}

/** Registers the fixture outlets on a store. */
export const registerFixture = (store: Store, outlets: Outlet[]) => registerOutlets(store, outlets, FIXTURE_NOW.toISOString());

/** What a run left in the table, in a form two tables can be compared by. */
export interface TableSnapshot {
  itemIds: string[];
  /** Live (not merged) stories: id → sorted item ids. */
  stories: Record<string, string[]>;
  /** Sorted partitions of item ids, independent of story ids. */
  partitions: string[];
  /** Items listed by more than one live story. */
  duplicated: string[];
  /** Items in no live story. */
  ungrouped: string[];
  /** Story records of any kind (merged ones included). */
  storyRecords: number;
  /** Each stored item's title and outlet, by item id. */
  items: Record<string, { title: string; outletId: string; language: string }>;
}

/** Scans the table (not through Store listings, so a listing bug cannot hide anything). */
export async function snapshotTable(client: DynamoDBClient, table: string): Promise<TableSnapshot> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start as never, ConsistentRead: true }));
    for (const row of r.Items ?? []) rows.push(unmarshall(row));
    start = r.LastEvaluatedKey;
  } while (start);
  const itemIds = rows.filter((r) => r.entity === 'item').map((r) => r.id as string).sort();
  // A paged story's items are in its member batches (in key order, as the table returns them per partition).
  const batches = new Map<string, Record<string, unknown>[]>();
  for (const r of rows.filter((x) => x.entity === 'members').sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1))) {
    batches.set(r.pk as string, [...(batches.get(r.pk as string) ?? []), r]);
  }
  const stories: Record<string, string[]> = {};
  for (const r of rows) {
    if (r.entity !== 'story' || r.mergedInto) continue;
    const excluded = new Set((r.excludedItemIds as string[] | undefined) ?? []);
    const listed = (r.itemIds as string[] | undefined) ?? foldBatches(batches.get(r.pk as string) ?? []).itemIds.filter((id) => !excluded.has(id));
    const ids = [...listed].sort();
    if (ids.length) stories[r.id as string] = ids;
  }
  const seen = new Map<string, number>();
  for (const ids of Object.values(stories)) for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  return {
    itemIds,
    stories,
    partitions: Object.values(stories).map((ids) => ids.join(',')).sort(),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([id]) => id),
    ungrouped: itemIds.filter((id) => !seen.has(id)),
    storyRecords: rows.filter((r) => r.entity === 'story').length,
    items: Object.fromEntries(
      rows.filter((r) => r.entity === 'item').map((r) => [r.id as string, { title: r.title as string, outletId: r.outletId as string, language: r.language as string }]),
    ),
  };
}
