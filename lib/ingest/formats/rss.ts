// RSS 0.9x, 1.0 (RDF) and 2.0: the elements read from a channel and its items, and their mapping onto ParsedFeed.
import { pickDate } from '../dates.ts';
import type { ParsedEntry, ParsedFeed } from '../parse.ts';
import { all, attr, first, firstText, MEDIA_FIELDS, mediaImage, resolveUrl, text, xmlBase, type XmlDocument, type XmlFields, type XmlNode } from './xml.ts';
import { datesOf, declaredLanguage, mediaDescription, mediaTitle, MEDIA_TEXT_FIELDS, pickLink, type FeedContext } from './common.ts';

// Publication dates in order of preference, then modification dates (Dublin Core, Atom inside RSS, .NET's a10).
const PUBLISHED = ['pubDate', 'dc:date', 'atom:published', 'dcterms:issued', 'dcterms:created', 'published', 'issued'] as const;
const UPDATED = ['atom:updated', 'dcterms:modified', 'updated', 'modified', 'lastBuildDate'] as const;
const AUTHORS = ['dc:creator', 'author', 'itunes:author', 'dc:author'] as const;
const SUMMARIES = ['description', 'summary', 'itunes:summary', 'dc:description'] as const;
const CONTENTS = ['content:encoded', 'xhtml:body', 'body', 'content', 'fullitem'] as const;

/** Elements of an RSS channel and item that the mapper reads (rss-parser captures each raw). */
export const RSS_FIELDS: XmlFields = {
  feed: ['title', 'dc:title', 'link', 'atom:link', 'language', 'dc:language'],
  item: [
    'title', 'dc:title', 'link', 'atom:link', 'feedburner:origLink', 'guid', 'itunes:link',
    ...SUMMARIES, ...CONTENTS, ...AUTHORS, 'atom:author', ...PUBLISHED, ...UPDATED, 'dc:language',
    ...MEDIA_FIELDS, ...MEDIA_TEXT_FIELDS,
  ],
};

/** Texts of every element among `names` (several `dc:creator`), taken from the first name that has any. */
function allTexts(node: XmlNode, names: readonly string[]): string[] {
  for (const name of names) {
    const values = all(node, name).map(text).filter((t): t is string => Boolean(t));
    if (values.length) return values;
  }
  return [];
}

/** The item's own link: FeedBurner's original, `<link>`, an Atom alternate, a permalink guid, `rdf:about`, an enclosure. */
function itemLink(item: XmlNode, base: string | undefined): string | undefined {
  const guid = first(item, 'guid');
  const permalink = attr(guid, 'isPermaLink')?.toLowerCase();
  return pickLink(base, [
    { node: item['feedburner:origLink'] },
    ...all(item, 'link').map((l) => ({ node: l, href: attr(l, 'href') ?? text(l) })),
    ...all(item, 'atom:link').filter((l) => ['alternate', undefined].includes(attr(l, 'rel'))).map((l) => ({ node: l, href: attr(l, 'href') })),
    // A guid is a permalink unless it says otherwise (RSS 2.0); without the attribute it must look like a URL.
    { href: permalink === 'false' ? undefined : text(guid), absoluteOnly: permalink !== 'true' },
    { href: attr(item, 'rdf:about'), absoluteOnly: true },
    ...all(item, 'enclosure').map((e) => ({ href: attr(e, 'url') })),
  ]);
}

/** Maps an RSS document (any of 0.9x, 1.0, 2.0) onto ParsedFeed. */
export function mapRss(doc: XmlDocument, ctx: FeedContext): ParsedFeed {
  const channel = doc.feed;
  const base = xmlBase(channel, xmlBase({ $: doc.root.attrs }, ctx.url));
  const feedLink = firstText(channel, 'link') ?? attr(all(channel, 'atom:link').find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate'), 'href');
  const entries = doc.items.map((item): ParsedEntry => {
    const ibase = xmlBase(item, base);
    const guid = text(first(item, 'guid'))?.trim() ?? attr(item, 'rdf:about');
    const authors = allTexts(item, AUTHORS);
    const atomAuthors = all(item, 'atom:author').map((a) => firstText(a as XmlNode, 'atom:name', 'name') ?? text(a)).filter((a): a is string => Boolean(a));
    return {
      guid,
      title: firstText(item, 'title', 'dc:title') ?? mediaTitle(item),
      titleKind: 'html',
      link: itemLink(item, ibase),
      summary: firstText(item, ...SUMMARIES) ?? mediaDescription(item),
      summaryKind: 'html',
      content: firstText(item, ...CONTENTS),
      contentKind: 'html',
      authors: authors.length ? authors : atomAuthors,
      date: pickDate(datesOf(item, PUBLISHED)),
      updated: pickDate(datesOf(item, UPDATED)),
      image: resolveUrl(mediaImage(item) ?? itunesImage(item), ibase),
      language: declaredLanguage(firstText(item, 'dc:language'), attr(item, 'xml:lang')),
    };
  });
  return {
    format: doc.root.local === 'RDF' ? 'rdf' : 'rss',
    title: firstText(channel, 'title', 'dc:title'),
    titleKind: 'html',
    link: resolveUrl(feedLink, base),
    language: declaredLanguage(firstText(channel, 'language', 'dc:language'), attr(channel, 'xml:lang'), doc.root.attrs['xml:lang']),
    entries,
  };
}

/** iTunes item images in their older spellings: `<itunes:image url>` and `<itunes:link rel="image">`. */
function itunesImage(item: XmlNode): string | undefined {
  return attr(first(item, 'itunes:image'), 'url') ?? attr(all(item, 'itunes:link').find((l) => attr(l, 'rel') === 'image'), 'href');
}
