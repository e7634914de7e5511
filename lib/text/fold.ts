// Accent and case folding ("Bébé" → "bebe", "Straße" → "strasse"), shared by ingestion, grouping and search.
import { LATIN_ASCII } from './latin-ascii.ts';

const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7F]/u;
const NON_ASCII_ALL = /[^\x00-\x7F]/gu;
const LATIN_ONLY = /^[\p{Script=Latin}\p{N}\p{M}]+$/u;

/**
 * Folds one token: lower case, diacritics removed, Latin letters transliterated to ASCII (ß→ss, œ→oe, ø→o; the
 * any-ascii spellings, from a generated table so readers of folded text need not load any-ascii's 546 KB).
 * Non-Latin scripts (Arabic, Cyrillic, Han…) keep their letters, only losing combining marks (Arabic harakat),
 * so their own stemmers still apply. Folding is the same for accented and already-folded text: "bébé" = "bebe".
 */
export function foldToken(token: string): string {
  let t = token.toLowerCase();
  if (!NON_ASCII.test(t)) return t;
  t = t.normalize('NFD').replace(MARKS, '').replace(/\u0640/gu, ''); // \u0640 = Arabic tatweel (elongation)
  if (NON_ASCII.test(t) && LATIN_ONLY.test(t)) t = t.replace(NON_ASCII_ALL, (c) => LATIN_ASCII.get(c) ?? c);
  return t;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Folds running text word by word with `foldToken` (punctuation and spacing kept), so a query, a headline and
 * the grouping engine's tokens compare the same way: "Retrait du Mali" → "retrait du mali".
 */
export function foldText(text: string): string {
  return text.replace(WORD, foldToken);
}
