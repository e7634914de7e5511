// The feed HTTP client against a local server: validators, decoding, redirects, statuses, caps, address guard, per-host limit.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedReason, urlAddressProblem } from '../../lib/ingest/address-guard.ts';
import {
  BlockedAddressError,
  BodyTooLargeError,
  FetchTimeoutError,
  HttpStatusError,
  InvalidUrlError,
  NetworkError,
  TooManyRedirectsError,
} from '../../lib/ingest/errors.ts';
import { fetchFeed, parseRetryAfter, type FetchOptions } from '../../lib/ingest/fetch.ts';
import { redirect, send, startFeedServer, type FeedServer } from '../support/feed-server.ts';

const FEED = '<rss version="2.0"><channel><title>ok</title></channel></rss>';
let server: FeedServer;
const opts = (over: Partial<FetchOptions> = {}): FetchOptions => ({
  userAgent: 'Roundup/0.1.0 (+https://github.com/roundup-news/roundup)',
  timeoutMs: 3000,
  maxBytes: 1024 * 1024,
  allowPrivateNetwork: true,
  ...over,
});
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = await startFeedServer({
    '/feed': (req, res) => {
      if (req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === 'Wed, 25 Nov 2026 10:00:00 GMT') {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Wed, 25 Nov 2026 10:00:00 GMT' }).end(FEED);
    },
    '/gzip': send(gzipSync(FEED), { headers: { 'content-encoding': 'gzip' } }),
    '/deflate': send(deflateSync(FEED), { headers: { 'content-encoding': 'deflate' } }),
    '/deflate-raw': send(deflateRawSync(FEED), { headers: { 'content-encoding': 'deflate' } }),
    '/br': send(brotliCompressSync(FEED), { headers: { 'content-encoding': 'br' } }),
    '/bad-gzip': send(Buffer.from('not gzip at all'), { headers: { 'content-encoding': 'gzip' } }),
    '/bomb': send(gzipSync(Buffer.alloc(20 * 1024 * 1024)), { headers: { 'content-encoding': 'gzip' } }),
    '/declared-big': (_req, res) => void res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).end(),
    '/streamed-big': (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    },
    '/slow': (_req, res) => void setTimeout(() => !res.destroyed && res.writeHead(200).end(FEED), 5000),
    '/gone': send('gone', { status: 410 }),
    '/429': send('slow down', { status: 429, headers: { 'retry-after': '120' } }),
    '/503': send('busy', { status: 503, headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() } }),
    '/500': send('oops', { status: 500 }),
    '/moved': redirect('/feed', 301),
    '/found': redirect('/feed', 302),
    '/perm-then-temp': redirect('/found', 308),
    '/loop-1': redirect('/loop-2'),
    '/loop-2': redirect('/loop-1'),
    '/to-file': redirect('file:///etc/passwd'),
    '/to-private': redirect('http://10.0.0.1/feed'),
    '/to-mapped': redirect('http://[::ffff:169.254.169.254]/latest'),
    '/slow-counted': async (_req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 80));
      inFlight--;
      res.writeHead(200).end(FEED);
    },
  });
  for (let i = 0; i < 6; i++) server.route(`/hop-${i}`, redirect(`/hop-${i + 1}`));
  server.route('/hop-6', send(FEED));
});
afterAll(() => server?.close());

describe('fetchFeed protocol', () => {
  it('sends an honest User-Agent and the stored validators, and maps 304 to not-modified', async () => {
    const first = await fetchFeed({ url: server.url('/feed') }, opts());
    expect(first).toMatchObject({ kind: 'ok', status: 200, etag: '"v1"', lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT' });
    expect(first.kind === 'ok' && first.body.toString()).toBe(FEED);
    const seen = server.requests.at(-1)!;
    expect(seen.headers['user-agent']).toMatch(/^Roundup\/0\.1\.0 \(\+https:\/\/github\.com\//);
    expect(seen.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(await fetchFeed({ url: server.url('/feed'), etag: '"v1"' }, opts())).toMatchObject({ kind: 'not-modified', status: 304 });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(await fetchFeed({ url: server.url('/feed'), lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT' }, opts())).toMatchObject({ kind: 'not-modified' });
  });

  it.each(['/gzip', '/deflate', '/deflate-raw', '/br'])('decodes %s bodies', async (path) => {
    const r = await fetchFeed({ url: server.url(path) }, opts());
    expect(r.kind === 'ok' && r.body.toString()).toBe(FEED);
  });

  it('reports a body that does not match its Content-Encoding as a NetworkError', async () => {
    await expect(fetchFeed({ url: server.url('/bad-gzip') }, opts())).rejects.toBeInstanceOf(NetworkError);
  });

  it('maps statuses: 410 gone, 429/503 with Retry-After (seconds or date), others', async () => {
    const gone = await fetchFeed({ url: server.url('/gone') }, opts()).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(HttpStatusError);
    expect(gone).toMatchObject({ status: 410, gone: true });
    await expect(fetchFeed({ url: server.url('/429') }, opts())).rejects.toMatchObject({ status: 429, retryAfterMs: 120_000 });
    const busy = (await fetchFeed({ url: server.url('/503') }, opts()).catch((e: unknown) => e)) as HttpStatusError;
    expect(busy.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(busy.retryAfterMs).toBeLessThanOrEqual(3_600_000);
    await expect(fetchFeed({ url: server.url('/500') }, opts())).rejects.toMatchObject({ status: 500, gone: false, retryAfterMs: undefined });
  });

  it('parses Retry-After values', () => {
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2016-01-01'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('fetchFeed redirects', () => {
  it('follows relative redirects by hand and reports a permanent redirect of the stored URL only', async () => {
    expect(await fetchFeed({ url: server.url('/moved') }, opts())).toMatchObject({ kind: 'ok', url: server.url('/feed'), permanentRedirect: server.url('/feed') });
    const temp = await fetchFeed({ url: server.url('/found') }, opts());
    expect(temp).toMatchObject({ kind: 'ok', url: server.url('/feed') });
    expect(temp.permanentRedirect).toBeUndefined();
    expect(await fetchFeed({ url: server.url('/perm-then-temp') }, opts())).toMatchObject({ permanentRedirect: server.url('/found') });
  });

  it('allows 5 hops, refuses the 6th, and detects loops', async () => {
    expect(await fetchFeed({ url: server.url('/hop-1') }, opts())).toMatchObject({ kind: 'ok', url: server.url('/hop-6') });
    await expect(fetchFeed({ url: server.url('/hop-0') }, opts())).rejects.toThrow(TooManyRedirectsError);
    await expect(fetchFeed({ url: server.url('/hop-0') }, opts())).rejects.toThrow(/More than 5 redirects/);
    await expect(fetchFeed({ url: server.url('/loop-1') }, opts())).rejects.toThrow(/Redirect loop: .*loop-1 → .*loop-2 → .*loop-1/);
  });

  it('refuses non-http schemes, at the start and at any hop', async () => {
    await expect(fetchFeed({ url: 'file:///etc/passwd' }, opts())).rejects.toThrow(InvalidUrlError);
    await expect(fetchFeed({ url: 'ftp://example.com/feed' }, opts())).rejects.toThrow(/Only http and https/);
    await expect(fetchFeed({ url: server.url('/to-file') }, opts())).rejects.toThrow(InvalidUrlError);
    await expect(fetchFeed({ url: 'http://user:pw@example.com/' }, opts())).rejects.toThrow(/credentials/);
  });
});

describe('fetchFeed limits', () => {
  it('times out a slow server with FetchTimeoutError, on time', async () => {
    const t0 = Date.now();
    await expect(fetchFeed({ url: server.url('/slow') }, opts({ timeoutMs: 300 }))).rejects.toThrow(FetchTimeoutError);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('caps the body: declared length, streamed length, and decompressed length (gzip bomb)', async () => {
    await expect(fetchFeed({ url: server.url('/declared-big') }, opts())).rejects.toThrow(BodyTooLargeError);
    await expect(fetchFeed({ url: server.url('/streamed-big') }, opts())).rejects.toThrow(/^Feed body larger than 1048576 bytes$/);
    await expect(fetchFeed({ url: server.url('/bomb') }, opts())).rejects.toThrow(/decompressed body larger than 1048576/);
  });

  it('limits concurrent requests per host across calls', async () => {
    inFlight = 0;
    maxInFlight = 0;
    const all = Array.from({ length: 6 }, () => fetchFeed({ url: server.url('/slow-counted') }, opts({ perHost: 2 })));
    await Promise.all(all);
    expect(maxInFlight).toBe(2);
    maxInFlight = 0;
    await Promise.all(Array.from({ length: 6 }, () => fetchFeed({ url: server.url('/slow-counted') }, opts({ perHost: 4 }))));
    expect(maxInFlight).toBe(4);
  });
});

describe('address guard', () => {
  it('classifies addresses after DNS: loopback, private, link-local, CGNAT, ULA, mapped forms', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fc00::1', 'fd00:ec2::254', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe']) {
      expect(blockedReason(a), a).toBeDefined();
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(blockedReason(a), a).toBeUndefined();
  });

  it('refuses loopback without the opt-in, by IP literal and by name', async () => {
    await expect(fetchFeed({ url: server.url('/feed') }, opts({ allowPrivateNetwork: false }))).rejects.toThrow(BlockedAddressError);
    await expect(fetchFeed({ url: `http://localhost:${server.port}/feed` }, opts({ allowPrivateNetwork: false }))).rejects.toThrow(/localhost \(127\.0\.0\.1\): loopback/);
    await expect(fetchFeed({ url: `http://[::ffff:127.0.0.1]:${server.port}/feed` }, opts({ allowPrivateNetwork: false }))).rejects.toThrow(/loopback/);
    expect(server.requests.filter((r) => r.headers.host?.includes('localhost'))).toHaveLength(0);
  });

  it('checks the address the socket connects to (resolver injected) and every redirect hop', async () => {
    const resolve = async (host: string) =>
      host === 'feeds.test'
        ? [{ address: '127.0.0.1', family: 4 as const }]
        : host === 'mixed.test'
          ? [{ address: '93.184.216.34', family: 4 as const }, { address: '10.0.0.8', family: 4 as const }]
          : [{ address: '10.0.0.9', family: 4 as const }];
    const guarded = opts({ allowPrivateNetwork: false, allowAddresses: ['127.0.0.1'], resolve });
    // The name is resolved by our lookup and that address is what the socket uses: the request reaches our server.
    expect(await fetchFeed({ url: `http://feeds.test:${server.port}/feed` }, guarded)).toMatchObject({ kind: 'ok' });
    expect(server.requests.at(-1)!.headers.host).toBe(`feeds.test:${server.port}`);
    await expect(fetchFeed({ url: `http://intranet.test:${server.port}/feed` }, guarded)).rejects.toThrow(/intranet\.test \(10\.0\.0\.9\): private/);
    await expect(fetchFeed({ url: `http://mixed.test:${server.port}/feed` }, guarded)).rejects.toThrow(BlockedAddressError);
    await expect(fetchFeed({ url: `http://feeds.test:${server.port}/to-private` }, guarded)).rejects.toThrow(/10\.0\.0\.1: private/);
    await expect(fetchFeed({ url: `http://feeds.test:${server.port}/to-mapped` }, guarded)).rejects.toThrow(/linkLocal/);
  });

  it('an allowed origin (the local sample server) passes; its port alone, not its address, and not its redirects', async () => {
    const other = await startFeedServer({ '/feed': send(FEED) });
    const sample = await startFeedServer({ '/feed': send(FEED), '/elsewhere': redirect(other.url('/feed')) });
    try {
      const exempt = opts({ allowPrivateNetwork: false, allowOrigins: [new URL(sample.url('/')).origin] });
      expect(await fetchFeed({ url: sample.url('/feed') }, exempt)).toMatchObject({ kind: 'ok', status: 200 });
      await expect(fetchFeed({ url: other.url('/feed') }, exempt)).rejects.toThrow(/127\.0\.0\.1: loopback/);
      await expect(fetchFeed({ url: sample.url('/elsewhere') }, exempt)).rejects.toThrow(BlockedAddressError);
      await expect(fetchFeed({ url: `http://localhost:${sample.port}/feed` }, exempt)).rejects.toThrow(/localhost \(127\.0\.0\.1\): loopback/);
      expect(other.requests).toHaveLength(0);
    } finally {
      await Promise.all([other.close(), sample.close()]);
    }
  });

  it('judges feed URLs at import time: scheme, credentials, private literals and local names', () => {
    const closed = { allowPrivateNetwork: false };
    expect(urlAddressProblem('https://www.ledevoir.com/rss/manchettes.xml', closed)).toBeUndefined();
    expect(urlAddressProblem('http://93.184.216.34/feed', closed)).toBeUndefined();
    expect(urlAddressProblem('ftp://example.com/feed', closed)).toMatch(/only http and https URLs are fetched, not ftp/);
    expect(urlAddressProblem('javascript:alert(1)', closed)).toMatch(/not javascript/);
    expect(urlAddressProblem('https://user:pw@example.com/feed', closed)).toMatch(/credentials/);
    expect(urlAddressProblem('not a url', closed)).toBe('not a valid URL');
    for (const [url, why] of [
      ['http://127.0.0.1:8080/feed', /loopback address 127\.0\.0\.1/],
      ['http://2130706433/feed', /loopback address 127\.0\.0\.1/],
      ['http://169.254.169.254/latest/meta-data', /linkLocal address/],
      ['http://10.0.0.1/feed', /private address/],
      ['http://[::1]/feed', /loopback address ::1/],
      ['http://[fe80::1]/feed', /linkLocal/],
      ['http://localhost:3000/rss', /localhost is a local network name/],
      ['http://printer.local/feed', /local network name/],
      ['http://metadata.google.internal/feed', /local network name/],
      ['http://intranet/feed', /single-label name/],
    ] as const) {
      expect(urlAddressProblem(url, closed), url).toMatch(why);
      expect(urlAddressProblem(url, closed), url).toMatch(/--allow-private-network/);
      expect(urlAddressProblem(url, { allowPrivateNetwork: true }), url).toBeUndefined();
    }
    expect(urlAddressProblem('http://127.0.0.1:8080/feed', { allowPrivateNetwork: false, allowOrigins: ['http://127.0.0.1:8080'] })).toBeUndefined();
    expect(urlAddressProblem('http://127.0.0.1:8081/feed', { allowPrivateNetwork: false, allowOrigins: ['http://127.0.0.1:8080'] })).toMatch(/loopback/);
  });

  it('the opt-in lifts the address check and nothing else', async () => {
    const open = opts({ allowPrivateNetwork: true });
    expect(await fetchFeed({ url: server.url('/feed') }, open)).toMatchObject({ kind: 'ok' });
    await expect(fetchFeed({ url: server.url('/to-file') }, open)).rejects.toThrow(InvalidUrlError);
    await expect(fetchFeed({ url: server.url('/loop-1') }, open)).rejects.toThrow(TooManyRedirectsError);
    await expect(fetchFeed({ url: server.url('/bomb') }, open)).rejects.toThrow(BodyTooLargeError);
  });
});
