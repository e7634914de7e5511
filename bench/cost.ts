// Cost benchmark: DynamoDB capacity units per new item, per unchanged re-polled item, per /stories page, and
// the grouping writer's cold-start rebuild time, measured on DynamoDB Local (which reports GSI capacity).
import { BatchWriteItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseConfig } from '../lib/config.ts';
import { silentLogger } from '../lib/log.ts';
import { fromOpml } from '../lib/outlets/opml.ts';
import { createApp } from '../lib/api/app.ts';
import { rebuildState, runGroupStage, type GroupState } from '../lib/pipeline/group-stage.ts';
import { StorySearch } from '../lib/search/story-search.ts';
import { registerOutlets, runIngest, type IngestDeps } from '../lib/pipeline/ingest.ts';
import { startSampleServer } from '../lib/samples/server.ts';
import { attachCapacityMeter, type CapacityMeter } from '../lib/store/capacity.ts';
import { createDynamoClient } from '../lib/store/client.ts';
import { toAttrs, ttlAfter } from '../lib/store/db.ts';
import { createDynamoStore, type Store } from '../lib/store/store.ts';
import { feedKeys, itemKeys, primary, storyKeys } from '../lib/store/keys.ts';
import { ensureTable } from '../lib/store/table.ts';
import type { Item, Story } from '../lib/types.ts';
import { startDynamoDbLocal } from '../test/support/dynamodb-local.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = new Date('2026-11-26T08:00:00.000Z');

/** Write units by record kind (from the key of each write), to see where the units go. */
function attributeWrites(client: DynamoDBClient): Record<string, number> {
  const by: Record<string, number> = {};
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const out = await next(args);
      const op = ctx.commandName ?? '';
      if (!/^(Put|Update|Delete)ItemCommand$|^BatchWriteItemCommand$/.test(op)) return out;
      const input = args.input as { Item?: { pk?: { S?: string }; sk?: { S?: string } }; Key?: { pk?: { S?: string }; sk?: { S?: string } } };
      const key = input.Item ?? input.Key;
      const sk = key?.sk?.S ?? '';
      const kind = key ? `${(key.pk?.S ?? '').split('#')[0]}${sk === 'SEEN' ? '#SEEN' : sk.startsWith('MEMBERS#') ? '#MEMBERS' : ''}` : 'BATCH';
      const cc = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      const units = (Array.isArray(cc) ? cc : cc ? [cc] : []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      by[kind] = (by[kind] ?? 0) + units;
      return out;
    },
    { step: 'initialize', name: 'attributeWrites', priority: 'low' },
  );
  return by;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Units of the feed-state records (definition and health, schedule, claim batches). */
const feedState = (by: Record<string, number>) => ['FEED', 'SCHEDULE', 'CLAIMS'].reduce((n, k) => n + (by[k] ?? 0), 0);
const take = (meter: CapacityMeter, by: Record<string, number>) => {
  const s = meter.snapshot();
  const kinds = Object.fromEntries(Object.entries(by).map(([k, v]) => [k, round2(v)]));
  meter.reset();
  for (const k of Object.keys(by)) delete by[k];
  return { ...s, byKind: kinds };
};

interface Db {
  client: DynamoDBClient;
  store: Store;
  meter: CapacityMeter;
  byKind: Record<string, number>;
  table: string;
}

async function openDb(endpoint: string, table: string): Promise<Db> {
  const client = createDynamoClient({ endpoint, region: 'us-east-1' });
  await ensureTable(client, table);
  const meter = attachCapacityMeter(client);
  const byKind = attributeWrites(client);
  return { client, store: createDynamoStore({ client, table, retentionDays: 30 }), meter, byKind, table };
}

/** Scenario 1: the sample feeds through the real pipeline: first ingest, then unchanged re-polls (304 and 200). */
async function pipelineScenario(endpoint: string) {
  const db = await openDb(endpoint, 'bench-pipeline');
  const sample = await startSampleServer({ now: NOW });
  const outlets = fromOpml(sample.opml);
  const feedCount = outlets.flatMap((o) => o.feeds).length;
  await registerOutlets(db.store, outlets, NOW.toISOString());
  take(db.meter, db.byKind);
  const config = parseConfig({ ROUNDUP_ALLOW_PRIVATE_NETWORK: 'true' });
  const deps = (minutes: number, owner: string): IngestDeps => ({
    store: db.store,
    log: silentLogger,
    now: () => new Date(NOW.getTime() + minutes * 60_000),
    fetch: config.fetch,
    pollMinutes: 15,
    windowHours: 72,
    concurrency: 8,
    owner,
  });
  try {
    const first = await runIngest(deps(0, 'bench-1'));
    const c1 = take(db.meter, db.byKind);
    const feedStateUnits = feedState(c1.byKind);
    // The first 304 changes each feed's last status (200 → 304); the polls after it change nothing.
    const polled304First = await runIngest(deps(16, 'bench-2'));
    const c2First = take(db.meter, db.byKind);
    const polled304 = await runIngest(deps(32, 'bench-2b'));
    const c2 = take(db.meter, db.byKind);
    for (const o of outlets) {
      for (const f of o.feeds) {
        await db.client.send(
          new UpdateItemCommand({ TableName: db.table, Key: toAttrs(primary(feedKeys(f.id))), UpdateExpression: 'REMOVE etag, lastModified' }),
        );
      }
    }
    take(db.meter, db.byKind);
    const polled200 = await runIngest(deps(48, 'bench-3'));
    const c3 = take(db.meter, db.byKind);
    const itemish = (by: Record<string, number>) =>
      ['ITEM', 'ARRIVALS', 'ARTICLE', 'STORY', 'STORY#MEMBERS', 'FEED#SEEN'].reduce((n, k) => n + (by[k] ?? 0), 0);
    const page1 = await db.store.listStories({ limit: 20 });
    const p1 = take(db.meter, db.byKind);
    await db.store.listStories({ limit: 20, cursor: page1.cursor });
    const p2 = take(db.meter, db.byKind);
    return {
      feeds: feedCount,
      firstIngest: {
        newItems: first.newItems,
        storiesCreated: first.storiesCreated,
        writeUnits: c1.writeUnits,
        readUnits: c1.readUnits,
        writeUnitsByKind: c1.byKind,
        writeUnitsByIndex: c1.writesByIndex,
        failedConditionalWrites: c1.failedConditionalWrites,
        wcuPerNewItem: round2((c1.writeUnits - feedStateUnits) / first.newItems),
        wcuPerNewItemInclFeedState: round2(c1.writeUnits / first.newItems),
      },
      unchanged304First: {
        newItems: polled304First.newItems,
        writeUnits: c2First.writeUnits,
        writeUnitsPerFeedPoll: round2(c2First.writeUnits / feedCount),
        writeUnitsByKind: c2First.byKind,
      },
      unchanged304: {
        items: 0,
        newItems: polled304.newItems,
        writeUnits: c2.writeUnits,
        itemWriteUnits: itemish(c2.byKind),
        writeUnitsPerFeedPoll: round2(c2.writeUnits / feedCount),
        readUnits: c2.readUnits,
        writeUnitsByKind: c2.byKind,
      },
      unchanged200: {
        itemsRepolled: first.newItems,
        newItems: polled200.newItems,
        writeUnits: c3.writeUnits,
        itemWriteUnits: itemish(c3.byKind),
        wcuPerUnchangedItem: round2(itemish(c3.byKind) / first.newItems),
        readUnitsPerUnchangedItem: round2(c3.readUnits / first.newItems),
        failedConditionalWrites: c3.failedConditionalWrites,
        writeUnitsPerFeedPoll: round2(c3.writeUnits / feedCount),
        // Feed records rewritten because their validators changed (this scenario removed them): one per feed.
        feedRecordWcu: round2((c3.byKind.FEED ?? 0) / feedCount),
        writeUnitsByKind: c3.byKind,
      },
      storiesPage: { limit: 20, rcuFirstPage: p1.readUnits, rcuSecondPage: p2.readUnits, stories: page1.items.length },
    };
  } finally {
    await sample.close();
  }
}

interface StreamItem {
  id: string;
  title: string;
  outlet: string;
  url?: string;
  lang?: string;
  publishedAt: string;
}

/** A real multi-outlet headline stream (UCI news sample) when the shared datasets are present. */
function loadStream(limit: number): { items: StreamItem[]; source: string } {
  const file = resolve(repoRoot, '../shared/datasets/uci-news-sample/items.jsonl');
  if (!existsSync(file)) return { items: [], source: 'none' };
  const items = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StreamItem)
    .filter((i) => i.outlet && i.title && i.publishedAt)
    .sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : 1))
    .slice(0, limit);
  return { items, source: 'uci-news-sample' };
}

/**
 * Feeds with new items in one fetch batch (SQS batch of 10 polls). At the cost model's rate (40 new items per
 * feed per day, polled every 15 minutes: 0.42 per poll), a poll finds something with probability
 * 1 − e^−0.42 ≈ 0.34, so a batch of 10 polls holds about 3.4 feeds with new items and 4.2 new items.
 */
const FEEDS_WITH_NEW_ITEMS_PER_BATCH = 3;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';

/**
 * Scenario 2: steady state. A headline stream arrives in polling rounds; each round every feed re-serves
 * its last 20 items (so the seen set is exercised) and one grouping pass runs. Stories grow across passes,
 * which the first-ingest scenario (one pass) never shows.
 */
async function steadyScenario(endpoint: string) {
  const { items: stream, source } = loadStream(2_000);
  if (stream.length === 0) return { skipped: 'dataset not found' };
  const db = await openDb(endpoint, 'bench-steady');
  const rounds = 40;
  const per = Math.ceil(stream.length / rounds);
  // Shift the stream so it ends at NOW (the engine's window is relative to item times).
  const shift = NOW.getTime() - Date.parse(stream.at(-1)!.publishedAt);
  const toItem = (s: StreamItem): Item => {
    const publishedAt = new Date(Date.parse(s.publishedAt) + shift).toISOString();
    return {
      id: `u_${s.id}`,
      feedId: `${slug(s.outlet)}/news`,
      outletId: slug(s.outlet),
      url: s.url,
      title: s.title,
      // The sample has no summaries; feeds usually do. A title-length stand-in keeps record sizes honest-ish.
      summary: `${s.title}. ${s.title}.`,
      language: s.lang ?? 'en',
      publishedAt,
      firstSeenAt: publishedAt,
      contentHash: `h${s.id}`,
    };
  };
  const all = stream.map(toItem);
  const byFeed = new Map<string, Item[]>();
  let state: GroupState | undefined;
  let newItems = 0;
  let passes = 0;
  let batches = 0;
  take(db.meter, db.byKind);
  for (let r = 0; r < rounds; r++) {
    const batch = all.slice(r * per, (r + 1) * per);
    const touched = new Set<string>();
    for (const it of batch) {
      const list = byFeed.get(it.feedId) ?? [];
      list.push(it);
      byFeed.set(it.feedId, list.slice(-20));
      touched.add(it.feedId);
    }
    // Polled feeds with new items (others would answer 304 and write nothing item-related), stored the way the
    // fetch worker stores an SQS batch: one putBatchItems per batch, as many feeds with new items per batch as
    // a batch of 10 polls holds at the model's item rate.
    const feeds = [...touched];
    for (let b = 0; b < feeds.length; b += FEEDS_WITH_NEW_ITEMS_PER_BATCH) {
      const group = feeds.slice(b, b + FEEDS_WITH_NEW_ITEMS_PER_BATCH);
      const w = await db.store.putBatchItems(group.map((feedId) => ({ feedId, items: byFeed.get(feedId)! })));
      newItems += w.reduce((n, x) => n + x.created, 0);
      batches++;
    }
    const roundNow = batch.at(-1)?.publishedAt ?? NOW.toISOString();
    const g = await runGroupStage({ store: db.store, log: silentLogger, now: () => new Date(roundNow), windowHours: 72, owner: 'bench', state });
    state = g.state;
    passes++;
  }
  const c = take(db.meter, db.byKind);
  const sizes = all.map((i) => Buffer.byteLength(JSON.stringify(i))).sort((a, b) => a - b);
  return {
    source,
    items: all.length,
    newItems,
    rounds: passes,
    fetchBatches: batches,
    newItemsPerBatch: round2(newItems / batches),
    medianItemJsonBytes: sizes[sizes.length >> 1],
    stories: state?.stories.size,
    writeUnits: c.writeUnits,
    readUnits: c.readUnits,
    writeUnitsByKind: c.byKind,
    writeUnitsByIndex: c.writesByIndex,
    wcuPerNewItem: round2(c.writeUnits / newItems),
    wcuPerNewItemByKind: Object.fromEntries(Object.entries(c.byKind).map(([k, v]) => [k, round2(v / newItems)])),
    rcuPerNewItem: round2(c.readUnits / newItems),
  };
}

/**
 * Scenario 2b: search over the steady scenario's stories (its search batches). The API loads the last 7 days of
 * search batches into memory on its first query; each later query reads only new batches (at most every 5 s),
 * the records of the stories on its page and the items their facets need.
 */
async function searchScenario(endpoint: string) {
  const db = await openDb(endpoint, 'bench-steady');
  const { items: stream } = loadStream(2_000);
  if (stream.length === 0) return { skipped: 'dataset not found' };
  take(db.meter, db.byKind);
  // Stored size of the search batches: what a cold API reads.
  let storedBytes = 0;
  let batches = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  const searchIndex = new StorySearch(db.store, { refreshMs: 0 });
  const loadStarted = performance.now();
  await searchIndex.refresh();
  const loadMs = performance.now() - loadStarted;
  const heapAfter = process.memoryUsage().heapUsed;
  const load = take(db.meter, db.byKind);
  for (const b of await db.store.listSearchBatches({ from: new Date(Date.now() - 7 * 86_400_000).toISOString(), now: new Date().toISOString() })) {
    batches++;
    storedBytes += Buffer.byteLength(JSON.stringify(b.entries));
  }
  take(db.meter, db.byKind);
  // Queries: one word of a headline each, every 40th headline of the stream (50 queries), through the API.
  const app = createApp({
    store: db.store,
    config: { publish: { mode: 'outlets', minOutlets: 1 }, stage: 'bench' },
    log: silentLogger,
    cache: false,
    search: { refreshMs: 5_000 },
  });
  await app.request('/stories?q=warmup');
  take(db.meter, db.byKind);
  const queries = stream.filter((_, i) => i % 40 === 0).map((it) => it.title.split(/\s+/).filter((w) => w.length >= 5)[0] ?? it.title.split(/\s+/)[0]!);
  let found = 0;
  const started = performance.now();
  for (const q of queries) {
    const body = (await (await app.request(`/stories?q=${encodeURIComponent(q)}&limit=20`)).json()) as { stories: unknown[] };
    if (body.stories.length > 0) found++;
  }
  const ms = performance.now() - started;
  const c = take(db.meter, db.byKind);
  return {
    stories: searchIndex.stats().stories,
    index: { ...searchIndex.stats(), searchBatches: batches, storedKB: round2(storedBytes / 1024), heapMB: round2((heapAfter - heapBefore) / 1048576) },
    coldLoad: { readUnits: round2(load.readUnits), ms: Math.round(loadMs) },
    queries: queries.length,
    queriesWithHits: found,
    rcuPerQuery: round2(c.readUnits / queries.length),
    msPerQuery: round2(ms / queries.length),
  };
}

/** Scenario 3: cold start of the grouping writer over `stories` stories of 3 items each, all inside the window. */
async function coldStartScenario(endpoint: string, stories: number) {
  const db = await openDb(endpoint, 'bench-cold');
  const words = 'election budget strike flood summit vaccine court merger tariff ceasefire wildfire drought protest minister senate rally storm quake market oil'.split(' ');
  const places = 'Paris Berlin Lagos Lima Osaka Quebec Dakar Kyiv Manila Quito Oslo Hanoi Accra Sofia Doha Perth'.split(' ');
  const reqs: { PutRequest: { Item: ReturnType<typeof toAttrs> } }[] = [];
  const base = NOW.getTime() - 48 * 3_600_000;
  for (let s = 0; s < stories; s++) {
    const at = new Date(base + (s * 48 * 3_600_000) / stories).toISOString();
    const topic = `${places[s % places.length]} ${words[(s * 7) % words.length]} ${words[(s * 13 + 3) % words.length]} ${s}`;
    const ids = [0, 1, 2].map((k) => `c${s}-${k}`);
    for (const [k, id] of ids.entries()) {
      const it: Item = {
        id,
        feedId: `f${k}/news`,
        outletId: `o${k}`,
        title: `${topic} report ${k}`,
        summary: `Latest on ${topic}.`,
        language: 'en',
        publishedAt: at,
        firstSeenAt: at,
        contentHash: id,
      };
      reqs.push({ PutRequest: { Item: toAttrs({ ...itemKeys(id), entity: 'item', ...it, ttl: ttlAfter(at, 30) }) } });
    }
    const story: Story = {
      id: `s${s}`,
      label: topic,
      headline: `${topic} report 0`,
      firstSeenAt: at,
      updatedAt: at,
      lastItemAt: at,
      itemIds: ids,
      outletIds: ['o0', 'o1', 'o2'],
      version: 1,
      status: 'auto',
    };
    reqs.push({ PutRequest: { Item: toAttrs({ ...storyKeys(story.id, story.updatedAt), entity: 'story', ...story, itemCount: ids.length }) } });
  }
  for (let i = 0; i < reqs.length; i += 25) {
    let pending = reqs.slice(i, i + 25);
    while (pending.length) {
      const r = await db.client.send(new BatchWriteItemCommand({ RequestItems: { [db.table]: pending } }));
      pending = (r.UnprocessedItems?.[db.table] ?? []) as typeof pending;
    }
  }
  db.meter.reset();
  const { rebuild, state } = await rebuildState({ store: db.store, log: silentLogger, now: () => NOW, windowHours: 72 });
  const c = db.meter.snapshot();
  return { stories, items: rebuild.items, rebuildMs: rebuild.durationMs, readUnits: round2(c.readUnits), engine: state.grouper.stats().stories };
}

/** Runs every scenario on a fresh DynamoDB Local and returns the numbers (and a monthly cost model). */
export async function benchCost(): Promise<Record<string, unknown>> {
  const ddb = await startDynamoDbLocal();
  try {
    const pipeline = await pipelineScenario(ddb.endpoint);
    const steady = await steadyScenario(ddb.endpoint);
    const search = await searchScenario(ddb.endpoint);
    const coldStart = await coldStartScenario(ddb.endpoint, 5_000);
    return { pipeline, steady, search, coldStart, model: costModel(pipeline, steady) };
  } finally {
    await ddb.stop();
  }
}

/**
 * Monthly on-demand cost for 500 feeds polled every 15 minutes, from the measured units.
 * Prices: us-east-1 on-demand after the November 2024 cut, $0.625 per million write request units and
 * $0.125 per million read request units; storage $0.25 per GB-month.
 */
function costModel(p: Awaited<ReturnType<typeof pipelineScenario>>, s: Awaited<ReturnType<typeof steadyScenario>>) {
  const WRU = 0.625 / 1e6;
  const RRU = 0.125 / 1e6;
  const feeds = 500;
  const pollsPerMonth = feeds * 4 * 24 * 30;
  const itemsPerFeedPerDay = 40;
  const newItemsPerMonth = feeds * itemsPerFeedPerDay * 30;
  const share200 = 0.5;
  const wcuPerNewItem = 'wcuPerNewItem' in s ? (s.wcuPerNewItem as number) : p.firstIngest.wcuPerNewItem;
  const rcuPerNewItem = 'rcuPerNewItem' in s ? (s.rcuPerNewItem as number) : 1;
  // Every poll writes its schedule (and a share of the run's claim batch and leases); a poll that found new items
  // also rewrites the feed record (validators, items seen): 1 − e^(−40/96) ≈ 34% of polls at the assumed rate.
  const shareOfPollsWithNewItems = round2(1 - Math.exp(-itemsPerFeedPerDay / 96));
  const feedPollWcu = round2(p.unchanged304.writeUnitsPerFeedPoll + shareOfPollsWithNewItems * p.unchanged200.feedRecordWcu);
  const feedPollRcu = round2((p.unchanged304.readUnits / p.feeds) * (1 - share200) + (p.unchanged200.readUnitsPerUnchangedItem * 20) * share200);
  const pagesPerMonth = 1_000_000;
  const writes = pollsPerMonth * feedPollWcu + newItemsPerMonth * wcuPerNewItem;
  const reads = pollsPerMonth * feedPollRcu + newItemsPerMonth * rcuPerNewItem + pagesPerMonth * p.storiesPage.rcuFirstPage;
  const storageGb = (newItemsPerMonth * 1.2 * 2) / 1e6; // ~1.2 KB per item with its GSI-free record, doubled for stories/overheads
  return {
    assumptions: {
      feeds,
      pollMinutes: 15,
      pollsPerMonth,
      newItemsPerFeedPerDay: itemsPerFeedPerDay,
      newItemsPerMonth,
      shareOfPollsAnswering200: share200,
      shareOfPollsWithNewItems,
      storiesPagesPerMonth: pagesPerMonth,
      pricePerMillionWRU: 0.625,
      pricePerMillionRRU: 0.125,
      storagePerGbMonth: 0.25,
    },
    measured: { wcuPerNewItem, rcuPerNewItem, wcuPerFeedPoll: feedPollWcu, rcuPerFeedPoll: feedPollRcu, rcuPerStoriesPage: p.storiesPage.rcuFirstPage },
    monthly: {
      writeUnits: Math.round(writes),
      readUnits: Math.round(reads),
      writesUsd: round2(writes * WRU),
      readsUsd: round2(reads * RRU),
      storageUsd: round2(storageGb * 0.25),
      totalUsd: round2(writes * WRU + reads * RRU + storageGb * 0.25),
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchCost(), null, 2));
}
