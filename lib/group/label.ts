// Story labels ("Mali withdrawal") and representative headlines, computed from a story's feature profile.
import { foldToken } from '../text/fold.ts';
import type { FeatureKind } from './features.ts';

/** Per-story aggregate of one feature over the story's member items. */
export interface ProfileEntry {
  /** Number of member items that contain the feature. */
  c: number;
  /** Sum of the members' raw weights for the feature. */
  w: number;
  /** Sum of relative title positions (2 for summary-only), to order label words as headlines do. */
  pos: number;
  kind: FeatureKind;
  /** Readable surface form (as first written in a title when possible). */
  surface: string;
  /** True when `surface` comes from a title. */
  fromTitle: boolean;
  /** Scoring slot of the owning story (lets the index accumulate without touching the story object). */
  slot: number;
  /** Position in the feature's posting list (-1 while not indexed). */
  pi: number;
  /** Vocabulary id the profile keys it by (and it is indexed under, while pi ≥ 0). */
  ti: number;
  /** The feature key. */
  key: string;
}

/** Label words favour names: "Mali withdrawal" tells an editor more than "withdrawal troops". */
const KIND_BOOST: Record<FeatureKind, number> = { entity: 1.3, country: 1.2, term: 1, number: 0.5 };

/**
 * A short topic label: the 2–4 most distinctive features (share of members × IDF, names favoured), as readable
 * surface forms, ordered by where they usually appear in the titles. Returns `fallback` for empty stories.
 */
export function storyLabel(
  profile: Map<number, ProfileEntry>,
  n: number,
  /** IDF of a profile entry's feature. */
  idf: (e: ProfileEntry) => number,
  fallback: string,
): string {
  if (n <= 0 || profile.size === 0) return fallback;
  const scored: { key: string; e: ProfileEntry; score: number }[] = [];
  for (const e of profile.values()) {
    const key = e.key;
    if (!e.fromTitle && n > 1 && e.c < 2) continue; // summary-only singletons are rarely what the story is about
    const share = e.c / n;
    scored.push({ key, e, score: share * share * idf(e) * KIND_BOOST[e.kind] * (e.fromTitle ? 1 : 0.7) });
  }
  scored.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
  const picked: { e: ProfileEntry; folded: string }[] = [];
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
