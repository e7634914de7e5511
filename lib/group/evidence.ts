// Readable evidence that two stories may be one: shared names, words, translations and numbers, for the desk.
import { foldToken } from '../text/fold.ts';
import { stem } from '../text/stem.ts';
import type { SuggestionEvidence } from './suggestions.ts';

/** A feature both stories hold, with its readable form in each (as first written in a title where possible). */
export interface PairSide {
  key: string;
  a: string;
  b: string;
}

/** Most words listed per kind of evidence. */
const MAX_WORDS = 8;

/** One name as both stories write it: `Japan`, or `Japan / اليابان` when they spell it differently. */
function both(a: string, b: string): string {
  return foldToken(a) === foldToken(b) ? a : `${a} / ${b}`;
}

/**
 * The evidence of a pair in readable words, from the features both stories hold (strongest first): names,
 * countries and skeletons as `entities`; stems (same-language words) and cognates as `terms`; pivot terms as
 * `source → pivot` for each story that wrote another word than the English one (`retrait → withdrawal`,
 * `زلزال → earthquake`), else as a `term`; numbers and dates as written.
 */
export function pairEvidence(shared: readonly PairSide[]): SuggestionEvidence {
  const out: SuggestionEvidence = { entities: [], terms: [], translated: [], numbers: [] };
  const push = (list: string[], word: string): void => {
    if (list.length < MAX_WORDS && !list.includes(word)) list.push(word);
  };
  for (const { key, a, b } of shared) {
    const c = key.charAt(0);
    if (c === '@' || c === '^' || c === '&') push(out.entities, both(a, b));
    else if (c === '#') push(out.numbers, a);
    else if (c === '=') {
      const pivot = key.slice(1);
      const english = stem(pivot, 'en');
      const sources = [a, b].filter((w) => stem(foldToken(w), 'en') !== english);
      if (sources.length === 0) push(out.terms, a);
      for (const w of sources) push(out.translated, `${w} → ${pivot}`);
    } else push(out.terms, c === '~' ? both(a, b) : a);
  }
  return out;
}
