// API throughput bench: seeds dynalite with realistic stories, serves the app over loopback and drives it with autocannon.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../lib/api/app.ts';
import { startDynalite } from '../lib/local/dynalite.ts';
import { silentLogger } from '../lib/log.ts';
import { createDynamoClient } from '../lib/store/client.ts';
import { createDynamoStore } from '../lib/store/store.ts';
import type { Store } from '../lib/store/store.ts';
import { ensureTable } from '../lib/store/table.ts';
import type { Item, Outlet, Story } from '../lib/types.ts';

const require = createRequire(import.meta.url);

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

/** One measured endpoint. */
export interface EndpointResult {
  path: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

const REGIONS: [string, string, string, string][] = [
  ['CA', 'americas', 'Montreal', 'fr'],
  ['US', 'americas', 'New York', 'en'],
  ['BR', 'americas', 'São Paulo', 'pt'],
  ['AR', 'americas', 'Buenos Aires', 'es'],
  ['FR', 'europe', 'Paris', 'fr'],
  ['GB', 'europe', 'London', 'en'],
  ['DE', 'europe', 'Berlin', 'de'],
  ['QA', 'middle-east', 'Doha', 'ar'],
  ['NG', 'africa', 'Lagos', 'en'],
  ['SN', 'africa', 'Dakar', 'fr'],
  ['JP', 'asia', 'Tokyo', 'ja'],
  ['IN', 'asia', 'Delhi', 'en'],
  ['AU', 'oceania', 'Sydney', 'en'],
];

const WORDS = 'government minister election troops withdrawal summit talks border economy inflation court ruling protest storm flood climate energy prices vote parliament coalition ceasefire negotiators'.split(' ');

/** Deterministic pseudo-random numbers so every run seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Seeds outlets, items and stories: `stories` stories of 5–10 items each from `outlets` outlets (about a fifth of the
 * stories come from a single outlet, so they stay unpublished under the default policy, as in real data).
 */
export async function seedApiData(store: Store, opts: { stories?: number; outlets?: number } = {}): Promise<{ storyIds: string[]; publicIds: string[] }> {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const outlets: Outlet[] = Array.from({ length: opts.outlets ?? 40 }, (_, i) => {
    const [country, region, city, lang] = REGIONS[i % REGIONS.length]!;
    const id = `outlet-${String(i).padStart(2, '0')}`;
    return { id, name: `Outlet ${i}`, city, country, region, languages: [lang], homepage: `https://${id}.example`, feeds: [{ id: `${id}/main`, url: `https://${id}.example/rss` }] };
  });
  await store.putOutlets(outlets);
  const base = Date.parse('2026-11-20T00:00:00.000Z');
  const storyIds: string[] = [];
  const publicIds: string[] = [];
  const n = opts.stories ?? 300;
  const pending: Promise<void>[] = [];
  for (let s = 0; s < n; s++) {
    const single = rand() < 0.2;
    const count = 5 + Math.floor(rand() * 6);
    const topic = Array.from({ length: 3 }, () => pick(WORDS));
    const start = base + s * 20 * 60_000;
    const items: Item[] = Array.from({ length: count }, (_, k) => {
      const o = single ? outlets[s % outlets.length]! : pick(outlets);
      const at = new Date(start + k * 7 * 60_000).toISOString();
      const id = `s${s}-i${k}`;
      const summary = Array.from({ length: 45 }, () => pick(WORDS)).join(' ');
      return {
        id,
        feedId: o.feeds[0]!.id,
        outletId: o.id,
        url: `${o.homepage}/news/${id}`,
        title: `${topic.join(' ')} — ${o.name} report ${k}`,
        summary,
        author: rand() < 0.7 ? `Reporter ${Math.floor(rand() * 500)}` : undefined,
        language: o.languages[0]!,
        publishedAt: at,
        firstSeenAt: at,
        contentHash: `h-${id}`,
      };
    });
    const last = items.at(-1)!.publishedAt;
    const story: Story = {
      id: `story-${String(s).padStart(4, '0')}`,
      label: topic.slice(0, 2).join(' '),
      headline: items[0]!.title,
      summary: items[0]!.summary,
      firstSeenAt: items[0]!.firstSeenAt,
      updatedAt: last,
      lastItemAt: last,
      itemIds: items.map((i) => i.id),
      outletIds: [...new Set(items.map((i) => i.outletId))],
      version: 1,
      status: 'auto',
    };
    storyIds.push(story.id);
    if (story.outletIds.length >= 2) publicIds.push(story.id);
    // Ten stories in flight at a time keeps seeding to seconds without flooding dynalite.
    pending.push(store.putBatchItems(items.map((it) => ({ feedId: it.feedId, items: [it] }))).then(() => store.putStory(story, undefined)));
    if (pending.length === 10) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return { storyIds, publicIds };
}

const listen = (app: Hono): Promise<{ server: ServerType; url: string }> =>
  new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });

async function measure(cannon: Cannon, url: string, path: string | string[], seconds: number, gzip = true): Promise<EndpointResult> {
  const paths = Array.isArray(path) ? path : [path];
  const r = await cannon({
    url,
    connections: 10,
    duration: seconds,
    // Apps, browsers and CDNs all send Accept-Encoding; identity is measured separately for comparison.
    headers: gzip ? { 'accept-encoding': 'gzip, deflate, br' } : {},
    // The load generator runs in a worker thread so it does not share the server's event loop.
    workers: 1,
    // Each connection cycles through the paths: story ids exercise many cache keys rather than one hot entry.
    requests: paths.map((p) => ({ method: 'GET', path: p })),
  });
  return {
    path: (paths.length > 1 ? `${paths[0]!.replace(/[^/]+$/, ':id')} (${paths.length} ids)` : paths[0]!) + (gzip ? '' : ' (identity)'),
    requestsPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** Seeds, serves and measures; returns requests/s and p50/p99 latency per endpoint, side by side with hello-world. */
export async function benchApi(opts: { seconds?: number; stories?: number } = {}): Promise<Record<string, unknown>> {
  const seconds = opts.seconds ?? 5;
  const cannon = require('autocannon') as Cannon;
  const db = await startDynalite();
  const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
  const table = 'bench-api';
  await ensureTable(client, table);
  const store = createDynamoStore({ client, table, retentionDays: 3650 });
  const seedStart = Date.now();
  const { storyIds, publicIds } = await seedApiData(store, { stories: opts.stories ?? 300 });
  const seedMs = Date.now() - seedStart;

  const deps = { store, config: { publish: { mode: 'outlets' as const, minOutlets: 2 }, stage: 'bench' }, log: silentLogger };
  const api = await listen(createApp(deps));
  const uncached = await listen(createApp({ ...deps, cache: false }));
  const hello = new Hono();
  hello.get('/hello', (c) => c.text('Hello, world!'));
  const helloSrv = await listen(hello);
  try {
    const ids = publicIds.slice(0, 100).map((id) => `/stories/${id}`);
    // Warm the caches the way a running service is warm; the cold path is measured separately below.
    for (const p of ['/stories', '/stories?country=FR,DE&limit=50', '/feed.json', ...ids]) await (await fetch(api.url + p)).arrayBuffer();
    // Hello-world and /stories alternate twice: on a shared machine load drifts, and pairing keeps the ratio fair.
    const pairs: [EndpointResult, EndpointResult][] = [];
    for (let round = 0; round < 2; round++) {
      const h = { ...(await measure(cannon, helloSrv.url, '/hello', seconds)), path: 'hello-world /hello' };
      pairs.push([h, await measure(cannon, api.url, '/stories', seconds)]);
    }
    const results: EndpointResult[] = pairs.flat();
    results.push(await measure(cannon, api.url, '/stories', seconds, false));
    results.push(await measure(cannon, api.url, '/stories?country=FR,DE&limit=50', seconds));
    results.push(await measure(cannon, api.url, ids, seconds));
    results.push(await measure(cannon, api.url, '/feed.json', seconds));
    const cold = await measure(cannon, uncached.url, '/stories', Math.min(seconds, 3));
    results.push({ ...cold, path: '/stories (response cache off)' });
    const ratios = pairs.map(([h, s]) => s.requestsPerSec / h.requestsPerSec);
    const ratio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    return {
      seeded: { stories: storyIds.length, public: publicIds.length, outlets: 40, seedMs },
      connections: 10,
      secondsEach: seconds,
      endpoints: results,
      storiesVsHello: Number(ratio.toFixed(2)),
      targetMet: ratio >= 0.5,
    };
  } finally {
    for (const s of [api, uncached, helloSrv]) await new Promise<void>((r) => s.server.close(() => r()));
    client.destroy();
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seconds = Number(process.argv[2] ?? 5);
  console.log(JSON.stringify(await benchApi({ seconds }), null, 2));
}
