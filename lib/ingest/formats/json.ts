// JSON Feed 1.0 and 1.1 (and the variants real feeds publish): detection and mapping onto ParsedFeed.
import { ParseError } from '../errors.ts';
import type { ParsedEntry, ParsedFeed } from '../parse.ts';
import { pickLink, type FeedContext } from './common.ts';
import { text } from './xml.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a JSON value is a JSON Feed: an object with an `items` array, or one whose `version` names JSON Feed 1.x
 * (`https://jsonfeed.org/version/1.1`, the `http:` spelling, or a bare `1`, `1.0`, `1.1`).
 */
export function isJsonFeed(doc: unknown): doc is Obj {
  if (!isObj(doc)) return false;
  if (Array.isArray(doc.items)) return true;
  const version = String(doc.version ?? '').trim();
  return /^https?:\/\/(www\.)?jsonfeed\.org\/version\/1(\.\d+)?\/?$/i.test(version) || /^1(\.\d+)?$/.test(version);
}

/**
 * Author names of a JSON Feed object: 1.1's `authors` array, else 1.0's `author` (an object, or a bare name
 * as some feeds write it).
 */
function authorNames(o: Obj): string[] {
  const list = Array.isArray(o.authors) ? o.authors : o.author !== undefined ? [o.author] : [];
  return list.map((a) => (isObj(a) ? text(a.name) : text(a))).filter((n): n is string => Boolean(n));
}

function imageOf(item: Obj): string | undefined {
  const attachment = Array.isArray(item.attachments)
    ? item.attachments.filter(isObj).find((a) => String(a.mime_type ?? '').startsWith('image/'))
    : undefined;
  return text(item.image) ?? text(item.banner_image) ?? text(attachment?.url);
}

/**
 * Maps a JSON Feed onto ParsedFeed. Items inherit the feed's authors (JSON Feed 1.1); `id` may be a number.
 * @throws ParseError for JSON that is not a JSON Feed
 */
export function mapJsonFeed(doc: unknown, ctx: FeedContext): ParsedFeed {
  if (!isJsonFeed(doc)) throw new ParseError('Not a feed: JSON without a JSON Feed "version" and "items"');
  const feedAuthors = authorNames(doc);
  const items = Array.isArray(doc.items) ? doc.items.filter(isObj) : [];
  return {
    format: 'json',
    title: text(doc.title),
    titleKind: 'text',
    link: pickLink(ctx.url, [{ href: text(doc.home_page_url) }]),
    language: text(doc.language)?.trim(),
    entries: items.map((it): ParsedEntry => {
      const html = text(it.content_html);
      const authors = authorNames(it);
      return {
        guid: text(it.id)?.trim(),
        title: text(it.title),
        titleKind: 'text',
        link: pickLink(ctx.url, [{ href: text(it.url) }, { href: text(it.external_url) }]),
        summary: text(it.summary),
        summaryKind: 'text',
        content: html ?? text(it.content_text),
        contentKind: html ? 'html' : 'text',
        authors: authors.length ? authors : feedAuthors,
        date: text(it.date_published)?.trim(),
        updated: text(it.date_modified)?.trim(),
        image: pickLink(ctx.url, [{ href: imageOf(it) }]),
        language: text(it.language)?.trim(),
      };
    }),
  };
}
