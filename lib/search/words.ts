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
 * A term as search batches store it: the word with its stem in the item's language when it was stemmed. A stem
 * that begins the word (most do) is stored as its length after `>`: `soldats>6` is "soldats", stem "soldat";
 * `soldat>` has the word itself as stem; `happy=happi` spells a stem that does not begin the word. Words of an
 * editor's copy carry no stem.
 */
export function term(word: string, stem?: string): string {
  if (stem === undefined) return word;
  if (stem === word) return `${word}>`;
  return word.startsWith(stem) && stem.length > 0 ? `${word}>${stem.length}` : `${word}=${stem}`;
}

/** The word and stem of a stored term (`stem` undefined when it was not stemmed). */
export function splitTerm(t: string): { word: string; stem?: string } {
  const spelled = t.indexOf('=');
  if (spelled >= 0) return { word: t.slice(0, spelled), stem: t.slice(spelled + 1) };
  const i = t.indexOf('>');
  if (i < 0) return { word: t };
  const word = t.slice(0, i);
  const length = t.slice(i + 1);
  return { word, stem: length === '' ? word : word.slice(0, Number(length)) };
}

function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}
