// Ingestion through the real pipeline on dynalite: 304s, dedupe, edits, moved and gone feeds, Retry-After, feed health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/api/app.ts';
import { silentLogger } from '../../lib/log.ts';
import { registerOutlets, runIngest, type IngestDeps } from '../../lib/pipeline/ingest.ts';
import type { FeedState, Outlet } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { conditional, redirect, rss, send, startFeedServer, type FeedServer } from '../support/feed-server.ts';
import { scanItems } from '../support/scan-items.ts';

describe('ingest pipeline', () => {
  let db: TestDb;
  let server: FeedServer;
  let deps: IngestDeps;
  let clock = Date.parse('2026-11-26T09:00:00.000Z');
  // Two feeds of one outlet share an article (with different tracking parameters).
  let marketsTitle = 'Markets steady';
  let worldEtag = '"w1"';
  const world = () =>
    rss({
      title: 'World',
      language: 'en-GB',
      items: [
        { title: 'Ceasefire agreed in the north', link: 'https://news.example/ceasefire?utm_source=world', guid: 'n-1', description: 'Both sides signed.', pubDate: 'Wed, 25 Nov 2026 08:00:00 GMT' },
        { title: marketsTitle, link: 'https://news.example/markets', guid: 'n-2', description: 'Little change.', pubDate: 'Wed, 25 Nov 2026 08:00:00 GMT' },
      ],
    });
  const top = rss({
    title: 'Top',
    items: [{ title: 'Ceasefire agreed in the north', link: 'https://news.example/ceasefire?utm_source=top&fbclid=abc', guid: 'top-77' }],
  });
  let writes: string[] = [];

  const state = async (id: string): Promise<FeedState> => (await db.store.getFeed(id))!;

  beforeAll(async () => {
    db = await openTestDb(BACKENDS[0]!);
    // Count item-level writes the store sends (claims and items), to prove re-polls write nothing.
    const send0 = db.client.send.bind(db.client) as (cmd: unknown) => Promise<unknown>;
    (db.client as unknown as { send: (cmd: unknown) => Promise<unknown> }).send = (cmd: unknown) => {
      const c = cmd as { constructor: { name: string }; input: Record<string, unknown> };
      const raw = JSON.stringify(c.input);
      if (/^(PutItem|UpdateItem|BatchWriteItem|TransactWriteItems)Command$/.test(c.constructor.name) && /"(ITEM|ARTICLE)#/.test(raw)) writes.push(c.constructor.name);
      return send0(cmd);
    };
    server = await startFeedServer({
      '/world': conditional(() => ({ body: world(), etag: worldEtag })),
      '/top': conditional(() => ({ body: top, etag: '"t1"' })),
      '/old-home': redirect('/new-home', 301),
      '/new-home': send(rss({ title: 'Moved', items: [{ title: 'Still here', link: 'https://moved.example/1' }] })),
      '/retired': send('gone', { status: 410 }),
      '/busy': send('busy', { status: 429, headers: { 'retry-after': '7200' } }),
    });
    const outlets: Outlet[] = [
      {
        id: 'daily',
        name: 'Daily',
        city: 'London',
        country: 'GB',
        region: 'europe',
        languages: ['en'],
        homepage: 'https://news.example',
        feeds: [
          { id: 'daily/world', url: server.url('/world') },
          { id: 'daily/top', url: server.url('/top') },
        ],
      },
      {
        id: 'misc',
        name: 'Misc',
        city: 'Paris',
        country: 'FR',
        region: 'europe',
        languages: ['fr'],
        homepage: 'https://misc.example',
        feeds: [
          { id: 'misc/moved', url: server.url('/old-home'), language: 'en' },
          { id: 'misc/retired', url: server.url('/retired') },
          { id: 'misc/busy', url: server.url('/busy') },
        ],
      },
    ];
    await registerOutlets(db.store, outlets, new Date(clock).toISOString());
    deps = {
      store: db.store,
      log: silentLogger,
      now: () => new Date(clock),
      fetch: { userAgent: 'Roundup-test', timeoutMs: 5000, maxBytes: 1 << 20, allowPrivateNetwork: true, perHost: 4 },
      pollMinutes: 15,
      windowHours: 72,
      concurrency: 8,
      owner: 'ingest-test',
    };
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('first run: stores items once per article across the outlet’s feeds and records feed health', async () => {
    const s = await runIngest(deps, { all: true });
    expect(writes.length).toBeGreaterThan(0); // the write counter sees item writes
    expect(s.feedsFetched).toBe(3);
    expect(s.failures.map((f) => f.feedId).sort()).toEqual(['misc/busy', 'misc/retired']);
    const items = await scanItems(db);
    const ceasefire = items.filter((i) => i.url === 'https://news.example/ceasefire');
    expect(ceasefire).toHaveLength(1); // the same article in two feeds of one outlet is one item
    expect(items.map((i) => i.title).sort()).toEqual(['Ceasefire agreed in the north', 'Markets steady', 'Still here']);
    expect(['daily/world', 'daily/top']).toContain(ceasefire[0]!.feedId); // whichever feed wrote it first
    const markets = items.find((i) => i.guid === 'n-2');
    expect(markets).toMatchObject({ language: 'en', publishedRaw: 'Wed, 25 Nov 2026 08:00:00 GMT', publishedAt: '2026-11-25T08:00:00.000Z', firstSeenAt: '2026-11-26T09:00:00.000Z' });
    expect(items.find((i) => i.title === 'Still here')?.language).toBe('en'); // the feed's own language beats the outlet's

    const w = await state('daily/world');
    expect(w).toMatchObject({ httpStatus: 200, etag: '"w1"', consecutiveFailures: 0, itemsSeen: 2, lastAttemptAt: '2026-11-26T09:00:00.000Z', lastSuccessAt: '2026-11-26T09:00:00.000Z', nextDueAt: '2026-11-26T09:15:00.000Z' });
    expect(await state('misc/retired')).toMatchObject({ gone: true, httpStatus: 410, errorClass: 'HttpStatusError', consecutiveFailures: 1 });
    const busy = await state('misc/busy');
    expect(busy).toMatchObject({ httpStatus: 429, errorClass: 'HttpStatusError', consecutiveFailures: 1 });
    expect(Date.parse(busy.nextDueAt) - clock).toBe(7_200_000); // Retry-After beats the 15-minute backoff
    expect(await state('misc/moved')).toMatchObject({ url: server.url('/old-home'), pendingRedirect: { url: server.url('/new-home'), count: 1 } });
  });

  it('re-polling unchanged feeds writes no item (304 and unchanged 200 alike); a gone feed is not polled again', async () => {
    const before = await scanItems(db);
    const retiredHits = server.hits('/retired');
    writes = [];
    clock += 20 * 60_000;
    const s = await runIngest(deps, { all: true });
    expect(s.feedsNotModified).toBe(2); // world and top answered 304 to their ETags
    expect(server.requests.filter((r) => r.path === '/world').at(-1)?.headers['if-none-match']).toBe('"w1"');
    expect(s.newItems + s.updatedItems).toBe(0);
    expect(server.hits('/retired')).toBe(retiredHits);
    expect((await state('misc/moved')).pendingRedirect).toEqual({ url: server.url('/new-home'), count: 2 });
    // New ETag, same content: a 200 whose items are all unchanged.
    worldEtag = '"w2"';
    clock += 20 * 60_000;
    const s2 = await runIngest(deps, { all: true });
    expect(s2.newItems + s2.updatedItems).toBe(0);
    expect(writes).toEqual([]);
    expect(await scanItems(db)).toEqual(expect.arrayContaining(before.map((i) => expect.objectContaining({ id: i.id, firstSeenAt: i.firstSeenAt, title: i.title }))));
    expect((await state('daily/world')).etag).toBe('"w2"');
  });

  it('updates an edited item in place instead of duplicating it', async () => {
    const [old] = (await scanItems(db)).filter((i) => i.guid === 'n-2');
    marketsTitle = 'Markets steady after rate decision';
    worldEtag = '"w3"';
    clock += 20 * 60_000;
    const s = await runIngest(deps, { all: true });
    expect(s.updatedItems).toBe(1);
    expect(s.newItems).toBe(0);
    const now = (await scanItems(db)).filter((i) => i.guid === 'n-2');
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ id: old!.id, title: marketsTitle, firstSeenAt: old!.firstSeenAt });
    expect(now[0]!.contentHash).not.toBe(old!.contentHash);
  });

  it('moved the feed on the third consecutive permanent redirect and polls the new address since', async () => {
    // Sightings: first run (1), 304 re-poll (2), unchanged-200 re-poll (3: moved).
    const moved = await state('misc/moved');
    expect(moved.url).toBe(server.url('/new-home'));
    expect(moved.pendingRedirect).toBeUndefined();
    const hits = server.hits('/old-home');
    expect(hits).toBe(3);
    clock += 20 * 60_000;
    await runIngest(deps, { all: true });
    expect(server.hits('/old-home')).toBe(hits);
    expect(await state('misc/moved')).toMatchObject({ httpStatus: 200, consecutiveFailures: 0, itemsSeen: 1 });
  });

  it('serves feed health at GET /feeds', async () => {
    const app = createApp({ store: db.store, config: { publish: { mode: 'outlets', minOutlets: 2 }, stage: 'test' }, log: silentLogger, cache: false });
    const res = await app.request('/feeds');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { feeds: Record<string, unknown>[] };
    const retired = body.feeds.find((f) => JSON.stringify(f).includes('misc/retired'));
    expect(JSON.stringify(retired)).toMatch(/410/);
  });
});
