// Turns parsed entries into stored items: stable ids, canonical URLs, plain text, dates, language, image.
import { createHash } from 'node:crypto';
import type { FeedDef, Item, Outlet } from '../types.ts';
import { detectLanguage, normalizeLanguageTag } from '../text/language.ts';
import type { ParsedEntry, ParsedFeed, TextKind } from './parse.ts';
import { firstImageSrc, htmlToText, plainText } from '../text/html.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);

/** Summaries are capped so one item always fits a DynamoDB record (400 KB) with room to spare. */
export const MAX_SUMMARY_CHARS = 4000;
const MAX_TITLE_CHARS = 500;

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

/**
 * Canonical form of an article link: resolved against `base`, http(s) only, fragment dropped, tracking
 * parameters (utm_*, fbclid, gclid, mc_cid, …) removed; other parameters keep their order.
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
  u.hash = '';
  const keep = [...u.searchParams].filter(([k]) => !TRACKING.test(k));
  if (keep.length !== [...u.searchParams].length) {
    u.search = keep.length ? new URLSearchParams(keep).toString() : '';
  }
  return u.href;
}

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');

/**
 * Parses a feed date (RFC 822/1123, ISO 8601/W3CDTF and common variants) to epoch ms; a zone-less ISO
 * date is taken as UTC (not the server's zone). Undefined when unreadable.
 */
export function parseFeedDate(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  let s = raw.trim().replace(/\s+/g, ' ');
  if (!s) return undefined;
  // ISO 8601 without a zone, or with a compact one.
  const iso = s.match(/^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i);
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '0', zone] = iso;
    let z = zone ?? 'Z';
    if (/^[+-]\d{2}$/.test(z)) z += ':00';
    else if (/^[+-]\d{4}$/.test(z)) z = `${z.slice(0, 3)}:${z.slice(3)}`;
    const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}.${frac.padEnd(3, '0').slice(0, 3)}${z.toUpperCase()}`);
    return Number.isNaN(t) ? undefined : t;
  }
  // RFC 822 with a non-US zone name or a one-letter military zone: treat as UTC rather than fail.
  s = s.replace(/\b(UT|UTC|GMT|Z|[A-IK-Z])$/i, 'GMT').replace(/\b(CET|CEST|BST|IST|JST|AEST|AEDT|MSK)$/i, (z) => ZONES[z.toUpperCase()] ?? 'GMT');
  let t = Date.parse(s);
  if (Number.isNaN(t)) {
    // "Thu, 01 Jan 2004 19:48:21 GMT" variants with a misspelled weekday or extra words around.
    const m = s.match(/(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([+-]\d{4}|GMT)?/);
    const mo = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
    if (!m || mo < 0) return undefined;
    let year = Number(m[3]);
    if (year < 100) year += year < 50 ? 2000 : 1900;
    const zone = m[7] && m[7] !== 'GMT' ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : 'Z';
    const pad = (n: string | undefined) => (n ?? '0').padStart(2, '0');
    t = Date.parse(`${year}-${String(mo + 1).padStart(2, '0')}-${pad(m[1])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}${zone}`);
  }
  return Number.isNaN(t) ? undefined : t;
}

const ZONES: Record<string, string> = { CET: '+0100', CEST: '+0200', BST: '+0100', IST: '+0530', JST: '+0900', AEST: '+1000', AEDT: '+1100', MSK: '+0300' };

/** Plain text of a field given its kind. */
export function toPlain(value: string | undefined, kind: TextKind | undefined, keepBreaks = false): string | undefined {
  if (value === undefined) return undefined;
  const t = kind === 'text' ? plainText(value, { keepBreaks }) : htmlToText(value, { keepBreaks });
  return t || undefined;
}

/**
 * A readable author: `jane@example.com (Jane Doe)` and `Jane Doe <jane@example.com>` become `Jane Doe`;
 * a bare name or address is kept.
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
    let title = toPlain(e.title, e.titleKind);
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
    const author = formatAuthor(e.author);
    const language =
      normalizeLanguageTag(e.language) ??
      feedLang ??
      (outletLangs.length === 1 ? outletLangs[0] : undefined) ??
      detectLanguage(`${title}. ${summary ?? ''}`, { candidates: outletLangs }) ??
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
