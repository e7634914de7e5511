// Search words of a text (folded, with character pairs for scripts written without spaces), and the terms search batches store.
import { foldToken } from '../text/fold.ts';

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Scripts written without spaces between words: indexed and queried as overlapping character pairs. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * The distinct search words of `text`, folded (case and accents, see `foldToken`), in order of first appearance;
 * single letters are left out. A run of Han, kana or Thai letters gives its overlapping character pairs.
 */
export function searchWords(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.match(WORD) ?? []) {
    const folded = foldToken(raw);
    if (UNSPACED.test(folded)) {
      for (const gram of bigrams(folded)) out.add(gram);
      continue;
    }
    if (folded.length < 2 && !/\p{N}/u.test(folded)) continue;
    out.add(folded);
  }
  return [...out];
}

/**
 * A term as search batches store it: the word, then `>` and its stem in the item's language when it was stemmed
 * (`soldats>soldat`; `soldat>` when the stem is the word itself). Words of an editor's copy carry no stem.
 */
export const term = (word: string, stem?: string): string => (stem === undefined ? word : `${word}>${stem === word ? '' : stem}`);

/** The word and stem of a stored term (`stem` undefined when it was not stemmed). */
export function splitTerm(t: string): { word: string; stem?: string } {
  const i = t.indexOf('>');
  if (i < 0) return { word: t };
  const word = t.slice(0, i);
  return { word, stem: t.slice(i + 1) || word };
}

function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}
