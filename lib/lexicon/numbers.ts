// Numbers and dates written alike in every language and script: "2 400", "2,400", "2.400", "٢٤٠٠"; "17 février".
import { foldToken } from '../text/fold.ts';

/** Decimal digits of any script (Arabic-Indic ٠–٩, Persian ۰–۹, Devanagari, fullwidth…) → ASCII, via fold. */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => foldToken(d));
}

/** Spaces written between digit groups: space, no-break space, narrow no-break space, thin space. */
const GROUP_SPACE = /(\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))/gu;

/**
 * Canonical form of a written number, or undefined when `written` is not one: digits of any script become
 * ASCII, thousands separators go and the decimal separator becomes a dot, trailing decimal zeros dropped.
 * "2 400", "2,400", "2.400", "2400" and "٢٤٠٠" → `2400`; "7,1", "7.1" and "٧٫١" → `7.1`; "1.250.000" →
 * `1250000`; "3,50" → `3.5`. A single separator followed by exactly three digits is read as a thousands
 * separator ("2.400" is 2400, as in German or Spanish), except a dot when `lang` is English (`1.250` → 1.25).
 */
export function normaliseNumber(written: string, lang?: string): string | undefined {
  let s = asciiDigits(written.trim()).replace(/\u066b/gu, '.').replace(/\u066c/gu, ',');
  s = s.replace(GROUP_SPACE, '$1');
  if (!/^\d+(?:[.,]\d+)*$/u.test(s)) return undefined;
  let int = s;
  let dec = '';
  const seps = s.match(/[.,]/gu) ?? [];
  if (seps.length > 0) {
    const last = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
    const lastSep = s[last]!;
    const mixed = new Set(seps).size > 1;
    const tail = s.slice(last + 1);
    let decimal: boolean;
    if (mixed) decimal = true; // "2,400.50" / "2.400,50": the last separator is the decimal one
    else if (seps.length > 1) decimal = false; // "1.250.000"
    else decimal = tail.length !== 3 || (lastSep === '.' && lang === 'en');
    if (decimal) {
      int = s.slice(0, last);
      dec = tail;
    }
    int = int.replace(/[.,]/gu, '');
  }
  int = int.replace(/^0+(?=\d)/u, '');
  dec = dec.replace(/0+$/u, '');
  return dec ? `${int}.${dec}` : int;
}

/** A number found in running text. */
export interface NumberMatch {
  /** Offsets in the text (UTF-16 units), end exclusive. */
  start: number;
  end: number;
  /** {@link normaliseNumber}'s canonical form. */
  value: string;
}

const NUMBER_IN_TEXT = /\p{Nd}+(?:(?:[.,\u066b\u066c]|[ \u00a0\u202f\u2009](?=\p{Nd}{3}(?!\p{Nd})))\p{Nd}+)*/gu;

/**
 * The numbers of a text with their canonical values, separators included: "un bilan de 2 400 morts" →
 * `[{value: "2400"}]`, which a tokenizer splitting on spaces would read as "2" and "400".
 */
export function findNumbers(text: string, lang?: string): NumberMatch[] {
  const out: NumberMatch[] = [];
  for (const m of text.matchAll(NUMBER_IN_TEXT)) {
    const value = normaliseNumber(m[0], lang);
    if (value !== undefined) out.push({ start: m.index, end: m.index + m[0].length, value });
  }
  return out;
}

const monthTables = new Map<string, Map<string, number>>();

/**
 * Month (1–12) named by a folded word in `lang`, from the runtime's CLDR month names (long and abbreviated,
 * standalone and in dates): `fevrier` (fr), `february`, `feb`, `febrero`, `februar`, `فبراير` → 2.
 */
export function monthOf(folded: string, lang: string): number | undefined {
  let table = monthTables.get(lang);
  if (!table) {
    table = new Map();
    try {
      for (const style of ['long', 'short'] as const) {
        const fmt = new Intl.DateTimeFormat(lang, { month: style, timeZone: 'UTC' });
        const inDate = new Intl.DateTimeFormat(lang, { month: style, day: 'numeric', timeZone: 'UTC' });
        for (let m = 0; m < 12; m++) {
          const d = Date.UTC(2024, m, 15);
          const names = [fmt.format(d), ...inDate.formatToParts(d).filter((p) => p.type === 'month').map((p) => p.value)];
          for (const n of names) {
            const f = foldToken(n.replace(/\.$/u, ''));
            if (/^\p{L}{3,}$/u.test(f) && !table.has(f)) table.set(f, m + 1);
          }
        }
      }
    } catch {
      // a language tag the runtime does not know: no month names
    }
    monthTables.set(lang, table);
  }
  return table.get(folded);
}

/**
 * Day-of-year keys (`MM-DD`) of the dates written in a text as a day and a month name, in either order:
 * "le 17 février" (fr), "February 17", "17 فبراير", "el 17 de febrero" → `["02-17"]`. Weekday and month
 * names alone are stop words (they say when, not what); a full date is specific enough to be evidence.
 */
export function findDates(text: string, lang: string): string[] {
  const tokens = (text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).map((t) => foldToken(t));
  const out: string[] = [];
  const day = (t: string | undefined): number | undefined => {
    if (t === undefined || !/^\d{1,2}$/u.test(t)) return undefined;
    const n = Number(t);
    return n >= 1 && n <= 31 ? n : undefined;
  };
  tokens.forEach((t, i) => {
    const month = monthOf(t, lang);
    if (month === undefined) return;
    // "17 février", "17 de febrero", "February 17"
    const d = day(tokens[i - 1]) ?? (tokens[i - 1] === 'de' ? day(tokens[i - 2]) : undefined) ?? day(tokens[i + 1]);
    if (d !== undefined) out.push(`${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  });
  return [...new Set(out)];
}
