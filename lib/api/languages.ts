// Reader languages: which of a story's headlines a reader gets, from `lang`, Accept-Language and the desk's language.
import type { Story } from '../types.ts';

/** Most languages taken from one request (`lang` or Accept-Language); more say nothing a reader would notice. */
export const MAX_READER_LANGUAGES = 6;

/** A headline as readers see it: from a member item, or written by an editor (no item). */
export interface ReaderHeadline {
  headline: string;
  standfirst: string | null;
  itemId: string | null;
}

/** The headline a reader gets, and its language (null when the story's own headline is in no known language). */
export interface ChosenHeadline extends ReaderHeadline {
  language: string | null;
}

const TAG = /^[a-z]{2,3}$/;

/**
 * Languages an Accept-Language header (RFC 9110 §12.5.4) asks for, most wanted first: primary subtags (`fr-CA` → `fr`),
 * highest q first (ties keep the header's order), `q=0` and `*` dropped, at most {@link MAX_READER_LANGUAGES}.
 * Malformed entries are skipped, never an error: the header is a hint.
 */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  const ranked: { tag: string; q: number; at: number }[] = [];
  const parts = header.slice(0, 1024).split(',');
  for (let at = 0; at < parts.length && at < 64; at++) {
    const [range = '', ...params] = parts[at]!.split(';');
    const tag = range.trim().toLowerCase().split('-')[0]!;
    if (!TAG.test(tag)) continue;
    const qp = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qp === undefined ? 1 : Number(qp.slice(2));
    if (!(q > 0 && q <= 1)) continue;
    ranked.push({ tag, q, at });
  }
  ranked.sort((a, b) => b.q - a.q || a.at - b.at);
  return [...new Set(ranked.map((r) => r.tag))].slice(0, MAX_READER_LANGUAGES);
}

// Clients send a handful of distinct Accept-Language values: parse each once (runs on every cached answer).
const memo = new Map<string, readonly string[]>();

/** {@link acceptedLanguages}, memoized per header value. */
export function acceptedLanguagesOf(header: string | undefined): readonly string[] {
  const key = header ?? '';
  let langs = memo.get(key);
  if (!langs) {
    if (memo.size >= 256) memo.clear();
    memo.set(key, (langs = acceptedLanguages(header)));
  }
  return langs;
}

/**
 * The languages to headline a story in, most wanted first: the request's `lang` list when given, else its
 * Accept-Language, then the desk's language. (A story with none of them keeps its own headline.)
 */
export function readerLanguages(explicit: readonly string[] | undefined, acceptLanguage: string | undefined, desk: string): string[] {
  const asked = explicit?.length ? explicit.slice(0, MAX_READER_LANGUAGES) : acceptedLanguagesOf(acceptLanguage);
  return asked.includes(desk) ? [...asked] : [...asked, desk];
}

/**
 * A story's headlines by language as a reader of `desk`'s desk sees them: the story's own (`StoryFacets.headlines`,
 * standfirsts included), with the editor's headline, which wins for the desk's language.
 */
export function readerHeadlines(story: Story, own: Readonly<Record<string, ReaderHeadline>>, desk: string): Record<string, ReaderHeadline> {
  if (!story.headlineByEditor) return { ...own };
  const out = { ...own, [desk]: { headline: story.headline, standfirst: story.summary?.trim() || null, itemId: null } };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The headline in the first of `languages` the story has one in; else the story's own headline. */
export function chooseHeadline(story: Story, headlines: Readonly<Record<string, ReaderHeadline>>, languages: readonly string[]): ChosenHeadline {
  for (const lang of languages) {
    const h = headlines[lang];
    if (h) return { ...h, language: lang };
  }
  const own = Object.entries(headlines).find(([, h]) => h.headline === story.headline);
  return { headline: story.headline, standfirst: story.summary?.trim() || null, itemId: own?.[1].itemId ?? null, language: own?.[0] ?? null };
}
