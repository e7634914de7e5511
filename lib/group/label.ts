// Story labels ("Mali withdrawal"): the few most distinctive features of a story, as readable words.
import { foldToken } from '../text/fold.ts';
import type { FeatureKind } from './features.ts';

/** What labelling needs to know about one feature of a story. */
export interface LabelEntry {
  /** The feature key (ties are broken by it). */
  key: string;
  kind: FeatureKind;
  /** Live members holding the feature. */
  c: number;
  /** Sum of their relative title positions (2 for summary-only). */
  pos: number;
  /** Readable surface form (as first written in a title when possible). */
  surface: string;
  /** True when `surface` comes from a title. */
  fromTitle: boolean;
  /** The feature's IDF now. */
  idf: number;
}

/** Label words favour names: "Mali withdrawal" tells an editor more than "withdrawal troops". */
const KIND_BOOST: Record<FeatureKind, number> = { entity: 1.3, country: 1.2, term: 1, number: 0.5 };

/**
 * A short topic label: the 2–4 most distinctive features (share of members × IDF, names favoured), as readable
 * surface forms, ordered by where they usually appear in the titles. Returns `fallback` for empty stories.
 */
export function storyLabel(entries: Iterable<LabelEntry>, n: number, fallback: string): string {
  if (n <= 0) return fallback;
  const scored: { e: LabelEntry; score: number }[] = [];
  for (const e of entries) {
    if (!e.fromTitle && n > 1 && e.c < 2) continue; // summary-only singletons are rarely what the story is about
    const share = e.c / n;
    scored.push({ e, score: share * share * e.idf * KIND_BOOST[e.kind] * (e.fromTitle ? 1 : 0.7) });
  }
  scored.sort((a, b) => b.score - a.score || (a.e.key < b.e.key ? -1 : 1));
  const picked: { e: LabelEntry; folded: string }[] = [];
  const top = scored[0]?.score ?? 0;
  for (const s of scored) {
    if (picked.length >= 4) break;
    if (picked.length >= 2 && s.score < 0.5 * top) break;
    const folded = foldToken(s.e.surface);
    // Entities carry both a stem and an unstemmed key: one surface must appear once.
    if (picked.some((p) => p.folded === folded || sameWord(p.folded, folded))) continue;
    picked.push({ e: s.e, folded });
  }
  if (picked.length === 0) return fallback;
  picked.sort((a, b) => a.e.pos / a.e.c - b.e.pos / b.e.c);
  const words = picked.map((p) => p.e.surface);
  const label = words.join(' ');
  // Sentence case, except for words styled with inner capitals (iPhone, eBay).
  return /^\p{Ll}+\p{Lu}/u.test(words[0]!) ? label : label.charAt(0).toUpperCase() + label.slice(1);
}

/** Two folded surfaces that are forms of one word (Russia/Russian, troop/troops). */
function sameWord(a: string, b: string): boolean {
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  return short.length >= 4 && long.startsWith(short.slice(0, Math.max(4, short.length - 1)));
}
