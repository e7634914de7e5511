// The OpenAPI document matches the app (routes, parameters, response shapes) and the Lambda adapter path compresses correctly.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/api/app.ts';
import { CACHE_CONTROL } from '../../lib/api/http.ts';
import { COMPONENTS, ROUTE_DOCS } from '../../lib/api/openapi.ts';
import { silentLogger } from '../../lib/log.ts';
import type { AppDeps } from '../../lib/api/app.ts';
import type { Page } from '../../lib/store/store.ts';
import type { FeedState, Item, Outlet, Story } from '../../lib/types.ts';

/** The read side of the stores, in memory. */
function memoryStore(stories: Story[], items: Item[], outlets: Outlet[], feeds: FeedState[] = []) {
  const calls = { listStories: 0, getItems: 0 };
  const store = {
    calls,
    stories,
    listOutlets: async () => outlets,
    listFeeds: async () => feeds,
    getStory: async (id: string) => stories.find((s) => s.id === id),
    getListedStories: async (ids: string[]) => ids.map((id) => stories.find((s) => s.id === id)).filter((s): s is Story => !!s),
    listSearchBatches: async () => [],
    getItems: async (ids: string[]) => {
      calls.getItems++;
      return ids.map((id) => items.find((i) => i.id === id)).filter((x): x is Item => !!x);
    },
    listStories: async (opts: { limit: number; cursor?: string; since?: string }): Promise<Page<Story>> => {
      calls.listStories++;
      const sorted = [...stories]
        .filter((s) => !opts.since || `${s.updatedAt}#${s.id}` >= opts.since)
        .sort((a, b) => `${b.updatedAt}#${b.id}`.localeCompare(`${a.updatedAt}#${a.id}`));
      const start = opts.cursor ? Number(opts.cursor) : 0;
      const page = sorted.slice(start, start + opts.limit);
      return { items: page, cursor: start + opts.limit < sorted.length ? String(start + opts.limit) : undefined };
    },
  };
  return store;
}

const outlets: Outlet[] = [
  { id: 'a', name: 'Alpha', city: 'Paris', country: 'FR', region: 'europe', languages: ['fr'], homepage: 'https://a.example', feeds: [{ id: 'a/1', url: 'https://a.example/rss' }] },
  { id: 'b', name: 'Beta', city: 'Lagos', country: 'NG', region: 'africa', languages: ['en'], homepage: 'https://b.example', feeds: [{ id: 'b/1', url: 'https://b.example/rss' }] },
];
const item = (id: string, outletId: string): Item => ({
  id,
  feedId: `${outletId}/1`,
  outletId,
  url: `https://${outletId}.example/${id}`,
  title: `Title ${id}`,
  summary: 'word '.repeat(120),
  language: outletId === 'a' ? 'fr' : 'en',
  publishedAt: '2026-11-25T10:00:00.000Z',
  firstSeenAt: '2026-11-25T10:00:00.000Z',
  contentHash: id,
});
const story = (id: string, updatedAt: string): Story => ({
  id,
  label: `Label ${id}`,
  headline: `Headline ${id}`,
  summary: 'Summary',
  firstSeenAt: '2026-11-25T10:00:00.000Z',
  updatedAt,
  lastItemAt: '2026-11-25T10:00:00.000Z',
  itemIds: [`${id}-1`, `${id}-2`],
  outletIds: ['a', 'b'],
  version: 1,
  status: 'auto',
});
const fixture = () => {
  const stories = Array.from({ length: 30 }, (_, i) => story(`s${i}`, `2026-11-25T${String(10 + (i % 10)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00.000Z`));
  const items = stories.flatMap((s) => [item(`${s.id}-1`, 'a'), item(`${s.id}-2`, 'b')]);
  return memoryStore(stories, items, outlets, [{ feedId: 'a/1', outletId: 'a', url: 'https://a.example/rss', consecutiveFailures: 0, nextDueAt: '2026-11-25T10:00:00.000Z', itemsSeen: 0 }]);
};
const deps = (store: AppDeps['store'], cache: false | object = false) => ({
  store,
  config: { publish: { mode: 'outlets' as const, minOutlets: 2 }, stage: 'test' },
  log: silentLogger,
  cache: cache as false,
});

describe('OpenAPI document', () => {
  const app = createApp(deps(fixture()));

  it('is OpenAPI 3.1 and lists exactly the routes the app serves', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const served = new Set(app.routes.filter((r) => r.method === 'GET').map((r) => r.path.replace(/:(\w+)/g, '{$1}')));
    expect(new Set(Object.keys(doc.paths))).toEqual(served);
    for (const ops of Object.values(doc.paths)) expect(Object.keys(ops)).toEqual(['get']);
  });

  it('documents exactly the parameters each route validates', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { parameters: { name: string; in: string; required: boolean; example?: unknown; schema: object }[] } }>;
    };
    let exercised = 0;
    for (const r of ROUTE_DOCS) {
      const params = doc.paths[r.path]!.get.parameters;
      const query = params.filter((p) => p.in === 'query').map((p) => p.name);
      expect(query, r.path).toEqual(Object.keys(r.query.shape));
      expect(params.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(Object.keys(r.pathParams?.shape ?? {}));
      // Routes that headline stories for the reader say so, and only they.
      expect(params.filter((p) => p.in === 'header').map((p) => p.name), r.path).toEqual(r.languages ? ['Accept-Language'] : []);
      const path = r.path.replace('{id}', 's1').replace('{slug}', 'label-s1');
      // Every documented parameter is accepted with its example, and an undocumented one is refused…
      for (const p of params.filter((x) => x.in === 'query' && x.example !== undefined)) {
        const res = await app.request(`${path}?${p.name}=${encodeURIComponent(String(p.example))}`);
        expect(res.status, `${path} ${p.name}`).toBe(200);
        exercised++;
      }
      const bad = await app.request(`${path}?undocumented=1`);
      if (r.page) {
        // …except by reader pages, which ignore it: shared links carry tracking parameters.
        expect(bad.status, path).toBe(200);
        expect(bad.headers.get('etag')).toBe((await app.request(path)).headers.get('etag'));
        continue;
      }
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: string[] }).errors[0]).toContain(`allowed: ${Object.keys(r.query.shape).join(', ') || 'none'}`);
    }
    // /stories, /feed.json and /feed.xml each document 8 examples (all but the opaque cursor); /stories/{id} has
    // `lang`; the front page 4 (region, lang, q, hl) and each story page 2 (lang, hl).
    expect(exercised).toBe(25 + 4 + 2 + 2);
  });

  it('serves every route with its documented content type and Cache-Control class', async () => {
    for (const r of ROUTE_DOCS) {
      const res = await app.request(r.path.replace('{id}', 's1').replace('{slug}', 'label-s1'));
      expect(res.status, r.path).toBe(200);
      expect(res.headers.get('content-type'), r.path).toBe(`${r.contentType}; charset=utf-8`);
      expect(res.headers.get('cache-control'), r.path).toBe(CACHE_CONTROL[r.cacheControl]);
    }
  });

  it('describes every JSON body the routes return (strict schemas parse real responses)', async () => {
    for (const r of ROUTE_DOCS.filter((x) => x.body)) {
      const res = await app.request(r.path.replace('{id}', 's1'));
      expect(res.status, r.path).toBe(200);
      expect(res.headers.get('content-type')).toContain(r.contentType);
      const parsed = COMPONENTS[r.body!]!['~standard'].validate(await res.json());
      expect((parsed as { issues?: unknown }).issues, r.path).toBeUndefined();
    }
    const doc = (await (await app.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties?: object }> } };
    expect(Object.keys(doc.components.schemas.StoryDetail!.properties!)).toEqual(expect.arrayContaining(['perspectives', 'coverage', 'firstSeenAt', 'lastSeenAt']));
    z.toJSONSchema(COMPONENTS.StoryList!);
  });
});

describe('response cache in the app', () => {
  it('answers repeated requests without the store and sees story changes within markerMs', async () => {
    const store = fixture();
    let now = 0;
    const app = createApp(deps(store, { ttlMs: 60_000, markerMs: 1_000, clock: () => now }));
    const first = await app.request('/stories?limit=5');
    const etag = first.headers.get('etag');
    const reads = store.calls.listStories;
    for (let i = 0; i < 20; i++) {
      const r = await app.request(i % 2 ? '/stories?limit=5' : '/stories?limit=5&');
      expect(r.headers.get('etag')).toBe(etag);
    }
    expect(store.calls.listStories).toBe(reads);
    // An editor edit bumps updatedAt and version: visible once the marker is re-read.
    const s = store.stories.find((x) => x.id === 's5')!;
    Object.assign(s, { headline: 'Edited', headlineByEditor: true, updatedAt: '2026-11-26T00:00:00.000Z', version: 2 });
    expect((await app.request('/stories?limit=5')).headers.get('etag')).toBe(etag);
    now += 1_000;
    // This request starts the marker read in the background and is answered from the cache…
    expect((await app.request('/stories?limit=5')).headers.get('etag')).toBe(etag);
    await new Promise((r) => setTimeout(r, 10));
    // …and once the read is back, the next one is fresh.
    const after = await app.request('/stories?limit=5');
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as { stories: { headline: string }[] }).stories[0]!.headline).toBe('Edited');
  });
});

describe('Lambda Function URL adapter', () => {
  const event = (path: string, headers: Record<string, string>): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: { host: 'abc.lambda-url.eu-west-1.on.aws', ...headers },
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '1.2.3.4', userAgent: 'test' }, domainName: 'abc.lambda-url.eu-west-1.on.aws' },
    }) as unknown as APIGatewayProxyEventV2;
  const handler = handle(createApp(deps(fixture())));
  const call = async (path: string, headers: Record<string, string> = {}) =>
    (await handler(event(path, headers) as never, {} as Context)) as Exclude<APIGatewayProxyResultV2, string> & { headers: Record<string, string>; body: string };

  it('compresses only when the client accepts it (Brotli or gzip), base64-encoding the compressed body', async () => {
    const plain = await call('/stories');
    expect(plain.statusCode).toBe(200);
    expect(plain.isBase64Encoded).toBe(false);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gz = await call('/stories', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.isBase64Encoded).toBe(true);
    expect(gunzipSync(Buffer.from(gz.body, 'base64')).toString('utf8')).toBe(plain.body);
    const br = await call('/stories', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.isBase64Encoded).toBe(true);
    expect(brotliDecompressSync(Buffer.from(br.body, 'base64')).toString('utf8')).toBe(plain.body);
    expect(JSON.parse(plain.body).stories[0].url).toBe('https://abc.lambda-url.eu-west-1.on.aws/stories/s29');
  });
});
