// OPML 2.0 import/export of outlets, keeping Roundup's outlet metadata in a namespace other readers ignore.
import type { FeedDef, Outlet } from '../types.ts';
import { UNKNOWN_COUNTRY, UNKNOWN_REGION } from './register.ts';

/** Namespace URI of Roundup's outlet metadata attributes in OPML. */
export const ROUNDUP_OPML_NS = 'https://roundup.news/ns/opml';

// Subscription lists are small; anything bigger is a mistake or an attack on the parser.
const MAX_OPML_CHARS = 5_000_000;
const MAX_DEPTH = 64;

/** Thrown when an OPML document cannot be read at all (not for merely odd outlines, which are skipped). */
export class OpmlError extends Error {
  override name = 'OpmlError';
}

/** Options for {@link toOpml}. */
export interface ToOpmlOptions {
  /** Document title in `<head>`. */
  title?: string;
  /** Adds `<dateCreated>`; left out by default so the output is byte-stable for diffs and fixtures. */
  dateCreated?: Date;
}

/**
 * Serialises outlets as OPML 2.0: one outline group per outlet carrying its metadata as
 * `roundup:*` attributes (plus standard `htmlUrl`), one `type="rss"` child per feed.
 * Feed outlines always get a `language` attribute (the outlet's first language when the feed
 * has none of its own) so that third-party readers see it too.
 */
export function toOpml(outlets: readonly Outlet[], options: ToOpmlOptions = {}): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:roundup="${ROUNDUP_OPML_NS}">`,
    '  <head>',
    `    <title>${escapeXml(options.title ?? 'Roundup outlets')}</title>`,
  ];
  if (options.dateCreated) lines.push(`    <dateCreated>${options.dateCreated.toUTCString()}</dateCreated>`);
  lines.push('  </head>', '  <body>');
  for (const o of outlets) {
    const group = attrs([
      ['text', o.name],
      ['title', o.name],
      ['htmlUrl', o.homepage],
      ['roundup:id', o.id],
      ['roundup:city', o.city],
      ['roundup:country', o.country],
      ['roundup:region', o.region],
      ['roundup:languages', o.languages.join(' ')],
      ['roundup:homepage', o.homepage],
    ]);
    lines.push(`    <outline ${group}>`);
    for (const f of o.feeds) {
      const feed = attrs([
        ['type', 'rss'],
        ['text', f.title ?? o.name],
        ['title', f.title],
        ['xmlUrl', f.url],
        ['htmlUrl', o.homepage],
        ['language', f.language ?? o.languages[0]],
        ['roundup:id', f.id],
      ]);
      lines.push(`      <outline ${feed}/>`);
    }
    lines.push('    </outline>');
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

/**
 * Reads outlets from OPML. Roundup's own export round-trips exactly (for outlets whose feeds set
 * `language` only when it differs from the outlet's first language, as the registry does).
 * Plain third-party OPML — flat or nested, with only `xmlUrl`/`title`/`text`/`htmlUrl` — is grouped
 * into outlets by web host: id derived from `htmlUrl` (else `xmlUrl`), country `ZZ`, region
 * `unknown`, city "". Feeds whose URL is not http(s) are skipped.
 *
 * The document is never given to a DTD-aware parser: DOCTYPE declarations are skipped and
 * entity references other than XML's five and numeric ones are left as literal text, so
 * external (XXE) and expanding (billion laughs) entities do nothing.
 * @throws {OpmlError} when the text is not OPML or exceeds the size limit.
 */
export function fromOpml(xml: string): Outlet[] {
  return readOpml(xml).outlets;
}

/**
 * {@link fromOpml}, also listing the feed outlines it skipped (URL not http(s)), so an import can refuse them
 * rather than drop them unnoticed.
 * @throws {OpmlError} when the text is not OPML or exceeds the size limit.
 */
export function readOpml(xml: string): { outlets: Outlet[]; skipped: string[] } {
  if (xml.length > MAX_OPML_CHARS) throw new OpmlError(`OPML larger than ${MAX_OPML_CHARS} characters`);
  const root = parseXml(xml);
  if (root.local !== 'opml') throw new OpmlError(`root element is <${root.name.slice(0, 80)}>, not <opml>`);
  const body = root.children.find((c) => c.local === 'body');
  const skipped: string[] = [];
  if (!body) return { outlets: [], skipped };

  const outlets = new Map<string, Outlet>();
  const feedIds = new Set<string>();
  // Outlets made up from feed hosts: their languages are learnt from the feeds' `language` attributes.
  const derived = new Set<Outlet>();
  const walk = (el: XmlElement, owner: Outlet | undefined): void => {
    for (const child of el.children) {
      if (child.local !== 'outline') continue;
      const xmlUrl = attr(child, 'xmlUrl');
      if (xmlUrl !== undefined) {
        addFeed(child, xmlUrl, owner);
        continue;
      }
      const meta = outletFromGroup(child);
      if (meta) {
        const existing = outlets.get(meta.id);
        if (!existing) outlets.set(meta.id, meta);
        walk(child, existing ?? meta);
      } else {
        walk(child, owner); // a plain folder such as "News" or "Tech": look inside
      }
    }
  };

  const addFeed = (el: XmlElement, rawUrl: string, owner: Outlet | undefined): void => {
    const url = httpUrl(rawUrl);
    if (!url) {
      const name = clean(attr(el, 'title')) ?? clean(attr(el, 'text'));
      skipped.push(`feed${name ? ` "${name.slice(0, 80)}"` : ''}: xmlUrl ${JSON.stringify(rawUrl.slice(0, 200))} is not an http(s) URL`);
      return;
    }
    const declaredId = clean(attr(el, 'id', ROUNDUP_OPML_NS));
    // Our export puts the outlet name in `text` when a feed has no title; only `title` is the feed's own.
    const title = declaredId && owner ? clean(attr(el, 'title')) : (clean(attr(el, 'title')) ?? clean(attr(el, 'text')));
    const htmlUrl = httpUrl(attr(el, 'htmlUrl') ?? '');
    let outlet = owner;
    if (!outlet) {
      const id = slugFromHost(new URL(htmlUrl ?? url).hostname);
      outlet = outlets.get(id);
      if (!outlet) {
        outlet = {
          id,
          name: title ?? new URL(htmlUrl ?? url).hostname.replace(/^www\./, ''),
          city: '',
          country: UNKNOWN_COUNTRY,
          region: UNKNOWN_REGION,
          languages: [],
          // The site root, not the first feed's section page, identifies the outlet.
          homepage: `${new URL(htmlUrl ?? url).origin}/`,
          feeds: [],
        };
        outlets.set(id, outlet);
        derived.add(outlet);
      }
    }
    const language = primaryLanguage(attr(el, 'language'));
    if (language && derived.has(outlet) && !outlet.languages.includes(language)) outlet.languages.push(language);
    const id = uniqueFeedId(
      declaredId?.startsWith(`${outlet.id}/`) ? declaredId : `${outlet.id}/${feedSlug(title, url)}`,
      feedIds,
    );
    const feed: FeedDef = { id, url };
    if (title !== undefined) feed.title = title;
    // Only a language different from the outlet's first is worth keeping on the feed.
    if (language && language !== outlet.languages[0]) feed.language = language;
    outlet.feeds.push(feed);
  };

  walk(body, undefined);
  const result = [...outlets.values()].filter((o) => o.feeds.length > 0);
  for (const o of result) {
    if (o.languages.length === 0) o.languages.push('und');
    // An outlet group without a web address gets its first feed's site, as outlets made up from hosts do.
    if (!o.homepage) o.homepage = `${new URL(o.feeds[0]!.url).origin}/`;
    // Feeds seen before the outlet's first language was known may carry it redundantly.
    for (const f of o.feeds) if (f.language === o.languages[0]) delete f.language;
  }
  return { outlets: result, skipped };
}

// ── Outline helpers ──────────────────────────────────────────────────────────

function outletFromGroup(el: XmlElement): Outlet | undefined {
  const id = clean(attr(el, 'id', ROUNDUP_OPML_NS));
  if (!id) return undefined;
  const homepage = clean(attr(el, 'homepage', ROUNDUP_OPML_NS)) ?? httpUrl(attr(el, 'htmlUrl') ?? '') ?? '';
  const languages = (attr(el, 'languages', ROUNDUP_OPML_NS) ?? '')
    .split(/[\s,]+/)
    .map((l) => primaryLanguage(l))
    .filter((l): l is string => !!l);
  return {
    id,
    name: clean(attr(el, 'text')) ?? clean(attr(el, 'title')) ?? id,
    city: attr(el, 'city', ROUNDUP_OPML_NS)?.trim() ?? '',
    country: clean(attr(el, 'country', ROUNDUP_OPML_NS))?.toUpperCase() ?? UNKNOWN_COUNTRY,
    region: clean(attr(el, 'region', ROUNDUP_OPML_NS)) ?? UNKNOWN_REGION,
    languages,
    homepage,
    feeds: [],
  };
}

function clean(value: string | undefined): string | undefined {
  const v = value?.replace(/\s+/g, ' ').trim();
  return v ? v : undefined;
}

function httpUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? raw.trim() : undefined;
  } catch {
    return undefined;
  }
}

function primaryLanguage(tag: string | undefined): string | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** Host to outlet id: `www.lemonde.fr` → `lemonde-fr`, `feeds.bbci.co.uk` → `bbci-co-uk`. */
function slugFromHost(host: string): string {
  const h = host.toLowerCase().replace(/^(?:www\d*|feeds?|rss|m)\./, '');
  return slugify(h) || 'outlet';
}

function feedSlug(title: string | undefined, url: string): string {
  const { pathname } = new URL(url);
  // The path is more stable than a title someone may rename; fall back to the title for `/feed`-style paths.
  const fromPath = slugify(pathname.replace(/\.(?:xml|rss|rdf|atom|cms)$/i, '').replace(/\b(?:rss|feeds?|index|default)\b/gi, ' '));
  return (fromPath || slugify(title ?? '') || 'feed').slice(0, 60).replace(/-+$/, '');
}

function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function uniqueFeedId(id: string, taken: Set<string>): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n++) candidate = `${id}-${n}`;
  taken.add(candidate);
  return candidate;
}

// ── Serialisation ────────────────────────────────────────────────────────────

function attrs(pairs: Array<[string, string | undefined]>): string {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}="${escapeXml(v)}"`)
    .join(' ');
}

/** Escapes text for XML content or a double-quoted attribute, dropping characters XML 1.0 forbids. */
export function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Literal newlines and tabs in attributes are normalised to spaces by XML parsers.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

// ── Minimal, DTD-free XML reader ─────────────────────────────────────────────
// OPML only needs elements and attributes. A hand-rolled reader keeps entity handling fully in
// our hands (no DTD, no external fetches) and tolerates the sloppy OPML that feed readers emit.

interface XmlElement {
  /** Qualified name as written (`roundup:id`). */
  name: string;
  /** Local part of the name, namespace prefix removed. */
  local: string;
  /** Attributes keyed by `{namespace-uri}local` when namespaced, else by plain name. */
  attrs: Map<string, string>;
  children: XmlElement[];
}

function attr(el: XmlElement, local: string, ns?: string): string | undefined {
  return el.attrs.get(ns ? `{${ns}}${local}` : local);
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    // Anything else would need the DTD: left verbatim on purpose.
    return PREDEFINED[ref] ?? whole;
  });
}

interface RawElement {
  name: string;
  rawAttrs: Array<[string, string]>;
  children: RawElement[];
  ns: Map<string, string>;
}

function parseXml(xml: string): XmlElement {
  const text = xml.replace(/^\uFEFF/, '');
  const top: RawElement = { name: '#document', rawAttrs: [], children: [], ns: new Map() };
  const stack: RawElement[] = [top];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      i = endOf(text, '-->', lt + 4);
    } else if (text.startsWith('<![CDATA[', lt)) {
      i = endOf(text, ']]>', lt + 9);
    } else if (text.startsWith('<?', lt)) {
      i = endOf(text, '?>', lt + 2);
    } else if (text.startsWith('<!', lt)) {
      i = skipDeclaration(text, lt + 2);
    } else if (text[lt + 1] === '/') {
      const gt = text.indexOf('>', lt);
      if (gt < 0) throw new OpmlError('unterminated end tag');
      const name = text.slice(lt + 2, gt).trim();
      // Tolerate stray end tags: only pop when the element is actually open.
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      i = gt + 1;
    } else {
      const { el, end, selfClosing } = readStartTag(text, lt + 1);
      const parent = stack[stack.length - 1]!;
      el.ns = new Map(parent.ns);
      for (const [k, v] of el.rawAttrs) {
        if (k === 'xmlns') el.ns.set('', v);
        else if (k.startsWith('xmlns:')) el.ns.set(k.slice(6), v);
      }
      parent.children.push(el);
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) throw new OpmlError('outlines nested too deeply');
        stack.push(el);
      }
      i = end;
    }
  }
  const root = top.children[0];
  if (!root) throw new OpmlError('no root element');
  return resolve(root);
}

function resolve(raw: RawElement): XmlElement {
  const attrs = new Map<string, string>();
  for (const [k, v] of raw.rawAttrs) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const colon = k.indexOf(':');
    // Unprefixed attributes are in no namespace (XML Namespaces §6.2), whatever the default one is.
    const uri = colon > 0 ? raw.ns.get(k.slice(0, colon)) : undefined;
    attrs.set(uri ? `{${uri}}${k.slice(colon + 1)}` : k, v);
  }
  const colon = raw.name.indexOf(':');
  return {
    name: raw.name,
    local: colon >= 0 ? raw.name.slice(colon + 1) : raw.name,
    attrs,
    children: raw.children.map(resolve),
  };
}

function endOf(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  if (at < 0) throw new OpmlError(`unterminated markup (missing "${terminator}")`);
  return at + terminator.length;
}

/** Skips `<!DOCTYPE …>` including an internal subset, honouring quotes; nothing in it is used. */
function skipDeclaration(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth--;
    } else if (c === '>' && depth <= 0) {
      return i + 1;
    }
  }
  throw new OpmlError('unterminated declaration');
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_.:\u00B7-\uFFFF]*/y;

function readStartTag(text: string, from: number): { el: RawElement; end: number; selfClosing: boolean } {
  NAME.lastIndex = from;
  const m = NAME.exec(text);
  if (!m) throw new OpmlError(`malformed tag at offset ${from}`);
  const el: RawElement = { name: m[0], rawAttrs: [], children: [], ns: new Map() };
  let i = NAME.lastIndex;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) throw new OpmlError('unterminated start tag');
    if (text[i] === '>') return { el, end: i + 1, selfClosing: false };
    if (text.startsWith('/>', i)) return { el, end: i + 2, selfClosing: true };
    NAME.lastIndex = i;
    const an = NAME.exec(text);
    if (!an) throw new OpmlError(`malformed attribute at offset ${i}`);
    i = NAME.lastIndex;
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') {
      el.rawAttrs.push([an[0], '']); // HTML-style bare attribute: tolerated, valueless
      continue;
    }
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    const q = text[i];
    let value: string;
    if (q === '"' || q === "'") {
      const close = text.indexOf(q, i + 1);
      if (close < 0) throw new OpmlError('unterminated attribute value');
      value = text.slice(i + 1, close);
      i = close + 1;
    } else {
      const m2 = /^[^\s>]+/.exec(text.slice(i, i + 2048));
      value = m2 ? m2[0].replace(/\/$/, '') : '';
      i += value.length;
    }
    // Attribute-value normalisation (XML 1.0 §3.3.3) happens before entity decoding so &#10; survives.
    el.rawAttrs.push([an[0], decodeEntities(value.replace(/[\t\n\r]/g, ' '))]);
  }
}
