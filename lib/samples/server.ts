// Local HTTP server for the offline demo: serves the sample feeds with dates moved to "today".
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromOpml } from '../outlets/opml.ts';

/** Absolute path of the sample directory (`sample.opml` and `feeds/`). */
export const SAMPLE_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Placeholder for the server's base URL in `sample.opml` and the feeds' self links. */
export const BASE_PLACEHOLDER = '{{BASE}}';

const FEEDS_DIR = join(SAMPLE_DIR, 'feeds');
const OPML_FILE = join(SAMPLE_DIR, 'sample.opml');

/** Where the newest date of the sample set lands relative to `now`: recent, but clearly in the past. */
const NEWEST_BEFORE_NOW_MS = 60 * 60 * 1000;

/** One sample feed file. */
export interface SampleFeed {
  /** File name under `feeds/`, e.g. `le-devoir-manchettes.xml`. */
  file: string;
  /** Absolute path. */
  path: string;
  format: 'rss' | 'atom';
  /** Registry feed id (`le-devoir/manchettes`) and outlet id, as listed in `sample.opml`. */
  feedId: string;
  outletId: string;
}

/**
 * Lists the sample feed files with their feed and outlet ids (taken from `sample.opml`, since
 * outlet ids contain hyphens and the file name alone is ambiguous).
 */
export function listSampleFeeds(): SampleFeed[] {
  const opml = readFileSync(OPML_FILE, 'utf8').replaceAll(BASE_PLACEHOLDER, 'http://127.0.0.1');
  const byFile = new Map<string, { feedId: string; outletId: string }>();
  for (const outlet of fromOpml(opml)) {
    for (const feed of outlet.feeds) {
      const file = new URL(feed.url).pathname.split('/').pop() ?? '';
      byFile.set(file, { feedId: feed.id, outletId: outlet.id });
    }
  }
  return readdirSync(FEEDS_DIR)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => {
      const path = join(FEEDS_DIR, file);
      const ids = byFile.get(file);
      if (!ids) throw new Error(`sample feed ${file} is not listed in sample.opml`);
      return { file, path, format: feedFormat(readFileSync(path, 'utf8')), ...ids };
    });
}

/** Options for {@link startSampleServer}. */
export interface SampleServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default so the demo never exposes anything. */
  host?: string;
  /** Reference time the sample dates are moved towards; defaults to the current time. */
  now?: Date;
}

/** A running sample server. */
export interface SampleServer {
  /** e.g. `http://127.0.0.1:53211`, no trailing slash. */
  baseUrl: string;
  /** `sample.opml` with every feed URL pointing at this server. */
  opml: string;
  /** Milliseconds added to every date in the sample files. */
  offsetMs: number;
  close(): Promise<void>;
}

interface Resource {
  body: Buffer;
  type: string;
  etag: string;
  lastModified: string;
}

/**
 * Starts the offline demo feed server on loopback. Serves `/feeds/<file>` and `/sample.opml`,
 * with ETag / Last-Modified validators and 304 answers, like a well-behaved publisher.
 *
 * Every date in the feeds is moved by one constant offset so that the newest date of the whole
 * sample set falls about an hour before `now`: the relative timing between outlets (which the
 * grouping time window depends on) is kept, and the demo looks like today's news on any day.
 */
export async function startSampleServer(options: SampleServerOptions = {}): Promise<SampleServer> {
  const now = options.now ?? new Date();
  const host = options.host ?? '127.0.0.1';
  const feeds = listSampleFeeds().map((f) => ({ ...f, xml: readFileSync(f.path, 'utf8') }));

  let newest = -Infinity;
  for (const f of feeds) for (const d of xmlDates(f.xml)) newest = Math.max(newest, d);
  // Whole minutes keep the shifted timestamps as round as the originals.
  const offsetMs = Math.round((now.getTime() - NEWEST_BEFORE_NOW_MS - newest) / 60_000) * 60_000;

  const resources = new Map<string, Resource>();
  const server = createServer((req, res) => handle(resources, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${urlHost(host)}:${port}`;

  const startedAt = new Date(Math.min(now.getTime(), Date.now()));
  for (const f of feeds) {
    const body = shiftXmlDates(f.xml, offsetMs).replaceAll(BASE_PLACEHOLDER, baseUrl);
    const latest = Math.max(...xmlDates(body));
    resources.set(
      `/feeds/${f.file}`,
      resource(body, `application/${f.format}+xml; charset=utf-8`, Number.isFinite(latest) ? new Date(latest) : startedAt),
    );
  }
  const opml = readFileSync(OPML_FILE, 'utf8').replaceAll(BASE_PLACEHOLDER, baseUrl);
  resources.set('/sample.opml', resource(opml, 'text/x-opml; charset=utf-8', startedAt));

  return {
    baseUrl,
    opml,
    offsetMs,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets would otherwise hold close() open for seconds.
        server.closeAllConnections();
      }),
  };
}

function resource(text: string, type: string, modified: Date): Resource {
  const body = Buffer.from(text, 'utf8');
  return {
    body,
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    lastModified: new Date(Math.floor(modified.getTime() / 1000) * 1000).toUTCString(),
  };
}

function handle(resources: Map<string, Resource>, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  // Exact lookup only: request paths never reach the file system.
  const path = new URL(req.url ?? '/', 'http://sample.invalid').pathname;
  const r = resources.get(path);
  if (!r) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const headers = { ETag: r.etag, 'Last-Modified': r.lastModified, 'Cache-Control': 'no-cache' };
  if (notModified(req, r)) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': r.type, 'Content-Length': r.body.length });
  res.end(req.method === 'HEAD' ? undefined : r.body);
}

function notModified(req: IncomingMessage, r: Resource): boolean {
  const inm = req.headers['if-none-match'];
  // RFC 9110 §13.1.2: If-None-Match wins over If-Modified-Since, and compares weakly.
  if (inm !== undefined) {
    return inm.split(',').some((t) => {
      const tag = t.trim().replace(/^W\//, '');
      return tag === '*' || tag === r.etag;
    });
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Date.parse(r.lastModified) <= since;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function feedFormat(xml: string): 'rss' | 'atom' {
  return /<feed[\s>]/.test(xml) && !/<rss[\s>]/.test(xml) ? 'atom' : 'rss';
}

// ── Date shifting ────────────────────────────────────────────────────────────

const RFC822_ELEMENTS = /(<(pubDate|lastBuildDate)>)([^<]+)(<\/\2>)/g;
const ISO_ELEMENTS = /(<(published|updated|dc:date)>)([^<]+)(<\/\2>)/g;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// RFC 822 §5.1 zone names, in minutes east of UTC.
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

interface ZonedDate {
  utcMs: number;
  /** Zone written back unchanged so shifted feeds look like the publisher's own. */
  zone: string;
  offsetMin: number;
}

function parseRfc822(s: string): ZonedDate | undefined {
  const m = /^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,3})\s*$/.exec(s);
  if (!m) return undefined;
  const [, d, mon, y, hh, mm, ss, zone] = m as unknown as [string, string, string, string, string, string, string | undefined, string];
  const month = MONTHS.findIndex((x) => x.toLowerCase() === mon.toLowerCase());
  const offsetMin = /^[+-]/.test(zone)
    ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
    : ZONES[zone.toUpperCase()];
  if (month < 0 || offsetMin === undefined) return undefined;
  const utcMs = Date.UTC(Number(y), month, Number(d), Number(hh), Number(mm), Number(ss ?? 0)) - offsetMin * 60_000;
  return { utcMs, zone, offsetMin };
}

function formatRfc822({ utcMs, zone, offsetMin }: ZonedDate): string {
  const l = new Date(utcMs + offsetMin * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[l.getUTCDay()]}, ${p(l.getUTCDate())} ${MONTHS[l.getUTCMonth()]} ${l.getUTCFullYear()} ${p(l.getUTCHours())}:${p(l.getUTCMinutes())}:${p(l.getUTCSeconds())} ${zone}`;
}

function parseIso(s: string): ZonedDate | undefined {
  const m = /^\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})\s*$/.exec(s);
  if (!m) return undefined;
  const [, stamp, zone] = m as unknown as [string, string, string];
  const offsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const utcMs = Date.parse(`${stamp}Z`) - offsetMin * 60_000;
  return Number.isFinite(utcMs) ? { utcMs, zone, offsetMin } : undefined;
}

function formatIso({ utcMs, zone, offsetMin }: ZonedDate): string {
  const local = new Date(utcMs + offsetMin * 60_000).toISOString().replace(/\.000Z$/, '').replace(/Z$/, '');
  return `${local}${zone}`;
}

/** All RSS and Atom dates in a feed, as epoch milliseconds. */
function xmlDates(xml: string): number[] {
  const out: number[] = [];
  for (const m of xml.matchAll(RFC822_ELEMENTS)) {
    const d = parseRfc822(m[3]!);
    if (d) out.push(d.utcMs);
  }
  for (const m of xml.matchAll(ISO_ELEMENTS)) {
    const d = parseIso(m[3]!);
    if (d) out.push(d.utcMs);
  }
  return out;
}

/**
 * Moves every RFC 822 (`pubDate`, `lastBuildDate`) and ISO 8601 (`published`, `updated`,
 * `dc:date`) date in a feed by `offsetMs`, keeping each date's written time zone.
 * Dates it cannot parse are left as they are.
 */
export function shiftXmlDates(xml: string, offsetMs: number): string {
  return xml
    .replace(RFC822_ELEMENTS, (whole, open: string, _n: string, value: string, close: string) => {
      const d = parseRfc822(value);
      return d ? `${open}${formatRfc822({ ...d, utcMs: d.utcMs + offsetMs })}${close}` : whole;
    })
    .replace(ISO_ELEMENTS, (whole, open: string, _n: string, value: string, close: string) => {
      const d = parseIso(value);
      return d ? `${open}${formatIso({ ...d, utcMs: d.utcMs + offsetMs })}${close}` : whole;
    });
}
