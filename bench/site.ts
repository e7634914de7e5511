// Reader-site bench on the bundled sample day: page weight of `/` and the Mali story page, server render time, and
// requests/s with and without the response cache (autocannon on loopback, beside hello-world).
import { StorySearch } from '../lib/search/story-search.ts';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../lib/api/app.ts';
import { OutletCatalog } from '../lib/api/catalog.ts';
import { FacetCache, getPublicStory, listPublicStories, type QueryDeps } from '../lib/api/queries.ts';
import { storyDetail, storySummary } from '../lib/api/views.ts';
import { parseConfig } from '../lib/config.ts';
import { startLocalStack } from '../lib/local/stack.ts';
import { silentLogger } from '../lib/log.ts';
import { cardOutlets, renderFrontPage, renderStoryPage } from '../lib/site/pages.tsx';

const require = createRequire(import.meta.url);

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

const listen = (app: Hono): Promise<{ server: ServerType; url: string }> =>
  new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => Number((n / 1024).toFixed(1));

/** Median ms of `fn` over `runs` calls, after a warm-up. */
async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return Number(median(ms).toFixed(3));
}

/** Runs the bench; `seconds` per autocannon run. */
export async function benchSite(opts: { seconds?: number } = {}): Promise<Record<string, unknown>> {
  const seconds = opts.seconds ?? 5;
  const cannon = require('autocannon') as Cannon;
  const dir = mkdtempSync(join(tmpdir(), 'roundup-bench-site-'));
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const config = parseConfig({ PORT: '0', ROUNDUP_LOG_LEVEL: 'silent', ROUNDUP_TABLE: 'bench-site' });
  const stack = await startLocalStack({ config, log: silentLogger, dataDir: join(dir, 'data'), feeds: 'sample', noSchedule: true });
  const servers: { server: ServerType; url: string }[] = [];
  try {
    await stack.ingestNow();
    const mali = ((await (await fetch(`${stack.apiUrl}/stories?q=mali`)).json()) as { stories: { id: string }[] }).stories[0]!.id;
    const pages = { front: '/', story: `/s/${mali}` };

    // Page weight: the whole page is one request (inline stylesheet, no script, font or image).
    const weight: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(pages)) {
      const body = Buffer.from(await (await fetch(`${stack.apiUrl}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
      weight[name] = { path, htmlKB: kb(body.length), gzipKB: kb(gzipSync(body).length), brotliKB: kb(brotliCompressSync(body).length), requests: 1 };
    }

    // Render time in the process: the page from already-loaded data (what the response cache saves per request
    // besides the reads), and the whole request path without the cache (DynamoDB reads on dynalite + render).
    const qd: QueryDeps = { store: stack.store, catalog: new OutletCatalog(stack.store, silentLogger), policy: config.publish, facets: new FacetCache(), search: new StorySearch(stack.store) };
    const base = 'http://127.0.0.1';
    // What an English page asks for: headlines in English (the page's and the desk's language).
    const reader = { languages: ['en'], desk: 'en' };
    const list = await listPublicStories(qd, { limit: 20 });
    const outlets = await qd.catalog.get();
    const stories = list.stories.map((s) => ({ summary: storySummary(s.story, s.facets, base, reader), outlets: cardOutlets(s, outlets) }));
    const found = await getPublicStory(qd, mali);
    if (found.kind !== 'story') throw new Error('the Mali story was merged');
    const detail = storyDetail(found.story, found.items, found.outlets, base, reader, found.headlineItems);
    const renderMs = {
      front: await timeIt(() => renderFrontPage({ ui: 'en', base, filters: {}, stories, nextCursor: list.nextCursor }), 300),
      story: await timeIt(() => renderStoryPage({ ui: 'en', base, story: detail, want: [], query: '' }), 300),
    };

    const cached = stack.apiUrl;
    const uncached = await listen(createApp({ store: stack.store, config, log: silentLogger, cache: false }));
    servers.push(uncached);
    const hello = new Hono();
    hello.get('/hello', (c) => c.text('Hello, world!'));
    const helloSrv = await listen(hello);
    servers.push(helloSrv);
    const requestMs = {
      front: await timeIt(async () => (await fetch(`${uncached.url}/`)).arrayBuffer(), 100),
      story: await timeIt(async () => (await fetch(`${uncached.url}${pages.story}`)).arrayBuffer(), 100),
    };

    const run = async (url: string, path: string) => {
      const r = await cannon({ url: `${url}${path}`, connections: 10, duration: seconds, workers: 1, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      return { path, requestsPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
    };
    // Each cached page runs right after a hello-world run: on a shared machine load drifts, and pairing keeps the ratio fair.
    const helloBeforeFront = await run(helloSrv.url, '/hello');
    const frontCached = await run(cached, pages.front);
    const helloBeforeStory = await run(helloSrv.url, '/hello');
    const storyCached = await run(cached, pages.story);
    const throughput = {
      helloBeforeFront,
      frontCached,
      helloBeforeStory,
      storyCached,
      frontUncached: await run(uncached.url, pages.front),
      storyUncached: await run(uncached.url, pages.story),
    };
    const ratio = (a: { requestsPerSec: number }, b: { requestsPerSec: number }) => Number((a.requestsPerSec / b.requestsPerSec).toFixed(2));
    return {
      loadBefore,
      loadAfter: loadavg().map((l) => Number(l.toFixed(2))),
      pageWeight: weight,
      renderMedianMs: renderMs,
      uncachedRequestMedianMs: requestMs,
      connections: 10,
      secondsEach: seconds,
      throughput,
      cachedVsHello: { front: ratio(frontCached, helloBeforeFront), story: ratio(storyCached, helloBeforeStory) },
    };
  } finally {
    for (const s of servers) await new Promise<void>((r) => s.server.close(() => r()));
    // autocannon leaves its last requests (and the cache's background change-marker read) in flight for a moment;
    // closing the database under them makes dynalite throw outside any promise.
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchSite({ seconds: Number(process.argv[2] ?? 5) }), null, 2));
}
