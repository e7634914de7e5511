// Text analysis for grouping: an item's language and weighted features (stems, names, countries, numbers, translations, slug words).
import { cldrKey, monthOf, nameSkeleton, normaliseNumber, pivotTerms, segmentCjk, SEGMENTED_LANGUAGES } from '../lexicon/index.ts';
import { foldToken } from '../text/fold.ts';
import { languageOf } from '../text/language.ts';
import { stem, stopwords } from '../text/stem.ts';
import { countryOfAbbreviation, countryOfName, countryOfToken, MAX_NAME_TOKENS, phraseLengths } from './entities.ts';
import { Vocabulary, type Term } from './vocabulary.ts';

/*
 * A feature is a string key. Its first character tells its kind: `@macron` a name (unstemmed, so it matches
 * across languages; `@tokyo` also for a city the lexicon's CLDR names know in any script), `^FR` a country or
 * region (CLDR names and demonyms in many languages), `#2400` a number (`#7.1`, and `#02-17` for a day and a
 * month), and the bridges between languages: `=earthquake` an English pivot term (a word's dictionary
 * translation, or an English word's lemma), `&mkrn` a name's consonant skeleton across scripts (Macron,
 * ماكرون), `~reces` a cognate key (the first five letters of a longer word: recession, récession, recesión,
 * Rezession). Anything else is a stem in the item's language. Weights: title words count `titleWeight` times
 * a summary word; names, countries and numbers are boosted; a word repeated adds a quarter of its weight.
 */

/** Feature kinds; the key prefix tells them apart (bridge keys `=…`, `&…`, `~…` are terms). */
export type FeatureKind = 'term' | 'entity' | 'country' | 'number';

/** Kind of a feature, told by its key's first character. */
export function kindOfKey(key: string): FeatureKind {
  const c = key.charCodeAt(0);
  return c === 64 ? 'entity' : c === 94 ? 'country' : c === 35 ? 'number' : 'term';
}

/**
 * Where a feature counts (scoring.ts): 0, within one language only (stems: the same stem in two languages is
 * a coincidence); 1, everywhere (names, countries, numbers: the same in every language); 2, only between
 * languages (pivot terms, skeletons and cognate keys: within one language the stems already say it, and
 * translation would blur one language's stories together).
 */
export type FeatureSpace = 0 | 1 | 2;

/** The space of a feature, told by its key's first character. */
export function spaceOfKey(key: string): FeatureSpace {
  const c = key.charCodeAt(0);
  return c === 64 || c === 94 || c === 35 ? 1 : c === 61 || c === 38 || c === 126 ? 2 : 0;
}

/** A pivot term or skeleton: the engine's rendering of a word in the pivot, not a word the item wrote. */
export function isTranslation(key: string): boolean {
  const c = key.charCodeAt(0);
  return c === 61 || c === 38;
}

/** A feature that says what happened: a stem, pivot term or cognate (not a name, skeleton, country or number). */
export function isEventKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return c !== 64 && c !== 94 && c !== 35 && c !== 38;
}

/**
 * What a feature says as evidence that texts in two languages tell one event: an `anchor` names who, where or
 * how many (a name, skeleton or number), a `country` only where, a `term` what happened (a pivot term or
 * cognate); stems say nothing across languages.
 */
export function evidenceKindOfKey(key: string): 'anchor' | 'country' | 'term' | undefined {
  const c = key.charCodeAt(0);
  return c === 64 || c === 38 || c === 35 ? 'anchor' : c === 94 ? 'country' : c === 61 || c === 126 ? 'term' : undefined;
}

/** Tunables of the analysis. */
export interface TextOptions {
  /** Weight of a title token relative to a summary token (titles are written to say what the story is). */
  titleWeight: number;
  /** Extra multiplier for named entities (people, organisations, places). */
  entityBoost: number;
  /** Extra multiplier for countries, normalized across languages. */
  countryBoost: number;
  /** Extra multiplier for numbers (scores, tolls, amounts are strong same-story signals). */
  numberBoost: number;
  /** Only the first N summary tokens count: long summaries drift off the story. */
  maxSummaryTokens: number;
  /** Weight of the language-neutral cognate key of longer words (`~reces`). 0 = off. */
  cognateWeight: number;
  /**
   * Weight of the words of the link's slug (`/2014/03/gm-hires-investigator-to-lead-probe.html`): editors
   * write slugs for search engines, so they restate the topic in other words than the headline. 0 = off.
   */
  slugWeight?: number;
  /**
   * Weight of a content word's first English pivot term (`retrait` → `=withdrawal`, from the lexicon's
   * dictionaries; an English word gives its lemma); its next ones (at most MAX_PIVOT_KEYS in all) weigh half.
   * 0 = no translation.
   */
  pivotWeight?: number;
  /** Weight of a name's consonant skeleton (`&mkrn` for Macron and ماكرون), which matches names across scripts. 0 = off. */
  skeletonWeight?: number;
}

/** Most pivot terms of one word used as features: a dictionary's later senses are mostly noise. */
export const MAX_PIVOT_KEYS = 3;
/** Shortest skeleton used as a feature: two consonants match too many unrelated names. */
export const MIN_SKELETON = 3;

/** One feature of an item with its raw (pre-IDF) weight and a readable surface form for labels. */
export interface FeatureInfo {
  weight: number;
  kind: FeatureKind;
  /** Readable form as written (not a stem), e.g. `withdrawal`, `Mali`. */
  surface: string;
  /** Relative position of its first occurrence in the title (0..1), or 2 when only in the summary or slug. */
  pos: number;
}

/** A word's capital-letter evidence; `forgotten` once the evidence dropped it (holders look the word up again). */
export interface NameCell {
  v: number;
  forgotten: boolean;
}

/**
 * Which words are names, learned from the text: (capitalized mid-sentence) − (lower-case) occurrences per
 * folded word, within ±50. Sentence-case text teaches it; Title Case headlines (common in English) and
 * lower-case link slugs only read it, so "Barkhane" is still a name in "France Ends Barkhane Operation".
 */
export class NameEvidence {
  private readonly words = new Map<string, NameCell>();

  /** The cell of a word (evidence 0 if new). */
  cell(word: string): NameCell {
    let c = this.words.get(word);
    if (!c) this.words.set(word, (c = { v: 0, forgotten: false }));
    return c;
  }

  /** Halves the evidence and forgets words left with almost none, so it follows the news and stays bounded. */
  decay(): void {
    for (const [word, c] of this.words) {
      if (Math.abs(c.v) <= 1) {
        this.words.delete(word);
        c.forgotten = true;
      } else c.v = Math.trunc(c.v / 2);
    }
  }
}

/** Records one more occurrence of a word, capitalized or not. */
function observe(cell: NameCell, capitalized: boolean): void {
  cell.v = capitalized ? Math.min(cell.v + 1, 50) : Math.max(cell.v - 1, -50);
}

/** Stamps that tell items apart in FeatureList (unique across lists, so a term shared by two never confuses them). */
let stamps = 0;

/**
 * An item's features as terms of a vocabulary, in first-seen order (scores sum over them in this order), in
 * arrays reused from item to item: the caller copies what it keeps.
 */
export class FeatureList {
  n = 0;
  terms: Term[] = [];
  weights: number[] = [];
  surfaces: string[] = [];
  /** Relative position of the first occurrence in the title (0..1), or 2 when only in the summary or slug. */
  positions: number[] = [];
  private stamp = ++stamps;

  constructor(
    readonly vocab: Vocabulary,
    readonly names: NameEvidence,
  ) {}

  clear(): void {
    this.n = 0;
    this.stamp = ++stamps;
  }

  /** Adds one occurrence of a feature: a repeat raises its weight by a quarter (a word said twice is not twice the story). */
  add(term: Term, weight: number, surface: string, pos: number): void {
    if (term.stamp === this.stamp) {
      const i = term.at;
      const old = this.weights[i]!;
      this.weights[i] = Math.max(old, weight) + 0.25 * Math.min(old, weight);
      return;
    }
    const n = this.n++;
    term.stamp = this.stamp;
    term.at = n;
    this.terms[n] = term;
    this.weights[n] = weight;
    this.surfaces[n] = surface;
    this.positions[n] = pos;
  }
}

/** Languages the grouping engine detects among when an item declares none (Arabic script is told directly). */
const DETECTABLE = ['en', 'fr', 'es', 'de', 'pt', 'it', 'ar', 'nl', 'ru', 'sv', 'da', 'nb', 'fi', 'ro', 'tr', 'ca', 'hu', 'cs', 'pl', 'uk'];

/** The item fields analysis reads. */
export interface TextInput {
  title: string;
  summary?: string;
  lang?: string;
  url?: string;
}

/** The language an item is analysed in: its declared tag, else detected from its title and summary, else `und`. */
export function itemLanguage(item: TextInput): string {
  const { title, summary } = item;
  return languageOf(summary ? `${title} ${summary}` : title, item.lang, { candidates: DETECTABLE, minLength: 12 });
}

/**
 * Analyses an item's title, summary and link slug into `out` (as terms of its vocabulary; its name evidence
 * learns from the text); returns the language used for stop words and stems.
 */
export function analyzeInto(item: TextInput, opts: TextOptions, out: FeatureList): string {
  const { title, summary, url } = item;
  const lang = itemLanguage(item);
  out.clear();
  addText(title, lang, opts.titleWeight, 'title', opts, out);
  if (summary) addText(summary, lang, 1, 'summary', opts, out);
  const slugWeight = opts.slugWeight ?? 0;
  const slug = url && slugWeight > 0 ? slugText(url) : '';
  if (slug) addText(slug, lang, slugWeight, 'slug', opts, out);
  return lang;
}

/** Analyses one item on its own, features keyed by feature key (for tests and tools; the engine uses analyzeInto). */
export function analyze(item: TextInput, opts: TextOptions, names = new NameEvidence()): { lang: string; features: Map<string, FeatureInfo> } {
  const list = new FeatureList(new Vocabulary(), names);
  const lang = analyzeInto(item, opts, list);
  const features = new Map<string, FeatureInfo>();
  for (let i = 0; i < list.n; i++) {
    const key = list.terms[i]!.key;
    features.set(key, { weight: list.weights[i]!, kind: kindOfKey(key), surface: list.surfaces[i]!, pos: list.positions[i]! });
  }
  return { lang, features };
}

/** Words that name a page's format rather than its topic (file extensions of CMS pages). */
const SLUG_NOISE = new Set(['html', 'htm', 'shtml', 'php', 'asp', 'aspx', 'cms', 'jsp', 'cfm', 'amp', 'index']);

/**
 * The topic words of a link: the path segments that read as slugs (at least three words joined by `-`, `_`
 * or `+`), without host, query, ids, numbers and dates. Section folders (`/business/`) and opaque ids say
 * little about the story, a slug says what it is about. Empty when the link has no slug.
 */
export function slugText(url: string): string {
  let path = url;
  const scheme = path.indexOf('://');
  if (scheme >= 0) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash >= 0 ? path.slice(slash) : '';
  }
  const cut = path.search(/[?#]/u);
  if (cut >= 0) path = path.slice(0, cut);
  let out = '';
  for (const seg of path.split('/')) {
    let decoded = seg;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      // a malformed escape: keep the raw segment
    }
    const parts = decoded.split(/[-_+.,\s]+/u).filter((w) => w.length >= 2 && !/\d/u.test(w) && !SLUG_NOISE.has(w.toLowerCase()));
    if (parts.length < 3) continue;
    out += (out ? ' . ' : '') + parts.join(' ').toLowerCase();
  }
  return out;
}

// --- tokens --------------------------------------------------------------------------------------------------

/** Characters that start a new sentence or quote (a capital right after them says nothing about names); all below U+2100. */
const BREAKS = new Uint8Array(0x2100);
for (const c of '.!?:;|«»"“”–—') BREAKS[c.charCodeAt(0)] = 1;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const ABBREVIATION = /\b(?:[A-Z]\.){2,3}(?![A-Za-z])/gu;
const THOUSANDS = /(\d)[,.\u00a0\u202f ](?=\d{3}(?!\d))/gu;
const CJK = /[\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]/u;
/** Whether each code point of the Basic Multilingual Plane is a letter, mark or digit: 0 not known yet, 1 yes, 2 no. */
const wordCharBmp = new Uint8Array(0x10000);

/** A letter, combining mark or digit (the test of a code point is remembered). */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c > 0xffff) return WORD_CHAR.test(String.fromCodePoint(c));
  let known = wordCharBmp[c]!;
  if (known === 0) wordCharBmp[c] = known = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return known === 1;
}

/** Per-language facts about one token as written (memoized: headline vocabulary repeats heavily). */
interface TokenFacts {
  raw: string;
  folded: string;
  stop: boolean;
  number: boolean;
  /** Starts with a capital letter. */
  cap: boolean;
  acronym: boolean;
  /** Written entirely in capitals (an all-caps text has no capitalization signal). */
  upper: boolean;
  /** Counts for Title Case detection: a word of 4+ characters with a letter. */
  longWord: boolean;
  /** A CJK character bigram: two characters are a word there. */
  cjk: boolean;
  /** Country key (`^RU`) by name or demonym, or by upper-case abbreviation (US, UK); '' for none. */
  countryKey: string;
  abbrevCountryKey: string;
  stem: string;
  /** Token counts of the multi-word country names it starts (longest first). */
  phraseLengths: readonly number[];
  numberKey: string;
  entityKey: string;
  cognateKey: string;
  /** English pivot keys of a content word (`=earthquake`), best first; none for stop words, numbers, countries and short words. */
  pivotKeys: readonly string[];
  /** Consonant-skeleton key (`&mkrn`), '' when shorter than MIN_SKELETON (used for names only, see addText). */
  skeletonKey: string;
  /** Written in a script with capital letters (Latin, Cyrillic, Greek…): only there can capitals mark names. */
  cased: boolean;
  /**
   * A place the lexicon's CLDR names know and the country table does not, in any script: `^002` (Africa,
   * أفريقيا), `@tokyo` (Tokyo, طوكيو); '' for none.
   */
  placeKey: string;
  /** Month (1–12) the word names in the item's language, 0 for none (dates: "17 février", "February 17"). */
  month: number;
  /** The number as a day of the month (1–31, written with one or two digits), 0 otherwise. */
  day: number;
  /** How the word reads in a label: lower case, unless styled with inner capitals (iPhone, eBay). */
  surface: string;
  /**
   * The terms of its feature keys and its name evidence in the engine that last analysed it, so a repeated
   * token reaches them without a look-up; what that engine has forgotten since is looked up again.
   */
  cache: TokenCache | undefined;
}

/**
 * A token's terms and name evidence in one engine (one FeatureList). The terms sit in one array by slot
 * (see TermSlot), the pivot terms after the fixed slots: one object shape and indexed reads, where optional
 * named fields gave each token's cache its own shape and every read a megamorphic look-up.
 */
interface TokenCache {
  owner: FeatureList;
  terms: (Term | undefined)[];
  name: NameCell | undefined;
}

/** Slots of a token's feature terms in TokenCache.terms; its k-th pivot term is at PIVOTS + k. */
const enum TermSlot {
  Stem,
  Cognate,
  Entity,
  Number,
  Country,
  AbbrevCountry,
  Place,
  Skeleton,
  Pivots,
}

function cacheOf(out: FeatureList, t: TokenFacts): TokenCache {
  let cache = t.cache;
  if (!cache || cache.owner !== out) t.cache = cache = { owner: out, terms: [], name: undefined };
  return cache;
}

/** The term of one of a token's feature keys: the one remembered on the token while it is still current. */
function termOf(out: FeatureList, t: TokenFacts, slot: TermSlot, key: string): Term {
  const terms = cacheOf(out, t).terms;
  let term = terms[slot];
  if (!term || term.forgotten) terms[slot] = term = out.vocab.intern(key);
  return term;
}

/** The term of a token's k-th pivot key, remembered on the token like its other terms. */
function pivotTermOf(out: FeatureList, t: TokenFacts, k: number): Term {
  return termOf(out, t, TermSlot.Pivots + k, t.pivotKeys[k]!);
}

/** The name evidence of a token's folded word: the cell remembered on the token while it is still current. */
function nameOf(out: FeatureList, t: TokenFacts): NameCell {
  const cache = cacheOf(out, t);
  let cell = cache.name;
  if (!cell || cell.forgotten) cache.name = cell = out.names.cell(t.folded);
  return cell;
}

/**
 * The facts of the tokens seen in one language: an open-addressed hash table probed with the hash computed
 * while scanning the text, so a token seen before costs no substring, no string hashing and, for tokens of up
 * to INLINE_CHARS characters (nearly all), no read of another string: each table slot holds the entry number,
 * the hash, the length and the characters packed two per integer, in one cache line. Bounded: it starts over
 * past MEMO_LIMIT tokens. (A Map keyed by the token, or by the hash, spent three times as long here: each
 * look-up waited for several memory reads.)
 */
class TokenMemo {
  private table = new Int32Array(4096 * SLOT);
  private facts: TokenFacts[] = [];

  constructor(private readonly lang: string) {}

  /** The facts of text[start, end), whose hash is `h`. */
  factsOf(text: string, start: number, end: number, h: number): TokenFacts {
    const t = this.table;
    const mask = t.length / SLOT - 1;
    const len = end - start;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const b = p * SLOT;
      const entry = t[b]!;
      if (entry === 0) break;
      if (t[b + 1] !== h || t[b + 2] !== len) continue;
      if (len <= INLINE_CHARS ? sameInline(t, b + 3, text, start, len) : sameText(this.facts[entry - 1]!.raw, text, start, end)) {
        return this.facts[entry - 1]!;
      }
    }
    if (this.facts.length >= MEMO_LIMIT) {
      this.facts = [];
      this.table = new Int32Array(4096 * SLOT);
    }
    if ((this.facts.length + 1) * 2 * SLOT > this.table.length) this.resize(this.table.length * 2);
    const facts = makeFacts(text.slice(start, end), this.lang);
    this.facts.push(facts);
    this.put(this.facts.length, h);
    return facts;
  }

  private put(entry: number, h: number): void {
    const t = this.table;
    const mask = t.length / SLOT - 1;
    let p = h & mask;
    while (t[p * SLOT] !== 0) p = (p + 1) & mask;
    const b = p * SLOT;
    const raw = this.facts[entry - 1]!.raw;
    t[b] = entry;
    t[b + 1] = h;
    t[b + 2] = raw.length;
    if (raw.length <= INLINE_CHARS) {
      for (let k = 0; k < raw.length; k += 2) t[b + 3 + (k >> 1)] = raw.charCodeAt(k) | ((k + 1 < raw.length ? raw.charCodeAt(k + 1) : 0) << 16);
    }
  }

  private resize(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (let b = 0; b < old.length; b += SLOT) if (old[b] !== 0) this.put(old[b]!, old[b + 1]!);
  }
}

/** Int32s per memo table slot (half a cache line), and how many UTF-16 units of a token it holds. */
const SLOT = 8;
const INLINE_CHARS = 10;

/** The characters packed at t[at…] are text[start, start + len). */
function sameInline(t: Int32Array, at: number, text: string, start: number, len: number): boolean {
  for (let k = 0; k < len; k += 2) {
    const packed = text.charCodeAt(start + k) | ((k + 1 < len ? text.charCodeAt(start + k + 1) : 0) << 16);
    if (t[at + (k >> 1)] !== packed) return false;
  }
  return true;
}

/** The code point at i (a surrogate pair is read as one only where there is one: rare in news text). */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff ? text.codePointAt(i)! : c;
}

/** raw === text.slice(start, end), without making the slice. */
function sameText(raw: string, text: string, start: number, end: number): boolean {
  if (raw.length !== end - start) return false;
  for (let k = 0; k < raw.length; k++) if (raw.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}

/** FNV-1a over UTF-16 code units: the memo's hash, computed while scanning. */
const HASH_SEED = 0x811c9dc5 | 0;
const hashStep = (h: number, unit: number): number => Math.imul(h ^ unit, 16777619);

function hashOf(text: string, start: number, end: number): number {
  let h = HASH_SEED;
  for (let k = start; k < end; k++) h = hashStep(h, text.charCodeAt(k));
  return h;
}



/** Most distinct tokens one language's memo holds before it starts over. */
const MEMO_LIMIT = 300_000;
const memos = new Map<string, TokenMemo>();

/** The token memo of a language. */
function memoOf(lang: string): TokenMemo {
  let memo = memos.get(lang);
  if (!memo) memos.set(lang, (memo = new TokenMemo(lang)));
  return memo;
}

/** CLDR's region "World" (Monde, العالم): a word of every day's news, not a place. */
const WORLD = '^001';
const CASED = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u;

function makeFacts(raw: string, lang: string): TokenFacts {
  const folded = foldToken(raw);
  const number = /\p{N}/u.test(folded);
  const acronym = raw.length >= 2 && raw.length <= 6 && /^[\p{Lu}][\p{Lu}\p{N}]+$/u.test(raw);
  const stop = stopwords(lang).has(folded);
  const country = number || folded.length < 3 ? undefined : countryOfToken(folded);
  const abbrevCountry = acronym ? countryOfAbbreviation(raw) : undefined;
  const first = raw.charAt(0);
  const content = !number && !stop && folded.length >= 3 && !country;
  // Only CLDR places are kept from the entity key (names get their own keys below), so its skeleton is not asked for.
  const place = content ? cldrKey(raw, lang) : undefined;
  const skeleton = content ? nameSkeleton(raw) : '';
  return {
    raw,
    folded,
    stop,
    number,
    cap: first !== first.toLowerCase() && first === first.toUpperCase(),
    acronym,
    upper: raw === raw.toUpperCase(),
    longWord: raw.length >= 4 && /\p{L}/u.test(raw),
    cjk: CJK.test(raw),
    countryKey: country ? '^' + country : '',
    abbrevCountryKey: abbrevCountry ? '^' + abbrevCountry : '',
    stem: number || stop ? folded : stem(folded, lang),
    phraseLengths: phraseLengths(folded),
    numberKey: '#' + (number ? (normaliseNumber(folded, lang) ?? folded) : folded),
    entityKey: '@' + folded,
    cognateKey: folded.length >= 6 && /^[a-z]+$/u.test(folded) ? '~' + folded.slice(0, 5) : '',
    pivotKeys: content ? pivotTerms(folded, lang).slice(0, MAX_PIVOT_KEYS).map((p) => '=' + p) : [],
    skeletonKey: skeleton.length >= MIN_SKELETON ? '&' + skeleton : '',
    cased: CASED.test(raw),
    placeKey: place !== undefined && place !== WORLD && (place.startsWith('^') || place.startsWith('@')) ? place : '',
    month: !number && folded.length >= 3 ? (monthOf(folded, lang) ?? 0) : 0,
    day: /^\d{1,2}$/u.test(folded) && Number(folded) >= 1 && Number(folded) <= 31 ? Number(folded) : 0,
    surface: /.\p{Lu}/u.test(raw) ? raw : raw.toLowerCase(),
    cache: undefined,
  };
}

/** A decimal digit of the scripts news numbers are written in (ASCII, Arabic-Indic, Eastern Arabic-Indic). */
function isDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 0x660 && c <= 0x669) || (c >= 0x6f0 && c <= 0x6f9);
}

/** A digit or decimal point inside a CJK run (fullwidth digits included). */
function isRunDigit(c: number): boolean {
  return isDigit(c) || (c >= 0xff10 && c <= 0xff19) || c === 46 || c === 44 || c === 0x66b;
}

/** A decimal separator between two digits ("7.1", "6,8", "٧٫١"): part of the number, not a word break. */
function decimalPoint(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c === 46 || c === 44 || c === 0x66b) && i > 0 && i + 1 < text.length && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1));
}

/**
 * The tokens of a text (at most `limit`), with whether each starts a sentence or quote (its capital then says
 * nothing about names). "U.S." is "US"; "2,400", "2.400" and "2 400" are one number, and so are "7.1" and
 * "7,1"; CJK runs, written without spaces, become overlapping character bigrams, leaving out those with a
 * digit (`7.6级`, `100人`: the number is not a word, and addSegments reads it whole). In Japanese and Chinese
 * text a run that ends in a CJK character is one too (`100人`, `2日午後`).
 */
function tokenize(text: string, limit: number, lang: string, facts: TokenFacts[], initial: boolean[]): number {
  let clean = text.includes('.') ? text.replace(ABBREVIATION, (m) => m.replaceAll('.', '')) : text;
  clean = clean.replace(THOUSANDS, '$1');
  const memo = memoOf(lang);
  const segmented = SEGMENTED_LANGUAGES.has(lang);
  let n = 0;
  let starts = true;
  const len = clean.length;
  for (let i = 0; i < len && n < limit; ) {
    let c = codePointAt(clean, i);
    if (!isWordChar(c)) {
      if (c < 0x2100 && BREAKS[c] === 1) starts = true;
      i += c > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let h = HASH_SEED;
    while (i < len && (isWordChar((c = codePointAt(clean, i))) || decimalPoint(clean, i))) {
      h = hashStep(h, clean.charCodeAt(i));
      if (c > 0xffff) h = hashStep(h, clean.charCodeAt(++i));
      i++;
    }
    if ((clean.charCodeAt(start) > 0x2fff || (segmented && clean.charCodeAt(i - 1) > 0x2fff)) && CJK.test(clean.slice(start, i))) {
      for (let j = start; (j + 1 < i || j === start) && n < limit; j++) {
        const end = Math.min(j + 2, i);
        if (isRunDigit(clean.charCodeAt(j)) || (end > j + 1 && isRunDigit(clean.charCodeAt(j + 1)))) continue;
        facts[n] = memo.factsOf(clean, j, end, hashOf(clean, j, end));
        initial[n++] = false;
      }
    } else {
      facts[n] = memo.factsOf(clean, start, i, h);
      initial[n++] = starts;
    }
    starts = false;
  }
  return n;
}

/** The tokens of the text being analysed (reused from text to text: tokenize returns how many are current). */
const tokens: TokenFacts[] = [];
const tokenInitial: boolean[] = [];

// --- features ------------------------------------------------------------------------------------------------

function addText(
  text: string,
  lang: string,
  baseWeight: number,
  part: 'title' | 'summary' | 'slug',
  opts: TextOptions,
  out: FeatureList,
): void {
  const count = tokenize(text, part === 'title' ? Infinity : opts.maxSummaryTokens, lang, tokens, tokenInitial);
  const toks = tokens;
  const initial = tokenInitial;
  // Title Case headlines (most longer words capitalized) and all-caps text carry no capitalization signal.
  let words = 0;
  let caps = 0;
  let upper = 0;
  for (let i = 0; i < count; i++) {
    const t = toks[i]!;
    if (t.upper) upper++;
    if (!t.longWord) continue;
    words++;
    if (t.cap) caps++;
  }
  const titleCase = words >= 3 && caps / words >= 0.7;
  const allCaps = count > 2 && upper === count;
  const countryWeight = baseWeight * opts.countryBoost;
  for (let i = 0; i < count; i++) {
    const t = toks[i]!;
    const pos = part === 'title' ? i / Math.max(1, count) : 2;
    // Multi-word country names first (États-Unis, United States, Vereinigte Staaten), longest first.
    const len = phraseLength(toks, count, i);
    if (len > 0) {
      const name = toks.slice(i, i + len);
      const key = '^' + countryOfName(name.map((x) => x.folded).join(' '))!;
      out.add(out.vocab.intern(key), countryWeight, name.map((x) => x.raw).join(' '), pos);
      i += len - 1;
      continue;
    }
    if (t.number) {
      // A day next to a month name is a date (`#02-17`), the same in every language; other numbers need 2+ characters.
      const date = t.day > 0 ? dateKey(toks, count, i) : '';
      if (date) out.add(out.vocab.intern(date), baseWeight * opts.numberBoost, t.raw, pos);
      else if (t.folded.length >= 2) out.add(termOf(out, t, TermSlot.Number, t.numberKey), baseWeight * opts.numberBoost, t.raw, pos);
      continue;
    }
    if (t.abbrevCountryKey && !allCaps) {
      out.add(termOf(out, t, TermSlot.AbbrevCountry, t.abbrevCountryKey), countryWeight, t.raw, pos);
      continue;
    }
    if (t.folded.length < 2) continue;
    const cap = !allCaps && t.cap;
    const acronym = !allCaps && t.acronym;
    if (t.stop && !acronym) continue;
    if (t.folded.length < 3 && !acronym && !t.cjk) continue;
    if (t.countryKey) {
      out.add(termOf(out, t, TermSlot.Country, t.countryKey), countryWeight, t.raw, pos);
      continue;
    }
    // A region the lexicon knows (Africa, أفريقيا → ^002) counts as a country does.
    const city = t.placeKey.charCodeAt(0) === 64;
    if (t.placeKey && !city) {
      out.add(termOf(out, t, TermSlot.Place, t.placeKey), countryWeight, t.raw, pos);
      continue;
    }
    // A name: an acronym, a capital inside sentence-case text (which teaches the evidence), or a capitalized
    // word the evidence knows as a name (Title Case text and lower-case slugs only read it); and a city.
    let entity = acronym;
    if (part === 'slug') entity ||= nameOf(out, t).v > 0;
    else if (!allCaps && !titleCase && !initial[i]) {
      observe(nameOf(out, t), cap);
      entity ||= cap;
    } else entity ||= cap && nameOf(out, t).v > 0;
    entity ||= city;
    if (opts.cognateWeight > 0 && t.cognateKey) out.add(termOf(out, t, TermSlot.Cognate, t.cognateKey), baseWeight * opts.cognateWeight, t.surface, pos);
    if (t.stem.length >= 2) out.add(termOf(out, t, TermSlot.Stem, t.stem), baseWeight, entity ? t.raw : t.surface, pos);
    // Names also get a language-neutral unstemmed key, so "Barkhane" matches across French and English stemmers
    // (a city its CLDR key, so Tokio and طوكيو are Tokyo).
    if (entity) {
      if (city) out.add(termOf(out, t, TermSlot.Place, t.placeKey), baseWeight * opts.entityBoost, t.raw, pos);
      else out.add(termOf(out, t, TermSlot.Entity, t.entityKey), baseWeight * opts.entityBoost, t.raw, pos);
    }
    if (city) continue;
    // Translations into the English pivot, the first one full weight, later senses half.
    const pivotWeight = opts.pivotWeight ?? 0;
    if (pivotWeight > 0) {
      for (let k = 0; k < t.pivotKeys.length; k++) out.add(pivotTermOf(out, t, k), baseWeight * pivotWeight * (k === 0 ? 1 : 0.5), t.surface, pos);
    }
    // A name's skeleton across scripts. Scripts without capitals cannot mark names, so there every word the
    // dictionaries do not translate (mostly names) gets one.
    const skeletonWeight = opts.skeletonWeight ?? 0;
    if (skeletonWeight > 0 && t.skeletonKey && (t.cased ? entity : t.pivotKeys.length === 0)) {
      out.add(termOf(out, t, TermSlot.Skeleton, t.skeletonKey), baseWeight * skeletonWeight, t.raw, pos);
    }
  }
  // Japanese and Chinese runs were read as character bigrams above; their dictionary words, places and numbers.
  if (SEGMENTED_LANGUAGES.has(lang)) addSegments(text, lang, baseWeight, part === 'title' ? Infinity : opts.maxSummaryTokens, part === 'title', opts, out);
}

/**
 * The cross-language features of a Japanese or Chinese text's unspaced runs (`segmentCjk`; at most `limit`
 * segments): a word's pivot terms (`地震` → `=earthquake`), CLDR places (`^JP`, `@tokyo`), numbers and dates,
 * weighted as the tokens that give them in other languages. Title positions are character offsets.
 */
function addSegments(text: string, lang: string, baseWeight: number, limit: number, title: boolean, opts: TextOptions, out: FeatureList): void {
  const segments = segmentCjk(text, lang);
  const pivotWeight = opts.pivotWeight ?? 0;
  for (let i = 0; i < segments.length && i < limit; i++) {
    const s = segments[i]!;
    const pos = title ? s.start / text.length : 2;
    if (s.kind === 'word') {
      if (pivotWeight === 0) continue;
      for (let k = 0; k < s.pivots.length && k < MAX_PIVOT_KEYS; k++) {
        out.add(out.vocab.intern('=' + s.pivots[k]!), baseWeight * pivotWeight * (k === 0 ? 1 : 0.5), s.text, pos);
      }
    } else if (s.kind === 'place') {
      out.add(out.vocab.intern(s.key), baseWeight * (s.key.startsWith('^') ? opts.countryBoost : opts.entityBoost), s.text, pos);
    } else out.add(out.vocab.intern('#' + s.key), baseWeight * opts.numberBoost, s.text, pos);
  }
}

/**
 * The date key (`#02-17`) of a day number at token i written with a month name: "17 février", "17 de
 * febrero", "February 17", "17 فبراير"; '' when no month name is next to it.
 */
function dateKey(toks: TokenFacts[], count: number, i: number): string {
  const next = i + 1 < count ? toks[i + 1]! : undefined;
  let month = next ? next.month : 0;
  if (month === 0 && next && (next.folded === 'de' || next.folded === 'del') && i + 2 < count) month = toks[i + 2]!.month;
  if (month === 0 && i > 0) month = toks[i - 1]!.month;
  if (month === 0) return '';
  const day = toks[i]!.day;
  return `#${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Length in tokens of the multi-word country name starting at token i (longest first), or 0. */
function phraseLength(toks: TokenFacts[], count: number, i: number): number {
  const lengths = toks[i]!.phraseLengths;
  for (let l = 0; l < lengths.length; l++) {
    const len = lengths[l]!;
    if (len > MAX_NAME_TOKENS || len > count - i) continue;
    let name = toks[i]!.folded;
    for (let j = i + 1; j < i + len; j++) name += ' ' + toks[j]!.folded;
    if (countryOfName(name)) return len;
  }
  return 0;
}
