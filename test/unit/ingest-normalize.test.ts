// Normalization: stable ids, canonical URLs, plain text, authors, languages, dates, images.
import { describe, expect, it } from 'vitest';
import { canonicalUrl, formatAuthor, normalizeFeed, parseFeedDate, type NormalizeContext } from '../../lib/ingest/normalize.ts';
import { normalizeLanguageTag } from '../../lib/text/language.ts';
import type { ParsedEntry, ParsedFeed } from '../../lib/ingest/parse.ts';
import { htmlToText } from '../../lib/text/html.ts';

const NOW = '2026-11-26T10:00:00.000Z';
const ctx = (over: Partial<NormalizeContext> = {}): NormalizeContext => ({
  feed: { id: 'outlet/world' },
  outlet: { id: 'outlet', languages: ['en'] },
  feedUrl: 'https://news.example/rss/world.xml',
  now: NOW,
  ...over,
});
const feed = (entries: ParsedEntry[], over: Partial<ParsedFeed> = {}): ParsedFeed => ({ format: 'rss', entries, ...over });

describe('canonicalUrl', () => {
  it('resolves against the feed URL, drops fragment and tracking parameters, keeps the rest in order', () => {
    expect(canonicalUrl('/a/b?id=3&utm_source=rss&utm_medium=feed&fbclid=x&gclid=y&mc_cid=1&mc_eid=2&page=2#top', 'https://News.Example:443/rss/')).toBe(
      'https://news.example/a/b?id=3&page=2',
    );
    expect(canonicalUrl('story.html?utm_campaign=x', 'https://news.example/rss/world.xml')).toBe('https://news.example/rss/story.html');
    expect(canonicalUrl('javascript:alert(1)', 'https://news.example/')).toBeUndefined();
    expect(canonicalUrl('http://[bad', 'https://news.example/')).toBeUndefined();
  });
});

describe('text and authors', () => {
  it('strips tags and decodes entities but keeps words verbatim', () => {
    expect(htmlToText('<p>Le «&nbsp;président&nbsp;» a dit&#8230;</p><script>evil()</script><p>1 < 2 &amp; 3 > 2</p>')).toBe(
      'Le «\u00a0président\u00a0» a dit… 1 < 2 & 3 > 2',
    );
    expect(htmlToText('<p>One</p><p>Two</p>', { keepBreaks: true })).toBe('One\nTwo');
    expect(htmlToText('<a href="x>y">link</a> <!-- hidden --> text')).toBe('link text');
  });

  it('formats author forms', () => {
    expect(formatAuthor('jane@example.com (Jane Doe)')).toBe('Jane Doe');
    expect(formatAuthor('Jane Doe <jane@example.com>')).toBe('Jane Doe');
    expect(formatAuthor('Jane Doe (jane@example.com)')).toBe('Jane Doe');
    expect(formatAuthor('desk@example.com')).toBe('desk@example.com');
    expect(formatAuthor('Ren&eacute; Lévesque')).toBe('René Lévesque');
    expect(formatAuthor('  ')).toBeUndefined();
  });
});

describe('dates', () => {
  it('parses RFC 822, ISO 8601 and common variants; zone-less ISO is UTC', () => {
    expect(parseFeedDate('Wed, 25 Nov 2026 10:00:00 +0100')).toBe(Date.parse('2026-11-25T09:00:00Z'));
    expect(parseFeedDate('2026-11-25T10:00:00')).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(parseFeedDate('2026-11-25 10:00:00+02')).toBe(Date.parse('2026-11-25T08:00:00Z'));
    expect(parseFeedDate('20261125T100000Z')).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(parseFeedDate('Wed, 25 Nov 2026 10:00:00 CET')).toBe(Date.parse('2026-11-25T09:00:00Z'));
    expect(parseFeedDate('Wednesday, 25 November 2026 10:00 GMT')).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(parseFeedDate('soon')).toBeUndefined();
  });

  it('keeps the raw date, uses first-seen when missing or unreadable, clamps the future', () => {
    const items = normalizeFeed(
      feed([
        { title: 'past', link: '/1', date: 'Wed, 25 Nov 2026 10:00:00 GMT' },
        { title: 'none', link: '/2' },
        { title: 'bad', link: '/3', date: 'yesterday-ish' },
        { title: 'future', link: '/4', date: '2030-01-01T00:00:00Z' },
        { title: 'updated only', link: '/5', updated: '2026-11-24T00:00:00Z' },
      ]),
      ctx(),
    );
    expect(items.map((i) => [i.title, i.publishedRaw, i.publishedAt])).toEqual([
      ['past', 'Wed, 25 Nov 2026 10:00:00 GMT', '2026-11-25T10:00:00.000Z'],
      ['none', undefined, NOW],
      ['bad', 'yesterday-ish', NOW],
      ['future', '2030-01-01T00:00:00Z', NOW],
      ['updated only', '2026-11-24T00:00:00Z', '2026-11-24T00:00:00.000Z'],
    ]);
    expect(items.every((i) => i.firstSeenAt === NOW)).toBe(true);
  });
});

describe('normalizeFeed identity', () => {
  it('derives stable ids from feed + guid, else link, else content', () => {
    const a = normalizeFeed(feed([{ guid: 'g1', title: 'A', link: '/a' }, { title: 'B', link: '/b?utm_source=x' }, { title: 'C', summary: 'no link' }]), ctx());
    const b = normalizeFeed(feed([{ guid: 'g1', title: 'A edited', link: '/a2' }, { title: 'B edited', link: '/b' }, { title: 'C', summary: 'no link' }]), ctx());
    expect(a.map((i) => i.id)).toEqual(b.map((i) => i.id)); // guid wins; tracking params don't change identity
    expect(a[0]!.contentHash).not.toBe(b[0]!.contentHash); // edits show in the hash
    const other = normalizeFeed(feed([{ guid: 'g1', title: 'A', link: '/a' }]), ctx({ feed: { id: 'outlet/other' } }));
    expect(other[0]!.id).not.toBe(a[0]!.id); // ids are per feed
    expect(a[0]!.id).toMatch(/^i_[\w-]{22}$/);
  });

  it('keeps distinct articles that share a guid apart and drops verbatim repeats', () => {
    const items = normalizeFeed(
      feed([
        { guid: 'same', title: 'First', link: '/1' },
        { guid: 'same', title: 'Second', link: '/2' },
        { guid: 'same', title: 'Second', link: '/2' },
      ]),
      ctx(),
    );
    expect(items.map((i) => i.title)).toEqual(['First', 'Second']);
    expect(new Set(items.map((i) => i.id)).size).toBe(2);
  });

  it('builds plain titles and summaries, falls back to the summary for a missing title, skips empty entries', () => {
    const items = normalizeFeed(
      feed([
        { title: '&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co', titleKind: 'html', summary: '<p>Para <i>one</i>.</p><p>Two.</p>', link: '/x' },
        { title: 'AT&T <3 plain', titleKind: 'text', link: '/y' },
        { summary: 'A story with no title at all, only a description that goes on.', link: '/z' },
        {},
      ]),
      ctx(),
    );
    expect(items[0]).toMatchObject({ title: '<b>Bold</b> &amp; co', summary: 'Para one.\nTwo.' });
    expect(items[1]!.title).toBe('AT&T <3 plain');
    expect(items[2]!.title).toBe('A story with no title at all, only a description that goes on.');
    expect(items).toHaveLength(3);
  });

  it('picks the image: enclosure/media first, else the first <img> in the content', () => {
    const items = normalizeFeed(
      feed([
        { title: 'a', link: '/a', image: 'https://img.example/a.jpg', content: '<img src="/other.png">' },
        { title: 'b', link: '/b', content: '<p>x</p><img alt="" src="/pics/b.png?w=1&amp;h=2">' },
        { title: 'c', link: '/c', content: '<img src="data:image/png;base64,AAA">' },
      ]),
      ctx(),
    );
    expect(items.map((i) => i.image)).toEqual(['https://img.example/a.jpg', 'https://news.example/pics/b.png?w=1&h=2', undefined]);
  });
});

describe('language', () => {
  it('normalizes tags to ISO 639-1', () => {
    expect([normalizeLanguageTag('en-US'), normalizeLanguageTag('FR_ca'), normalizeLanguageTag('deu'), normalizeLanguageTag('x'), normalizeLanguageTag('')]).toEqual([
      'en',
      'fr',
      'de',
      undefined,
      undefined,
    ]);
  });

  it('takes the entry, then the feed, then a single-language outlet, then detection', () => {
    const fr = 'Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera présentée au parlement.';
    const es = 'El gobierno anunció el martes una nueva reforma de las pensiones que será presentada en el parlamento.';
    const entries: ParsedEntry[] = [
      { title: 'x', link: '/1', language: 'de-AT' },
      { title: 'y', link: '/2', summary: fr },
    ];
    expect(normalizeFeed(feed(entries, { language: 'it' }), ctx()).map((i) => i.language)).toEqual(['de', 'it']);
    expect(normalizeFeed(feed(entries), ctx()).map((i) => i.language)).toEqual(['de', 'en']);
    const multi = ctx({ outlet: { id: 'o', languages: ['fr', 'es'] } });
    expect(normalizeFeed(feed([{ title: 'Titre', summary: fr, link: '/a' }, { title: 'Título', summary: es, link: '/b' }]), multi).map((i) => i.language)).toEqual(['fr', 'es']);
    const none = ctx({ outlet: { id: 'o', languages: [] } });
    expect(normalizeFeed(feed([{ title: 'Titre', summary: fr, link: '/a' }, { title: 'ok', link: '/b' }]), none).map((i) => i.language)).toEqual(['fr', 'und']);
  });
});
