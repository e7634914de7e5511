// What the RSS and Atom mappers share: link choice with xml:base, declared languages, Media RSS text fallbacks.
import { all, firstText, resolveUrl, text, xmlBase, type XmlNode } from './xml.ts';

/** What a mapper knows besides the document: where it came from. */
export interface FeedContext {
  /** The document's URL (after redirects): the base of relative links when no `xml:base` says otherwise. */
  url?: string;
}

/** One candidate for an item's link: an element (its text, or `href` given), and whether it must be absolute. */
export interface LinkCandidate {
  /** The element (its `xml:base` applies, and its text is the URL when `href` is not given). */
  node?: unknown;
  href?: string;
  /** Accept only an absolute http(s) URL (ids and guids that may not be URLs at all). */
  absoluteOnly?: boolean;
}

const OTHER_SCHEME = /^(?!https?:)[a-z][a-z0-9+.-]*:/i;

/**
 * The first candidate that makes a web link, resolved against `xml:base` in scope (the candidate element's
 * own, then `base`). Values with another scheme (`tag:`, `urn:`, `mailto:`, `javascript:`) are passed over.
 */
export function pickLink(base: string | undefined, candidates: LinkCandidate[]): string | undefined {
  for (const c of candidates) {
    const href = (c.href ?? (c.node === undefined ? undefined : text(c.node)))?.trim();
    if (!href || (c.absoluteOnly && !/^https?:\/\//i.test(href))) continue;
    const resolved = resolveUrl(href, xmlBase(c.node, base));
    if (resolved && !OTHER_SCHEME.test(resolved)) return resolved;
  }
  return undefined;
}

/** The first declared language tag among `tags`, in BCP 47 spelling (`en_US` → `en-US`). */
export function declaredLanguage(...tags: (string | undefined)[]): string | undefined {
  for (const t of tags) {
    const tag = t?.trim().replace(/_/g, '-');
    if (tag) return tag;
  }
  return undefined;
}

/** Media RSS elements read for titles and descriptions of items that have none of their own. */
export const MEDIA_TEXT_FIELDS = ['media:title', 'media:description'] as const;

/** Media RSS nodes of an item: the item itself, its `media:group`s and `media:content`s. */
const mediaNodes = (item: XmlNode): XmlNode[] =>
  [item, ...all(item, 'media:group'), ...all(item, 'media:content')].filter((n): n is XmlNode => typeof n === 'object' && n !== null);

/** `media:title` of an item, its groups or its contents. */
export const mediaTitle = (item: XmlNode) => mediaNodes(item).map((n) => firstText(n, 'media:title')).find(Boolean);

/** `media:description` of an item, its groups or its contents. */
export const mediaDescription = (item: XmlNode) => mediaNodes(item).map((n) => firstText(n, 'media:description')).find(Boolean);

/**
 * Texts of the date elements `names` of an item, in order of preference for pickDate; a repeated element
 * counts from its last value (a later value overrides, as in feedparser).
 */
export const datesOf = (item: XmlNode, names: readonly string[]) => names.flatMap((n) => all(item, n).map(text).reverse());
