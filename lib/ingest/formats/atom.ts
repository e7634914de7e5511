// Atom 1.0 (RFC 4287) and 0.3: the elements read from a feed and its entries, and their mapping onto ParsedFeed.
import { pickDate } from '../dates.ts';
import type { ParsedEntry, ParsedFeed, TextKind } from '../parse.ts';
import { INLINE_ATTR } from '../xml-prepare.ts';
import { all, attr, first, firstText, MEDIA_FIELDS, mediaImage, resolveUrl, text, xmlBase, type XmlDocument, type XmlFields, type XmlNode } from './xml.ts';
import { datesOf, declaredLanguage, mediaDescription, mediaTitle, MEDIA_TEXT_FIELDS, pickLink, type FeedContext } from './common.ts';

// Atom 1.0's published/updated, Atom 0.3's issued/created/modified, and Dublin Core, in order of preference.
const PUBLISHED = ['published', 'issued', 'created', 'dc:date', 'dcterms:issued', 'dcterms:created'] as const;
const UPDATED = ['updated', 'modified', 'dcterms:modified'] as const;

/** Elements of an Atom feed and entry that the mapper reads (rss-parser captures each raw). */
export const ATOM_FIELDS: XmlFields = {
  feed: ['title', 'link', 'author', 'dc:language'],
  item: [
    'id', 'title', 'link', 'feedburner:origLink', 'summary', 'content', 'author', 'dc:creator', 'source',
    ...PUBLISHED, ...UPDATED, 'dc:language', ...MEDIA_FIELDS, ...MEDIA_TEXT_FIELDS,
  ],
};

/** Whether a text construct holds markup (`html`, `xhtml`, escaped or inline) or plain text. */
function kindOf(v: unknown): TextKind {
  const type = (attr(v, 'type') ?? '').toLowerCase();
  const mode = (attr(v, 'mode') ?? '').toLowerCase();
  if (attr(v, INLINE_ATTR)) return 'html';
  if (type.includes('html') || type.endsWith('xml') || mode === 'escaped') return 'html';
  return 'text';
}

/**
 * Text of an Atom text construct, decoding base64: Atom 0.3's `mode="base64"`, and Atom 1.0 content whose type
 * is a MIME type that is neither text/* nor XML (RFC 4287 §4.1.3.3).
 */
function atomText(v: unknown): string | undefined {
  const t = text(v);
  const type = attr(v, 'type')?.toLowerCase() ?? '';
  const base64 = attr(v, 'mode')?.toLowerCase() === 'base64' || (type.includes('/') && !type.startsWith('text/') && !/[+/]xml$/.test(type));
  return t && base64 ? Buffer.from(t.trim(), 'base64').toString('utf8') : t;
}

/** Names of Atom person constructs (`<name>`, else `<email>`, else the element's own text in Atom 0.3 feeds). */
function personNames(persons: unknown[]): string[] {
  return persons
    .map((p) => (typeof p === 'object' && p !== null ? (firstText(p as XmlNode, 'name', 'email') ?? text(p)) : text(p)))
    .filter((n): n is string => Boolean(n));
}

const HTML_TYPES = new Set(['', 'text/html', 'application/xhtml+xml']);

/** The entry's link: FeedBurner's original, the alternate (an HTML one first), a URL-valued id, an enclosure. */
function entryLink(entry: XmlNode, base: string | undefined): string | undefined {
  const links = all(entry, 'link');
  const rel = (l: unknown) => (attr(l, 'rel') ?? 'alternate').toLowerCase();
  const alternates = links.filter((l) => rel(l) === 'alternate');
  const html = alternates.filter((l) => HTML_TYPES.has((attr(l, 'type') ?? '').toLowerCase()));
  return pickLink(base, [
    { node: entry['feedburner:origLink'] },
    ...[...html, ...alternates].map((l) => ({ node: l, href: attr(l, 'href') ?? text(l) })),
    { href: text(first(entry, 'id')), absoluteOnly: true },
    ...links.filter((l) => rel(l) === 'enclosure').map((l) => ({ node: l, href: attr(l, 'href') })),
  ]);
}

/** Maps an Atom 1.0 or 0.3 document onto ParsedFeed. */
export function mapAtom(doc: XmlDocument, ctx: FeedContext): ParsedFeed {
  const feed = doc.feed;
  const base = xmlBase(feed, ctx.url);
  const feedAuthors = personNames(all(feed, 'author'));
  const entries = doc.items.map((entry): ParsedEntry => {
    const ebase = xmlBase(entry, base);
    const title = first(entry, 'title');
    const summary = first(entry, 'summary');
    const content = first(entry, 'content');
    // RFC 4287 §4.2.1: an entry without authors takes those of its atom:source, then those of the feed.
    const source = first(entry, 'source');
    const own = personNames(all(entry, 'author'));
    const creators = all(entry, 'dc:creator').map(text).filter((c): c is string => Boolean(c));
    const authors = own.length ? own : creators.length ? creators : personNames(all(source, 'author'));
    return {
      guid: text(first(entry, 'id'))?.trim(),
      title: atomText(title) ?? mediaTitle(entry),
      titleKind: title ? kindOf(title) : 'text',
      link: entryLink(entry, ebase),
      summary: atomText(summary) ?? mediaDescription(entry),
      summaryKind: summary ? kindOf(summary) : 'text',
      content: attr(content, 'src') ? undefined : atomText(content),
      contentKind: kindOf(content),
      authors: authors.length ? authors : feedAuthors,
      date: pickDate(datesOf(entry, PUBLISHED)),
      updated: pickDate(datesOf(entry, UPDATED)),
      image: resolveUrl(mediaImage(entry), ebase),
      language: declaredLanguage(attr(entry, 'xml:lang'), attr(title, 'xml:lang'), attr(content, 'xml:lang'), attr(summary, 'xml:lang'), firstText(entry, 'dc:language')),
    };
  });
  const links = all(feed, 'link');
  const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links.find((l) => attr(l, 'rel') !== 'self');
  const title = first(feed, 'title');
  return {
    format: 'atom',
    title: atomText(title),
    titleKind: kindOf(title),
    link: resolveUrl(attr(alternate, 'href') ?? text(alternate), xmlBase(alternate, base)),
    language: declaredLanguage(attr(feed, 'xml:lang'), doc.root.attrs['xml:lang'], firstText(feed, 'dc:language')),
    entries,
  };
}
