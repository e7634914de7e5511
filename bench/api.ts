// API throughput bench: seeds dynalite with realistic stories, serves the app over loopback and drives it with autocannon
// (stories, feeds and their per-language variants against a hello-world, with the server's busy share per run).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../lib/api/app.ts';
import { updateHeadlines } from '../lib/group/headlines.ts';
import { startDynalite } from '../lib/local/dynalite.ts';
import { silentLogger } from '../lib/log.ts';
import { createDynamoClient } from '../lib/store/client.ts';
import { createDynamoStore } from '../lib/store/store.ts';
import type { Store } from '../lib/store/store.ts';
import { ensureTable } from '../lib/store/table.ts';
import type { Item, Outlet, Story } from '../lib/types.ts';

const require = createRequire(import.meta.url);

interface CannonResult {
  requests: { average: number; total: number };
  throughput: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

/** One measured endpoint. */
export interface EndpointResult {
  path: string;
  requestsPerSec: number;
  /** Requests per second as a share of hello-world's: the median round's (see benchApi). */
  vsHello?: number;
  /** Every round's share, lowest first. */
  vsHelloRounds?: number[];
  p50Ms: number;
  p99Ms: number;
  /** Response bytes per request on the wire (headers and body). */
  bytesPerRequest: number;
  /** Share of the run the server's event loop was busy: near 1, the server is the bottleneck; well below, the client. */
  serverBusy: number;
  /** CPU time of the server process per answered request (µs): barely moved by other work on the machine. */
  serverCpuUsPerRequest: number;
  /** Hello-world's CPU time per request ÷ this endpoint's: the share of hello-world's requests per second it can serve. */
  capacityVsHello?: number;
  /** Answers that were not 2xx (a conditional request's 304s count here). */
  non2xx: number;
  errors: number;
}

/** Per-connection setup of autocannon (a file, as worker threads require): bodies are counted, never decoded. */
const CLIENT_SETUP = fileURLToPath(new URL('./autocannon-client.cjs', import.meta.url));
/** Runs a TypeScript file (the bench's server process). */
const RUN_TS = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));

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
    const ids = items.map((i) => i.id);
    const story: Story = {
      id: `story-${String(s).padStart(4, '0')}`,
      label: topic.slice(0, 2).join(' '),
      headline: items[0]!.title,
      summary: items[0]!.summary,
      firstSeenAt: items[0]!.firstSeenAt,
      updatedAt: last,
      lastItemAt: last,
      itemIds: ids,
      outletIds: [...new Set(items.map((i) => i.outletId))],
      version: 1,
      status: 'auto',
      // As the group stage stores them: one headline per language the items are in.
      headlines: updateHeadlines(undefined, ids, items, (id) => (id === ids[0] ? 0 : 0.5), ids[0]),
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

/** What the server process reports: its CPU time so far and its event loop's busy time. */
interface ServerClock {
  cpu: NodeJS.CpuUsage;
  elu: EventLoopUtilization;
}

/** The server process's answer once it serves. */
interface Serving {
  api: string;
  uncached: string;
  hello: string;
  storyIds: string[];
  publicIds: string[];
  seedMs: number;
}

/**
 * The server side of the bench, run in its own process (`bench/api.ts --serve`) so that its CPU time is the servers'
 * alone: dynalite seeded with stories, the API with and without its response cache, and a hello-world.
 */
async function serveForBench(stories: number): Promise<void> {
  const db = await startDynalite();
  const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
  const table = 'bench-api';
  await ensureTable(client, table);
  const store = createDynamoStore({ client, table, retentionDays: 3650 });
  const seedStart = Date.now();
  const { storyIds, publicIds } = await seedApiData(store, { stories });
  const seedMs = Date.now() - seedStart;
  const deps = { store, config: { publish: { mode: 'outlets' as const, minOutlets: 2 }, stage: 'bench' }, log: silentLogger };
  // The served configuration: entries expire after the default TTL and the change marker runs, as in production.
  const api = await listen(createApp(deps));
  const uncached = await listen(createApp({ ...deps, cache: false }));
  const hello = new Hono();
  hello.get('/hello', (c) => c.text('Hello, world!'));
  const helloSrv = await listen(hello);
  process.on('message', (m: { cmd: 'clock' | 'stop' }) => {
    if (m.cmd === 'clock') process.send!({ cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() } satisfies ServerClock);
    else {
      for (const s of [api, uncached, helloSrv]) s.server.close();
      client.destroy();
      void db.close().then(() => process.exit(0));
    }
  });
  process.send!({ api: api.url, uncached: uncached.url, hello: helloSrv.url, storyIds, publicIds, seedMs } satisfies Serving);
}

/** How one endpoint is driven. */
interface Load {
  /** Row name; defaults to the path. */
  name?: string;
  /** Request headers besides Accept-Encoding (Accept-Language, If-None-Match). */
  headers?: Record<string, string>;
  /** Send no Accept-Encoding (identity bodies). */
  identity?: boolean;
}

/** Median of numbers. */
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Seeds, serves (in a child process) and measures. Per endpoint: requests per second and their ratio to hello-world's
 * (median of rounds, each between two hello-world runs), p50/p99 latency, bytes per answer, and the server process's
 * CPU time per request with the capacity ratio it gives (hello-world's CPU per request ÷ the endpoint's): on a
 * loaded machine throughput swings with other work, while CPU time per request barely moves.
 */
export async function benchApi(opts: { seconds?: number; rounds?: number; stories?: number } = {}): Promise<Record<string, unknown>> {
  const seconds = opts.seconds ?? 2;
  const rounds = opts.rounds ?? 5;
  const startLoad = loadavg().map((x) => Number(x.toFixed(2)));
  const cannon = require('autocannon') as Cannon;
  const child = fork(RUN_TS, [fileURLToPath(import.meta.url), '--serve', String(opts.stories ?? 300)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  // One question at a time: each message answers the one pending request.
  let pending: ((m: unknown) => void) | undefined;
  child.on('message', (m) => {
    const answer = pending;
    pending = undefined;
    answer?.(m);
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench server exited (${code})`))));
  exited.catch(() => undefined);
  const next = <T>() => Promise.race([new Promise<T>((resolve) => (pending = resolve as (m: unknown) => void)), exited]);
  const clock = () => {
    const p = next<ServerClock>();
    child.send({ cmd: 'clock' });
    return p;
  };
  const srv = await next<Serving>();

  async function measure(url: string, path: string | string[], load: Load = {}): Promise<EndpointResult> {
    const paths = Array.isArray(path) ? path : [path];
    const before = await clock();
    const r = await cannon({
      url,
      connections: 10,
      duration: seconds,
      // Apps, browsers and CDNs all send Accept-Encoding; identity is measured separately for comparison.
      headers: { ...(load.identity ? {} : { 'accept-encoding': 'gzip, deflate, br' }), ...load.headers },
      // The load generator runs in a worker thread of this process; the servers run in another process.
      workers: 1,
      setupClient: CLIENT_SETUP,
      // Each connection cycles through the paths: story ids exercise many cache keys rather than one hot entry.
      requests: paths.map((p) => ({ method: 'GET', path: p })),
    });
    const after = await clock();
    const cpuUs = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
    return {
      path: load.name ?? (paths.length > 1 ? `${paths[0]!.replace(/[^/]+$/, ':id')} (${paths.length} ids)` : paths[0]!) + (load.identity ? ' (identity)' : ''),
      requestsPerSec: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      bytesPerRequest: r.requests.average ? Math.round(r.throughput.average / r.requests.average) : 0,
      serverCpuUsPerRequest: r.requests.total ? Math.round(cpuUs / r.requests.total) : 0,
      serverBusy: Number(performance.eventLoopUtilization(after.elu, before.elu).utilization.toFixed(2)),
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
    };
  }

  try {
    const ids = srv.publicIds.slice(0, 100).map((id) => `/stories/${id}`);
    const french = { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.8' };
    // Warm the caches the way a running service is warm; the cold path is measured separately below.
    const gzip = { 'accept-encoding': 'gzip, deflate, br' };
    for (const p of ['/stories', '/stories?country=FR,DE&limit=50', '/stories?lang=fr', '/feed.json', '/feed.json?lang=fr', '/feed.xml', ...ids]) {
      await (await fetch(srv.api + p, { headers: gzip })).arrayBuffer();
    }
    await (await fetch(`${srv.api}/feed.json`, { headers: { ...gzip, ...french } })).arrayBuffer();
    const feedTag = (await fetch(`${srv.api}/feed.json`, { headers: gzip })).headers.get('etag')!;
    // On a shared machine load swings within seconds. Each endpoint runs `rounds` short runs, each between two
    // hello-world runs; its ratio is the median over rounds of its requests per second against the mean of the two
    // hello-world runs around it, and its figures are those of its median round.
    const hello = async () => ({ ...(await measure(srv.hello, '/hello')), path: 'hello-world /hello' });
    const runs: [string | string[], Load?][] = [
      ['/stories'],
      ['/stories', { identity: true }],
      ['/stories?country=FR,DE&limit=50'],
      ['/stories?lang=fr'],
      [ids],
      ['/feed.json'],
      ['/feed.json?lang=fr'],
      ['/feed.json', { name: '/feed.json (Accept-Language: fr-CA,fr;q=0.9,en;q=0.8)', headers: french }],
      ['/feed.xml'],
      ['/feed.json', { name: '/feed.json (If-None-Match → 304)', headers: { 'if-none-match': feedTag } }],
    ];
    // A service that has run a while has compiled its hot paths: one unrecorded run of everything first, so the
    // endpoints measured first do not pay for the JIT's warm-up (nor for the garbage seeding left).
    await hello();
    for (const [path, load] of runs) await measure(srv.api, path, load);
    const results: EndpointResult[] = [];
    const hellos: EndpointResult[] = [];
    let before = await hello();
    hellos.push(before);
    for (const [path, load] of runs) {
      const each: EndpointResult[] = [];
      for (let i = 0; i < rounds; i++) {
        const r = await measure(srv.api, path, load);
        const after = await hello();
        hellos.push(after);
        r.vsHello = Number((r.requestsPerSec / ((before.requestsPerSec + after.requestsPerSec) / 2)).toFixed(2));
        each.push(r);
        before = after;
      }
      each.sort((a, b) => a.vsHello! - b.vsHello!);
      results.push({
        ...each[Math.floor(each.length / 2)]!,
        vsHelloRounds: each.map((r) => r.vsHello!),
        serverCpuUsPerRequest: median(each.map((r) => r.serverCpuUsPerRequest)),
      });
    }
    const helloCpu = median(hellos.map((h) => h.serverCpuUsPerRequest));
    for (const r of results) r.capacityVsHello = Number((helloCpu / r.serverCpuUsPerRequest).toFixed(2));
    const cold = await measure(srv.uncached, '/stories', {});
    results.push({ ...cold, path: '/stories (response cache off)' });
    const rps = hellos.map((h) => h.requestsPerSec);
    const row = (name: string) => results.find((r) => r.path === name)!;
    const feeds = results.filter((r) => r.path.startsWith('/feed.') && !r.path.includes('304'));
    return {
      seeded: { stories: srv.storyIds.length, public: srv.publicIds.length, outlets: 40, seedMs: srv.seedMs },
      connections: 10,
      secondsEach: seconds,
      rounds,
      loadAverage: { start: startLoad, end: loadavg().map((x) => Number(x.toFixed(2))) },
      hello: { requestsPerSec: { median: median(rps), min: Math.min(...rps), max: Math.max(...rps), runs: rps.length }, serverCpuUsPerRequest: helloCpu },
      endpoints: results,
      storiesVsHello: row('/stories').vsHello,
      feedJsonVsHello: row('/feed.json').vsHello,
      slowestFeedVsHello: Math.min(...feeds.map((r) => r.vsHello!)),
      targetMet: row('/stories').vsHello! >= 0.5 && feeds.every((r) => r.vsHello! >= 0.5),
      capacity: {
        stories: row('/stories').capacityVsHello,
        feedJson: row('/feed.json').capacityVsHello,
        slowestFeed: Math.min(...feeds.map((r) => r.capacityVsHello!)),
        targetMet: row('/stories').capacityVsHello! >= 0.5 && feeds.every((r) => r.capacityVsHello! >= 0.5),
      },
    };
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.send({ cmd: 'stop' });
    await gone;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--serve') await serveForBench(Number(process.argv[3]));
  else {
    // node bin/run-ts.mjs bench/api.ts [seconds per run] [rounds per endpoint]
    const [seconds, rounds] = process.argv.slice(2).map(Number);
    console.log(JSON.stringify(await benchApi({ seconds: seconds || undefined, rounds: rounds || undefined }), null, 2));
  }
}
