// Unit tests of the public API's pure parts: publication policy, excerpts, XML escaping, ETags, params, response cache.
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../lib/api/feeds.ts';
import { Hono } from 'hono';
import { ResponseCache, entryBytes, etagMatches, preferredEncoding, rendered, send } from '../../lib/api/http.ts';
import { listQuerySchema, parseQuery } from '../../lib/api/params.ts';
import { isPublic } from '../../lib/api/publication.ts';
import { filterFingerprint } from '../../lib/api/queries.ts';
import { foldText } from '../../lib/text/fold.ts';
import { EXCERPT_MAX, excerpt } from '../../lib/api/views.ts';
import * as z from 'zod/mini';
import { ValidationError } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/log.ts';

describe('isPublic', () => {
  const outlets = { mode: 'outlets' as const, minOutlets: 2 };
  const editor = { mode: 'editor' as const, minOutlets: 2 };
  const s = (over: object) => ({ status: 'auto' as const, outletIds: ['a', 'b'], ...over });

  it('in outlets mode needs N distinct outlets or an approval', () => {
    expect(isPublic(s({}), outlets)).toBe(true);
    expect(isPublic(s({ outletIds: ['a'] }), outlets)).toBe(false);
    expect(isPublic(s({ outletIds: ['a', 'a'] }), outlets)).toBe(false);
    expect(isPublic(s({ outletIds: ['a'], status: 'approved' }), outlets)).toBe(true);
    expect(isPublic(s({ outletIds: ['a', 'b'] }), { mode: 'outlets', minOutlets: 3 })).toBe(false);
  });

  it('in editor mode needs an approval', () => {
    expect(isPublic(s({ outletIds: ['a', 'b', 'c'] }), editor)).toBe(false);
    expect(isPublic(s({ status: 'approved' }), editor)).toBe(true);
  });

  it('never shows unpublished, hidden or merged stories', () => {
    for (const policy of [outlets, editor]) {
      expect(isPublic(s({ status: 'unpublished' }), policy)).toBe(false);
      expect(isPublic(s({ status: 'approved', hidden: true }), policy)).toBe(false);
      expect(isPublic(s({ status: 'approved', mergedInto: 'x' }), policy)).toBe(false);
    }
  });
});

describe('excerpt', () => {
  it('keeps short text verbatim (trimmed)', () => {
    expect(excerpt('  Le retrait est terminé.  ')).toBe('Le retrait est terminé.');
    expect(excerpt('   ')).toBeNull();
  });

  it('cuts long text at a word boundary, as a verbatim prefix', () => {
    const text = 'Mot '.repeat(100) + 'fin';
    const e = excerpt(text)!;
    expect(e.endsWith('…')).toBe(true);
    const body = e.slice(0, -1);
    expect(text.startsWith(body)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(EXCERPT_MAX);
    expect(body.endsWith('Mot')).toBe(true);
  });

  it('drops dangling punctuation at the cut but never rewrites words', () => {
    const text = `${'a'.repeat(270)}, bbbbbbbbbbbbbbbbbbbbbbbbb`;
    expect(excerpt(text)).toBe(`${'a'.repeat(270)}…`);
  });

  it('breaks scripts without spaces at word boundaries and never splits a character', () => {
    const zh = '法国完成从马里撤军'.repeat(40);
    const e = excerpt(zh)!;
    expect(zh.startsWith(e.slice(0, -1))).toBe(true);
    expect(e.length - 1).toBeLessThanOrEqual(EXCERPT_MAX);
    const emoji = '😀'.repeat(300);
    const e2 = excerpt(emoji)!;
    expect(emoji.startsWith(e2.slice(0, -1))).toBe(true);
    expect(e2.slice(0, -1).length % 2).toBe(0);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters and drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml(`Tom & "Jerry" <b>'s</b>`)).toBe('Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;s&lt;/b&gt;');
    expect(escapeXml('a\u0000b\u0008c\u000bd\u001fe\ufffff\ud800g\tok\n')).toBe('abcdefg\tok\n');
    expect(escapeXml('😀 été')).toBe('😀 été');
  });
});

describe('etagMatches', () => {
  it('compares weakly and handles lists and *', () => {
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('*', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abcd"', 'W/"abc"')).toBe(false);
    expect(etagMatches(undefined, 'W/"abc"')).toBe(false);
  });
});

describe('preferredEncoding', () => {
  it('follows Accept-Encoding tokens, q-values and *, Brotli before gzip on a tie', () => {
    expect(preferredEncoding('gzip, deflate, br')).toBe('br');
    expect(preferredEncoding('gzip, deflate')).toBe('gzip');
    expect(preferredEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(preferredEncoding('br;q=1.0, gzip;q=0.8')).toBe('br');
    expect(preferredEncoding('x-gzip')).toBe('gzip');
    expect(preferredEncoding('gzip;q=0')).toBe('identity');
    expect(preferredEncoding('*')).toBe('br');
    expect(preferredEncoding('*;q=0.1, br;q=0')).toBe('gzip');
    expect(preferredEncoding('*;q=0.1, gzip;q=0, br;q=0')).toBe('identity');
    expect(preferredEncoding('deflate, identity')).toBe('identity');
    expect(preferredEncoding('gzip;q=abc, br;q=')).toBe('identity');
    expect(preferredEncoding('')).toBe('identity');
    expect(preferredEncoding(undefined)).toBe('identity');
  });
});

describe('parseQuery', () => {
  const parse = (qs: string) => parseQuery(listQuerySchema, `http://x/stories?${qs}`);

  it('normalizes lists and applies the default limit', () => {
    expect(parse('country=fr,CA,fr&lang=fr')).toEqual({ limit: 20, country: ['FR', 'CA'], lang: ['fr'] });
    expect(parse('limit=100&minOutlets=3&q=Mali')).toEqual({ limit: 100, minOutlets: 3, q: 'Mali' });
  });

  it('explains every bad parameter at once', () => {
    try {
      parse('limit=0&region=mars&foo=1');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const issues = (err as ValidationError).issues;
      expect(issues).toHaveLength(3);
      expect(issues.join('\n')).toMatch(/limit: Stories per page, 1–100\. \(got "0"\)/);
      expect(issues.join('\n')).toMatch(/Unknown parameter foo; allowed: cursor, limit, updatedSince/);
    }
  });
});

describe('filterFingerprint', () => {
  const parse = <S extends z.ZodMiniObject>(schema: S, qs: string) => parseQuery(schema, `http://x/stories?${qs}`) as Record<string, unknown>;

  it('covers a filter added to the query schema without being told about it', () => {
    const extended = z.extend(listQuerySchema, { topic: z.optional(z.string()) });
    const base = parse(extended, 'lang=fr');
    expect(filterFingerprint(parse(extended, 'lang=fr&topic=mali'))).not.toBe(filterFingerprint(base));
    expect(filterFingerprint(parse(extended, 'lang=fr&topic=sahel'))).not.toBe(filterFingerprint(parse(extended, 'lang=fr&topic=mali')));
  });

  it('changes with every filter of the list query and ignores the paging fields', () => {
    const base = filterFingerprint(parse(listQuerySchema, ''));
    const examples: Record<string, string> = { updatedSince: '2026-11-26T08:00:00Z', lang: 'fr', country: 'FR', region: 'europe', outlet: 'bbc', q: 'mali', minOutlets: '3' };
    const filters = Object.keys(listQuerySchema.shape).filter((k) => k !== 'cursor' && k !== 'limit');
    expect(filters.sort()).toEqual(Object.keys(examples).sort());
    for (const k of filters) expect(filterFingerprint(parse(listQuerySchema, `${k}=${examples[k]}`)), k).not.toBe(base);
    expect(filterFingerprint(parse(listQuerySchema, 'limit=7&cursor=abc'))).toBe(base);
    // What the schema normalizes is one filter: the same instant in another offset, countries in any case.
    expect(filterFingerprint(parse(listQuerySchema, 'updatedSince=2026-11-26T10:00:00%2B02:00&country=fr'))).toBe(
      filterFingerprint(parse(listQuerySchema, 'updatedSince=2026-11-26T08:00:00.000Z&country=FR')),
    );
  });
});

describe('vocabulary', () => {
  it('folds case and accents for search', () => {
    expect(foldText('Québec ÉLYSÉE')).toBe('quebec elysee');
  });
});

describe('ResponseCache', () => {
  const mk = (over: { maxBytes?: number; ttlMs?: number; marker?: () => Promise<string> } = {}) => {
    let now = 0;
    const cache = new ResponseCache(
      { ttlMs: over.ttlMs ?? 1000, markerMs: 100, maxBytes: over.maxBytes ?? 1_000_000, clock: () => now },
      over.marker,
      silentLogger,
    );
    return { cache, advance: (ms: number) => (now += ms) };
  };
  const body = (s: string) => rendered(s, 'text/plain', 'no-store');

  it('serves an entry until its TTL, then recomputes', async () => {
    const { cache, advance } = mk();
    let n = 0;
    const compute = async () => body(`v${++n}`);
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v1');
    advance(999);
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v1');
    advance(1);
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v2');
  });

  it('shares one computation between concurrent misses and caches no errors', async () => {
    const { cache } = mk();
    let n = 0;
    const slow = async () => {
      n++;
      await new Promise((r) => setTimeout(r, 20));
      return body('x');
    };
    await Promise.all([cache.get('k', slow), cache.get('k', slow), cache.get('k', slow)]);
    expect(n).toBe(1);
    await expect(cache.get('e', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(Buffer.from((await cache.get('e', async () => body('ok'))).body).toString()).toBe('ok');
  });

  it('stays within its byte budget, evicting the oldest entries', async () => {
    const { cache } = mk({ maxBytes: 20_000 });
    for (let i = 0; i < 50; i++) await cache.get(`k${i}`, async () => body('x'.repeat(1000)));
    expect(cache.stats().bytes).toBeLessThanOrEqual(20_000);
    expect(cache.stats().entries).toBeLessThan(50);
    let recomputed = false;
    await cache.get('k0', async () => {
      recomputed = true;
      return body('y');
    });
    expect(recomputed).toBe(true);
  });

  it('counts keys and headers, not only bodies, within its memory budget', async () => {
    const { cache } = mk({ maxBytes: 200_000 });
    // Small bodies under long keys: a budget on bodies alone would keep all of them.
    for (let i = 0; i < 500; i++) await cache.get(`https://api.example/stories?q=${'k'.repeat(4000)}${i}`, async () => body('x'));
    expect(cache.stats().bytes).toBeLessThanOrEqual(200_000);
    expect(cache.stats().entries).toBeLessThan(200_000 / 8000 + 1);
    const r = rendered('y', 'text/plain', 'no-store');
    Object.assign(r.headers, { link: `<https://api.example/stories?cursor=${'c'.repeat(1000)}>; rel="next"` });
    expect(entryBytes('k', r)).toBeGreaterThan(2000);
  });

  it('charges compressed variants and header sets made after an entry was stored, and evicts for them', async () => {
    const { cache } = mk({ maxBytes: 100_000 });
    const big = await cache.get('a', async () => body('lorem ipsum dolor '.repeat(1000)));
    const before = cache.stats().bytes;
    big.charge!(30_000);
    expect(cache.stats().bytes).toBe(before + 30_000);
    for (let i = 0; i < 10; i++) await cache.get(`b${i}`, async () => body('z'.repeat(5000)));
    expect(cache.stats().bytes).toBeLessThanOrEqual(100_000);
    // Evicted entries charge nothing any more.
    const held = cache.stats().bytes;
    big.charge!(50_000);
    expect(cache.stats().bytes).toBe(held);
  });

  it('counts the variants send() adds to a held entry', async () => {
    const { cache } = mk();
    const app = new Hono();
    app.get('/', async (c) => send(c, await cache.get('k', async () => body('lorem ipsum dolor sit amet '.repeat(400)))));
    await (await app.request('/')).arrayBuffer();
    const identity = cache.stats().bytes;
    const br = await app.request('/', { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const brBytes = (await br.arrayBuffer()).byteLength;
    expect(cache.stats().bytes).toBeGreaterThan(identity + brBytes);
    const withBr = cache.stats().bytes;
    await app.request('/', { headers: { 'accept-encoding': 'br' } });
    expect(cache.stats().bytes).toBe(withBr);
    await app.request('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(cache.stats().bytes).toBeGreaterThan(withBr);
  });

  it('drops everything when the change marker moves', async () => {
    let marker = 'a';
    const { cache, advance } = mk({ ttlMs: 60_000, marker: async () => marker });
    let n = 0;
    const compute = async () => body(`v${++n}`);
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v1');
    await cache.settle();
    marker = 'b';
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v1');
    advance(100);
    // The request that notices the marker is due does not wait for it; the next one sees the change.
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v1');
    await cache.settle();
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v2');
    advance(100);
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v2');
    await cache.settle();
    expect(Buffer.from((await cache.get('k', compute)).body).toString()).toBe('v2');
  });
});
