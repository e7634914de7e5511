// Stems and stop words per language (Snowball, stopwords-iso, CLDR calendar names): the word-level normalisation
// shared by grouping and search.
import snowball, { type Stemmer } from 'snowball-stemmers';
import stopwordsJson from 'stopwords-iso' with { type: 'json' };
import { foldToken } from './fold.ts';

/** Snowball algorithm per ISO 639-1 code. */
const SNOWBALL: Record<string, string> = {
  en: 'english', fr: 'french', es: 'spanish', de: 'german', pt: 'portuguese', it: 'italian', ar: 'arabic',
  nl: 'dutch', ru: 'russian', sv: 'swedish', da: 'danish', no: 'norwegian', nb: 'norwegian', nn: 'norwegian',
  fi: 'finnish', ro: 'romanian', tr: 'turkish', ca: 'catalan', hu: 'hungarian', cs: 'czech', eu: 'basque',
  ga: 'irish', hy: 'armenian', sl: 'slovene', ta: 'tamil',
};
/** stopwords-iso ships as a JSON main entry, imported as a JSON module. */
const stopwordsIso = stopwordsJson as unknown as Record<string, string[]>;
/** Languages whose stop lists stopwords-iso files under another code (Bokmål and Nynorsk under Norwegian). */
const STOPWORD_ALIAS: Record<string, string> = { nb: 'no', nn: 'no' };
/** Languages whose stop words are all applied when the language is unknown. */
const CORE_LANGS = ['en', 'fr', 'es', 'de', 'pt', 'it', 'ar'];

const stemmers = new Map<string, Stemmer | null>();
const stemCaches = new Map<string, Map<string, string>>();
const stopSets = new Map<string, Set<string>>();

function stemmerFor(lang: string): Stemmer | null {
  let s = stemmers.get(lang);
  if (s === undefined) {
    const algo = SNOWBALL[lang];
    s = algo ? snowball.newStemmer(algo) : null;
    stemmers.set(lang, s);
  }
  return s;
}

/**
 * Stem of a folded token in a language. Unknown Latin-script languages fall back to a 6-letter prefix, a
 * crude but language-neutral stemmer; other scripts keep the token. Memoized (bounded) since headline
 * vocabulary repeats heavily and Snowball in JS is the costliest step.
 */
export function stem(folded: string, lang: string): string {
  let cache = stemCaches.get(lang);
  if (!cache) stemCaches.set(lang, (cache = new Map()));
  const hit = cache.get(folded);
  if (hit !== undefined) return hit;
  const s = stemmerFor(lang);
  let out: string;
  if (s) out = s.stem(folded) || folded;
  else if (/^[a-z0-9]+$/u.test(folded)) out = folded.length > 6 ? folded.slice(0, 6) : folded;
  else out = folded;
  if (cache.size > 200_000) cache.clear();
  cache.set(folded, out);
  return out;
}

/** Folded stop words of a language (stopwords-iso); the union of the core languages for `und`. */
export function stopwords(lang: string): Set<string> {
  let set = stopSets.get(lang);
  if (set) return set;
  const lists = stopwordsIso;
  const langs = lang === 'und' ? CORE_LANGS : [lang];
  set = new Set<string>();
  for (const l of langs) {
    for (const w of lists[l] ?? lists[STOPWORD_ALIAS[l] ?? ''] ?? []) set.add(foldToken(w));
    for (const w of calendarWords(l)) set.add(w);
  }
  stopSets.set(lang, set);
  return set;
}

/**
 * Folded names of the weekdays and months in a language, from the runtime's CLDR data (Intl). They say when,
 * not what: "Monday" or "juin" shared by two headlines is no evidence of one story, and on a news day they
 * are common enough to glue unrelated items together.
 */
export function calendarWords(lang: string): string[] {
  const out: string[] = [];
  try {
    const day = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' });
    const month = new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' });
    for (let i = 0; i < 7; i++) out.push(day.format(Date.UTC(2024, 0, 1 + i)));
    for (let m = 0; m < 12; m++) out.push(month.format(Date.UTC(2024, m, 15)));
  } catch {
    return []; // a tag the runtime does not know
  }
  // Multi-word forms are not single tokens; folded like the text they are compared with.
  return out.filter((w) => !/\s/u.test(w)).map((w) => foldToken(w));
}
