// Multilingual text analysis: language, tokens, stop words, stems, entities and numbers as weighted features.
import { foldToken } from '../text/fold.ts';
import { languageOf } from '../text/language.ts';
import { stem, stopwords } from '../text/stem.ts';
import { emptyOf, grown } from './arrays.ts';
import { countryOfAbbreviation, countryOfName, countryOfToken, MAX_NAME_TOKENS, phraseLengths } from './entities.ts';

/** Feature kinds; the key prefix tells them apart: `@` entity, `^` country, `#` number, none for a stem. */
export type FeatureKind = 'term' | 'entity' | 'country' | 'number';

/** One feature of an item with its raw (pre-IDF) weight and a readable surface form for labels. */
export interface FeatureInfo {
  weight: number;
  kind: FeatureKind;
  /** Readable form as written (not a stem), e.g. `withdrawal`, `Mali`. */
  surface: string;
  /** Relative position of its first occurrence in the title (0..1), or 2 when only in the summary. */
  pos: number;
}

/** The analysed form of an item. */
export interface Analysis {
  /** BCP 47 primary subtag used for stemming (`en`, `fr`, … or `und`). */
  lang: string;
  features: Map<string, FeatureInfo>;
}

/** Kind of a feature, told by its key's first character (`@` entity, `^` country, `#` number). */
export function kindOfKey(key: string): FeatureKind {
  const c = key.charCodeAt(0);
  return c === 64 ? 'entity' : c === 94 ? 'country' : c === 35 ? 'number' : 'term';
}

/**
 * Where analysis gets integer ids from: feature keys (the engine's vocabulary) and folded words (its
 * capitalization lexicon). The token memo keeps each token's ids, so a repeated token costs no key look-up.
 */
export interface FeatureSpace {
  /**
   * Unique across spaces and renewed whenever ids were freed: ids the memo cached under another epoch are
   * looked up again (see newEpoch).
   */
  readonly epoch: number;
  /** Id of a feature key, interned if new. */
  featureId(key: string): number;
  /** Id of a folded word in the capitalization lexicon, interned (evidence 0) if new. */
  wordId(folded: string): number;
  /** Capitalization evidence of a word: (capitalized mid-sentence) − (lower-case) occurrences. */
  lex(word: number): number;
  /** Records new evidence for a word (kept within ±50). */
  setLex(word: number, v: number): void;
}

let epochs = 0;

/** A fresh epoch number for a FeatureSpace (never handed out twice in a process). */
export function newEpoch(): number {
  return ++epochs;
}

/**
 * An item's features in first-seen order, in arrays reused from item to item (the caller copies what it
 * keeps). First-seen order matters: scores sum over features in this order. Repeats are found through
 * per-id stamps, not a map per item.
 */
export class FeatureBuffer {
  /** Number of features of the current item. */
  n = 0;
  ids = new Int32Array(256);
  keys: string[] = emptyOf('');
  weights = new Float64Array(256);
  surfaces: string[] = emptyOf('');
  /** Relative position of the first occurrence in the title (0..1), or 2 when only in the summary. */
  pos = new Float64Array(256);
  /** Per id: the item stamp when the id was last added, and its index in the current item. */
  private stamp = new Int32Array(1024);
  private at = new Int32Array(1024);
  private cur = 0;

  /** Starts a new item. */
  begin(): void {
    this.n = 0;
    if (++this.cur >= 0x7fffffff) {
      this.stamp.fill(0);
      this.cur = 1;
    }
  }

  /** Adds one occurrence of a feature. */
  add(id: number, key: string, w: number, surface: string, pos: number): void {
    if (id >= this.stamp.length) this.growIds(id);
    if (this.stamp[id] === this.cur) {
      const i = this.at[id]!;
      const old = this.weights[i]!;
      // Repeats add little: a word said twice is not twice as much about the story.
      this.weights[i] = Math.max(old, w) + 0.25 * Math.min(old, w);
      if (pos < this.pos[i]!) this.pos[i] = pos;
      return;
    }
    const n = this.n;
    if (n >= this.ids.length) this.growItem();
    this.stamp[id] = this.cur;
    this.at[id] = n;
    this.ids[n] = id;
    this.keys[n] = key;
    this.weights[n] = w;
    this.surfaces[n] = surface;
    this.pos[n] = pos;
    this.n = n + 1;
  }

  private growIds(id: number): void {
    let len = this.stamp.length;
    while (len <= id) len *= 2;
    this.stamp = grown(this.stamp, len);
    this.at = grown(this.at, len);
  }

  private growItem(): void {
    const len = this.ids.length * 2;
    this.ids = grown(this.ids, len);
    this.weights = grown(this.weights, len);
    this.pos = grown(this.pos, len);
  }
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
  /**
   * Weight of the language-neutral cognate key (first 5 letters of longer words: recession/récession/
   * recesión/Rezession → `~reces`), which lets items in different languages share more than names. 0 = off.
   */
  cognateWeight: number;
  /**
   * Weight of the words of the link's slug (`/2014/03/gm-hires-investigator-to-lead-probe.html`): editors
   * write slugs for search engines, so they restate the topic in other words than the headline. 0 = off.
   */
  slugWeight?: number;
}

/** Learned capitalization evidence: folded token → (capitalized mid-sentence) − (lower-case) occurrences. */
export type ProperLexicon = Map<string, number>;

/** Languages the grouping engine detects among when an item declares none (Arabic script is told directly). */
const DETECTABLE = ['en', 'fr', 'es', 'de', 'pt', 'it', 'ar', 'nl', 'ru', 'sv', 'da', 'nb', 'fi', 'ro', 'tr', 'ca', 'hu', 'cs', 'pl', 'uk'];

/**
 * Tokens of the text being analysed, as parallel arrays reused across calls (no object per token: this runs
 * for every item). `tokInfo[i]` is the memoized token (its `raw` is the token as written), `tokInitial[i]`
 * whether it starts a sentence or quote. Folding happens once per distinct token, in makeTokenInfo.
 */
const tokInitial: boolean[] = [];
const tokInfo: TokenInfo[] = [];

/** Characters that start a new sentence or quote: a capital right after them says nothing about names. */
const BREAKS = new Set([...'.!?:;|«»"“”–—'].map((c) => c.charCodeAt(0)));
/** BREAKS as a flat table (all of them are below U+2100): one array read per separator instead of a hash. */
const BREAK_CODE = new Uint8Array(0x2100);
for (const c of BREAKS) BREAK_CODE[c] = 1;

const ABBREV_RE = /\b(?:[A-Z]\.){2,3}(?![A-Za-z])/gu;
const THOUSANDS_RE = /(\d)[,.\u00a0\u202f ](?=\d{3}(?!\d))/gu;
const HAS_DIGIT_RE = /\d/u;
const CJK_RE = /[\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]/u;

/**
 * True when the text contains "X.Y." (capital, dot, capital, dot), which every ABBREV_RE match does. A scan of
 * the dots is cheaper than running the regex over every summary with a full stop (nearly all of them).
 */
function mayHaveAbbreviation(text: string): boolean {
  for (let p = text.indexOf('.'); p >= 0; p = text.indexOf('.', p + 1)) {
    const a = p > 0 ? text.charCodeAt(p - 1) : 0;
    const b = text.charCodeAt(p + 1);
    if (a >= 65 && a <= 90 && b >= 65 && b <= 90 && text.charCodeAt(p + 2) === 46) return true;
  }
  return false;
}

/** FNV-1a step over one code point: token hashes for the memo, computed while scanning. */
function hashStep(h: number, c: number): number {
  return Math.imul(h ^ c, 16777619);
}

const HASH_SEED = 0x811c9dc5 | 0;

/** The hash tokenize computes for a token, for tokens not scanned from the text (CJK bigrams). */
function hashToken(raw: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < raw.length; ) {
    let c = raw.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) c = raw.codePointAt(i)!;
    h = hashStep(h, c);
    i += c > 0xffff ? 2 : 1;
  }
  return h;
}

/**
 * Splits text into at most `limit` tokens, each resolved to its memoized TokenInfo in `memo` (language
 * dependent); `U.S.` becomes `US`, elisions (`l'`, `d'`) and possessive `'s` fall away. A token seen before
 * is found by its hash and compared in place: no string is cut out of the text for it.
 */
function tokenize(text: string, limit: number, memo: TokenMemo, lang: string): number {
  // "U.S." → "US"; thousands separators dropped so "2,000", "2.000" and "2 000" are one number.
  // (Both rewrites are skipped when the text has no "X.Y." or no digit: most headlines and summaries.)
  let clean = mayHaveAbbreviation(text) ? text.replace(ABBREV_RE, (m) => m.replace(/\./gu, '')) : text;
  if (HAS_DIGIT_RE.test(clean)) clean = clean.replace(THOUSANDS_RE, '$1');
  let n = 0;
  let initial = true;
  const len = clean.length;
  let i = 0;
  // A hand-written scanner: a regex iterator allocates a match object per token, and this runs per item.
  while (i < len && n < limit) {
    // charCodeAt with a surrogate check: codePointAt is slower and astral characters are rare in news text.
    let c = clean.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) c = clean.codePointAt(i)!;
    if (!isWordChar(c)) {
      if (c < 0x2100 && BREAK_CODE[c] === 1) initial = true; // a new sentence or quote: capitals mean nothing right after it
      i += c > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let h = HASH_SEED;
    while (i < len) {
      c = clean.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) c = clean.codePointAt(i)!;
      if (!isWordChar(c)) break;
      h = hashStep(h, c);
      i += c > 0xffff ? 2 : 1;
    }
    if (clean.charCodeAt(start) > 0x2fff) {
      const raw = clean.slice(start, i);
      if (CJK_RE.test(raw)) {
        // No spaces in CJK scripts: overlapping character bigrams are the usual language-neutral unit.
        for (let j = 0; (j + 1 < raw.length || j === 0) && n < limit; j++) {
          const bigram = raw.slice(j, j + 2);
          const bh = hashToken(bigram);
          tokInfo[n] = memo.find(bigram, 0, bigram.length, bh) ?? memo.add(makeTokenInfo(bigram, lang), bh);
          tokInitial[n++] = false;
        }
        initial = false;
        continue;
      }
    }
    tokInfo[n] = memo.find(clean, start, i, h) ?? memo.add(makeTokenInfo(clean.slice(start, i), lang), h);
    tokInitial[n++] = initial;
    initial = false;
  }
  return n;
}

const WORD_CHAR_RE = /^[\p{L}\p{M}\p{N}]$/u;
/** Memo for the Basic Multilingual Plane, one byte per code unit: 0 unknown, 1 word character, 2 not. */
const wordCharBmp = new Uint8Array(0x10000);

/** Letter, combining mark or digit (ASCII fast path; other code points memoized, astral ones not). */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c > 0xffff) return WORD_CHAR_RE.test(String.fromCodePoint(c));
  let r = wordCharBmp[c]!;
  if (r === 0) wordCharBmp[c] = r = WORD_CHAR_RE.test(String.fromCodePoint(c)) ? 1 : 2;
  return r === 1;
}

function isCapitalized(raw: string): boolean {
  const c = raw.charAt(0);
  return c !== c.toLowerCase() && c === c.toUpperCase();
}

function isAcronym(raw: string): boolean {
  return raw.length >= 2 && raw.length <= 6 && /^[\p{Lu}][\p{Lu}\p{N}]+$/u.test(raw);
}

/**
 * Analyses an item's title and summary into weighted features, keyed by feature key (a convenience for
 * callers outside the engine; the engine uses analyzeInto). `lexicon` learns which words are proper names
 * from sentence-case text so Title Case headlines can still mark them as entities.
 */
export function analyze(
  title: string,
  summary: string | undefined,
  givenLang: string | undefined,
  opts: TextOptions,
  lexicon: ProperLexicon,
  url?: string,
): Analysis {
  const space = new MapSpace(lexicon);
  const buf = new FeatureBuffer();
  const lang = analyzeInto(title, summary, givenLang, opts, space, buf, url);
  const features = new Map<string, FeatureInfo>();
  for (let i = 0; i < buf.n; i++) {
    const key = buf.keys[i]!;
    features.set(key, { weight: buf.weights[i]!, kind: kindOfKey(key), surface: buf.surfaces[i]!, pos: buf.pos[i]! });
  }
  return { lang, features };
}

/**
 * Analyses an item's title and summary into `buf` (features in first-seen order, ids from `space`);
 * returns the language used for stemming.
 */
export function analyzeInto(
  title: string,
  summary: string | undefined,
  givenLang: string | undefined,
  opts: TextOptions,
  space: FeatureSpace,
  buf: FeatureBuffer,
  url?: string,
): string {
  const lang = languageOf(summary ? `${title} ${summary}` : title, givenLang, { candidates: DETECTABLE, minLength: 12 });
  buf.begin();
  addText(title, lang, opts.titleWeight, true, opts, space, buf);
  if (summary) addText(summary, lang, 1, false, opts, space, buf);
  const slugW = opts.slugWeight ?? 0;
  if (url && slugW > 0) {
    const words = slugText(url);
    if (words) addText(words, lang, slugW, false, opts, space, buf, true);
  }
  return lang;
}

/** A FeatureSpace over plain maps, for one-off analyses (the lexicon map is read and updated in place). */
class MapSpace implements FeatureSpace {
  readonly epoch = newEpoch();
  private readonly features = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly wordIds = new Map<string, number>();
  constructor(private readonly lexicon: ProperLexicon) {}
  featureId(key: string): number {
    let id = this.features.get(key);
    if (id === undefined) this.features.set(key, (id = this.features.size));
    return id;
  }
  wordId(folded: string): number {
    let id = this.wordIds.get(folded);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(folded);
      this.wordIds.set(folded, id);
    }
    return id;
  }
  lex(word: number): number {
    return this.lexicon.get(this.words[word]!) ?? 0;
  }
  setLex(word: number, v: number): void {
    this.lexicon.set(this.words[word]!, v);
  }
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

/** Static, per-language facts about one raw token (memoized: headline vocabulary repeats heavily). */
interface TokenInfo {
  /** The token as written. */
  raw: string;
  folded: string;
  /** Lengths of `folded` and `stem` (read per occurrence: no trip to the strings). */
  foldedLen: number;
  stemLen: number;
  stop: boolean;
  number: boolean;
  cap: boolean;
  acronym: boolean;
  /** Written entirely in capitals (an all-caps text has no capitalization signal). */
  upper: boolean;
  /** Counts for Title Case detection: a word of 4+ characters with a letter. */
  longWord: boolean;
  /** Country by name or demonym (folded token), or by upper-case abbreviation (US, UK). */
  country?: string;
  abbrevCountry?: string;
  /** Their feature keys (`^RU`), built once instead of per occurrence. */
  countryKey: string;
  abbrevCountryKey: string;
  stem: string;
  /** Token counts of the multi-word country names it starts (longest first): only then are phrases looked up. */
  phraseLengths: readonly number[];
  /** Precomputed feature keys and surfaces, so the per-item loop allocates no strings. */
  numberKey: string;
  entityKey: string;
  cognateKey: string;
  surface: string;
  /**
   * Ids of its feature keys and of its folded word in the FeatureSpace of `epoch` (-1: not looked up yet), so
   * a repeated token reaches the engine's tables without a key look-up.
   */
  epoch: number;
  stemId: number;
  cognateId: number;
  entityId: number;
  numberId: number;
  countryId: number;
  abbrevCountryId: number;
  wordId: number;
}

/**
 * Memo of token infos for one language: an open-addressed hash table keyed by the token's text, looked up
 * with the hash tokenize computes while scanning and compared against the text in place, so the per-token
 * look-up allocates nothing. Each table slot is 8 int32s (half a cache line): entry index + 1 (0 = empty),
 * hash, length, and up to INLINE_CHARS UTF-16 units of the token packed two per int32, so a short token is
 * verified without reading its string (a memory access the look-up would otherwise wait for). Bounded:
 * cleared when it grows past MEMO_LIMIT tokens.
 */
class TokenMemo {
  private table = new Int32Array(4096 * SLOT);
  private infos: TokenInfo[] = [];

  /** The info of the token text[start, end) with hash `h`, if memoized. */
  find(text: string, start: number, end: number, h: number): TokenInfo | undefined {
    const t = this.table;
    const mask = t.length / SLOT - 1;
    const len = end - start;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const b = p * SLOT;
      const e = t[b]!;
      if (e === 0) return undefined;
      if (t[b + 1] !== h || t[b + 2] !== len) continue;
      if (len <= INLINE_CHARS) {
        let k = 0;
        for (; k < len; k += 2) {
          const lo = text.charCodeAt(start + k);
          const word = k + 1 < len ? lo | (text.charCodeAt(start + k + 1) << 16) : lo;
          if (t[b + 3 + (k >> 1)] !== word) break;
        }
        if (k >= len) return this.infos[e - 1]!;
        continue;
      }
      const raw = this.infos[e - 1]!.raw;
      let k = 0;
      while (k < len && raw.charCodeAt(k) === text.charCodeAt(start + k)) k++;
      if (k === len) return this.infos[e - 1]!;
    }
  }

  /** Memoizes a token's info under its hash (the caller checked it is absent); returns it. */
  add(info: TokenInfo, h: number): TokenInfo {
    if (this.infos.length >= MEMO_LIMIT) this.clear();
    if ((this.infos.length + 1) * 2 * SLOT > this.table.length) this.resize(this.table.length * 2);
    this.infos.push(info);
    this.put(this.infos.length, h);
    return info;
  }

  private put(entry: number, h: number): void {
    const t = this.table;
    const mask = t.length / SLOT - 1;
    let p = h & mask;
    while (t[p * SLOT] !== 0) p = (p + 1) & mask;
    const b = p * SLOT;
    const raw = this.infos[entry - 1]!.raw;
    const len = raw.length;
    t[b] = entry;
    t[b + 1] = h;
    t[b + 2] = len;
    if (len <= INLINE_CHARS) {
      for (let k = 0; k < len; k += 2) {
        const lo = raw.charCodeAt(k);
        t[b + 3 + (k >> 1)] = k + 1 < len ? lo | (raw.charCodeAt(k + 1) << 16) : lo;
      }
    }
  }

  private resize(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (let b = 0; b < old.length; b += SLOT) if (old[b] !== 0) this.put(old[b]!, old[b + 1]!);
  }

  private clear(): void {
    this.infos = [];
    this.table = new Int32Array(4096 * SLOT);
  }
}

/** Int32s per memo table slot, and how many UTF-16 units of a token it holds inline. */
const SLOT = 8;
const INLINE_CHARS = 10;

/** Most distinct tokens one language's memo holds before it starts over. */
const MEMO_LIMIT = 300_000;

const tokenMemos = new Map<string, TokenMemo>();

function tokenMemo(lang: string): TokenMemo {
  let memo = tokenMemos.get(lang);
  if (!memo) tokenMemos.set(lang, (memo = new TokenMemo()));
  return memo;
}

/** The static facts about one token as written, in one language. */
function makeTokenInfo(raw: string, lang: string): TokenInfo {
  const folded = foldToken(raw);
  const number = /\p{N}/u.test(folded);
  const acronym = isAcronym(raw);
  const stop = stopwords(lang).has(folded);
  const country = number || folded.length < 3 ? undefined : countryOfToken(folded);
  const abbrevCountry = acronym ? countryOfAbbreviation(raw) : undefined;
  const stemmed = number || stop ? folded : stem(folded, lang);
  return {
    raw,
    folded,
    foldedLen: folded.length,
    stemLen: stemmed.length,
    stop,
    number,
    cap: isCapitalized(raw),
    acronym,
    upper: raw === raw.toUpperCase(),
    longWord: raw.length >= 4 && /\p{L}/u.test(raw),
    country,
    abbrevCountry,
    countryKey: country ? '^' + country : '',
    abbrevCountryKey: abbrevCountry ? '^' + abbrevCountry : '',
    stem: stemmed,
    phraseLengths: phraseLengths(folded),
    numberKey: '#' + folded,
    entityKey: '@' + folded,
    cognateKey: folded.length >= 6 && /^[a-z]+$/u.test(folded) ? '~' + folded.slice(0, 5) : '',
    // Surfaces keep inner capitals (iPhone, eBay); other words read lower-case in labels.
    surface: /.\p{Lu}/u.test(raw) ? raw : raw.toLowerCase(),
    epoch: 0,
    stemId: -1,
    cognateId: -1,
    entityId: -1,
    numberId: -1,
    countryId: -1,
    abbrevCountryId: -1,
    wordId: -1,
  };
}

function addText(
  text: string,
  lang: string,
  baseWeight: number,
  isTitle: boolean,
  opts: TextOptions,
  space: FeatureSpace,
  buf: FeatureBuffer,
  slug = false,
): void {
  // Summaries only count up to maxSummaryTokens: the tokens after them are not even looked up.
  const count = tokenize(text, isTitle ? Infinity : opts.maxSummaryTokens, tokenMemo(lang), lang);
  const epoch = space.epoch;
  for (let i = 0; i < count; i++) {
    const info = tokInfo[i]!;
    if (info.epoch !== epoch) {
      // Ids cached for another space, or before this one freed some: look them up again when needed.
      info.epoch = epoch;
      info.stemId = info.cognateId = info.entityId = info.numberId = info.countryId = info.abbrevCountryId = info.wordId = -1;
    }
  }
  // Title Case headlines (most longer words capitalized) carry no capitalization signal.
  let words = 0;
  let caps = 0;
  let upper = 0;
  for (let i = 0; i < count; i++) {
    const info = tokInfo[i]!;
    if (info.upper) upper++;
    if (!info.longWord) continue;
    words++;
    if (info.cap) caps++;
  }
  const titleCase = words >= 3 && caps / words >= 0.7;
  const allCaps = count > 2 && upper === count;
  const n = Math.max(1, count);
  const countryW = baseWeight * opts.countryBoost;
  for (let i = 0; i < count; i++) {
    const initial = tokInitial[i]!;
    const info = tokInfo[i]!;
    const raw = info.raw;
    // Multi-word country names first (États-Unis, United States, Vereinigte Staaten).
    // Only the lengths of names that start with this token are tried, longest first.
    const lengths = info.phraseLengths;
    if (lengths.length > 0) {
      let matched = 0;
      for (let l = 0; l < lengths.length; l++) {
        const len = lengths[l]!;
        if (len > MAX_NAME_TOKENS || len > count - i) continue;
        let name = info.folded;
        for (let j = i + 1; j < i + len; j++) name += ' ' + tokInfo[j]!.folded;
        const code = countryOfName(name);
        if (code) {
          const key = '^' + code;
          buf.add(space.featureId(key), key, countryW, tokInfo.slice(i, i + len).map((t) => t.raw).join(' '), isTitle ? i / n : 2);
          matched = len;
          break;
        }
      }
      if (matched) {
        i += matched - 1;
        continue;
      }
    }
    if (info.number) {
      if (info.foldedLen >= 2) {
        if (info.numberId < 0) info.numberId = space.featureId(info.numberKey);
        buf.add(info.numberId, info.numberKey, baseWeight * opts.numberBoost, raw, isTitle ? i / n : 2);
      }
      continue;
    }
    if (info.abbrevCountry && !allCaps) {
      if (info.abbrevCountryId < 0) info.abbrevCountryId = space.featureId(info.abbrevCountryKey);
      buf.add(info.abbrevCountryId, info.abbrevCountryKey, countryW, raw, isTitle ? i / n : 2);
      continue;
    }
    const foldedLen = info.foldedLen;
    if (foldedLen < 2) continue;
    const cap = !allCaps && info.cap;
    const acronym = !allCaps && info.acronym;
    if (info.stop && !acronym) continue; // (stop words never become entities: no lexicon evidence needed)
    if (foldedLen < 3 && !acronym) continue;
    if (info.country) {
      if (info.countryId < 0) info.countryId = space.featureId(info.countryKey);
      buf.add(info.countryId, info.countryKey, countryW, raw, isTitle ? i / n : 2);
      continue;
    }
    // Entity evidence: capitals inside sentence-case text teach the lexicon; Title Case text only reads it.
    let entity = acronym;
    if (slug) {
      // A slug is lower-cased by convention: it is no evidence that a word is not a name.
      if (space.lex(wordOf(info, space)) > 0) entity = true;
    } else if (!allCaps && !titleCase && !initial) {
      const w = wordOf(info, space);
      const prev = space.lex(w);
      const next = cap ? Math.min(prev + 1, 50) : Math.max(prev - 1, -50);
      if (next !== prev) space.setLex(w, next);
      if (cap) entity = true;
    } else if (cap && space.lex(wordOf(info, space)) > 0) {
      entity = true;
    }
    const pos = isTitle ? i / n : 2;
    if (opts.cognateWeight > 0 && info.cognateKey) {
      if (info.cognateId < 0) info.cognateId = space.featureId(info.cognateKey);
      buf.add(info.cognateId, info.cognateKey, baseWeight * opts.cognateWeight, info.surface, pos);
    }
    if (info.stemLen >= 2) {
      if (info.stemId < 0) info.stemId = space.featureId(info.stem);
      buf.add(info.stemId, info.stem, baseWeight, entity ? raw : info.surface, pos);
    }
    // Entities also get a language-neutral unstemmed key, so "Barkhane" matches across FR/EN stemmers.
    if (entity) {
      if (info.entityId < 0) info.entityId = space.featureId(info.entityKey);
      buf.add(info.entityId, info.entityKey, baseWeight * opts.entityBoost, raw, pos);
    }
  }
}

/** The lexicon id of a token's folded word (cached in its token info). */
function wordOf(info: TokenInfo, space: FeatureSpace): number {
  if (info.wordId < 0) info.wordId = space.wordId(info.folded);
  return info.wordId;
}
