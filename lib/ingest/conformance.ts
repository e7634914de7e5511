// Maps feedparser's and rss-parser's test expectations onto our ParsedFeed/Item model and judges them.
import type { Item } from '../types.ts';
import { canonicalEncoding } from './decode.ts';
import { IngestError } from './errors.ts';
import { parseFeedDate } from './dates.ts';
import { canonicalUrl, formatAuthor, formatAuthors, normalizeFeed, toPlain } from './normalize.ts';
import { parseFeed, type ParsedEntry, type ParsedFeed } from './parse.ts';
import { collapse, htmlToText } from '../text/html.ts';

/** One clause of feedparser's manifest.json. */
export type Clause =
  | { kind: 'notbozo' }
  | { kind: 'bozo' }
  | { kind: 'eq'; path: (string | number)[]; value: unknown; src?: string }
  | { kind: 'other'; src: string };

/** One manifest entry (a test file and its expectations). */
export interface ManifestEntry {
  file: string;
  description?: string;
  expect?: string;
  headers: Record<string, string>;
  clauses: Clause[];
}

/** Verdict on one clause: mapped clauses pass or fail, the rest are unmapped with the reason. */
export interface Verdict {
  file: string;
  clause: string;
  status: 'pass' | 'fail' | 'unmapped';
  /** Why unmapped, or what we produced instead when failed. */
  reason?: string;
}

/** The outcome of running one input through parse + normalize. */
export interface RunResult {
  feed?: ParsedFeed;
  /** Normalized item per parsed entry (same index; undefined when normalize skipped the entry). */
  items: (Item | undefined)[];
  /** Typed ingestion error (ParseError, DecodeError…): the input was refused cleanly. */
  refused?: IngestError;
  /** Anything else thrown: a bug. */
  crashed?: unknown;
}

/** Base URL used for relative links of corpus files (they were served from feedparser's test server). */
export const CORPUS_BASE = 'http://127.0.0.1:8097/';

/** Runs bytes through parse + normalize exactly as ingest does, classifying failures. */
export async function runInput(bytes: Buffer, contentType?: string, base = CORPUS_BASE, contentLanguage?: string): Promise<RunResult> {
  try {
    // Every entry: the corpora test parsing, not the item cap.
    const feed = await parseFeed(bytes, { contentType, url: base, contentLanguage, maxItems: Infinity });
    const now = '2030-01-01T00:00:00.000Z';
    const items = feed.entries.map(
      (e) => normalizeFeed({ ...feed, entries: [e] }, { feed: { id: 'conformance' }, outlet: { id: 'c', languages: [] }, feedUrl: base, now })[0],
    );
    return { feed, items };
  } catch (err) {
    if (err instanceof IngestError) return { items: [], refused: err };
    return { items: [], crashed: err };
  }
}

const flat = (s: string | undefined) => collapse(s ?? '');
const textOf = (v: unknown) => flat(htmlToText(String(v ?? '')));
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 120);

/** Reads our value for a clause: `i` is the entry index, `path` the clause's whole path (for nested indexes). */
type Getter = (r: RunResult, i: number, path: (string | number)[]) => unknown;
interface Mapping {
  get: Getter;
  /** Normalizes the expected value into our representation (`r`, `i` give the field's kind). */
  expect: (v: unknown, r: RunResult, i: number) => unknown;
  /** Normalizes our value for comparison. */
  ours?: (v: unknown) => unknown;
}

const entry = (r: RunResult, i: number): ParsedEntry | undefined => r.feed?.entries[i];
// feedparser gives text constructs as HTML unless the feed typed them as plain text: mirror that.
const textAs = (kind: (r: RunResult, i: number) => string | undefined) => (v: unknown, r: RunResult, i: number) =>
  kind(r, i) === 'text' ? flat(String(v ?? '')) : textOf(v);
// Our summary comes from the summary field, else from the content: judge with the kind of the one used.
const summaryKind = (r: RunResult, i: number) => {
  const e = entry(r, i);
  return e?.summary !== undefined ? e.summaryKind : e?.contentKind;
};
const plainTitle = (r: RunResult) => flat(toPlain(r.feed?.title, r.feed?.titleKind));
const url = (v: unknown) => (typeof v === 'string' ? (canonicalUrl(v, CORPUS_BASE) ?? v.trim()) : v);
const tuple = (v: unknown) => {
  if (!Array.isArray(v) || v.length < 6) return v;
  const [y, mo, d, h, mi, s] = v as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)).toISOString();
};
const dateIso = (raw: string | undefined) => {
  const t = parseFeedDate(raw);
  return t === undefined ? undefined : new Date(t).toISOString();
};

// Paths (with entry indexes replaced by `#`) we map, and how.
const MAPPINGS: Record<string, Mapping> = {
  'feed.title': { get: (r) => plainTitle(r), expect: textAs((r) => r.feed?.titleKind) },
  'feed.title_detail.value': { get: (r) => plainTitle(r), expect: textAs((r) => r.feed?.titleKind) },
  'feed.link': { get: (r) => url(r.feed?.link), expect: url },
  'feed.language': { get: (r) => r.feed?.language?.trim().toLowerCase(), expect: (v) => String(v).toLowerCase() },
  'entries.#.title': { get: (r, i) => flat(r.items[i]?.title ?? ''), expect: textAs((r, i) => entry(r, i)?.titleKind) },
  'entries.#.title_detail.value': { get: (r, i) => flat(r.items[i]?.title ?? ''), expect: textAs((r, i) => entry(r, i)?.titleKind) },
  'entries.#.link': { get: (r, i) => r.items[i]?.url, expect: url },
  'entries.#.id': { get: (r, i) => entry(r, i)?.guid?.trim() ?? '', expect: (v) => String(v).trim() },
  'entries.#.guid': { get: (r, i) => entry(r, i)?.guid?.trim() ?? '', expect: (v) => String(v).trim() },
  'entries.#.summary': { get: (r, i) => flat(r.items[i]?.summary), expect: textAs(summaryKind) },
  'entries.#.description': { get: (r, i) => flat(r.items[i]?.summary), expect: textAs(summaryKind) },
  'entries.#.summary_detail.value': { get: (r, i) => flat(r.items[i]?.summary), expect: textAs(summaryKind) },
  'entries.#.content.#.value': { get: (r, i) => flat(toPlain(entry(r, i)?.content, entry(r, i)?.contentKind)), expect: textAs((r, i) => entry(r, i)?.contentKind) },
  // Entry-level (ParsedEntry + the same formatter items use): entries with only an author never become items.
  // feedparser's `author` is the first author; we keep them all (joined for display), so compare the first.
  'entries.#.author': { get: (r, i) => formatAuthors(entry(r, i)?.authors?.slice(0, 1)), expect: (v) => formatAuthor(String(v)) },
  'entries.#.author_detail.name': { get: (r, i) => formatAuthors(entry(r, i)?.authors?.slice(0, 1)), expect: (v) => formatAuthor(String(v)) },
  'entries.#.authors.#.name': { get: (r, i, p) => formatAuthors(entry(r, i)?.authors?.slice(Number(p[3]), Number(p[3]) + 1)), expect: (v) => formatAuthor(String(v)) },
  // The entry's own declared language (dc:language, xml:lang), as declared.
  'entries.#.language': { get: (r, i) => entry(r, i)?.language?.toLowerCase(), expect: (v) => String(v).toLowerCase() },
  'entries.#.published': { get: (r, i) => entry(r, i)?.date?.trim(), expect: (v) => String(v).trim() },
  'entries.#.updated': { get: (r, i) => (entry(r, i)?.updated ?? entry(r, i)?.date)?.trim(), expect: (v) => String(v).trim() },
  'entries.#.published_parsed': { get: (r, i) => dateIso(entry(r, i)?.date), expect: tuple },
  'entries.#.updated_parsed': { get: (r, i) => dateIso(entry(r, i)?.updated ?? entry(r, i)?.date), expect: tuple },
  // Entry-level, like authors: an entry with nothing but an image never becomes an item.
  'entries.#.image.href': { get: (r, i) => url(entry(r, i)?.image), expect: url },
};

const UNMAPPED_REASONS: [RegExp, string][] = [
  [/_detail\.(type|base|language)$|\.content\.#\.(type|base|language|src)$/, 'per-field type/base/language metadata is not kept'],
  [/^feed\.(tagline|subtitle|description|info)/, 'feed descriptions are not part of the model'],
  [/^feed\.(copyright|rights)|^entries\.#\.(rights|license)/, 'rights/licence are not part of the model'],
  [/(^feed|^entries\.#(\.source)?)\.(author|authors|contributors|publisher)(_detail)?/, 'feed-level and contributor/email author data is not kept (items keep author names)'],
  [/^entries\.#\.author_detail\.(email|url)|^entries\.#\.authors\./, 'items keep author names, not emails or URLs'],
  [/\.tags\.|\.category$/, 'categories are not part of the model'],
  [/\.links\.|\.enclosures\./, 'only the article link and one image are kept'],
  [/^entries\.#\.source\./, 'source feed metadata is not kept'],
  [/(itunes|psc_|media_|wfw_|where|georss|comments)/, 'namespace extensions other than images are not kept'],
  [/^feed\.(updated|published|validity)|_parsed$|\.(created|expired)/, 'only item publication/update dates are modelled'],
  [/^feed\.(id|guid|generator|docs|image|cloud|textinput|ttl|errorreportsurl|icon|logo)/, 'feed metadata not part of the model'],
];

function pathKey(path: (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? '#' : p)).join('.');
}

function entryIndexes(path: (string | number)[]): number {
  return path[0] === 'entries' && typeof path[1] === 'number' ? path[1] : 0;
}

const deepEq = (a: unknown, b: unknown) => JSON.stringify(a ?? '') === JSON.stringify(b ?? '');

/** Judges every clause of one manifest entry against our result. */
export function judgeFeedparser(entry0: ManifestEntry, r: RunResult): Verdict[] {
  return entry0.clauses.map((c): Verdict => {
    const clause = c.kind === 'eq' ? (c.src ?? `${c.path.join('.')} == ${show(c.value)}`) : c.kind === 'other' ? c.src : c.kind;
    const v = (status: Verdict['status'], reason?: string): Verdict => ({ file: entry0.file, clause, status, reason });
    if (r.crashed) return v('fail', `crashed: ${String((r.crashed as Error)?.message ?? r.crashed)}`);
    if (c.kind === 'notbozo') return r.refused ? v('fail', `refused: ${r.refused.name}: ${r.refused.message}`) : v('pass');
    if (c.kind === 'bozo') return v('unmapped', 'we do not expose a well-formedness flag (we recover or refuse)');
    if (c.kind === 'other') {
      const enc = c.src.match(/^encoding == '([^']+)'$/);
      if (enc) {
        if (r.refused) return v('fail', `refused: ${r.refused.message}`);
        const want = canonicalEncoding(enc[1]) ?? enc[1]!.toLowerCase();
        return r.feed?.encoding === want ? v('pass') : v('fail', `decoded as ${r.feed?.encoding}, expected ${want}`);
      }
      if (c.src.trim() === '1') return v('pass'); // "does not crash": no crash reached here
      return v('unmapped', 'free-form Python expression (version, types, dict shapes) outside our model');
    }
    const key = pathKey(c.path);
    const m = MAPPINGS[key];
    if (!m) {
      const reason = UNMAPPED_REASONS.find(([re]) => re.test(key))?.[1] ?? `no equivalent of ${key} in our model`;
      return v('unmapped', reason);
    }
    if (r.refused) return v('fail', `refused: ${r.refused.name}: ${r.refused.message}`);
    const ours = m.get(r, entryIndexes(c.path), c.path);
    const want = m.expect(c.value, r, entryIndexes(c.path));
    return deepEq(ours, want) ? v('pass') : v('fail', `got ${show(ours)}, expected ${show(want)}`);
  });
}

/** Clauses derived from an rss-parser golden output (`{feed: {...items}}`), judged against our result. */
export function judgeRssParserGolden(file: string, golden: { feed?: Record<string, unknown> }, r: RunResult): Verdict[] {
  const out: Verdict[] = [];
  const g = golden.feed ?? {};
  const add = (clause: string, ok: boolean, reason?: string) => out.push({ file, clause, status: ok ? 'pass' : 'fail', reason: ok ? undefined : reason });
  if (r.crashed) return [{ file, clause: 'parses', status: 'fail', reason: String(r.crashed) }];
  if (r.refused) return [{ file, clause: 'parses', status: 'fail', reason: `${r.refused.name}: ${r.refused.message}` }];
  out.push({ file, clause: 'parses', status: 'pass' });
  if (typeof g.link === 'string') add('feed.link', url(r.feed?.link) === url(g.link), `got ${show(r.feed?.link)}, expected ${show(g.link)}`);
  const items = Array.isArray(g.items) ? (g.items as Record<string, unknown>[]) : [];
  // rss-parser decodes every body as UTF-8, so a Latin-1 feed's golden text holds U+FFFD where we decode
  // the real characters: such clauses say nothing about us.
  const garbled = (s: unknown) => typeof s === 'string' && s.includes('\ufffd');
  // Same characters in another order: rss-parser re-serializes unescaped markup with xml2js's Builder,
  // which moves an element's text before its children; we keep document order.
  const sorted = (x: string) => [...x.replace(/\s+/g, '')].sort().join('');
  const unmapped = (clause: string, reason: string) => out.push({ file, clause, status: 'unmapped', reason });
  const addText = (clause: string, golden: unknown, ok: boolean, reason: string, mine?: string) => {
    if (garbled(golden)) unmapped(clause, 'golden output is mis-decoded (U+FFFD): rss-parser assumes UTF-8');
    else if (golden === 'EMPTY') unmapped(clause, 'golden made with non-default xml2js options (emptyTag: "EMPTY")');
    else if (!ok && mine !== undefined && sorted(mine) === sorted(textOf(golden))) unmapped(clause, 'golden reorders mixed content (xml2js Builder); we keep document order');
    else add(clause, ok, reason);
  };
  if (typeof g.title === 'string') addText('feed.title', g.title, plainTitle(r) === textOf(g.title), `got ${show(plainTitle(r))}, expected ${show(textOf(g.title))}`);

  add('item count', (r.feed?.entries.length ?? 0) === items.length, `got ${r.feed?.entries.length}, expected ${items.length}`);
  items.forEach((gi, i) => {
    const ours = r.items[i];
    const e = r.feed?.entries[i];
    if (typeof gi.title === 'string' && gi.title.trim()) addText(`items[${i}].title`, gi.title, flat(ours?.title) === textOf(gi.title), `got ${show(ours?.title)}, expected ${show(textOf(gi.title))}`);
    if (typeof gi.link === 'string') {
      // rss-parser gives FeedBurner's redirect (…/~r/…/~3/<token>/<slug>); we take feedburner:origLink, the
      // article itself: ours must be that same article (same final path segment) outside FeedBurner.
      const slug = (u: string | undefined) => u?.replace(/[?#].*$/, '').split('/').filter(Boolean).at(-1);
      if (/\/~r\//.test(gi.link)) {
        const ok = !!ours?.url && !/\/~r\//.test(ours.url) && slug(ours.url) === slug(gi.link);
        add(`items[${i}].link (feedburner:origLink)`, ok, `got ${show(ours?.url)}, expected the original of ${show(gi.link)}`);
      } else add(`items[${i}].link`, ours?.url === url(gi.link), `got ${show(ours?.url)}, expected ${show(url(gi.link))}`);
    }
    const gid = typeof gi.guid === 'string' ? gi.guid : typeof gi.id === 'string' ? gi.id : undefined;
    if (gid) add(`items[${i}].guid`, e?.guid?.trim() === gid.trim(), `got ${show(e?.guid)}, expected ${show(gid)}`);
    if (typeof gi.isoDate === 'string') {
      const mine = dateIso(e?.date ?? e?.updated);
      add(`items[${i}].isoDate`, mine === gi.isoDate, `got ${mine}, expected ${gi.isoDate}`);
    }
    const author = typeof gi.creator === 'string' ? gi.creator : typeof gi.author === 'string' ? gi.author : undefined;
    if (author?.trim()) add(`items[${i}].author`, ours?.author === formatAuthor(author), `got ${show(ours?.author)}, expected ${show(formatAuthor(author))}`);
    if (typeof gi.content === 'string' && gi.content.trim()) {
      const mine = r.feed?.format === 'atom' ? toPlain(e?.content, e?.contentKind) : toPlain(e?.summary, e?.summaryKind);
      addText(`items[${i}].content text`, gi.content, flat(mine) === textOf(gi.content), `got ${show(flat(mine))}, expected ${show(textOf(gi.content))}`, flat(mine));
    }
  });
  return out;
}

/** Pass/fail/unmapped counts and the mapped pass rate. */
export function tally(verdicts: Verdict[]): { pass: number; fail: number; unmapped: number; mapped: number; rate: number } {
  const pass = verdicts.filter((v) => v.status === 'pass').length;
  const fail = verdicts.filter((v) => v.status === 'fail').length;
  const unmapped = verdicts.length - pass - fail;
  return { pass, fail, unmapped, mapped: pass + fail, rate: pass + fail ? pass / (pass + fail) : 1 };
}
