// HTTP plumbing of the public API: body-hash ETags with 304s, compression once per cached variant, Cache-Control
// classes and the short-TTL response cache.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';

/** Cache-Control values; a CDN in front honours `s-maxage`, browsers and apps `max-age`. */
export const CACHE_CONTROL = {
  /** Listings and feeds change with every ingest run. */
  list: 'public, max-age=60, s-maxage=300, stale-while-revalidate=600',
  /** A story page changes less often than the listing that leads to it. */
  item: 'public, max-age=300, s-maxage=900, stale-while-revalidate=3600',
  /** Feed health is for dashboards: short-lived. */
  health: 'public, max-age=30, s-maxage=60',
  /** Reference data (outlets, the OpenAPI document). */
  reference: 'public, max-age=3600, s-maxage=3600, stale-while-revalidate=86400',
  none: 'no-store',
} as const;

/** Content codings of public answers, in the server's order of preference. */
export type Encoding = 'br' | 'gzip' | 'identity';

/** A rendered response, kept in the response cache and sent (or answered 304) per request. */
export interface RenderedResponse {
  status: 200 | 308;
  /** UTF-8 bytes, encoded once: writing a cached Buffer is much cheaper per request than re-encoding a string. */
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
  /** Weak validator from the body hash: compression rewrites bytes but not meaning. */
  etag: string;
  /** Compressed bodies, each made on first demand and kept with the cached entry so each variant is compressed once. */
  encoded?: { br?: Uint8Array<ArrayBuffer>; gzip?: Uint8Array<ArrayBuffer> };
  /** Final header sets per variant, built once per entry (hot path of cached answers). */
  sent?: { identity?: Record<string, string>; br?: Record<string, string>; gzip?: Record<string, string>; notModified?: Record<string, string> };
  /** Set by the response cache while it holds the entry: told the size of each variant added later. */
  charge?: (bytes: number) => void;
}

/** Bodies smaller than this are sent as they are (as hono/compress does): compression would save little or grow them. */
const COMPRESS_MIN_BYTES = 1024;

/**
 * Brotli quality for cached answers: 5 costs about twice gzip's time once per entry and sends fewer bytes on every
 * request (measured in docs/api.md#bench); 11 takes tens of times longer on a feed page for a few percent more.
 */
const BROTLI_QUALITY = 5;

const ENCODERS: Record<Exclude<Encoding, 'identity'>, (b: Uint8Array) => Uint8Array<ArrayBuffer>> = {
  br: (b) => new Uint8Array(brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: b.byteLength } })),
  gzip: (b) => new Uint8Array(gzipSync(b)),
};

/**
 * The coding to send for an Accept-Encoding header: the acceptable one (q > 0, explicitly or through `*`) the client
 * ranks highest, Brotli before gzip on a tie; identity when neither is acceptable.
 */
export function preferredEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const q: Partial<Record<string, number>> = {};
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp === undefined ? 1 : Number(qp.slice(2));
    q[token === 'x-gzip' ? 'gzip' : token] = Number.isFinite(value) ? value : 0;
  }
  const of = (e: string) => q[e] ?? q['*'] ?? 0;
  const br = of('br');
  const gzip = of('gzip');
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : 'identity';
}

// Clients send a handful of distinct Accept-Encoding values: parse each once.
const encodingMemo = new Map<string, Encoding>();
function encodingFor(header: string | undefined): Encoding {
  if (!header) return 'identity';
  let e = encodingMemo.get(header);
  if (!e) {
    if (encodingMemo.size >= 256) encodingMemo.clear();
    encodingMemo.set(header, (e = preferredEncoding(header)));
  }
  return e;
}

/** Renders a 200 response with its ETag. */
export function rendered(body: string, contentType: string, cacheControl: string): RenderedResponse {
  const bytes = new Uint8Array(Buffer.from(body, 'utf8'));
  const etag = `W/"${createHash('sha1').update(bytes).digest('base64url')}"`;
  return { status: 200, body: bytes, etag, headers: { 'content-type': contentType, 'cache-control': cacheControl } };
}

/** Renders a permanent redirect (merged stories). */
export function redirect(location: string, cacheControl: string): RenderedResponse {
  return { status: 308, body: new Uint8Array(0), etag: '', headers: { location, 'cache-control': cacheControl } };
}

/** Whether an If-None-Match header matches an ETag (weak comparison, as RFC 9110 prescribes for If-None-Match). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch || !etag) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const want = opaque(etag);
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === want);
}

/**
 * CORS headers of simple (non-preflight) public responses. They are written here rather than by hono/cors, which
 * touches `c.res` before the handler runs and so makes Hono re-wrap every response body as a stream — about three
 * times the cost of a cached answer. hono/cors still answers preflights (see app.ts).
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag,Link,Location,Retry-After',
};

/** Sends a rendered response, or 304 Not Modified when the client already holds it. */
export function send(c: Context, r: RenderedResponse): Response {
  const sent = (r.sent ??= {});
  if (r.status === 308) return new Response(null, { status: 308, headers: (sent.identity ??= held(r, baseHeaders(r))) });
  if (etagMatches(c.req.header('if-none-match'), r.etag)) {
    if (!sent.notModified) {
      const h = baseHeaders(r);
      delete h['content-type'];
      sent.notModified = held(r, h);
    }
    return new Response(null, { status: 304, headers: sent.notModified });
  }
  // Cached answers are compressed once per coding, not per request.
  const coding = r.body.byteLength >= COMPRESS_MIN_BYTES ? encodingFor(c.req.header('accept-encoding')) : 'identity';
  if (coding !== 'identity') {
    const encoded = (r.encoded ??= {});
    const bytes = (encoded[coding] ??= held(r, ENCODERS[coding](r.body)));
    const headers = (sent[coding] ??= held(r, { ...baseHeaders(r), 'content-encoding': coding, 'content-length': String(bytes.byteLength) }));
    return new Response(bytes, { status: 200, headers });
  }
  sent.identity ??= held(r, { ...baseHeaders(r), 'content-length': String(r.body.byteLength) });
  return new Response(r.body, { status: 200, headers: sent.identity });
}

// Vary on every cacheable answer, compressed or not, so a CDN never hands gzip to a client that did not ask for it;
// a route that also negotiates something else (e.g. language) adds its header to the rendered `vary`.
function baseHeaders(r: RenderedResponse): Record<string, string> {
  const vary = r.headers.vary ? `Accept-Encoding, ${r.headers.vary}` : 'Accept-Encoding';
  return { ...r.headers, ...CORS_HEADERS, vary, ...(r.etag ? { etag: r.etag } : {}) };
}

/** Approximate heap bytes of a string: V8 keeps Latin-1 strings at one byte a character, others at two. */
const stringBytes = (s: string): number => 16 + 2 * s.length;

/** Approximate heap bytes of a header set. */
const headerBytes = (h: Readonly<Record<string, string>>): number => {
  let n = 64;
  for (const k in h) n += 16 + stringBytes(k) + stringBytes(h[k]!);
  return n;
};

/** Approximate heap bytes a cache entry holds when stored: key, body, headers and the objects around them. */
export function entryBytes(key: string, r: RenderedResponse): number {
  return ENTRY_OVERHEAD + stringBytes(key) + r.body.byteLength + headerBytes(r.headers) + stringBytes(r.etag);
}

/** Objects per entry besides its strings and bytes: the map slot, the entry, the rendered response, its typed array. */
const ENTRY_OVERHEAD = 512;

// Tells the cache holding `r` (if any) what was just attached to it.
function held<T extends Uint8Array | Record<string, string>>(r: RenderedResponse, v: T): T {
  r.charge?.(v instanceof Uint8Array ? v.byteLength + 96 : headerBytes(v as Record<string, string>));
  return v;
}

/** Tuning of the response cache. */
export interface ResponseCacheOptions {
  /** Longest time an entry is served; bounds staleness for changes the marker cannot see (item edits, feed health). */
  ttlMs: number;
  /** How often the change marker is re-read; bounds staleness for story changes. */
  markerMs: number;
  /**
   * Memory the entries may hold — keys, bodies, compressed variants, header sets and the objects around them, as
   * estimated by `entryBytes` and the variants' sizes; oldest entries go first.
   */
  maxBytes: number;
  clock: () => number;
}

/** Default tuning: seconds of staleness at most, a few megabytes of memory. */
export const DEFAULT_CACHE: ResponseCacheOptions = { ttlMs: 30_000, markerMs: 2_000, maxBytes: 16 * 1024 * 1024, clock: Date.now };

interface Entry {
  value: RenderedResponse;
  at: number;
  generation: number;
  bytes: number;
}

/**
 * Per-process cache of rendered responses keyed by route and normalized query, so repeated requests skip DynamoDB.
 *
 * An entry is served while younger than `ttlMs` and while the change marker (a cheap read of the newest story
 * version, started in the background at most every `markerMs`) is unchanged; any story write moves the marker and
 * drops every entry at once. Concurrent misses for the same key share one computation. Errors are never cached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<RenderedResponse>>();
  private bytes = 0;
  private generation = 0;
  private marker: string | undefined;
  private markerAt = -Infinity;
  private markerLoad: Promise<void> | undefined;

  constructor(
    private readonly opts: ResponseCacheOptions,
    private readonly readMarker: (() => Promise<string>) | undefined,
    private readonly log: Logger,
  ) {}

  /** Number of entries and bytes held (tests, logs). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The cached response for `key`, computing (once across concurrent callers) when missing or stale. */
  async get(key: string, compute: () => Promise<RenderedResponse>): Promise<RenderedResponse> {
    this.checkMarker();
    const now = this.opts.clock();
    const hit = this.entries.get(key);
    if (hit && hit.generation === this.generation && now - hit.at < this.opts.ttlMs) return hit.value;
    if (hit) this.drop(key, hit);
    const running = this.pending.get(key);
    if (running) return running;
    const generation = this.generation;
    const p = compute()
      .then((value) => {
        // A marker change while computing means the result may predate the change: serve it once, keep nothing.
        if (generation === this.generation) this.store(key, { value, at: now, generation, bytes: entryBytes(key, value) });
        return value;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private store(key: string, e: Entry): void {
    if (e.bytes > this.opts.maxBytes / 4) return;
    this.entries.set(key, e);
    this.bytes += e.bytes;
    // Compressed variants and header sets are made later, on demand: they count once they exist.
    e.value.charge = (n) => {
      if (this.entries.get(key) !== e) return;
      e.bytes += n;
      this.bytes += n;
      this.evict();
    };
    this.evict();
  }

  private evict(): void {
    for (const [k, old] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.drop(k, old);
    }
  }

  private drop(key: string, e: Entry): void {
    if (this.entries.get(key) !== e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  /** Settles a running marker read (tests; a Lambda handler never needs to wait for it). */
  async settle(): Promise<void> {
    await this.markerLoad;
  }

  // Runs in the background: no request waits for the marker. Under load a blocking read stalled every request for
  // the read's duration each `markerMs`; now staleness is at most markerMs + one read, and the TTL still caps it.
  private checkMarker(): void {
    if (!this.readMarker || this.markerLoad || this.opts.clock() - this.markerAt < this.opts.markerMs) return;
    this.markerLoad = this.readMarker()
      .then((m) => {
        if (this.marker !== undefined && m !== this.marker) {
          this.generation++;
          this.entries.clear();
          this.bytes = 0;
        }
        this.marker = m;
      })
      .catch((err: unknown) => {
        // Serving a few seconds stale beats failing: the TTL still bounds how stale.
        this.log.warn('cache marker read failed', errorFields(err));
      })
      .finally(() => {
        this.markerAt = this.opts.clock();
        this.markerLoad = undefined;
      });
  }
}
