// Integration tests for the offline demo feed server and the sample day it serves.
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromOpml } from '../../lib/outlets/opml.ts';
import { findOutlet, validateOutlets } from '../../lib/outlets/registry.ts';
import { listSampleFeeds, shiftXmlDates, startSampleServer, type SampleServer } from '../../lib/samples/server.ts';

const NOW = new Date('2027-03-14T15:09:26Z');
const HOUR = 3_600_000;
const MALI = /\bmali\b|malí|مالي/i;

type ParsedFeed = Awaited<ReturnType<Parser['parseString']>>;

describe('sample feed server', () => {
  let server: SampleServer;
  const feeds = listSampleFeeds();
  const parsed = new Map<string, ParsedFeed>();
  const bodies = new Map<string, string>();

  beforeAll(async () => {
    server = await startSampleServer({ now: NOW });
    const parser = new Parser({ defaultRSS: 2 });
    for (const f of feeds) {
      const res = await fetch(`${server.baseUrl}/feeds/${f.file}`);
      expect(res.status, f.file).toBe(200);
      const body = await res.text();
      bodies.set(f.file, body);
      parsed.set(f.file, await parser.parseString(body));
    }
  });
  afterAll(() => server?.close());

  it('has 12–14 outlets, each in the registry, with 5–12 items per feed', () => {
    const outlets = new Set(feeds.map((f) => f.outletId));
    expect(outlets.size).toBeGreaterThanOrEqual(12);
    expect(outlets.size).toBeLessThanOrEqual(14);
    for (const id of outlets) expect(findOutlet(id), id).toBeDefined();
    for (const f of feeds) {
      const n = parsed.get(f.file)!.items.length;
      expect(n, f.file).toBeGreaterThanOrEqual(5);
      expect(n, f.file).toBeLessThanOrEqual(12);
    }
  });

  it('binds to loopback on a free port', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves every feed with the right content type and validators', async () => {
    for (const f of feeds) {
      const res = await fetch(`${server.baseUrl}/feeds/${f.file}`);
      expect(res.headers.get('content-type')).toBe(`application/${f.format}+xml; charset=utf-8`);
      expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
      expect(Date.parse(res.headers.get('last-modified') ?? '')).toBeLessThanOrEqual(NOW.getTime());
      await res.arrayBuffer();
    }
  });

  it('answers 304 to If-None-Match and If-Modified-Since', async () => {
    const url = `${server.baseUrl}/feeds/${feeds[0]!.file}`;
    const first = await fetch(url);
    await first.text();
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    const byTag = await fetch(url, { headers: { 'If-None-Match': etag } });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('etag')).toBe(etag);
    expect(await byTag.text()).toBe('');
    expect((await fetch(url, { headers: { 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'If-Modified-Since': lastModified } })).status).toBe(304);
    const stale = await fetch(url, { headers: { 'If-None-Match': '"stale"' } });
    expect(stale.status).toBe(200);
    await stale.text();
  });

  it('returns 404 for unknown paths and never reads outside the sample set', async () => {
    for (const p of ['/feeds/nope.xml', '/feeds/../server.ts', '/feeds/%2e%2e/server.ts', '/']) {
      const res = await fetch(`${server.baseUrl}${p}`);
      expect(res.status, p).toBe(404);
      await res.text();
    }
  });

  it('shifts all dates so the newest item is about an hour before now', () => {
    const dates = [...parsed.values()].flatMap((f) => f.items.map((i) => Date.parse(i.isoDate ?? '')));
    expect(dates.every(Number.isFinite)).toBe(true);
    const newest = Math.max(...dates);
    const oldest = Math.min(...dates);
    expect(newest).toBeLessThan(NOW.getTime() - 0.9 * HOUR);
    expect(newest).toBeGreaterThan(NOW.getTime() - 1.5 * HOUR);
    // One news day: everything within the last 26 hours, nothing in the future.
    expect(oldest).toBeGreaterThan(NOW.getTime() - 26 * HOUR);
    for (const body of bodies.values()) {
      expect(body).not.toContain('{{BASE}}');
      // Every date element moved off the reference day (article URLs keep theirs: they are ids).
      for (const m of body.matchAll(/<(pubDate|lastBuildDate|published|updated)>([^<]*)</g)) {
        expect(m[2]).not.toMatch(/2026|Nov/);
        expect(Date.parse(m[2]!)).toBeLessThan(NOW.getTime());
      }
    }
  });

  it('keeps each date’s time zone when shifting', () => {
    const xml = '<pubDate>Wed, 25 Nov 2026 17:05:00 -0500</pubDate><updated>2026-11-25T12:00:00+09:00</updated><pubDate>Wed, 25 Nov 2026 09:10:00 GMT</pubDate>';
    expect(shiftXmlDates(xml, 24 * HOUR + 60_000)).toBe(
      '<pubDate>Thu, 26 Nov 2026 17:06:00 -0500</pubDate><updated>2026-11-26T12:01:00+09:00</updated><pubDate>Thu, 26 Nov 2026 09:11:00 GMT</pubDate>',
    );
  });

  it('serves the OPML listing every feed file, with outlet metadata', async () => {
    const res = await fetch(`${server.baseUrl}/sample.opml`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe(server.opml);
    const outlets = fromOpml(text);
    const urls = outlets.flatMap((o) => o.feeds.map((f) => f.url)).sort();
    expect(urls).toEqual(feeds.map((f) => `${server.baseUrl}/feeds/${f.file}`).sort());
    expect(validateOutlets(outlets)).toEqual([]);
    const devoir = outlets.find((o) => o.id === 'le-devoir')!;
    expect(devoir).toMatchObject({ city: 'Montreal', country: 'CA', region: 'americas' });
  });

  it('covers the Mali withdrawal in at least five outlets, including the required ones', () => {
    const outletsWithMali = new Set(
      feeds.filter((f) => parsed.get(f.file)!.items.some((i) => MALI.test(`${i.title} ${i.contentSnippet ?? ''}`))).map((f) => f.outletId),
    );
    expect(outletsWithMali.size).toBeGreaterThanOrEqual(5);
    for (const id of ['le-devoir', 'lobservateur-paalga', 'al-jazeera', 'wsj', 'le-point']) expect(outletsWithMali).toContain(id);
    const brousseau = parsed.get('le-devoir-manchettes.xml')!.items.find((i) => MALI.test(i.title ?? ''));
    expect(brousseau?.creator).toBe('François Brousseau');
  });

  it('gives every item a title, link, guid, date, author and summary', () => {
    for (const [file, feed] of parsed) {
      expect(feed.title, file).toBeTruthy();
      for (const item of feed.items) {
        expect(item.title, file).toBeTruthy();
        expect(item.link, file).toMatch(/^https:\/\//);
        expect(item.guid ?? item.id, file).toBeTruthy();
        expect(item.creator ?? item.author, `${file}: ${item.title}`).toBeTruthy();
        expect(item.contentSnippet ?? item.summary, `${file}: ${item.title}`).toBeTruthy();
      }
    }
  });

  it('mixes languages and formats', () => {
    const languages = new Set(
      [...parsed.values()].map((f) => (f.language ?? '').slice(0, 2)).filter(Boolean),
    );
    for (const f of feeds) if (f.format === 'atom') languages.add(/xml:lang="(\w\w)/.exec(bodies.get(f.file)!)?.[1] ?? '');
    expect(languages).toContain('en');
    expect(languages).toContain('fr');
    expect(languages.size).toBeGreaterThanOrEqual(3);
    const formats = feeds.map((f) => f.format);
    expect(formats).toContain('rss');
    expect(formats.filter((f) => f === 'atom').length).toBeGreaterThanOrEqual(3);
  });
});
