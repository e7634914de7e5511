// Our own feed HTTP client: conditional GET, guarded DNS, hand-followed redirects, streamed caps, decompression.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import pLimit, { type LimitFunction } from 'p-limit';
import type { FeedState } from '../types.ts';
import { assertAllowedAddress, guardedLookup, isIpLiteral, policyFor, type Resolver } from './address-guard.ts';
import {
  BodyTooLargeError,
  FetchTimeoutError,
  HttpStatusError,
  IngestError,
  InvalidUrlError,
  NetworkError,
  TooManyRedirectsError,
} from './errors.ts';

/** What one fetch attempt produced. */
export type FetchResult =
  | { kind: 'not-modified'; status: 304; url: string; permanentRedirect?: string }
  | {
      kind: 'ok';
      status: number;
      /** Final URL after redirects (base for relative links). */
      url: string;
      /** Decompressed body bytes (charset not yet decoded). */
      body: Buffer;
      contentType?: string;
      /** The `Content-Language` header: the feed's language when the document declares none. */
      contentLanguage?: string;
      etag?: string;
      lastModified?: string;
      /** Target of a 301/308 answered for the requested URL itself, if any (see schedule.ts). */
      permanentRedirect?: string;
    };

/** Options of a fetch attempt (`Config.fetch` fits, extra fields are for tests and tools). */
export interface FetchOptions {
  userAgent: string;
  /** Total time for all hops, headers and body, counted once a per-host slot is held. */
  timeoutMs: number;
  /** Cap on the body, both as received and once decompressed. */
  maxBytes: number;
  allowPrivateNetwork: boolean;
  /** Concurrent requests per host across the process (default 2). */
  perHost?: number;
  /** Redirect hops followed before giving up (default 5). */
  maxRedirects?: number;
  /** Exact IP addresses exempt from the address check (test fixtures); everything else is still checked. */
  allowAddresses?: readonly string[];
  /** Exact origins exempt from the address check (the local stack's sample server); redirects elsewhere are not. */
  allowOrigins?: readonly string[];
  /** DNS resolver (default: the system's); the address check applies to whatever it returns. */
  resolve?: Resolver;
  /**
   * Items taken from one fetched feed, newest first (`Config.fetch.maxItems`); applied when the body is
   * parsed (see parseFeed), default DEFAULT_MAX_ITEMS.
   */
  maxItems?: number;
}

const DEFAULT_PER_HOST = 2;
const DEFAULT_MAX_REDIRECTS = 5;
const ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

// Module-level so the limit holds across every feed of a run (and across runs in a warm Lambda).
const hostLimiters = new Map<string, LimitFunction>();

async function withHostSlot<T>(host: string, perHost: number, fn: () => Promise<T>): Promise<T> {
  const key = `${perHost}|${host}`;
  let limit = hostLimiters.get(key);
  if (!limit) hostLimiters.set(key, (limit = pLimit(perHost)));
  try {
    return await limit(fn);
  } finally {
    if (limit.activeCount === 0 && limit.pendingCount === 0) hostLimiters.delete(key);
  }
}

/**
 * Parses a Retry-After value (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns undefined for absent or unreadable values.
 */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Parses and vets a feed URL: http(s) only, no credentials. */
export function parseFeedUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (err) {
    throw new InvalidUrlError(`Invalid URL: ${JSON.stringify(raw)}`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError(`Only http and https URLs are fetched, not ${url.protocol.replace(':', '')} (${url.href})`);
  }
  if (url.username || url.password) throw new InvalidUrlError(`URLs with credentials are not fetched (${url.host})`);
  url.hash = '';
  return url;
}

/**
 * Fetches a feed, sending the stored validators so unchanged feeds cost a 304.
 * @throws IngestError subclasses (FetchTimeoutError, BodyTooLargeError, BlockedAddressError, InvalidUrlError,
 *   TooManyRedirectsError, HttpStatusError, NetworkError); never anything else.
 */
export async function fetchFeed(state: Pick<FeedState, 'url' | 'etag' | 'lastModified'>, opts: FetchOptions): Promise<FetchResult> {
  const start = parseFeedUrl(state.url);
  return withHostSlot(start.host, opts.perHost ?? DEFAULT_PER_HOST, () => fetchHeld(start, state, opts));
}

async function fetchHeld(start: URL, state: Pick<FeedState, 'etag' | 'lastModified'>, opts: FetchOptions): Promise<FetchResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new FetchTimeoutError(opts.timeoutMs)), opts.timeoutMs);
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (state.etag) headers['if-none-match'] = state.etag;
  if (state.lastModified) headers['if-modified-since'] = state.lastModified;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const chain: string[] = [start.href];
  let url = start;
  let permanentRedirect: string | undefined;
  try {
    for (let hop = 0; ; hop++) {
      // Each hop is judged on its own origin; sockets skip `lookup` for IP literals, so those are checked here.
      const policy = policyFor(url, opts);
      if (isIpLiteral(url.hostname)) assertAllowedAddress(url.hostname, policy);
      const res = await request(url, headers, guardedLookup(policy, opts.resolve), ac.signal);
      const status = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
        res.resume();
        res.destroy();
        const next = parseFeedUrl(res.headers.location, url.href);
        if (hop === 0 && (status === 301 || status === 308)) permanentRedirect = next.href;
        if (chain.includes(next.href)) {
          throw new TooManyRedirectsError(`Redirect loop: ${[...chain, next.href].join(' → ')}`, [...chain, next.href]);
        }
        chain.push(next.href);
        if (hop + 1 > maxRedirects) {
          throw new TooManyRedirectsError(`More than ${maxRedirects} redirects: ${chain.join(' → ')}`, chain);
        }
        url = next;
        continue;
      }
      if (status === 304) {
        res.resume();
        return { kind: 'not-modified', status: 304, url: url.href, permanentRedirect };
      }
      if (status < 200 || status > 299) {
        res.resume();
        res.destroy();
        const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(header(res, 'retry-after')) : undefined;
        const what = status === 410 ? 'feed is gone' : (res.statusMessage ?? '').trim() || 'unexpected status';
        throw new HttpStatusError(status, `HTTP ${status} (${what}) from ${url.href}`, { retryAfterMs });
      }
      const declared = Number(header(res, 'content-length'));
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.destroy();
        throw new BodyTooLargeError(opts.maxBytes);
      }
      const body = await readBody(res, opts.maxBytes, ac.signal);
      return {
        kind: 'ok',
        status,
        url: url.href,
        body,
        contentType: header(res, 'content-type'),
        contentLanguage: header(res, 'content-language'),
        etag: header(res, 'etag'),
        lastModified: header(res, 'last-modified'),
        permanentRedirect,
      };
    }
  } catch (err) {
    let out: IngestError;
    if (ac.signal.aborted && ac.signal.reason instanceof FetchTimeoutError) out = ac.signal.reason;
    else if (err instanceof IngestError) out = err;
    else out = new NetworkError(`${(err as Error).message ?? String(err)} (${url.href})`, { cause: err });
    // The move is still worth counting when the new location fails (schedule.ts decides).
    if (permanentRedirect) (out as IngestError & { permanentRedirect?: string }).permanentRedirect = permanentRedirect;
    throw out;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

const header = (res: IncomingMessage, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function request(url: URL, headers: Record<string, string>, lookup: ReturnType<typeof guardedLookup>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    // agent:false: a pooled socket could have been opened under another address policy.
    const req = mod.request(url, { method: 'GET', headers, lookup, agent: false, signal });
    req.once('response', resolve);
    req.once('error', (err) => reject(signal.aborted && signal.reason ? signal.reason : err));
    req.end();
  });
}

function decompressor(encoding: string): zlib.Gunzip | zlib.BrotliDecompress | 'deflate' | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'deflate':
      return 'deflate';
    default:
      throw new NetworkError(`Unsupported Content-Encoding "${encoding}"`);
  }
}

/**
 * Reads the body, counting bytes on the wire and after decompression; aborts the moment either count
 * passes `maxBytes`, so neither a huge body nor a compression bomb is ever held in memory.
 */
function readBody(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let out = 0;
    let done = false;
    let dec: zlib.Gunzip | zlib.BrotliDecompress | zlib.Inflate | zlib.InflateRaw | undefined;
    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      res.destroy();
      dec?.destroy();
      chunks.length = 0;
      reject(err);
    };
    const finish = () => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks, out));
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const push = (chunk: Buffer) => {
      if (done) return;
      out += chunk.length;
      if (out > maxBytes) return fail(new BodyTooLargeError(maxBytes, dec ? 'decompressed body' : 'body'));
      chunks.push(chunk);
    };
    const attach = (d: NonNullable<typeof dec>) => {
      dec = d;
      d.on('data', push);
      d.on('end', finish);
      d.on('error', (err) => fail(new NetworkError(`Body does not match its Content-Encoding: ${err.message}`, { cause: err })));
    };
    let kind: ReturnType<typeof decompressor>;
    try {
      kind = decompressor((header(res, 'content-encoding') ?? '').trim().toLowerCase());
    } catch (err) {
      return fail(err);
    }
    if (kind && kind !== 'deflate') attach(kind);
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      wire += chunk.length;
      if (wire > maxBytes) return fail(new BodyTooLargeError(maxBytes));
      // "deflate" is zlib-wrapped per the RFC but raw in the wild; the first byte tells them apart.
      if (kind === 'deflate' && !dec) attach((chunk[0]! & 0x0f) === 8 ? zlib.createInflate() : zlib.createInflateRaw());
      if (dec) dec.write(chunk);
      else push(chunk);
    });
    res.on('end', () => (dec ? dec.end() : finish()));
    res.on('error', (err) => fail(new NetworkError(`Connection failed while reading the body: ${err.message}`, { cause: err })));
    res.on('aborted', () => fail(new NetworkError('Connection closed before the body was complete')));
  });
}
