// Word-level translation into the English pivot: lemmas from Apertium's analysers, pivots from Apertium and FreeDict.
import { stem } from '../text/stem.ts';
import { arabicKeys } from './arabic.ts';
import { languageTable, type LanguageTable } from './tables.ts';

/**
 * Languages with translation tables (built by `scripts/build-lexicon.ts`): the registry's languages that
 * open dictionaries cover (Debian's Apertium and FreeDict packages, CC-CEDICT for Chinese). English is the
 * pivot itself (lemmas only).
 */
export const LEXICON_LANGUAGES = ['en', 'fr', 'es', 'de', 'ar', 'pt', 'it', 'tr', 'ru', 'ja', 'zh'] as const;

/** Languages whose words reach a lemma through an Apertium analyser. */
const ANALYSED = new Set(['en', 'fr', 'es', 'pt', 'it']);

const EMPTY: readonly string[] = Object.freeze([]);

function lemmasOf(table: LanguageTable, key: string): readonly string[] {
  const l = table.lemmas.get(key);
  return l === undefined ? EMPTY : typeof l === 'string' ? [l] : l;
}

/**
 * The dictionary lemmas of a folded token (`foldToken`): `retraits` → `["retrait", "retraire"]`,
 * `retiree` → `["retirer"]`, `elecciones` → `["eleccion"]`, `elections` (en) → `["election"]`. Uses the
 * Apertium analyser of the language (en, fr, es, pt, it); a token the analyser does not know, or a language
 * without one, gives the token itself.
 */
export function lemmas(folded: string, lang: string): readonly string[] {
  if (!ANALYSED.has(lang)) return [folded];
  const table = languageTable(lang);
  const l = lemmasOf(table, folded);
  if (l.length === 0) return [folded];
  // A form that is also a lemma of its own keeps that reading first.
  return table.pivots.has(folded) && !l.includes(folded) ? [folded, ...l] : l;
}

/**
 * The lemma of a folded token: the first of {@link lemmas} that has a translation, else the first one.
 * `retiree` (fr) → `retirer`, `municipales` → `municipal`, `withdrawals` (en) → `withdrawal`.
 */
export function lemma(folded: string, lang: string): string {
  const ls = lemmas(folded, lang);
  const table = languageTable(lang);
  return ls.find((l) => table.pivots.has(l)) ?? ls[0]!;
}

/** Pivots of the word itself or of its lemmas (no stem fallback), space-separated, or undefined. */
function exactPivots(table: LanguageTable, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const direct = table.pivots.get(key);
    if (direct) return direct;
    const ls = lemmasOf(table, key);
    if (ls.length === 1) {
      const p = table.pivots.get(ls[0]!);
      if (p) return p;
    } else if (ls.length > 1) {
      const joined = ls.map((l) => table.pivots.get(l)).filter((p): p is string => p !== undefined);
      if (joined.length) return [...new Set(joined.join(' ').split(' '))].join(' ');
    }
  }
  return undefined;
}

/** Languages that write compounds as one word, looked up by their parts when the whole is not listed. */
const COMPOUNDING = new Set(['de']);
/** Shortest part of a compound looked up on its own. */
const MIN_PART = 4;

/**
 * Pivots of a compound from its parts: the head (last part, which names the thing) first, then the modifier:
 * `kommunalwahlen` → `wahlen` (election…) + `kommunal` (municipal…). The longest listed head wins; a linking
 * `s` between the parts is allowed (`abzugsplan`).
 */
function compoundPivots(table: LanguageTable, folded: string): string | undefined {
  for (let i = MIN_PART; i <= folded.length - MIN_PART; i++) {
    const head = table.pivots.get(folded.slice(i));
    if (!head) continue;
    const left = folded.slice(0, i);
    const modifier = table.pivots.get(left) ?? (left.endsWith('s') ? table.pivots.get(left.slice(0, -1)) : undefined);
    const out = head.split(' ').slice(0, 3);
    for (const t of modifier?.split(' ').slice(0, 3) ?? []) if (!out.includes(t)) out.push(t);
    return out.join(' ');
  }
  return undefined;
}

/**
 * English pivot terms of a folded content word in `lang`, best first (at most six): `retrait` (fr) →
 * `withdrawal`, `seismes` → `seism, earthquake`, `erdbeben` (de) → `earthquake`…, `زلزال` (ar) →
 * `earthquake`. English words give their lemma (`elections` → `["election"]`), so items in every language
 * meet on the same terms. Found by, in order: the word itself, its lemmas (Apertium analysers), for Arabic
 * the word without clitics and endings ({@link arabicKeys}), for German the parts of a compound
 * (`kommunalwahlen` → election, municipal), and finally a word of the table with the same Snowball stem (fr,
 * es, pt, it, tr, ru). Japanese and Chinese words are looked up as written, not folded (folding drops the
 * kana voicing marks: ガス gas would read カス dregs), and found in running text by `segmentCjk`: `地震` (ja)
 * → earthquake, `选举` (zh) → election. Empty for words the tables do not know (mostly names) and for
 * languages without tables.
 */
export function pivotTerms(folded: string, lang: string): readonly string[] {
  if (lang === 'en') return [lemma(folded, 'en')];
  const table = languageTable(lang);
  if (table.pivots.size === 0) return EMPTY;
  const found = exactPivots(table, lang === 'ar' ? arabicKeys(folded) : [folded]);
  if (found) return found.split(' ');
  if (COMPOUNDING.has(lang)) return compoundPivots(table, folded)?.split(' ') ?? EMPTY;
  if (table.stems.size === 0) return EMPTY;
  const s = stem(folded, lang);
  const key = table.stems.get(s) ?? s;
  return table.pivots.get(key)?.split(' ') ?? EMPTY;
}

/**
 * Loads the tables of `langs` now (by default every language that has them) instead of on first use, e.g.
 * at a function's cold start, so no item pays for the load.
 */
export function preloadLexicon(langs: readonly string[] = LEXICON_LANGUAGES): void {
  for (const lang of langs) languageTable(lang);
}
