// Headline phrases for story labels: tokens with their phrase boundaries, cross-lingual concept keys, and the
// candidate phrases of a headline (contiguous runs, and English compounds of "X from Y").
import { entityKey, lemmas, matchEntities, pivotTerms } from '../lexicon/index.ts';
import { foldToken } from '../text/fold.ts';
import { isDeterminer, isFunctionWord, isPreposition } from '../text/function-words.ts';
import { stem } from '../text/stem.ts';
import { countryOfAbbreviation, countryOfToken } from './entities.ts';

/** One word of a headline as written, with what phrase building needs to know about it. */
export interface Token {
  /** As written, hyphenated compounds whole ("decade-long", "G-20"), possessive kept ("France’s"). */
  surface: string;
  /** Folded (case and accents), possessive dropped: "france". */
  folded: string;
  /** Closed-class word (article, preposition, pronoun, auxiliary…). */
  fn: boolean;
  /** A preposition that builds noun phrases ("of", "from", "du"). */
  prep: boolean;
  det: boolean;
  /** Ends in a possessive ’s: may open a phrase, never close one. */
  possessive: boolean;
  /** Written with a capital first letter. */
  cap: boolean;
  /** All capitals, 2–6 characters (an acronym: "NHS", "FAE"). */
  acronym: boolean;
  /** Contains a digit. */
  number: boolean;
  /**
   * Reads as a verb: an inflected form where the lexicon can tell (Romance languages: its lemmas are all
   * infinitives), or in English a word followed by its object ("exchange hundreds", "trade 300", "swap the").
   */
  verb: boolean;
  /** First word of its segment (or after a quote): its capital says nothing. */
  initial: boolean;
  /** Segment number: phrases never cross the punctuation between segments (: ; , — ? ! quotes brackets). */
  seg: number;
  /** Text between the previous token and this one, as written. */
  gap: string;
  /** Entity key (CLDR territory/city/language, country of a demonym, or a name skeleton), when a name. */
  entity?: string;
  /** Concept keys: the word's own stem, its English pivots' stems, a cognate prefix, its entity key. */
  keys: string[];
  /** The key its distinctiveness (document frequency) is counted under: the entity key, else its own stem. */
  primary: string;
}

/** A headline (or summary sentence) cut into tokens. */
export interface Analysed {
  lang: string;
  tokens: Token[];
  /** Most content words capitalized ("France Pulls Last Troops From Mali"): capitals tell no names apart. */
  titleCase: boolean;
}

// Word runs with inner hyphens, apostrophes, dots and commas between letters or digits ("G-20", "7.1",
// "10,000", "l’armée", "France’s").
const TOKEN_RE = /[\p{L}\p{M}\p{N}]+(?:[-‐‑'’.,][\p{L}\p{M}\p{N}]+)*/gu;
/** Punctuation that ends a phrase: sentence marks, colon, semicolon, comma, dashes set off by spaces, quotes, brackets. */
const HARD_GAP = /[.!?:;,|…«»"“”„()[\]{}/]|\s[-–—]\s|\s[–—]|[–—]\s|^[–—]/u;
const QUOTE_GAP = /[«»"“”„]/u;
/** French and Italian elisions: l’, d’, qu’, jusqu’… are words of their own. */
const ELISION = /^(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|un|dell|all|dall|nell|sull|tutt)['’](?=[\p{L}])/iu;
const POSSESSIVE = /['’]s?$/u;
const DIGIT = /\p{N}/u;
const LATIN_WORD = /^[a-z]+$/u;
/** Languages whose nouns are all capitalized: a capital marks no name there. */
const CAPITALIZED_NOUNS = new Set(['de', 'lb']);
/** Languages whose words reach English pivots through the lexicon; English words pivot to themselves. */
const PIVOTS = 3;

/**
 * Cuts a headline into tokens with phrase boundaries and concept keys. `lang` is the text's language (ISO 639-1).
 * Keys let phrases be compared across members and languages: `fr:retrait`, `en:withdraw` (its pivot), `^ML`.
 */
export function analyse(text: string, lang: string): Analysed {
  const raw: { surface: string; gap: string }[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN_RE)) {
    let word = m[0];
    let gap = text.slice(last, m.index);
    last = m.index + word.length;
    // Trailing dots/commas are punctuation, not part of the word ("U.S." stays, "Mali." does not).
    const elided = ELISION.exec(word);
    if (elided && (lang === 'fr' || lang === 'it' || lang === 'ca')) {
      const head = word.slice(0, elided[0].length - 1);
      raw.push({ surface: head, gap });
      gap = word.charAt(head.length);
      word = word.slice(elided[0].length);
    }
    raw.push({ surface: word, gap });
  }
  const tokens: Token[] = [];
  let seg = 0;
  let quoteOpen = false;
  for (let i = 0; i < raw.length; i++) {
    const { surface, gap } = raw[i]!;
    const hard = i > 0 && HARD_GAP.test(gap);
    if (hard) seg++;
    if (QUOTE_GAP.test(gap)) quoteOpen = !quoteOpen;
    const possessive = lang === 'en' && /['’]s$/iu.test(surface);
    const base = possessive ? surface.replace(POSSESSIVE, '') : surface;
    const folded = foldToken(base.replace(/[-‐‑]/gu, ''));
    const number = DIGIT.test(base);
    const fn = !number && isFunctionWord(folded, lang);
    tokens.push({
      surface,
      folded,
      fn,
      prep: fn && isPreposition(folded, lang),
      det: fn && isDeterminer(folded, lang),
      possessive,
      cap: /^\p{Lu}/u.test(base),
      acronym: base.length >= 2 && base.length <= 6 && /^\p{Lu}[\p{Lu}\p{N}]+$/u.test(base),
      number,
      verb: !fn && !number && verbForm(folded, lang),
      initial: i === 0 || hard || QUOTE_GAP.test(gap),
      seg,
      gap: i === 0 ? '' : gap,
      keys: [],
      primary: '',
    });
  }
  const clitics = CLITICS[lang];
  if (clitics) {
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!t.fn && !t.number && !t.cap && tokens[i - 1]!.seg === t.seg && clitics.has(tokens[i - 1]!.folded)) t.verb = true;
    }
  }
  if (lang === 'en') {
    for (let i = 0; i + 1 < tokens.length; i++) {
      const t = tokens[i]!;
      const next = tokens[i + 1]!;
      if (!t.fn && !t.number && next.seg === t.seg && (next.det || next.number || QUANTITIES.has(next.folded) || OBJECT_PRONOUNS.has(next.folded))) t.verb = true;
    }
  }
  const content = tokens.filter((t) => !t.fn && !t.number && /\p{L}/u.test(t.folded));
  const titleCase = content.length >= 3 && content.filter((t) => t.cap).length >= 0.75 * content.length;
  markEntities(tokens, lang, titleCase);
  for (const t of tokens) fillKeys(t, lang);
  return { lang, tokens, titleCase };
}

/** Coordinating conjunctions of the registry's languages (folded). */
const CONJUNCTIONS = new Set(['and', 'or', 'et', 'ou', 'y', 'e', 'o', 'u', 'und', 'oder', 'ed']);

/** English object pronouns: the word before one is a verb. */
const OBJECT_PRONOUNS = new Set(['him', 'her', 'them', 'us', 'me', 'it', 'itself', 'themselves', 'himself', 'herself']);

/** Infinitive endings of the languages whose lexicon has an analyser that gives lemmas. */
const INFINITIVE: Record<string, RegExp> = { fr: /(er|ir|re)$/u, es: /(ar|er|ir)(se)?$/u, pt: /(ar|er|ir)(-?se)?$/u, it: /(are|ere|ire|rsi)$/u };
/** Clitic pronouns that only ever stand before a verb ("s’accorde", "se retira", "ne propose"). */
const CLITICS: Record<string, Set<string>> = {
  fr: new Set(['se', 's', 'ne', 'n', 'il', 'ils', 'elle', 'elles', 'on', 'nous', 'vous', 'je', 'j', 'me', 'm', 'te']),
  es: new Set(['se', 'me', 'te', 'nos', 'os']),
  it: new Set(['si', 'mi', 'ti', 'ci', 'vi']),
  pt: new Set(['se', 'me', 'te', 'nos']),
};

/**
 * A conjugated verb or participle: every lemma the analyser gives is an infinitive the word is not a plural or
 * feminine of ("accorde" → accorder, "retira" → retirar; not "derniers" → dernier, nor "annonce", also a noun).
 */
function verbForm(folded: string, lang: string): boolean {
  const re = INFINITIVE[lang];
  if (!re || folded.length < 3) return false;
  const ls = lemmas(folded, lang);
  return ls.length > 0 && ls.every((l) => l !== folded && re.test(l) && !folded.startsWith(l));
}

/** Sets `entity` on tokens that are names: CLDR names (also multi-word), demonyms, acronyms and capitalized words. */
function markEntities(tokens: Token[], lang: string, titleCase: boolean): void {
  const surfaces = tokens.map((t) => t.surface.replace(POSSESSIVE, ''));
  for (const m of matchEntities(surfaces, lang)) {
    for (let i = m.start; i < m.end; i++) if (tokens[i]!.seg === tokens[m.start]!.seg) tokens[i]!.entity = m.key;
  }
  const capsMeanNames = !titleCase && !CAPITALIZED_NOUNS.has(lang);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.entity || t.fn || t.number) continue;
    const country = t.folded.length >= 3 ? countryOfToken(t.folded) : undefined;
    const abbrev = t.acronym ? countryOfAbbreviation(surfaces[i]!) : undefined;
    if (country ?? abbrev) {
      t.entity = `^${country ?? abbrev}`;
      continue;
    }
    // Unlisted names: capitalized where a capital means something, or acronyms. Their key is the name's
    // skeleton, the same in every script ("Macron", "ماكرون").
    if (t.acronym || (t.cap && !t.initial && capsMeanNames) || !/[\p{Lu}\p{Ll}]/u.test(t.surface)) {
      const key = t.acronym ? `@${t.folded}` : entityKey(surfaces[i]!, lang);
      if (key && (t.acronym || t.cap || key.startsWith('^') || key.startsWith('@'))) t.entity = key;
    }
  }
}

function fillKeys(t: Token, lang: string): void {
  if (t.fn) {
    t.primary = `${lang}:${t.folded}`;
    return;
  }
  const keys = new Set<string>();
  if (t.number) keys.add(`#${t.folded.replace(/[,\s]/gu, '')}`);
  const own = `${lang}:${stem(t.folded, lang)}`;
  keys.add(own);
  if (!t.number) {
    if (lang !== 'en') {
      for (const p of pivotTerms(t.folded, lang).slice(0, PIVOTS)) for (const w of p.split(/\s+/u)) keys.add(`en:${stem(foldToken(w), 'en')}`);
    }
    // Long Latin words share their first letters across languages (déforestation, deforestación, deforestation).
    if (t.folded.length >= 7 && LATIN_WORD.test(t.folded)) keys.add(`~${t.folded.slice(0, 6)}`);
  }
  if (t.entity) keys.add(t.entity);
  t.keys = [...keys];
  t.primary = t.entity ?? own;
}

/** A phrase a label can be made of: tokens in reading order, and how they were found. */
export interface Candidate {
  tokens: Token[];
  /** `span`: a contiguous run of the text; `compound`: an English "X from Y" turned into "Y X". */
  kind: 'span' | 'compound';
  /** The span is a whole segment of its text (a headline, or a part of one between colons, commas…). */
  whole: boolean;
}

/** Longest label, in words. */
export const MAX_LABEL_WORDS = 6;

/** Prepositions after which an English head noun takes a name in front of it: "cuts in the Red Sea" → "Red Sea cuts". */
const BEFORE_NAMES = new Set(['in', 'from', 'off', 'on', 'at', 'over', 'across', 'near']);
/** Heads that count something rather than name an event: "hundreds of prisoners" stays as written. */
const QUANTITIES = new Set(['hundreds', 'thousands', 'dozens', 'millions', 'billions', 'scores', 'number', 'lot', 'lots', 'group', 'series', 'set', 'part', 'half', 'rest', 'most', 'some', 'many', 'kind', 'type', 'sort']);

/**
 * Candidate phrases of an analysed text: every run of 1–6 words inside a segment that starts and ends on a
 * content word (not a closed-class word, never ending on a possessive), and for English the compound of a head
 * noun phrase and a following name ("withdrawal from Mali" → "Mali withdrawal", "Cable Damage in Red Sea" →
 * "Red Sea Cable Damage").
 */
export function candidates(a: Analysed, isName: (t: Token) => boolean = (t) => t.entity !== undefined): Candidate[] {
  const out: Candidate[] = [];
  const { tokens } = a;
  // A phrase never cuts a name in two ("Italy in Davis" of "Davis Cup"): no name word right before its first
  // word or right after its last one when those are names too.
  const inName = (a: Token | undefined, b: Token | undefined): boolean =>
    a !== undefined && b !== undefined && a.seg === b.seg && !a.fn && !b.fn && !a.possessive && isName(a) && isName(b);
  // Nor half a coordination of names ("Russia" of "Ukraine and Russia", "across Gulf" of "Gulf and East Africa").
  const joins = (conj: Token | undefined, other: Token | undefined, t: Token): boolean =>
    conj !== undefined && other !== undefined && conj.seg === t.seg && other.seg === t.seg && CONJUNCTIONS.has(conj.folded) && isName(t) && isName(other);
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    if (first.fn || inName(tokens[i - 1], first) || joins(tokens[i - 1], tokens[i - 2], first)) continue;
    for (let j = i; j < tokens.length && j - i < MAX_LABEL_WORDS; j++) {
      const t = tokens[j]!;
      if (t.seg !== first.seg) break;
      if (t.fn || t.possessive || inName(t, tokens[j + 1]) || joins(tokens[j + 1], tokens[j + 2], t)) continue;
      const span = tokens.slice(i, j + 1);
      const whole = (i === 0 || tokens[i - 1]!.seg !== first.seg) && (j === tokens.length - 1 || tokens[j + 1]!.seg !== first.seg);
      out.push({ tokens: span, kind: 'span', whole });
      if (a.lang === 'en') {
        const c = compound(span, tokens[j + 1], isName);
        if (c) out.push({ tokens: c, kind: 'compound', whole: false });
      }
    }
  }
  return out;
}

/**
 * English compounds, the order editors write: "HEAD in/from/off… [the] NAME" → "NAME HEAD" ("withdrawal from
 * Mali" → "Mali withdrawal"), and "HEAD of PLURALS" → "PLURAL HEAD" in the singular ("exchange of prisoners" →
 * "prisoner exchange"). HEAD is 1–3 words with at least one that is not a name (a name followed by a name is one
 * name: "Bank of England"), NAME a whole name of 1–3 words.
 */
function compound(span: Token[], next: Token | undefined, isName: (t: Token) => boolean): Token[] | undefined {
  const p = span.findIndex((t) => t.fn);
  if (p < 1 || p > 3 || !span[p]!.prep) return undefined;
  const head = span.slice(0, p);
  if (head.some((t) => t.fn || t.possessive || t.number) || head.every(isName)) return undefined;
  let rest = span.slice(p + 1);
  if (rest[0]?.det) rest = rest.slice(1);
  if (rest.length < 1 || rest.length > 3 || rest.some((t) => t.fn || t.number)) return undefined;
  const prep = span[p]!.folded;
  if (BEFORE_NAMES.has(prep) && rest.every(isName)) {
    // The name must be whole: "Italy in Davis" is not a compound of "Davis Cup".
    if (next && next.seg === span[0]!.seg && !next.fn && isName(next)) return undefined;
    return [...rest, ...head];
  }
  if (prep === 'of' && rest.length === 1 && !isName(rest[0]!) && !QUANTITIES.has(head[head.length - 1]!.folded)) {
    const plural = rest[0]!;
    const singular = singularOf(plural.folded);
    if (!singular) return undefined;
    // The modifier's surface in the singular: "prisoners" → "prisoner" (as written, minus the plural ending).
    const cut = plural.folded.length - singular.length;
    return [{ ...plural, surface: plural.surface.slice(0, plural.surface.length - cut), folded: singular }, ...head];
  }
  return undefined;
}

/** The singular of a regular English plural noun ("prisoners" → "prisoner", "talks" stays undefined). */
function singularOf(folded: string): string | undefined {
  if (folded.length < 5 || !folded.endsWith('s') || folded.endsWith('ss') || folded.endsWith('us') || folded.endsWith('is')) return undefined;
  const lemma = lemmas(folded, 'en').find((l) => l !== folded && folded.startsWith(l));
  return lemma && lemma.length >= 3 ? lemma : undefined;
}
