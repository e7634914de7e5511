// English pivot words of a dictionary translation: folded content words, shared by the table build and look-ups.
import { foldToken } from '../text/fold.ts';
import { stopwords } from '../text/stem.ts';

const WORD = /[\p{L}\p{N}]+/gu;
/** Longest translation kept, in content words: longer ones are glosses ("act of drawing back"), not terms. */
const MAX_WORDS = 2;

/**
 * The content words of an English translation as pivot terms: `"Withdraw"` → `["withdraw"]`, `"municipal
 * elections"` → `["municipal", "elections"]`, `"the act of …"` → `[]` (a gloss, not a term). Parenthesised
 * and bracketed qualifiers are dropped first (`"take off (clothes)"` → `["take", "off"]` minus stop words).
 */
export function pivotWords(translation: string): string[] {
  const text = translation.replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|<[^>]*>/gu, ' ');
  const stop = stopwords('en');
  const words = (text.match(WORD) ?? []).map(foldToken).filter((w) => w.length > 1 && !stop.has(w) && !/^\d+$/u.test(w));
  return words.length > 0 && words.length <= MAX_WORDS ? words : [];
}
