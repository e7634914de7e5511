// Per-language headlines of a story: one headline per language (the item's summary is its standfirst), picked from
// its member items (pure).
import type { Item, StoryHeadline } from '../types.ts';

/** A member item as the picker sees it. */
export interface HeadlineCandidate {
  itemId: string;
  title: string;
  /** Whether the item has a summary (a standfirst). */
  summarized: boolean;
  /** BCP 47 primary subtag; items in `und` (undetected) or another special code are never picked. */
  language: string;
  /** How central the item is to its story: its grouping similarity when it joined (0 for the item that founded it). */
  score: number;
  publishedAt: string;
}

/**
 * Longest standfirst kept, in characters: a standfirst is a sentence or two, and a feed summary can be a whole
 * article; every language's standfirst is written with each story write, so its length is paid in write units.
 */
export const STANDFIRST_MAX = 300;

/** ISO 639 codes that name no language: undetermined, multiple, uncoded, no linguistic content. */
const NOT_A_LANGUAGE = new Set(['und', 'mul', 'mis', 'zxx']);

/** Titles shorter than this many words say little ("Mali", "Live updates"): they lose to fuller ones. */
const MIN_TITLE_WORDS = 4;

/**
 * One headline per language. Among the items in that language: the story's central item (the one the grouping
 * engine represents the story by) when it is one of them; else a title that reads as a headline (a few words at
 * least, not a question) before one that does not, one with a summary (a standfirst) before one without, the
 * earliest report (first reports state the news; later ones analyse it, and an earlier pick is never displaced as
 * the story grows), the more central by grouping score, and the item id so the pick is deterministic.
 */
export function pickHeadlines(candidates: readonly HeadlineCandidate[], opts: { central?: string } = {}): Record<string, StoryHeadline> {
  const best = new Map<string, HeadlineCandidate>();
  for (const c of candidates) {
    if (!c.title.trim() || !/^[a-z]{2,3}$/.test(c.language) || NOT_A_LANGUAGE.has(c.language)) continue;
    const held = best.get(c.language);
    if (!held || better(c, held, opts.central)) best.set(c.language, c);
  }
  const out: Record<string, StoryHeadline> = {};
  for (const [lang, c] of [...best.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[lang] = { headline: c.title.trim(), itemId: c.itemId, ...(c.summarized ? { summarized: true as const } : {}), score: c.score, publishedAt: c.publishedAt };
  }
  return out;
}

/**
 * A story's headlines after a grouping pass: the previous picks of items still in the story compete with the items
 * that joined it in this pass, so no pass needs the story's older items again. A language whose pick left the story
 * (an editor split or moved it) has none until another of its items joins; readers get one derived from the items
 * meanwhile (lib/api/views.ts).
 * @returns undefined when no candidate has a known language
 */
export function updateHeadlines(
  previous: Readonly<Record<string, StoryHeadline>> | undefined,
  memberIds: readonly string[],
  joined: readonly Item[],
  scoreOf: (itemId: string) => number,
  central?: string,
): Record<string, StoryHeadline> | undefined {
  const members = new Set(memberIds);
  const candidates: HeadlineCandidate[] = Object.entries(previous ?? {})
    .filter(([, h]) => members.has(h.itemId))
    .map(([language, h]) => ({ itemId: h.itemId, title: h.headline, summarized: h.summarized === true, language, score: h.score, publishedAt: h.publishedAt }));
  for (const it of joined) if (members.has(it.id)) candidates.push(candidateOf(it, it.language, scoreOf(it.id)));
  const picked = pickHeadlines(candidates, { central });
  return Object.keys(picked).length ? picked : undefined;
}

function better(a: HeadlineCandidate, b: HeadlineCandidate, central: string | undefined): boolean {
  if ((a.itemId === central) !== (b.itemId === central)) return a.itemId === central;
  const ha = headlineLike(a.title);
  if (ha !== headlineLike(b.title)) return ha;
  if (a.summarized !== b.summarized) return a.summarized;
  if (a.publishedAt !== b.publishedAt) return a.publishedAt < b.publishedAt;
  if (a.score !== b.score) return a.score > b.score;
  return a.itemId < b.itemId;
}

/** An item as a candidate, in `language` (the item's own, or its outlet's when undetected). */
export const candidateOf = (it: Item, language: string, score: number): HeadlineCandidate => ({
  itemId: it.id,
  title: it.title,
  summarized: !!it.summary?.trim(),
  language,
  score,
  publishedAt: it.publishedAt,
});

// A statement of a few words at least: "Mali", "Live updates" or "Mali : la France plie bagage, et après ?" make
// weaker headlines for a roundup than a report's title.
const headlineLike = (title: string): boolean =>
  title.split(/\s+/u).filter(Boolean).length >= MIN_TITLE_WORDS && !/[?？؟]\s*$/u.test(title.trim());

const sentences = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * The standfirst from an item's summary (cut when served, never stored): whole sentences up to {@link STANDFIRST_MAX} characters; a first sentence
 * longer than that is cut at the last space before it, with an ellipsis. None when the summary only repeats the title.
 */
export function standfirstOf(summary: string | undefined, title = ''): string | undefined {
  const text = summary?.replace(/\s+/gu, ' ').trim();
  if (!text || text === title.trim()) return undefined;
  if (text.length <= STANDFIRST_MAX) return text;
  let end = 0;
  for (const s of sentences.segment(text)) {
    const next = s.index + s.segment.length;
    if (next > STANDFIRST_MAX) break;
    end = next;
  }
  if (end > 0) return text.slice(0, end).trim();
  const cut = text.lastIndexOf(' ', STANDFIRST_MAX - 1);
  return `${text.slice(0, cut > STANDFIRST_MAX / 2 ? cut : STANDFIRST_MAX - 1).replace(/[\s,;:–—-]+$/u, '')}…`;
}
