// Feed XML read through rss-parser's public API: each format's elements captured raw, prefixes by namespace URI.
import Parser from 'rss-parser';
import { parseStringPromise, type Options } from 'xml2js';
import type { RootElement } from '../xml-prepare.ts';

/** An element as xml2js gives it: attributes under `$`, text under `_`, children as arrays by name. */
export type XmlNode = { $?: Record<string, unknown>; _?: unknown; [child: string]: unknown };

/** The elements a format reads: of the feed element (RSS channel, Atom feed) and of each item or entry. */
export interface XmlFields {
  feed: readonly string[];
  item: readonly string[];
}

/** Which element holds the feed's metadata and items. */
export type XmlLayout = 'rss' | 'rdf' | 'atom';

/** A feed document read into raw nodes, as the format mappers consume it. */
export interface XmlDocument {
  root: RootElement;
  /** The RSS channel or the Atom feed element: its declared children, and its attributes as `$`. */
  feed: XmlNode;
  /** Items (RSS) or entries (Atom) in document order, each with its declared children and `$`. */
  items: XmlNode[];
  /**
   * How the document was read: `rss-parser` (parseString with customFields), or `xml2js` when rss-parser's
   * own mapping rejected a well-formed document (an `<rss>` without channel, an Atom `<link>` without
   * attributes, a root it does not recognize): the same elements, read from xml2js's tree directly.
   */
  via: 'rss-parser' | 'xml2js';
}

// Canonical prefixes of the namespaces we read, by URI (lower-cased: iTunes' own samples spell theirs
// `DTDs/Podcast`): documents may bind any prefix to them.
const NAMESPACES = new Map<string, string>(Object.entries({
  'http://www.w3.org/2005/Atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/': 'rss',
  'http://backend.userland.com/rss2': 'rss',
  'http://backend.userland.com/rss': 'rss',
  'http://blogs.law.harvard.edu/tech/rss': 'rss',
  'http://my.netscape.com/rdf/simple/0.9/': 'rss',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://purl.org/rss/1.0/modules/syndication/': 'sy',
  'http://www.w3.org/1999/xhtml': 'xhtml',
}).map(([uri, prefix]) => [uri.toLowerCase(), prefix]));

/**
 * A name rewriter from the prefixes a document binds on its root to the canonical ones (`a10:updated` →
 * `atom:updated`, `r:item` → `item` in RSS, `atom:entry` → `entry` in Atom). Declarations below the root are
 * rare and left as they are.
 */
export function prefixRenamer(rootAttrs: Record<string, string>, layout: XmlLayout): (name: string) => string {
  const own = layout === 'atom' ? 'atom' : 'rss';
  const map = new Map<string, string>();
  for (const [k, uri] of Object.entries(rootAttrs)) {
    if (!k.startsWith('xmlns:')) continue;
    const canonical = NAMESPACES.get(uri.trim().toLowerCase());
    if (canonical === undefined) continue;
    const target = canonical === own ? '' : canonical;
    const prefix = k.slice('xmlns:'.length);
    if (prefix !== target) map.set(prefix, target);
  }
  return (name) => {
    const i = name.indexOf(':');
    const target = i < 0 ? undefined : map.get(name.slice(0, i));
    if (target === undefined) return name;
    return target ? `${target}:${name.slice(i + 1)}` : name.slice(i + 1);
  };
}

const RSS_ELEMENTS = new Map(
  ['rss', 'channel', 'item', 'title', 'link', 'description', 'language', 'author', 'guid', 'pubDate', 'lastBuildDate', 'enclosure', 'source', 'category', 'comments']
    .map((n) => [n.toLowerCase(), n]),
);

/** RSS element names in another case (`<TiTlE>`, `<PubDate>`) folded to theirs, as iTunes and others read them. */
const foldRssCase = (name: string) => (name.includes(':') ? name : (RSS_ELEMENTS.get(name.toLowerCase()) ?? name));

// Captured fields live under their own keys in rss-parser's output, apart from the ones it fills itself.
const key = (name: string) => `@${name}`;
const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick(source: Record<string, unknown>, names: readonly string[]): XmlNode {
  const node: XmlNode = {};
  for (const name of [...names, '$']) {
    const v = source[key(name)];
    if (v !== undefined) node[name] = v;
  }
  return node;
}

function fromTree(tree: unknown, layout: XmlLayout): Pick<XmlDocument, 'feed' | 'items'> {
  const rootNode = isNode(tree) ? Object.values(tree)[0] : undefined;
  const root = isNode(rootNode) ? rootNode : {};
  const nodes = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((n) => (isNode(n) ? n : {}));
  if (layout === 'atom') return { feed: root, items: nodes(root.entry) };
  // An <rss> without channel: whatever it holds directly (often nothing) is the channel.
  const channel = nodes(root.channel)[0] ?? root;
  return { feed: channel, items: nodes(layout === 'rdf' ? root.item : channel.item) };
}

/** xml2js options for a document: text always under `_`, names rewritten to the canonical prefixes (and case). */
function xml2jsOptions(root: RootElement, layout: XmlLayout): Options {
  const rename = prefixRenamer(root.attrs, layout);
  return { explicitCharkey: true, tagNameProcessors: layout === 'atom' ? [rename] : [rename, foldRssCase], attrNameProcessors: [rename] };
}

/**
 * Reads a sanitized feed document with xml2js alone (same options as through rss-parser): the feed element and
 * items with all their children. The path for documents rss-parser's own mapping rejects.
 * @throws the XML parser's error when the document is not well-formed
 */
export async function readXmlTree(xml: string, root: RootElement, layout: XmlLayout): Promise<XmlDocument> {
  return { root, ...fromTree(await parseStringPromise(xml, xml2jsOptions(root, layout)), layout), via: 'xml2js' };
}

/**
 * Reads a sanitized feed document: rss-parser's `parseString` with the format's elements as `customFields`
 * (`keepArray`, so each comes raw, attributes included), element text always under `_` (`explicitCharkey`),
 * and namespace prefixes rewritten to the canonical ones. When rss-parser's own mapping rejects a document
 * that is well-formed, the same elements are read from a plain xml2js pass with the same options.
 * @throws the XML parser's error when the document is not well-formed
 */
export async function readXmlDocument(xml: string, root: RootElement, layout: XmlLayout, fields: XmlFields): Promise<XmlDocument> {
  const xml2js = xml2jsOptions(root, layout);
  const capture = (names: readonly string[]) => [...names, '$'].map((n) => [n, key(n), { keepArray: true }]);
  // rss-parser's typings list feed custom fields as plain names; its runtime takes the same
  // [from, to, {keepArray}] tuples as for items (both go through the same copy function).
  const parser = new Parser({ xml2js, defaultRSS: 2, customFields: { feed: capture(fields.feed) as unknown as string[], item: capture(fields.item) } });
  let out: Record<string, unknown> & { items?: unknown };
  try {
    out = await parser.parseString(xml);
  } catch {
    return readXmlTree(xml, root, layout);
  }
  const items = Array.isArray(out.items) ? out.items : [];
  return { root, feed: pick(out, fields.feed), items: items.map((i) => pick(isNode(i) ? i : {}, fields.item)), via: 'rss-parser' };
}

// ---------------------------------------------------------------------------------------------------------
// Reading raw nodes: text, attributes, children.

/** Any xml2js (or JSON) value as a string: text content for elements, first element for arrays. */
export function coerceText(v: unknown, depth = 0): string | undefined {
  if (v === null || v === undefined || depth > 20) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length ? coerceText(v[0], depth + 1) : undefined;
  if (isNode(v)) {
    const own = typeof v._ === 'string' || typeof v._ === 'number' ? String(v._) : undefined;
    const children = Object.keys(v).filter((k) => k !== '$' && k !== '_');
    if (children.length === 0) return own;
    // Nested elements: own text then children's, depth first (xml2js does not keep mixed-content order;
    // text elements with markup are wrapped in CDATA before parsing, so this is the rare leftover case).
    const parts: string[] = own ? [own] : [];
    for (const k of children) {
      const child = v[k];
      for (const c of Array.isArray(child) ? child : [child]) {
        const t = coerceText(c, depth + 1);
        if (t) parts.push(t);
      }
    }
    return parts.length ? parts.join(' ') : undefined;
  }
  return undefined;
}

const nonEmpty = (s: string | undefined) => (s !== undefined && s.trim() !== '' ? s : undefined);

/** Text of a value, undefined when empty or blank. */
export const text = (v: unknown) => nonEmpty(coerceText(v));

/** Children of `node` named `name` (always an array). */
export function all(node: XmlNode | undefined, name: string): unknown[] {
  const v = node?.[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** First child element among `names` (in that order of preference), as a node. */
export function first(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  for (const name of names) {
    for (const c of all(node, name)) return isNode(c) ? c : { _: c };
  }
  return undefined;
}

/** Text of the first non-empty child among `names`, in that order of preference. */
export function firstText(node: XmlNode | undefined, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const c of all(node, name)) {
      const t = text(c);
      if (t) return t;
    }
  }
  return undefined;
}

/** An attribute of an element (or of the first of an array of them), undefined when absent or blank. */
export function attr(v: unknown, name: string): string | undefined {
  const node = Array.isArray(v) ? v[0] : v;
  return isNode(node) && isNode(node.$) ? nonEmpty(coerceText(node.$[name])) : undefined;
}

/** `href` resolved against `base` when both make a URL; the trimmed `href` otherwise. */
export function resolveUrl(href: string | undefined, base: string | undefined): string | undefined {
  const h = href?.trim();
  if (!h) return undefined;
  if (!base) return h;
  try {
    return new URL(h, base).href;
  } catch {
    return h;
  }
}

/** The base URI in scope inside `node`: its `xml:base` resolved against the parent's (RFC 3986, XML Base). */
export const xmlBase = (node: unknown, parent: string | undefined) => resolveUrl(attr(node, 'xml:base'), parent) ?? parent;

/** Image of an item from Media RSS, enclosures, Atom enclosure links or iTunes, unresolved. */
export function mediaImage(node: XmlNode): string | undefined {
  const groups = all(node, 'media:group').filter(isNode);
  const contents = [...all(node, 'media:content'), ...groups.flatMap((g) => all(g, 'media:content'))];
  for (const c of contents) {
    const url = attr(c, 'url');
    const medium = attr(c, 'medium') ?? '';
    const type = attr(c, 'type') ?? '';
    if (url && (medium === 'image' || type.startsWith('image/') || (!medium && !type && /\.(jpe?g|png|gif|webp|avif)(\?|$)/i.test(url)))) return url;
  }
  for (const t of [...all(node, 'media:thumbnail'), ...groups.flatMap((g) => all(g, 'media:thumbnail'))]) {
    const url = attr(t, 'url');
    if (url) return url;
  }
  for (const e of all(node, 'enclosure')) {
    const url = attr(e, 'url');
    if (url && (attr(e, 'type') ?? '').startsWith('image/')) return url;
  }
  for (const l of [...all(node, 'link'), ...all(node, 'atom:link')]) {
    if (attr(l, 'rel') === 'enclosure' && (attr(l, 'type') ?? '').startsWith('image/')) return attr(l, 'href');
  }
  return attr(first(node, 'itunes:image'), 'href');
}

/** Elements `mediaImage` reads. */
export const MEDIA_FIELDS = ['media:content', 'media:group', 'media:thumbnail', 'enclosure', 'itunes:image'] as const;
