// Japanese and Chinese text, written without spaces, cut into dictionary words, CLDR places, numbers and dates.
import { foldToken } from '../text/fold.ts';
import { cldrEntity } from './entities.ts';
import { normaliseNumber } from './numbers.ts';
import { languageTable } from './tables.ts';

/** Languages whose text is segmented with their dictionary (their tables' headwords are written as is). */
export const SEGMENTED_LANGUAGES: ReadonlySet<string> = new Set(['ja', 'zh']);

/**
 * Longest word looked up, in UTF-16 units: Chinese words and Japanese kanji compounds have two to four
 * characters, katakana loanwords up to eight (インフレーション); the build script keeps no longer headword.
 */
export const MAX_SEGMENT = 8;

/** A piece of a Japanese or Chinese text that reads the same in every language. */
export type CjkSegment =
  /** A dictionary word with its English pivot terms, best first. */
  | { kind: 'word'; text: string; start: number; pivots: readonly string[] }
  /** A territory or city CLDR names (`^JP` 日本, `@tokyo` 東京), or a word whose translation is one (中国 → China). */
  | { kind: 'place'; text: string; start: number; key: string }
  /** A number (`100`, `7.6`, 1万2000 → `12000`) or a day of a month (2月17日 → `02-17`). */
  | { kind: 'number' | 'date'; text: string; start: number; key: string };

/** A run of letters and digits as the engine's tokenizer reads it (a decimal point between digits included). */
const RUN = /(?:[\p{L}\p{M}\p{N}]|(?<=[0-9０-９])[.．](?=[0-9０-９]))+/gu;
/** Kana and CJK ideographs: a run with one is written without spaces. */
const CJK = /[\u3040-\u30ff\u3400-\u9fff]/u;
const DIGIT = /[0-9０-９]/u;
/** A date (2月17日), or a number with its thousands commas, decimals and a 万/億 multiplier (1万2000, 3.5億). */
const DATE_AT = /^([0-9０-９]{1,2})月([0-9０-９]{1,2})日/u;
const NUMBER_AT = /^[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?(?:([万萬億亿])([0-9０-９]+)?)?/u;
const MULTIPLIER: Record<string, number> = { 万: 1e4, 萬: 1e4, 億: 1e8, 亿: 1e8 };
/** CLDR's region "World" (世界): a word of every day's news, not a place. */
const WORLD = '^001';

/** The ASCII number a written one (digits of any width, `,` `.` in either width) stands for. */
function numberOf(written: string): string | undefined {
  return normaliseNumber(written.replace(/，/gu, ',').replace(/．/gu, '.'));
}

/** The date or number starting at text[i] (a digit), or undefined when it is a single digit (too common to say anything). */
function numberAt(text: string, i: number): CjkSegment | undefined {
  const rest = text.slice(i, i + 24);
  const date = DATE_AT.exec(rest);
  if (date) {
    const month = Number(numberOf(date[1]!));
    const day = Number(numberOf(date[2]!));
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      return { kind: 'date', text: date[0], start: i, key: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
    }
  }
  const m = NUMBER_AT.exec(rest)!;
  const [written, unit, more] = m;
  const head = numberOf(unit ? written.slice(0, written.indexOf(unit)) : written);
  if (head === undefined) return undefined;
  let key = head;
  if (unit) {
    const value = Number(head) * MULTIPLIER[unit]! + (more ? Number(numberOf(more)) : 0);
    key = String(Math.round(value * 1e6) / 1e6);
  }
  return written.length >= 2 ? { kind: 'number', text: written, start: i, key } : undefined;
}

/** A CLDR territory or city key of a folded name (not the World, not a language). */
function placeOf(folded: string): string | undefined {
  const key = cldrEntity(folded);
  return key !== undefined && key !== WORLD && (key.startsWith('^') || key.startsWith('@')) ? key : undefined;
}

/**
 * The words, places, numbers and dates of the Japanese or Chinese runs of a text, left to right (text in
 * other scripts is skipped: the tokenizer reads it as words). Greedy longest match: at each character, the
 * longest headword of the language's table and the longest CLDR name (at most {@link MAX_SEGMENT} units, at
 * least two characters) are taken, the place first; a word no longer than the place is not (日本 is `^JP`,
 * not "Japan"). Characters no entry starts at (particles, kana endings, single-character
 * words) are skipped. `能登半島で地震` (ja) → 半島 peninsula, 地震 earthquake; `日本石川县发生7.6级地震` (zh) →
 * 日本 `^JP`, 石川, 发生 happen, 7.6, 地震 earthquake. Empty for other languages.
 */
export function segmentCjk(text: string, lang: string): CjkSegment[] {
  if (!SEGMENTED_LANGUAGES.has(lang) || !CJK.test(text)) return [];
  const table = languageTable(lang);
  const out: CjkSegment[] = [];
  for (const m of text.matchAll(RUN)) {
    const run = m[0];
    if (!CJK.test(run)) continue;
    // Folding (case, marks) keeps one unit per unit in these scripts; CLDR's names are stored folded.
    const folded = foldToken(run);
    const foldedAlike = folded.length === run.length;
    for (let i = 0; i < run.length; ) {
      const start = m.index + i;
      if (DIGIT.test(run[i]!)) {
        const n = numberAt(run, i);
        if (n) out.push({ ...n, start });
        i += n ? n.text.length : 1;
        while (i < run.length && DIGIT.test(run[i]!)) i++;
        continue;
      }
      if (!CJK.test(run[i]!)) {
        i++;
        continue;
      }
      // The longest place and the longest word starting here: a place is kept even inside a longer word
      // (東京都 → @tokyo and Tokyo Metropolis, 日本人 → ^JP and Japanese), as it is the anchor across languages.
      let place: CjkSegment | undefined;
      let word: CjkSegment | undefined;
      for (let len = Math.min(MAX_SEGMENT, run.length - i); len >= 2 && !place; len--) {
        const text = run.slice(i, i + len);
        const key = placeOf(foldedAlike ? folded.slice(i, i + len) : foldToken(text));
        if (key) place = { kind: 'place', text, start, key };
        else if (!word) {
          const pivots = table.pivots.get(text);
          if (pivots) word = { kind: 'word', text, start, pivots: pivots.split(' ') };
        }
      }
      if (place) out.push(place);
      if (word) out.push(word);
      const length = Math.max(place?.text.length ?? 0, word?.text.length ?? 0);
      i += length > 0 ? length : 1;
    }
  }
  return out;
}
