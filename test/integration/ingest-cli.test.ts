// The ingestion CLI commands end to end: `roundup parse`, `roundup feeds`, `roundup outlets` (import/list/export).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import type { CliIO } from '../../lib/cli/io.ts';
import { toOpml } from '../../lib/outlets/opml.ts';
import { nextStateAfterFailure } from '../../lib/pipeline/schedule.ts';
import { HttpStatusError } from '../../lib/ingest/errors.ts';
import type { Outlet } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { rss, send, startFeedServer, type FeedServer } from '../support/feed-server.ts';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds');

async function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = fixtures) {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: { ROUNDUP_LOG_LEVEL: 'silent', ...env }, cwd };
  const code = await main(args, io);
  return { code, out, err, lines: out.trim() ? out.trim().split('\n') : [] };
}

describe('roundup parse', () => {
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer({
      '/feed.xml': send(rss({ title: 'Served', items: [{ title: 'Over HTTP', link: '/a' }] })),
      '/feeds/relative.xml': send(await readFile(join(fixtures, 'classes/rss-relative.rss'))),
    });
  });
  afterAll(() => server?.close());

  it('prints one normalized JSON line per file, with a failing input reported and exit status 1', async () => {
    const r = await cli(['parse', 'relative-links.rss', 'feed.json', 'latin1.rss', 'page.html', 'missing.xml']);
    expect(r.code).toBe(1);
    const [rel, json, latin, html, missing] = r.lines.map((l) => JSON.parse(l));
    expect(rel).toMatchObject({
      source: 'relative-links.rss',
      feed: { title: 'Fixture & Co', link: 'https://fixture.example/', language: 'en-us' },
      items: [
        { guid: 'fixture-1', title: 'First story', url: 'https://fixture.example/news/first?id=1', summary: 'Opening line.', author: 'Ada Lovelace', publishedAt: '2026-11-25T08:30:00.000Z', language: 'en' },
        { guid: null, title: 'Undated', url: 'https://fixture.example/news/undated', author: null },
      ],
    });
    expect(Object.keys(rel.items[0]).sort()).toEqual(['author', 'guid', 'id', 'language', 'publishedAt', 'summary', 'title', 'url']);
    expect(json).toMatchObject({ feed: { title: 'JSON fixture', language: 'fr' }, items: [{ title: 'Premier', summary: 'Bonjour tout le monde.', author: 'Zoé', language: 'fr' }] });
    expect(latin.items[0].title).toBe('Mãe de utente é a nova presidente');
    expect(html).toEqual({ source: 'page.html', error: { code: 'parse', message: expect.stringMatching(/Not a feed: got an HTML page/) } });
    expect(missing).toMatchObject({ source: 'missing.xml', error: { code: 'ENOENT' } });
  });

  it('fetches URLs with the ingest client: private addresses need --allow-private-network', async () => {
    const refused = await cli(['parse', server.url('/feed.xml')]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.lines[0]!)).toMatchObject({ error: { code: 'blocked_address', message: expect.stringMatching(/loopback/) } });
    const ok = await cli(['parse', '--allow-private-network', server.url('/feed.xml')]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.lines[0]!)).toMatchObject({ feed: { title: 'Served' }, items: [{ title: 'Over HTTP', url: server.url('/a') }] });
    expect(server.requests.at(-1)!.headers['user-agent']).toMatch(/^Roundup\//);
  });

  it('--base-url resolves a file\'s relative links as the same feed served over HTTP', async () => {
    const url = server.url('/feeds/relative.xml');
    const served = JSON.parse((await cli(['parse', '--allow-private-network', url])).lines[0]!);
    const file = await cli(['parse', '--base-url', url, 'classes/rss-relative.rss']);
    expect(file.code).toBe(0);
    const fromFile = JSON.parse(file.lines[0]!);
    expect(fromFile.items[0].url).toBe(server.url('/articles/7'));
    // Same feed and items (ids and first-seen times depend on the source and the clock, not on the links).
    const comparable = (items: Record<string, unknown>[]) => items.map(({ id: _id, publishedAt: _at, ...rest }) => rest);
    expect(fromFile.feed).toEqual(served.feed);
    expect(comparable(fromFile.items)).toEqual(comparable(served.items));
    // Without it, a file's relative links resolve against the feed's own site link (here itself relative: none).
    const bare = JSON.parse((await cli(['parse', 'classes/rss-relative.rss'])).lines[0]!);
    expect(bare.items[0].url).not.toBe(server.url('/articles/7'));
    const bad = await cli(['parse', '--base-url', 'not-a-url', 'classes/rss-relative.rss']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--base-url must be an http\(s\) URL/);
  });
});

describe('roundup outlets and feeds', () => {
  let db: TestDb;
  let dir: string;
  let env: Record<string, string>;
  const outlets: Outlet[] = [
    {
      id: 'gazette',
      name: 'The Gazette',
      city: 'Lagos',
      country: 'NG',
      region: 'africa',
      languages: ['en'],
      homepage: 'https://gazette.example',
      feeds: [
        { id: 'gazette/news', url: 'https://gazette.example/rss' },
        { id: 'gazette/sport', url: 'https://gazette.example/sport.rss', title: 'Sport' },
      ],
    },
  ];
  beforeAll(async () => {
    db = await openTestDb(BACKENDS[0]!);
    dir = await mkdtemp(join(tmpdir(), 'roundup-cli-'));
    env = { ROUNDUP_DYNAMODB_ENDPOINT: db.endpoint, ROUNDUP_TABLE: db.table, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
    await writeFile(join(dir, 'in.opml'), toOpml(outlets));
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the built-in registry without a database', async () => {
    const r = await cli(['outlets', '--registry']);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^OUTLET\s+NAME\s+CITY\s+COUNTRY\s+REGION\s+LANGS\s+FEEDS$/);
    expect(r.lines.length).toBeGreaterThan(10);
  });

  it('imports OPML into the database, lists and exports it', async () => {
    const imp = await cli(['outlets', 'import', 'in.opml'], env, dir);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/Imported 1 outlets with 2 feeds \(2 new feeds\)/);
    expect((await cli(['outlets', 'import', 'in.opml'], env, dir)).out).toMatch(/\(0 new feeds\)/);
    const list = await cli(['outlets', '--json'], env, dir);
    expect(JSON.parse(list.lines[0]!)).toMatchObject({ id: 'gazette', country: 'NG', feeds: [{ id: 'gazette/news' }, { id: 'gazette/sport' }] });
    const exp = await cli(['outlets', 'export', '--out', 'out.opml'], env, dir);
    expect(exp.code).toBe(0);
    const xml = await readFile(join(dir, 'out.opml'), 'utf8');
    expect(xml).toContain('xmlUrl="https://gazette.example/sport.rss"');
    expect((await cli(['outlets', 'export'], env, dir)).out).toContain('<opml version="2.0"');
  });

  it('shows feed health as a table and as JSON lines', async () => {
    const s = (await db.store.getFeed('gazette/sport'))!;
    await db.store.saveFeed(nextStateAfterFailure(s, { now: new Date().toISOString(), error: new HttpStatusError(503, 'HTTP 503 (busy)', { retryAfterMs: 600_000 }), pollMinutes: 15 }));
    const table = await cli(['feeds'], env, dir);
    expect(table.code).toBe(0);
    expect(table.lines[0]).toMatch(/^FEED\s+STATE\s+HTTP\s+FAILS\s+LAST SUCCESS\s+NEXT DUE\s+ITEMS\s+ERROR$/);
    expect(table.out).toMatch(/gazette\/news\s+new\s+-\s+0/);
    expect(table.out).toMatch(/gazette\/sport\s+failing\s+503\s+1\s+-\s+in \d+m\s+0\s+HttpStatusError: HTTP 503 \(busy\)/);
    const json = await cli(['feeds', '--json'], env, dir);
    const rows = json.lines.map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.feedId === 'gazette/sport')).toMatchObject({ health: 'failing', httpStatus: 503, errorClass: 'HttpStatusError', consecutiveFailures: 1 });
    expect((await cli(['feeds', '--failing', '--json'], env, dir)).lines).toHaveLength(1);
  });
});
