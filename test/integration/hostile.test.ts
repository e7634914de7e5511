// Hostile feeds through the real pipeline (registerOutlets + runIngest, both backends): each fails cleanly or is bounded on its own feed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/log.ts';
import { registerOutlets, runIngest, type IngestDeps } from '../../lib/pipeline/ingest.ts';
import type { FeedState, Outlet } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { redirect, rss, send, startFeedServer, type FeedServer } from '../support/feed-server.ts';
import { scanItems } from '../support/scan-items.ts';

const MiB = 1024 * 1024;
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds');

/** An archive feed that never trims: `n` items, oldest first, about 120 bytes each (100,000 ≈ 12 MB). */
function archiveFeed(n: number): string {
  const start = Date.UTC(2026, 0, 1);
  const items = Array.from({ length: n }, (_, i) => `<item><title>Archive ${i}</title><link>https://archive.example/${i}</link><pubDate>${new Date(start + i * 60_000).toUTCString()}</pubDate></item>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Archive</title><link>https://archive.example/</link>\n${items.join('\n')}\n</channel></rss>\n`;
}
const ITEM_CAP = 25;
// Separate runs: only the endless body should meet its fetch deadline, so it runs alone with a short one while the
// others get a deadline no loaded machine reaches (decompressing the bomb takes seconds under load).
const FIRST_RUN = ['good-1', 'good-2', 'xxe', 'laughs', 'huge', 'loop-a', 'metadata', 'bomb', 'bad-utf8', 'empty', 'html'];
const SECOND_RUN = ['archive', 'entity-in-cdata'];

async function gzipOfZeros(totalBytes: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < totalBytes / MiB; i++) if (!gz.write(block)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drainOrClose(res: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const GOOD = (n: number) =>
  rss({
    title: `Good feed ${n}`,
    items: [
      { title: `Ordinary story ${n}-a`, link: `https://news.example/${n}/a`, guid: `g-${n}-a`, description: 'All is well.' },
      { title: `Ordinary story ${n}-b`, link: `https://news.example/${n}/b`, guid: `g-${n}-b`, description: 'Still well.' },
    ],
  });

describe.each(BACKENDS)('hostile feeds on $name', (backend) => {
  let db: TestDb;
  let server: FeedServer;
  let bomb: Buffer;
  const feeds: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDb(backend);
    bomb = await gzipOfZeros(256 * MiB); // ≈250 KB on the wire
    server = await startFeedServer({
      '/good-1': send(GOOD(1)),
      '/good-2': send(GOOD(2)),
      '/xxe': send(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n' +
          '<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title></item></channel></rss>',
      ),
      '/laughs': send(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
          Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n') +
          '\n]>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>',
      ),
      '/huge': async (_req, res) => {
        // 50 MB, chunked (no Content-Length), written with backpressure so the server holds no more than a chunk.
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>');
        for (let sent = 0; sent < 50 * MiB && !res.destroyed; sent += chunk.length) {
          if (!res.write(chunk)) await drainOrClose(res);
        }
        res.end('</title></channel></rss>');
      },
      '/endless': async (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Never ends');
        while (!res.destroyed) {
          res.write(' .');
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      '/loop-a': redirect('/loop-b'),
      '/loop-b': redirect('/loop-a', 301),
      '/metadata': redirect('http://169.254.169.254/latest/meta-data/iam/security-credentials/'),
      '/bomb': send(bomb, { headers: { 'content-encoding': 'gzip' } }),
      '/bad-utf8': send(
        Buffer.concat([
          Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Latin-1 in disguise</title><item><title>Caf'),
          Buffer.from([0xe9]),
          Buffer.from(' cr'),
          Buffer.from([0xe8]),
          Buffer.from('me</title><link>https://news.example/cafe</link></item></channel></rss>'),
        ]),
      ),
      '/empty': send(''),
      // 100,000 items (12 MB): only the newest ITEM_CAP are parsed into items.
      '/archive': send(archiveFeed(100_000)),
      // Talks about <!ENTITY in CDATA and escaped text: content, not a DTD.
      '/entity-in-cdata': send(readFileSync(join(fixtures, 'classes/entity-in-cdata.rss'))),
      '/html': send('<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>Our news</p></body></html>', {
        headers: { 'content-type': 'text/html; charset=utf-8' },
      }),
    });
    const names = [...FIRST_RUN, 'endless', ...SECOND_RUN];
    for (const n of names) feeds[n] = server.url(`/${n}`);
    const outlet: Outlet = {
      id: 'hostile',
      name: 'Hostile',
      city: 'Nowhere',
      country: 'ZZ',
      region: 'europe',
      languages: ['en'],
      homepage: 'https://news.example',
      feeds: names.map((n) => ({ id: `hostile/${n}`, url: feeds[n]! })),
    };
    await registerOutlets(db.store, [outlet], new Date().toISOString());
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  /** The pipeline's dependencies, with the opt-in OFF: only the fixture server's exact address is exempt. */
  const deps = (fetch: { timeoutMs: number; maxItems?: number }): IngestDeps => ({
    store: db.store,
    log: silentLogger,
    now: () => new Date(),
    fetch: { userAgent: 'Roundup-test/1 (+https://example.test/contact)', maxBytes: 15 * MiB, allowPrivateNetwork: false, allowAddresses: ['127.0.0.1'], perHost: 4, ...fetch },
    pollMinutes: 15,
    windowHours: 72,
    concurrency: 16,
    owner: 'hostile-test',
  });

  /** Runs an ingest of some feeds, sampling peak growth of heap + array buffers. */
  async function measuredIngest(d: IngestDeps, names: string[]) {
    const base = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers));
    }, 5);
    const started = Date.now();
    const summary = await runIngest(d, { feedIds: names.map((n) => `hostile/${n}`) });
    clearInterval(sampler);
    const ms = Date.now() - started;
    console.log(`hostile run (${names.join(', ')}): ${ms} ms, peak heap+buffers growth ${(peak / MiB).toFixed(1)} MiB`);
    return { summary, peak, ms };
  }

  it('records a clear error on each hostile feed, keeps memory bounded and ingests the others', async () => {
    // The metadata redirect is judged by the production address rules.
    const { summary, peak } = await measuredIngest(deps({ timeoutMs: 30_000 }), FIRST_RUN);
    expect(peak).toBeLessThan(64 * MiB);
    await measuredIngest(deps({ timeoutMs: 500 }), ['endless']);

    const states = new Map<string, FeedState>((await db.store.listFeeds()).map((f) => [f.feedId.replace('hostile/', ''), f]));
    const err = (n: string) => ({ cls: states.get(n)?.errorClass, msg: states.get(n)?.errorMessage ?? '' });

    expect(err('xxe').cls).toBe('ParseError');
    expect(err('xxe').msg).toMatch(/entities/);
    expect(err('laughs').cls).toBe('ParseError');
    expect(err('laughs').msg).toMatch(/entities/);
    expect(err('huge')).toMatchObject({ cls: 'BodyTooLargeError' });
    expect(err('huge').msg).toMatch(/larger than 15728640 bytes/);
    expect(err('endless')).toMatchObject({ cls: 'FetchTimeoutError' });
    expect(err('loop-a').cls).toBe('TooManyRedirectsError');
    expect(err('loop-a').msg).toMatch(/Redirect loop/);
    expect(err('metadata').cls).toBe('BlockedAddressError');
    expect(err('metadata').msg).toMatch(/169\.254\.169\.254.*linkLocal/);
    expect(err('bomb').cls).toBe('BodyTooLargeError');
    expect(err('bomb').msg).toMatch(/decompressed body/);
    expect(err('empty').cls).toBe('DecodeError');
    expect(err('empty').msg).toMatch(/Empty body/);
    expect(err('html').cls).toBe('ParseError');
    expect(err('html').msg).toMatch(/HTML page/);
    for (const n of ['xxe', 'laughs', 'huge', 'endless', 'loop-a', 'metadata', 'bomb', 'empty', 'html']) {
      const s = states.get(n)!;
      expect(s.consecutiveFailures, n).toBe(1);
      expect(s.lastSuccessAt, n).toBeUndefined();
      expect(Date.parse(s.nextDueAt), n).toBeGreaterThan(Date.now());
      expect(s.gone, n).toBeUndefined();
    }
    // The metadata address was never contacted: the loopback server saw only the first hop.
    expect(server.hits('/metadata')).toBe(1);

    // Invalid UTF-8 is not fatal: the Latin-1 bytes are recovered via the windows-1252 fallback, and the
    // feed's health says what was wrong with it.
    expect(err('bad-utf8')).toEqual({ cls: undefined, msg: '' });
    expect(states.get('bad-utf8')?.warning).toMatch(/Declared UTF-8 .* invalid byte sequences: read as windows-1252/);
    expect(states.get('bad-utf8')?.itemsSeen).toBe(1);

    for (const n of ['good-1', 'good-2']) {
      expect(states.get(n)).toMatchObject({ httpStatus: 200, consecutiveFailures: 0, itemsSeen: 2 });
      expect(states.get(n)?.errorClass).toBeUndefined();
    }
    expect(summary.feedsFetched).toBe(3);
    expect(summary.newItems).toBe(5);
    expect(summary.failures).toHaveLength(8);
    const titles = (await scanItems(db)).map((i) => i.title).sort();
    expect(titles).toEqual(['Café crème', 'Ordinary story 1-a', 'Ordinary story 1-b', 'Ordinary story 2-a', 'Ordinary story 2-b']);
  }, 60_000);

  it('takes the newest items of a 100,000-item feed within bounded memory, and ingests <!ENTITY inside CDATA', async () => {
    const { summary, peak } = await measuredIngest(deps({ timeoutMs: 20_000, maxItems: ITEM_CAP }), SECOND_RUN);
    // The 12 MB body is held as bytes and text once each; the item cap keeps the rest to a text scan
    // (parsed in full, this feed alone grew the heap by ~190 MB: docs/ingestion.md).
    expect(peak).toBeLessThan(128 * MiB);
    const states = new Map<string, FeedState>((await db.store.listFeeds()).map((f) => [f.feedId.replace('hostile/', ''), f]));
    expect(states.get('archive')).toMatchObject({ httpStatus: 200, consecutiveFailures: 0, itemsSeen: ITEM_CAP });
    expect(states.get('entity-in-cdata')).toMatchObject({ httpStatus: 200, consecutiveFailures: 0, itemsSeen: 2 });
    expect(states.get('entity-in-cdata')?.errorClass).toBeUndefined();
    expect(summary).toMatchObject({ feedsFetched: 2, newItems: ITEM_CAP + 2, failures: [] });
    const stored = await scanItems(db);
    const archive = stored.filter((i) => i.feedId === 'hostile/archive').map((i) => Number(i.title.replace('Archive ', '')));
    expect(archive.sort((a, b) => a - b)).toEqual(Array.from({ length: ITEM_CAP }, (_, i) => 100_000 - ITEM_CAP + i));
    expect(stored.filter((i) => i.feedId === 'hostile/entity-in-cdata').map((i) => i.title).sort()).toEqual(['Billion laughs, escaped', 'How XXE works']);
  }, 60_000);
});
