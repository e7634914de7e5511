// Unit tests of the public API's pure parts: publication policy, excerpts, XML escaping, ETags, params, response cache.
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../lib/api/feeds.ts';
import { ResponseCache, acceptsGzip, etagMatches, rendered } from '../../lib/api/http.ts';
import { listQuerySchema, parseQuery } from '../../lib/api/params.ts';
import { isPublic } from '../../lib/api/publication.ts';
import { foldText } from '../../lib/text/fold.ts';
import { REGIONS, UNKNOWN_COUNTRY, UNKNOWN_REGION } from '../../lib/api/vocabulary.ts';
import { EXCERPT_MAX, excerpt } from '../../lib/api/views.ts';
import { ValidationError } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/log.ts';
import * as registry from '../../lib/outlets/registry.ts';

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

describe('acceptsGzip', () => {
  it('follows Accept-Encoding tokens, q-values and *', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*;q=0.1, gzip;q=0')).toBe(false);
    expect(acceptsGzip('deflate, identity')).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
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

describe('vocabulary', () => {
  it('matches the outlet registry', () => {
    expect([...REGIONS]).toEqual([...registry.REGIONS]);
    expect(UNKNOWN_REGION).toBe(registry.UNKNOWN_REGION);
    expect(UNKNOWN_COUNTRY).toBe(registry.UNKNOWN_COUNTRY);
  });

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
