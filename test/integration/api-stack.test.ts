// The public API on the running local stack: fixture feeds over HTTP → ingest → grouped stories on the real API port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../lib/api/app.ts';
import { feedListSchema, healthSchema, jsonFeedSchema, outletListSchema, storyDetailSchema, storyListSchema } from '../../lib/api/schemas.ts';
import { parseConfig } from '../../lib/config.ts';
import { startLocalStack, type LocalStack } from '../../lib/local/stack.ts';
import { silentLogger } from '../../lib/log.ts';
import { toOpml } from '../../lib/outlets/opml.ts';
import type { Outlet } from '../../lib/types.ts';
import { startFeedServer, type FeedServer } from '../support/feed-server.ts';
import { validateJsonFeed } from '../support/jsonfeed.ts';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toUTCString();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface FixtureItem {
  title: string;
  summary: string;
  author?: string;
  path: string;
  hoursAgo: number;
}

function rss(title: string, base: string, items: FixtureItem[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${esc(title)}</title><link>${base}</link><description>fixture</description>
${items
  .map(
    (i) => `<item><title>${esc(i.title)}</title><link>${base}${i.path}</link><guid>${base}${i.path}</guid><pubDate>${hoursAgo(i.hoursAgo)}</pubDate>${
      i.author ? `<dc:creator>${esc(i.author)}</dc:creator>` : ''
    }<description>${esc(i.summary)}</description></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

const MALI_SUMMARY =
  'The last French soldiers left the Gao base on Monday, ending nine years of military presence in Mali, as the junta in Bamako hailed what it called a historic day and residents said they feared a security vacuum across the region once the troops were gone for good. Diplomats in Paris insisted the withdrawal had been coordinated with European partners, while analysts warned that armed groups active in the north could exploit the departure.';

describe('public API on the local stack', () => {
  let feeds: FeedServer;
  let stack: LocalStack;
  let dir: string;
  let outlets: Outlet[];

  beforeAll(async () => {
    feeds = await startFeedServer();
    const site = (id: string) => `https://${id}.example`;
    const story = (outlet: string, author: string, hours: number, title: string): FixtureItem => ({
      title,
      summary: `${MALI_SUMMARY} (${outlet})`,
      author,
      path: `/mali-${outlet}`,
      hoursAgo: hours,
    });
    const defs: [Outlet, FixtureItem[]][] = [
      [
        { id: 'daily-planet', name: 'Daily Planet', city: 'London', country: 'GB', region: 'europe', languages: ['en'], homepage: site('daily-planet'), feeds: [] },
        [
          story('daily-planet', 'Lois Lane', 3, 'France completes withdrawal of its last troops from Mali'),
          { title: 'Heavy snow closes schools across northern Scotland', summary: 'More than 200 schools were shut as snow fell overnight.', path: '/snow', hoursAgo: 2 },
        ],
      ],
      [
        { id: 'gotham-gazette', name: 'Gotham Gazette', city: 'New York', country: 'US', region: 'americas', languages: ['en'], homepage: site('gotham-gazette'), feeds: [] },
        [story('gotham-gazette', 'Vicki Vale', 2, 'France completes withdrawal of last troops from Mali after nine years')],
      ],
      [
        { id: 'sahel-herald', name: 'Sahel Herald', city: 'Dakar', country: 'SN', region: 'africa', languages: ['en'], homepage: site('sahel-herald'), feeds: [] },
        [story('sahel-herald', 'Aminata Diallo', 1, 'Mali: France completes withdrawal of its troops')],
      ],
    ];
    for (const [o, items] of defs) {
      const path = `/feeds/${o.id}.xml`;
      const body = rss(o.name, site(o.id), items);
      feeds.route(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
      });
      o.feeds = [{ id: `${o.id}/main`, url: feeds.url(path) }];
    }
    outlets = defs.map(([o]) => o);
    dir = mkdtempSync(join(tmpdir(), 'roundup-api-stack-'));
    const opml = join(dir, 'feeds.opml');
    writeFileSync(opml, toOpml(outlets));
    const config = parseConfig({
      ROUNDUP_TABLE: 'api-stack',
      PORT: '0',
      ROUNDUP_ALLOW_PRIVATE_NETWORK: 'true',
      ROUNDUP_LOG_LEVEL: 'silent',
    });
    stack = await startLocalStack({ config, log: silentLogger, dataDir: join(dir, 'data'), feeds: opml, noSchedule: true });
    await stack.ingestNow();
  });

  afterAll(async () => {
    await stack?.close();
    await feeds?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, init?: RequestInit) => fetch(`${stack.apiUrl}${path}`, init);

  /** A raw GET over the socket (fetch would decompress transparently). */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = request(`${stack.apiUrl}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  async function maliStory() {
    const list = storyListSchema.parse(await (await api('/stories')).json());
    const mali = list.stories.find((s) => /mali/i.test(s.headline));
    expect(mali, JSON.stringify(list.stories.map((s) => s.headline))).toBeDefined();
    return mali!;
  }

  it('lists the story the fixture outlets share, and only multi-outlet stories', async () => {
    const list = storyListSchema.parse(await (await api('/stories')).json());
    for (const s of list.stories) expect(s.counts.outlets).toBeGreaterThanOrEqual(2);
    expect(list.stories.some((s) => /snow/i.test(s.headline))).toBe(false);
    const mali = await maliStory();
    expect(mali.counts.outlets).toBeGreaterThanOrEqual(2);
    expect(mali.url).toBe(`${stack.apiUrl}/stories/${mali.id}`);
  });

  it('shows perspectives with author, outlet, city and a verbatim excerpt', async () => {
    const mali = await maliStory();
    const res = await api(`/stories/${mali.id}`);
    expect(res.status).toBe(200);
    const detail = storyDetailSchema.parse(await res.json());
    expect(detail.perspectives.length).toBe(mali.counts.outlets);
    const byName = new Map(detail.perspectives.map((p) => [p.outlet.name, p]));
    const planet = byName.get('Daily Planet') ?? byName.get('Gotham Gazette')!;
    expect(planet).toBeDefined();
    const item = planet.items[0]!;
    expect(['Lois Lane', 'Vicki Vale']).toContain(item.author);
    expect(['London', 'New York']).toContain(planet.outlet.city);
    expect(item.excerpt!.endsWith('…')).toBe(true);
    expect(MALI_SUMMARY.startsWith(item.excerpt!.slice(0, -1))).toBe(true);
    expect(item.link).toMatch(/^https:\/\/(daily-planet|gotham-gazette)\.example\/mali-/);
    expect(detail.coverage.regions.length).toBe(new Set(detail.perspectives.map((p) => p.outlet.region)).size);
    expect(detail.coverage.blindspot).toBe(detail.coverage.regions.length === 1);
  });

  it('speaks HTTP over the real socket: ETag/304, Brotli or gzip by Accept-Encoding, HEAD, CORS', async () => {
    // The feed is comfortably above the 1 KiB compression threshold.
    const plain = await raw('/feed.json');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['access-control-allow-origin']).toBe('*');
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(plain.body.length).toBeGreaterThan(1024);
    const etag = plain.headers.etag as string;
    const gz = await raw('/feed.json', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(gz.headers.etag).toBe(etag);
    const br = await raw('/feed.json', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.headers.etag).toBe(etag);
    const notModified = await raw('/feed.json', { 'if-none-match': etag, 'accept-encoding': 'gzip' });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    const head = await api('/feed.json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    const pre = await api('/stories', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses request bodies over 6 MiB on the local server with 413 problem+json, declared or streamed', async () => {
    // Declared: answered from the header, before the body is read.
    const declared = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${stack.apiUrl}/editor/api/outlets`, { method: 'POST', headers: { 'content-type': 'text/x-opml', 'content-length': String(MAX_BODY_BYTES + 1) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
      });
      req.on('error', reject);
      req.write('<opml>');
    });
    expect(declared.status).toBe(413);
    expect(declared.type).toBe('application/problem+json');
    expect(JSON.parse(declared.body)).toMatchObject({ status: 413, detail: expect.stringMatching(/6 MiB/) });
    // Streamed (chunked, no length): cut off once the limit is passed.
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const streamed = await api('/editor/api/outlets', {
      method: 'POST',
      headers: { 'content-type': 'text/x-opml' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 7; i++) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('serves valid JSON Feed 1.1 and RSS 2.0 with the same stories', async () => {
    const list = storyListSchema.parse(await (await api('/stories')).json());
    const jf = await (await api('/feed.json')).json();
    expect(validateJsonFeed(jf)).toEqual([]);
    const feed = jsonFeedSchema.parse(jf);
    expect(feed.items.map((i) => i.id)).toEqual(list.stories.map((s) => s.id));
    expect(feed.feed_url).toBe(`${stack.apiUrl}/feed.json`);
    const rssDoc = await new Parser().parseString(await (await api('/feed.xml')).text());
    expect(rssDoc.items.map((i) => i.guid)).toEqual(list.stories.map((s) => s.url));
  });

  it('reports outlets, feed health after the ingest, health and the OpenAPI document', async () => {
    const o = outletListSchema.parse(await (await api('/outlets')).json());
    expect(o.outlets.map((x) => x.id).sort()).toEqual(outlets.map((x) => x.id).sort());
    expect(o.outlets.find((x) => x.id === 'sahel-herald')).toMatchObject({ city: 'Dakar', country: 'SN', region: 'africa' });
    const f = feedListSchema.parse(await (await api('/feeds')).json());
    expect(f.feeds.map((x) => [x.feedId, x.status])).toEqual(outlets.map((x) => [`${x.id}/main`, 'ok']).sort());
    expect(f.feeds.every((x) => x.httpStatus === 200 && x.lastSuccessAt !== null)).toBe(true);
    expect(healthSchema.parse(await (await api('/healthz')).json()).status).toBe('ok');
    const doc = (await (await api('/openapi.json')).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/stories/{id}');
    expect((await api('/stories?bogus=1')).status).toBe(400);
  });
});
