// Reference model of the grouping engine's text analysis: the same features as lib/group/features.ts, computed plainly.
import { MAX_NAME_TOKENS, countryOfAbbreviation, countryOfName, countryOfToken, phraseLengths } from '../../lib/group/entities.ts';
import { MAX_PIVOT_KEYS, MIN_SKELETON, slugText } from '../../lib/group/features.ts';
import { entityKey, monthOf, nameSkeleton, normaliseNumber, pivotTerms, segmentCjk, SEGMENTED_LANGUAGES } from '../../lib/lexicon/index.ts';
import { foldToken } from '../../lib/text/fold.ts';
import { languageOf } from '../../lib/text/language.ts';
import { stem, stopwords } from '../../lib/text/stem.ts';

/*
 * Written for clarity, not speed: regular expressions, string keys and one Map per item. It relies on the word-level
 * primitives (folding, stems, stop words, country names, and the lexicon's translations, CLDR places, skeletons,
 * numbers, months and its segmentation of Japanese and Chinese text), which have their own tests, and re-states everything the engine builds on them: tokens,
 * sentence starts, Title Case and capital-letter evidence, multi-word country names, numbers and dates, places,
 * cognate keys, pivot terms, skeletons, link slugs and the weights.
 */

/** The analysis options (the engine's TextOptions). */
export interface ReferenceTextOptions {
  titleWeight: number;
  entityBoost: number;
  countryBoost: number;
  numberBoost: number;
  maxSummaryTokens: number;
  cognateWeight: number;
  slugWeight: number;
  pivotWeight: number;
  skeletonWeight: number;
}

/** One feature of an item, in the order it was first seen. */
export interface ReferenceFeature {
  key: string;
  weight: number;
  /** Readable form as written. */
  surface: string;
  /** Relative position of its first occurrence in the title (0..1), or 2 when only in the summary or slug. */
  pos: number;
}

/** Capital-letter evidence per folded word: (capitalized mid-sentence) − (lower-case) occurrences, within ±50. */
export type Lexicon = Map<string, number>;

/** Languages detected among when an item declares none. */
const DETECTABLE = ['en', 'fr', 'es', 'de', 'pt', 'it', 'ar', 'nl', 'ru', 'sv', 'da', 'nb', 'fi', 'ro', 'tr', 'ca', 'hu', 'cs', 'pl', 'uk'];
const SENTENCE_BREAKS = new Set([...'.!?:;|«»"“”–—']);
const ABBREVIATION = /\b(?:[A-Z]\.){2,3}(?![A-Za-z])/gu;
const THOUSANDS = /(\d)[,.\u00a0\u202f ](?=\d{3}(?!\d))/gu;
const CJK = /[\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]/u;
/** Digits and decimal points a CJK bigram must not hold (the engine reads the number whole). */
const RUN_DIGIT = /[0-9\u0660-\u0669\u06f0-\u06f9\uff10-\uff19.,\u066b]/u;
// A decimal point between two digits ("7.1", "7,1", "٧٫١") belongs to the number.
const PIECES = /(?:[\p{L}\p{M}\p{N}]|(?<=[0-9\u0660-\u0669\u06f0-\u06f9])[.,\u066b](?=[0-9\u0660-\u0669\u06f0-\u06f9]))+|[^\p{L}\p{M}\p{N}]/gsu;
const CASED = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u;
const WORD = /^[\p{L}\p{M}\p{N}]/u;

interface Token {
  raw: string;
  /** First word of a sentence or quote: its capital says nothing about names. */
  initial: boolean;
}

/**
 * Tokens of a text (at most `limit`): "U.S." is "US", thousands separators go, CJK runs (in Japanese and Chinese
 * also those that only end in a CJK character) become character bigrams, without those holding a digit.
 */
function tokenize(text: string, limit: number, lang: string): Token[] {
  const clean = text.replace(ABBREVIATION, (m) => m.replaceAll('.', '')).replace(THOUSANDS, '$1');
  const out: Token[] = [];
  let initial = true;
  for (const [piece] of clean.matchAll(PIECES)) {
    if (out.length >= limit) break;
    if (!WORD.test(piece)) {
      if (SENTENCE_BREAKS.has(piece)) initial = true;
      continue;
    }
    if ((piece.codePointAt(0)! > 0x2fff || (SEGMENTED_LANGUAGES.has(lang) && piece.charCodeAt(piece.length - 1) > 0x2fff)) && CJK.test(piece)) {
      for (let j = 0; (j + 1 < piece.length || j === 0) && out.length < limit; j++) {
        if (!RUN_DIGIT.test(piece.slice(j, j + 2))) out.push({ raw: piece.slice(j, j + 2), initial: false });
      }
      initial = false;
      continue;
    }
    out.push({ raw: piece, initial });
    initial = false;
  }
  return out;
}

/** What the analysis needs to know about one token in one language. */
function facts(raw: string, lang: string) {
  const folded = foldToken(raw);
  const number = /\p{N}/u.test(folded);
  const acronym = raw.length >= 2 && raw.length <= 6 && /^[\p{Lu}][\p{Lu}\p{N}]+$/u.test(raw);
  const stop = stopwords(lang).has(folded);
  const first = raw.charAt(0);
  const country = number || folded.length < 3 ? undefined : countryOfToken(folded);
  // Content words get translations, CLDR places and skeletons.
  const content = !number && !stop && folded.length >= 3 && !country;
  const place = content ? entityKey(raw, lang) : undefined;
  const skeleton = content ? nameSkeleton(raw) : '';
  return {
    folded,
    number,
    acronym,
    stop,
    cap: first !== first.toLowerCase() && first === first.toUpperCase(),
    upper: raw === raw.toUpperCase(),
    longWord: raw.length >= 4 && /\p{L}/u.test(raw),
    country,
    abbrevCountry: acronym ? countryOfAbbreviation(raw) : undefined,
    stem: number || stop ? folded : stem(folded, lang),
    cognate: folded.length >= 6 && /^[a-z]+$/u.test(folded) ? '~' + folded.slice(0, 5) : '',
    numberKey: '#' + (number ? (normaliseNumber(folded, lang) ?? folded) : folded),
    pivots: content ? pivotTerms(folded, lang).slice(0, MAX_PIVOT_KEYS).map((p) => '=' + p) : [],
    skeleton: skeleton.length >= MIN_SKELETON ? '&' + skeleton : '',
    cased: CASED.test(raw),
    // A region (`^002`) or city (`@tokyo`) CLDR names in any script; the World is no place.
    place: place !== undefined && place !== '^001' && (place.startsWith('^') || place.startsWith('@')) ? place : '',
    month: !number && folded.length >= 3 ? (monthOf(folded, lang) ?? 0) : 0,
    day: /^\d{1,2}$/u.test(folded) && Number(folded) >= 1 && Number(folded) <= 31 ? Number(folded) : 0,
    surface: /.\p{Lu}/u.test(raw) ? raw : raw.toLowerCase(),
  };
}

/** Adds one occurrence of a feature: a repeat raises the weight a little (a word said twice is not twice the story). */
function addFeature(out: Map<string, ReferenceFeature>, key: string, weight: number, surface: string, pos: number): void {
  const f = out.get(key);
  if (!f) out.set(key, { key, weight, surface, pos });
  else {
    f.weight = Math.max(f.weight, weight) + 0.25 * Math.min(f.weight, weight);
    f.pos = Math.min(f.pos, pos);
  }
}

function addText(
  text: string,
  lang: string,
  baseWeight: number,
  isTitle: boolean,
  opts: ReferenceTextOptions,
  lexicon: Lexicon,
  out: Map<string, ReferenceFeature>,
  slug = false,
): void {
  const toks = tokenize(text, isTitle ? Infinity : opts.maxSummaryTokens, lang).map((t) => ({ ...t, ...facts(t.raw, lang) }));
  const count = toks.length;
  const long = toks.filter((t) => t.longWord);
  const titleCase = long.length >= 3 && long.filter((t) => t.cap).length / long.length >= 0.7;
  const allCaps = count > 2 && toks.every((t) => t.upper);
  const n = Math.max(1, count);
  const countryWeight = baseWeight * opts.countryBoost;
  for (let i = 0; i < count; i++) {
    const t = toks[i]!;
    const pos = isTitle ? i / n : 2;
    // A multi-word country name (États-Unis, United States), longest first.
    const len = phraseLengths(t.folded).find(
      (l) => l <= MAX_NAME_TOKENS && l <= count - i && countryOfName(toks.slice(i, i + l).map((x) => x.folded).join(' ')),
    );
    if (len) {
      const name = toks.slice(i, i + len);
      const code = countryOfName(name.map((x) => x.folded).join(' '))!;
      addFeature(out, '^' + code, countryWeight, name.map((x) => x.raw).join(' '), pos);
      i += len - 1;
      continue;
    }
    if (t.number) {
      // A day with a month name next to it ("17 février", "17 de febrero", "February 17") is a date.
      const next = toks[i + 1];
      let month = next?.month ?? 0;
      if (!month && next && (next.folded === 'de' || next.folded === 'del')) month = toks[i + 2]?.month ?? 0;
      if (!month) month = toks[i - 1]?.month ?? 0;
      if (t.day && month) addFeature(out, `#${String(month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`, baseWeight * opts.numberBoost, t.raw, pos);
      else if (t.folded.length >= 2) addFeature(out, t.numberKey, baseWeight * opts.numberBoost, t.raw, pos);
      continue;
    }
    if (t.abbrevCountry && !allCaps) {
      addFeature(out, '^' + t.abbrevCountry, countryWeight, t.raw, pos);
      continue;
    }
    if (t.folded.length < 2) continue;
    const cap = !allCaps && t.cap;
    const acronym = !allCaps && t.acronym;
    if (t.stop && !acronym) continue;
    if (t.folded.length < 3 && !acronym && !CJK.test(t.raw)) continue; // (a CJK bigram is a word)
    if (t.country) {
      addFeature(out, '^' + t.country, countryWeight, t.raw, pos);
      continue;
    }
    const city = t.place.startsWith('@');
    if (t.place && !city) {
      addFeature(out, t.place, countryWeight, t.raw, pos);
      continue;
    }
    // A name: an acronym, a capital inside sentence-case text (which teaches the lexicon), or a capitalized word
    // the lexicon knows as a name (Title Case text and lower-case slugs only read it).
    let entity = acronym;
    const evidence = lexicon.get(t.folded) ?? 0;
    if (slug) entity ||= evidence > 0;
    else if (!allCaps && !titleCase && !t.initial) {
      lexicon.set(t.folded, cap ? Math.min(evidence + 1, 50) : Math.max(evidence - 1, -50));
      entity ||= cap;
    } else entity ||= cap && evidence > 0;
    entity ||= city;
    if (opts.cognateWeight > 0 && t.cognate) addFeature(out, t.cognate, baseWeight * opts.cognateWeight, t.surface, pos);
    if (t.stem.length >= 2) addFeature(out, t.stem, baseWeight, entity ? t.raw : t.surface, pos);
    if (entity) addFeature(out, city ? t.place : '@' + t.folded, baseWeight * opts.entityBoost, t.raw, pos);
    if (city) continue;
    if (opts.pivotWeight > 0) t.pivots.forEach((p, k) => addFeature(out, p, baseWeight * opts.pivotWeight * (k === 0 ? 1 : 0.5), t.surface, pos));
    // Skeletons: for names in cased scripts; in others (no capitals) for every word without a translation.
    if (opts.skeletonWeight > 0 && t.skeleton && (t.cased ? entity : t.pivots.length === 0)) {
      addFeature(out, t.skeleton, baseWeight * opts.skeletonWeight, t.raw, pos);
    }
  }
  // Japanese and Chinese: after the bigrams, the words, places, numbers and dates of the unspaced runs (at most
  // maxSummaryTokens outside the title), placed by character offset. A feature met before keeps its position:
  // these come after the tokens in the engine, whatever their offset.
  if (!SEGMENTED_LANGUAGES.has(lang)) return;
  for (const s of segmentCjk(text, lang).slice(0, isTitle ? undefined : opts.maxSummaryTokens)) {
    const pos = isTitle ? s.start / text.length : 2;
    const add = (key: string, weight: number): void => {
      const had = out.get(key)?.pos;
      addFeature(out, key, weight, s.text, pos);
      if (had !== undefined) out.get(key)!.pos = had;
    };
    if (s.kind === 'word') {
      if (opts.pivotWeight > 0) s.pivots.slice(0, MAX_PIVOT_KEYS).forEach((p, k) => add('=' + p, baseWeight * opts.pivotWeight * (k === 0 ? 1 : 0.5)));
    } else if (s.kind === 'place') add(s.key, baseWeight * (s.key.startsWith('^') ? opts.countryBoost : opts.entityBoost));
    else add('#' + s.key, baseWeight * opts.numberBoost);
  }
}

/** An item's language and features (title, then summary, then link slug), updating the capital-letter lexicon. */
export function referenceAnalysis(
  item: { title: string; summary?: string; lang?: string; url?: string },
  opts: ReferenceTextOptions,
  lexicon: Lexicon,
): { lang: string; features: ReferenceFeature[] } {
  const { title, summary, url } = item;
  const lang = languageOf(summary ? `${title} ${summary}` : title, item.lang, { candidates: DETECTABLE, minLength: 12 });
  const out = new Map<string, ReferenceFeature>();
  addText(title, lang, opts.titleWeight, true, opts, lexicon, out);
  if (summary) addText(summary, lang, 1, false, opts, lexicon, out);
  const words = url && opts.slugWeight > 0 ? slugText(url) : '';
  if (words) addText(words, lang, opts.slugWeight, false, opts, lexicon, out, true);
  return { lang, features: [...out.values()] };
}

/** Halves the lexicon's evidence and forgets words left with almost none (as the engine does at IDF decay). */
export function decayLexicon(lexicon: Lexicon): void {
  for (const [word, v] of lexicon) {
    if (Math.abs(v) <= 1) lexicon.delete(word);
    else lexicon.set(word, Math.trunc(v / 2));
  }
}
