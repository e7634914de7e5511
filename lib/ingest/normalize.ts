// Turns parsed entries into stored items: stable ids, canonical URLs, plain text, dates, language, image.
import { createHash } from 'node:crypto';
import type { FeedDef, Item, Outlet } from '../types.ts';
import { detectLanguage, normalizeLanguageTag } from '../text/language.ts';
import { parseFeedDate } from './dates.ts';
import type { ParsedEntry, ParsedFeed, TextKind } from './parse.ts';
import { firstImageSrc, htmlToText, plainText } from '../text/html.ts';

export { parseFeedDate } from './dates.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);

/** Summaries are capped so one item always fits a DynamoDB record (400 KB) with room to spare. */
export const MAX_SUMMARY_CHARS = 4000;
const MAX_TITLE_CHARS = 500;

/**
 * Least text (characters) for statistical language detection: among an outlet's languages, and among all
 * languages. Measured on the shared headline sets (docs/ingestion.md): franc-min is right on 72% of titles of
 * 20+ characters with no candidates (Romanian and Portuguese for English headlines), and on 91–97% from 80–100.
 */
const DETECT_MIN_AMONG = 40;
const DETECT_MIN_OPEN = 100;

/** Context a feed's entries are normalized in. */
export interface NormalizeContext {
  feed: Pick<FeedDef, 'id'> & Partial<Pick<FeedDef, 'language'>>;
  outlet: Pick<Outlet, 'id' | 'languages'>;
  /** Final URL the feed was fetched from, to resolve relative links. */
  feedUrl: string;
  now: string;
}

// Query parameters that identify a campaign or a click, never the article.
const TRACKING = /^(utm_[a-z_]+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|twclid|ttclid|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|rb_clickid|s_cid|_ga|_gl|ref_src|cmpid|ocid|at_medium|at_campaign|xtor|wt\.mc_id|ito|sr_share)$/i;

// Fragments that point at a section of the article page (comments, "read more"), not at an item on it.
const SECTION_FRAGMENT = /^(top|comments|respond|disqus_thread|more(-\d+)?)$/i;

/**
 * Whether a URL fragment identifies the item (`#item572` on a page that lists several) rather than track a click
 * (`#xtor=RSS-3`, `#utm_source=x`) or point at a section of the article (`#comments`, `#more-12`).
 */
function fragmentIdentifies(hash: string): boolean {
  const f = hash.replace(/^#/, '');
  if (!f || SECTION_FRAGMENT.test(f)) return false;
  return !f.split('&').every((p) => p.includes('=') && TRACKING.test(p.slice(0, p.indexOf('='))));
}

/**
 * Canonical form of an article link: resolved against `base`, http(s) only, tracking parameters (utm_*,
 * fbclid, gclid, mc_cid, …) removed while other parameters keep their order; a fragment is kept only when it
 * identifies the item (see fragmentIdentifies).
 */
export function canonicalUrl(link: string | undefined, base: string): string | undefined {
  if (!link?.trim()) return undefined;
  let u: URL;
  try {
    u = new URL(link.trim(), base);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  if (!fragmentIdentifies(u.hash)) u.hash = '';
  const keep = [...u.searchParams].filter(([k]) => !TRACKING.test(k));
  if (keep.length !== [...u.searchParams].length) {
    u.search = keep.length ? new URLSearchParams(keep).toString() : '';
  }
  return u.href;
}

/**
 * Plain text of a title. Escaped markup in a title loses only real HTML tags: `&lt;code&gt;Code&lt;/code&gt;
 * Test` is "Code Test", while `&lt;Untitled&gt;` or `a <b> c` with no HTML element keeps its text (RSS titles
 * are text as often as markup).
 */
export function toPlainTitle(value: string | undefined, kind: TextKind | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (kind === 'text' ? plainText(value) : htmlToText(value, { htmlTagsOnly: true })) || undefined;
}

/** Plain text of a field given its kind. */
export function toPlain(value: string | undefined, kind: TextKind | undefined, keepBreaks = false): string | undefined {
  if (value === undefined) return undefined;
  const t = kind === 'text' ? plainText(value, { keepBreaks }) : htmlToText(value, { keepBreaks });
  return t || undefined;
}

/**
 * A readable author: `jane@example.com (Jane Doe)` (RSS's form) and `Jane Doe <jane@example.com>` become
 * `Jane Doe`; a bare name or address is kept.
 */
export function formatAuthor(raw: string | undefined): string | undefined {
  const a = raw === undefined ? undefined : htmlToText(raw);
  if (!a) return undefined;
  const paren = a.match(/^\S+@\S+\s*\((.+)\)$/);
  if (paren) return paren[1]!.trim();
  const trailing = a.match(/^(.+?)\s*\(\S+@\S+\)$/);
  if (trailing) return trailing[1]!.trim();
  const angle = a.match(/^(.+?)\s*<\S+@\S+>$/);
  if (angle) return angle[1]!.replace(/^"|"$/g, '').trim();
  return a;
}

/** Authors for display: each one formatted (formatAuthor), repeats dropped, joined with commas. */
export function formatAuthors(raw: readonly string[] | undefined): string | undefined {
  const names = [...new Set((raw ?? []).map(formatAuthor).filter((a): a is string => Boolean(a)))];
  return names.length ? names.join(', ') : undefined;
}

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return `${(sp > max * 0.8 ? cut.slice(0, sp) : cut).trimEnd()}…`;
}

function imageUrl(e: ParsedEntry, base: string): string | undefined {
  const src = e.image ?? firstImageSrc(e.content ?? '') ?? firstImageSrc(e.summary ?? '');
  if (!src) return undefined;
  try {
    const u = new URL(src, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Normalizes every entry of a parsed feed. Entries with neither a title, a summary nor a link are skipped;
 * an entry repeated verbatim (same guid and link) is kept once.
 */
export function normalizeFeed(parsed: ParsedFeed, ctx: NormalizeContext): Item[] {
  const out: Item[] = [];
  const nowMs = Date.parse(ctx.now);
  const seenKeys = new Set<string>();
  const feedLang = normalizeLanguageTag(ctx.feed.language) ?? normalizeLanguageTag(parsed.language);
  const outletLangs = ctx.outlet.languages.map((l) => normalizeLanguageTag(l)).filter((l): l is string => Boolean(l));
  for (const e of parsed.entries) {
    const url = canonicalUrl(e.link, ctx.feedUrl);
    const summaryText = toPlain(e.summary, e.summaryKind, true) ?? toPlain(e.content, e.contentKind, true);
    const summary = summaryText ? truncate(summaryText, MAX_SUMMARY_CHARS) : undefined;
    let title = toPlainTitle(e.title, e.titleKind);
    if (!title && summary) title = truncate(summary.replace(/\n/g, ' '), 140);
    if (!title && url) title = url;
    if (!title) continue;
    title = truncate(title, MAX_TITLE_CHARS);
    const guid = e.guid?.trim() || undefined;
    // Identity: guid, else canonical link, else content. A guid reused within the feed (CMS bugs) is
    // disambiguated by the link, so distinct articles stay distinct and a verbatim repeat is dropped.
    let key = guid ? `g:${guid}` : url ? `u:${url}` : `h:${title}\n${summary ?? ''}`;
    if (seenKeys.has(key)) {
      const alt = `${key}\nu:${url ?? ''}\nh:${title}`;
      if (seenKeys.has(alt)) continue;
      key = alt;
    }
    seenKeys.add(key);
    const publishedRaw = e.date?.trim() || e.updated?.trim() || undefined;
    const parsedMs = parseFeedDate(e.date) ?? parseFeedDate(e.updated);
    const publishedAt = new Date(parsedMs === undefined ? nowMs : Math.min(parsedMs, nowMs)).toISOString();
    const author = formatAuthors(e.authors);
    // Declared languages first; statistics only on enough text (short titles alone are guessed wrong).
    const language =
      normalizeLanguageTag(e.language) ??
      feedLang ??
      (outletLangs.length === 1 ? outletLangs[0] : undefined) ??
      detectLanguage(`${title}. ${summary ?? ''}`, { candidates: outletLangs, minLength: outletLangs.length > 1 ? DETECT_MIN_AMONG : DETECT_MIN_OPEN }) ??
      outletLangs[0] ??
      'und';
    const image = imageUrl(e, url ?? ctx.feedUrl);
    const item: Item = {
      id: `i_${sha(`${ctx.feed.id}\n${key}`)}`,
      feedId: ctx.feed.id,
      outletId: ctx.outlet.id,
      title,
      language,
      publishedAt,
      firstSeenAt: ctx.now,
      contentHash: sha([title, summary ?? '', url ?? '', author ?? '', image ?? '', publishedRaw ?? ''].join('\n')),
    };
    if (guid) item.guid = guid;
    if (url) item.url = url;
    if (summary) item.summary = summary;
    if (author) item.author = author;
    if (publishedRaw) item.publishedRaw = publishedRaw;
    if (image) item.image = image;
    out.push(item);
  }
  return out;
}
