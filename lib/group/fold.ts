// Accent and case folding of single tokens ("Bébé" → "bebe", "Straße" → "strasse"), shared by text and entities.
import anyAscii from 'any-ascii';

const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7F]/u;
const LATIN_ONLY = /^[\p{Script=Latin}\p{N}\p{M}]+$/u;

/**
 * Folds one token: lower case, diacritics removed, Latin letters transliterated to ASCII (ß→ss, œ→oe, ø→o).
 * Non-Latin scripts (Arabic, Cyrillic, Han…) keep their letters, only losing combining marks (Arabic harakat),
 * so their own stemmers still apply. Folding is the same for accented and already-folded text: "bébé" = "bebe".
 */
export function foldToken(token: string): string {
  let t = token.toLowerCase();
  if (!NON_ASCII.test(t)) return t;
  t = t.normalize('NFD').replace(MARKS, '').replace(/\u0640/gu, ''); // \u0640 = Arabic tatweel (elongation)
  if (NON_ASCII.test(t) && LATIN_ONLY.test(t)) t = anyAscii(t).toLowerCase();
  return t;
}
