// Parses feed text into a format-neutral structure: sniffs the format, applies the safety layer, maps with one mapper per format.
import { parseFeedDate } from './dates.ts';
import { decodeBody } from './decode.ts';
import { ParseError } from './errors.ts';
import { ATOM_FIELDS, mapAtom } from './formats/atom.ts';
import { mapJsonFeed } from './formats/json.ts';
import { mapRss, RSS_FIELDS } from './formats/rss.ts';
import { readXmlDocument, type XmlDocument, type XmlLayout } from './formats/xml.ts';
import { DEFAULT_MAX_ITEMS } from './limits.ts';
import { cutXmlToNewest, newestEntries } from './newest.ts';
import { assertNoEntityDeclarations, readRootElement, sanitizeXml, scanProlog, wrapInlineMarkup, type RootElement } from './xml-prepare.ts';

export { ParseError } from './errors.ts';
export { coerceText } from './formats/xml.ts';
export { sanitizeXml, wrapInlineMarkup } from './xml-prepare.ts';

/** Whether a text field holds markup (to strip) or literal text (to keep as is). */
export type TextKind = 'text' | 'html';

/** One entry as the feed gave it, before normalization; every field is a string or absent. */
export interface ParsedEntry {
  guid?: string;
  title?: string;
  titleKind?: TextKind;
  /** The article's link, resolved against `xml:base` and the document's URL where they make it absolute. */
  link?: string;
  /** Short description (RSS description, Atom summary, JSON summary), markup or text per `summaryKind`. */
  summary?: string;
  summaryKind?: TextKind;
  /** Full content (content:encoded, Atom content, content_html/text). */
  content?: string;
  contentKind?: TextKind;
  /** Authors in document order as the feed names them (RSS may give `email (Name)`); inherited where the format says so. */
  authors?: string[];
  /** Publication date as found: the first candidate element that parses, else the first present. */
  date?: string;
  /** Last-modified date as found (used when there is no publication date). */
  updated?: string;
  image?: string;
  /** The entry's declared language tag (`xml:lang`, `dc:language`, JSON `language`), not the feed's. */
  language?: string;
}

/** A parsed feed. */
export interface ParsedFeed {
  format: 'rss' | 'rdf' | 'atom' | 'json';
  title?: string;
  titleKind?: TextKind;
  link?: string;
  /** The feed's declared language tag (document, else the HTTP `Content-Language`). */
  language?: string;
  /** Encoding the bytes were decoded with, when parsing bytes. */
  encoding?: string;
  /** A recoverable problem with the body (e.g. mislabelled charset); recorded on the feed's health. */
  warning?: string;
  /** Entries in document order: the `maxItems` newest when the feed had more. */
  entries: ParsedEntry[];
}

export { DEFAULT_MAX_ITEMS } from './limits.ts';

/** Hints that come with a body. */
export interface ParseOptions {
  contentType?: string;
  /** Where the body came from (after redirects): the base of relative links where `xml:base` does not say. */
  url?: string;
  /** The HTTP `Content-Language`: the feed's language when the document declares none (a single tag only). */
  contentLanguage?: string;
  /** Entries kept, newest first (default DEFAULT_MAX_ITEMS; `Infinity` keeps all). */
  maxItems?: number;
}

/** The XML vocabularies we read, by root element (local name): where items are and how they map. */
const XML_FORMATS: Record<string, { layout: XmlLayout; itemTag: 'item' | 'entry'; fields: typeof RSS_FIELDS; map: typeof mapRss }> = {
  rss: { layout: 'rss', itemTag: 'item', fields: RSS_FIELDS, map: mapRss },
  RDF: { layout: 'rdf', itemTag: 'item', fields: RSS_FIELDS, map: mapRss },
  feed: { layout: 'atom', itemTag: 'entry', fields: ATOM_FIELDS, map: mapAtom },
};
const formatOf = (root: RootElement | undefined) => (root ? (XML_FORMATS[root.local] ?? XML_FORMATS[root.local.toLowerCase()]) : undefined);

function parseJson(text: string, url: string | undefined): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError(`Not a feed: invalid JSON (${(err as Error).message})`, { cause: err });
  }
  return mapJsonFeed(doc, { url });
}

/** Reads the sanitized document, repairing the commonest breakage (a truncated end tag) once. */
async function readXml(xml: string, format: NonNullable<ReturnType<typeof formatOf>>): Promise<XmlDocument> {
  const read = (s: string) => readXmlDocument(s, readRootElement(s, scanProlog(s).end)!, format.layout, format.fields);
  try {
    return await read(xml);
  } catch (err) {
    const repaired = xml.trimEnd().replace(/<\/((?:[\w.-]+:)?(?:rss|feed|RDF|channel))\s*$/, '</$1>');
    try {
      if (repaired === xml.trimEnd()) throw err;
      return await read(repaired);
    } catch (err2) {
      const msg = String((err2 as Error).message ?? err2).split('\n').slice(0, 3).join(' ');
      throw new ParseError(`Not a feed: XML is not well-formed (${msg})`, { cause: err2 });
    }
  }
}

async function parseXml(text: string, opts: ParseOptions, maxItems: number): Promise<ParsedFeed> {
  const prolog = scanProlog(text);
  const root = readRootElement(text, prolog.end);
  const doctype = prolog.doctype ? text.slice(prolog.doctype.start, prolog.doctype.end) : '';
  const format = formatOf(root);
  // An HTML page: its root says so, or an unknown root comes with an HTML doctype or content type.
  if (root?.local.toLowerCase() === 'html' || (!format && (/^<!DOCTYPE\s+html\b/i.test(doctype) || /html/i.test(opts.contentType ?? '')))) {
    throw new ParseError('Not a feed: got an HTML page (look for a <link rel="alternate" type="application/rss+xml"> on it)');
  }
  if (!root) throw new ParseError('Not a feed: the body is neither XML nor JSON');
  if (!format) throw new ParseError(`Not a feed: unknown root element <${root.name}>`);
  assertNoEntityDeclarations(prolog);
  // The item cap is applied to the text first: a feed of 100,000 items costs a scan, not a tree.
  const xml = sanitizeXml(wrapInlineMarkup(cutXmlToNewest(text.trimStart(), format.itemTag, maxItems)));
  return format.map(await readXml(xml, format), { url: opts.url });
}

/**
 * Parses a feed body (bytes are decoded first, see decode.ts): JSON Feed when it starts with `{`, else RSS
 * 0.9x/1.0/2.0 or Atom 0.3/1.0 by its root element. Keeps the `maxItems` newest entries.
 * @throws ParseError for anything that is not a readable feed (HTML page, broken XML, unknown format, declared entities)
 * @throws DecodeError for an empty or binary body
 */
export async function parseFeed(body: Buffer | string, opts: ParseOptions = {}): Promise<ParsedFeed> {
  let text: string;
  let encoding: string | undefined;
  let warning: string | undefined;
  if (typeof body === 'string') text = body;
  else {
    const d = decodeBody(body, opts.contentType);
    text = d.text;
    encoding = d.encoding;
    warning = d.warning;
  }
  text = text.replace(/^\ufeff/, '');
  if (!text.trim()) throw new ParseError('Empty document: not a feed');
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  const start = text.trimStart();
  const json = /^[{[]/.test(start) || (/json/i.test(opts.contentType ?? '') && !start.startsWith('<'));
  const feed = json ? parseJson(start, opts.url) : await parseXml(text, opts, maxItems);
  const httpLanguage = opts.contentLanguage?.trim();
  return {
    ...feed,
    language: feed.language ?? (httpLanguage && !httpLanguage.includes(',') ? httpLanguage : undefined),
    entries: newestEntries(feed.entries, maxItems, (e) => parseFeedDate(e.date) ?? parseFeedDate(e.updated)),
    encoding,
    ...(warning ? { warning } : {}),
  };
}
