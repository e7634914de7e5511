// Ingest benchmark: 500 local feeds × 50 items through fetch → parse → normalize → store on dynalite, then a 304 re-poll.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import pLimit from 'p-limit';
import { silentLogger } from '../lib/log.ts';
import { startDynalite } from '../lib/local/dynalite.ts';
import { fetchFeeds, type FeedOutcome } from '../lib/pipeline/fetch-stage.ts';
import { registerOutlets } from '../lib/pipeline/ingest.ts';
import { createDynamoClient } from '../lib/store/client.ts';
import { createDynamoStore } from '../lib/store/store.ts';
import { ensureTable } from '../lib/store/table.ts';
import type { FetchOptions } from '../lib/ingest/fetch.ts';
import type { Outlet } from '../lib/types.ts';

const FEEDS = 500;
const ITEMS = 50;
const FEEDS_PER_OUTLET = 5;
const CONCURRENCY = 16; // ROUNDUP_FETCH_CONCURRENCY default
/** Feeds per fetch batch, as `runIngest` and the fetch Lambda's SQS batches (10) take them. */
const BATCH = Math.min(10, CONCURRENCY);

function feedXml(n: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const d = new Date(Date.UTC(2026, 10, 25, 0, 0, 0) + (n * ITEMS + i) * 60_000).toUTCString();
    return `<item><title>Story ${n}-${i}: officials say talks will resume next week</title><link>https://outlet-${Math.floor(n / FEEDS_PER_OUTLET)}.example/news/${n}/${i}?utm_source=rss</link>` +
      `<guid isPermaLink="false">${n}-${i}</guid><pubDate>${d}</pubDate><dc:creator>Reporter ${i % 7}</dc:creator>` +
      `<description><![CDATA[<p>Paragraph one of story ${n}-${i}, with <b>markup</b> &amp; entities &eacute;.</p><p>Paragraph two.</p>]]></description></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Feed ${n}</title><link>https://outlet.example/</link><language>en</language>\n${items}\n</channel></rss>\n`;
}

/** Runs the benchmark and returns its numbers (feeds/s, items/s for the first run and the 304 re-poll). */
export async function benchIngest(): Promise<Record<string, unknown>> {
  const bodies = Array.from({ length: FEEDS }, (_, n) => feedXml(n));
  const server = createServer((req, res) => {
    const n = Number(req.url?.split('/')[2]);
    const etag = `"f${n}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(bodies[n]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const db = await startDynalite();
  const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
  const table = 'bench-ingest';
  await ensureTable(client, table);
  const store = createDynamoStore({ client, table, retentionDays: 30 });
  // One host name per outlet (all resolving to the local server), so the per-host limit applies as in production.
  const outlets: Outlet[] = Array.from({ length: FEEDS / FEEDS_PER_OUTLET }, (_, o) => ({
    id: `outlet-${o}`,
    name: `Outlet ${o}`,
    city: 'Bench',
    country: 'ZZ',
    region: 'europe',
    languages: ['en'],
    homepage: `https://outlet-${o}.example`,
    feeds: Array.from({ length: FEEDS_PER_OUTLET }, (_, k) => {
      const n = o * FEEDS_PER_OUTLET + k;
      return { id: `outlet-${o}/f${k}`, url: `http://outlet-${o}.bench.test:${port}/feed/${n}` };
    }),
  }));
  const t0 = new Date().toISOString();
  await registerOutlets(store, outlets, t0);
  const fetch: FetchOptions = {
    userAgent: 'Roundup-bench',
    timeoutMs: 20_000,
    maxBytes: 15 * 1024 * 1024,
    allowPrivateNetwork: false,
    allowAddresses: ['127.0.0.1'],
    perHost: 2,
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  };
  const outletMap = new Map(outlets.map((o) => [o.id, o]));
  const runOnce = async () => {
    const feeds = await store.listFeeds();
    // The path production runs: batches of feeds fetched together and stored with batched writes, as many
    // batches at once as keep CONCURRENCY feeds in flight (runIngest's queue drain does the same).
    const batches: (typeof feeds)[] = [];
    for (let i = 0; i < feeds.length; i += BATCH) batches.push(feeds.slice(i, i + BATCH));
    const limit = pLimit(Math.ceil(CONCURRENCY / BATCH));
    const started = performance.now();
    const outcomes: FeedOutcome[] = (
      await Promise.all(batches.map((b) => limit(() => fetchFeeds(b, { store, log: silentLogger, fetch, pollMinutes: 15, outlets: outletMap, now: () => new Date() }))))
    ).flat();
    const seconds = (performance.now() - started) / 1000;
    const items = outcomes.reduce((n, o) => n + o.newItems + o.updatedItems, 0);
    return {
      seconds: Number(seconds.toFixed(2)),
      feedsPerSecond: Number((feeds.length / seconds).toFixed(1)),
      itemsWritten: items,
      itemsPerSecond: Number((items / seconds).toFixed(1)),
      ok: outcomes.filter((o) => o.status === 'ok').length,
      notModified: outcomes.filter((o) => o.status === 'not-modified').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
    };
  };
  try {
    const first = await runOnce();
    const repoll = await runOnce();
    return {
      feeds: FEEDS,
      itemsPerFeed: ITEMS,
      concurrency: CONCURRENCY,
      batch: BATCH,
      perHost: fetch.perHost,
      bodyBytes: Buffer.byteLength(bodies[0]!),
      firstRun: first,
      repoll304: repoll,
      note: 'fetch stage only (fetch, decode, parse, normalize, store); grouping is benchmarked separately',
    };
  } finally {
    client.destroy();
    await db.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchIngest(), null, 2));
}
