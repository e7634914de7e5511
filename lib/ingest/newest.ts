// The item cap: keep a feed's newest entries only, and cut an oversized XML document down before it is parsed.
import { parseFeedDate } from './dates.ts';

/**
 * Indexes of the `max` newest of `count` entries, in document order. Newest by date; entries without a
 * readable date rank after dated ones, and ties keep document order (feeds list newest first by convention).
 */
export function newestIndexes(count: number, max: number, dateOf: (i: number) => number | undefined): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (count <= max) return all;
  const dates = all.map(dateOf);
  const ranked = all.sort((a, b) => {
    const da = dates[a];
    const db = dates[b];
    if (da !== db) {
      if (da === undefined) return 1;
      if (db === undefined) return -1;
      return db - da;
    }
    return a - b;
  });
  return ranked.slice(0, Math.max(0, max)).sort((a, b) => a - b);
}

/** The `max` newest entries (see newestIndexes), in document order. */
export function newestEntries<T>(entries: T[], max: number, dateOf: (e: T) => number | undefined): T[] {
  if (entries.length <= max) return entries;
  return newestIndexes(entries.length, max, (i) => dateOf(entries[i]!)).map((i) => entries[i]!);
}

// Markup that can hide an item tag (comments, CDATA) and item start/end tags, with or without a prefix.
const ITEM_TAGS = {
  item: /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)((?:[\w.-]+:)?item)(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g,
  entry: /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)((?:[\w.-]+:)?entry)(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g,
};
// Publication dates first, then modification dates, as the format mappers prefer them.
// (Comments and CDATA sections are matched too, to be skipped: a date element inside them is text.)
const DATE_ELEMENT = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<((?:[\w.-]+:)?(pubDate|published|issued|date|created|updated|modified|lastBuildDate))(?=[\s>])[^>]*>\s*(?:<!\[CDATA\[)?([^<\]]{4,100}?)(?:\]\]>)?\s*<\/\1\s*>/g;
const DATE_RANK: Record<string, number> = { pubDate: 0, published: 0, issued: 1, date: 1, created: 2, updated: 3, modified: 3, lastBuildDate: 4 };

/** A span of one item element in the document text. */
interface Span {
  start: number;
  end: number;
}

/**
 * The date each item's text carries: its best-ranked date element that parses. One pass over the document,
 * date elements matched to the spans that contain them (both come in document order).
 */
function spanDates(xml: string, spans: Span[]): (number | undefined)[] {
  const best: { rank: number; t: number }[] = [];
  let si = 0;
  for (const m of xml.matchAll(DATE_ELEMENT)) {
    if (m[2] === undefined) continue; // comment or CDATA
    while (si < spans.length && spans[si]!.end <= m.index) si++;
    if (si >= spans.length) break;
    if (m.index < spans[si]!.start) continue; // a channel-level date
    const rank = DATE_RANK[m[2]!] ?? 9;
    if (best[si] && best[si]!.rank <= rank) continue;
    const t = parseFeedDate(m[3]);
    if (t !== undefined) best[si] = { rank, t };
  }
  return spans.map((_, i) => best[i]?.t);
}

/**
 * Top-level item elements (`item` for RSS/RDF, `entry` for Atom) of a document, skipping comments and CDATA.
 * Undefined when the tags do not balance (the document is then left to the parser as it is).
 */
function itemSpans(xml: string, tag: 'item' | 'entry'): Span[] | undefined {
  const spans: Span[] = [];
  let depth = 0;
  let start = 0;
  for (const m of xml.matchAll(ITEM_TAGS[tag])) {
    if (m[2] === undefined) continue; // comment or CDATA
    const closing = m[1] === '/';
    const selfClosing = m[3] === '/';
    if (!closing && selfClosing) {
      if (depth === 0) spans.push({ start: m.index, end: m.index + m[0].length });
    } else if (!closing) {
      if (depth++ === 0) start = m.index;
    } else {
      if (depth === 0) return undefined;
      if (--depth === 0) spans.push({ start, end: m.index + m[0].length });
    }
  }
  return depth === 0 ? spans : undefined;
}

/**
 * Cuts an XML feed with more than `max` items down to its `max` newest before it is parsed, so a huge feed
 * costs a text scan rather than a full tree: items are found by their tags (comments and CDATA skipped) and
 * ranked by the first date element that parses in each. Returns the document unchanged when it has `max`
 * items or fewer, or when its item tags do not balance. The mappers apply the exact cap again after parsing.
 */
export function cutXmlToNewest(xml: string, tag: 'item' | 'entry', max: number): string {
  if (!Number.isFinite(max)) return xml;
  const spans = itemSpans(xml, tag);
  if (!spans || spans.length <= max) return xml;
  const dates = spanDates(xml, spans);
  const keep = new Set(newestIndexes(spans.length, max, (i) => dates[i]));
  const parts: string[] = [];
  let at = 0;
  spans.forEach((span, i) => {
    parts.push(xml.slice(at, span.start));
    if (keep.has(i)) parts.push(xml.slice(span.start, span.end));
    at = span.end;
  });
  parts.push(xml.slice(at));
  return parts.join('');
}
