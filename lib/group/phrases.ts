// Headline phrases for story labels: tokens with their phrase boundaries, cross-lingual concept keys, and the
// candidate phrases of a headline (contiguous runs, and English compounds of "X from Y").
import { entityKey, lemmas, matchEntities, pivotTerms } from '../lexicon/index.ts';
import { foldToken } from '../text/fold.ts';
import { isDeterminer, isFunctionWord, isPreposition, opensClause } from '../text/function-words.ts';
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
const HARD_GAP = /[^\s\p{L}\p{M}\p{N}&%$€£¥'’\-‐‑]|\s[-–—]\s|\s[–—]|[–—]\s|^[–—]/u;
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
    const folded0 = foldToken(surface);
    const hard = i > 0 && HARD_GAP.test(gap);
    // A clause opener ("as", "while", "quand") or an English infinitive "to" starts a new segment.
    const clause = i > 0 && (opensClause(folded0, lang) || (INFINITIVE_MARKERS[lang]?.has(folded0) === true && infinitive(raw[i + 1]?.surface, lang)));
    if (hard || clause) seg++;
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
      verb: !fn && !number && (verbForm(folded, lang) || (lang === 'fr' && INVERTED.test(surface))),
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
  const content = tokens.filter((t) => !t.fn && !t.number && /\p{L}/u.test(t.folded));
  const titleCase = content.length >= 3 && content.filter((t) => t.cap).length >= 0.75 * content.length;
  markEntities(tokens, lang, titleCase);
  if (lang === 'en') markEnglishVerbs(tokens);
  for (const t of tokens) fillKeys(t, lang);
  return { lang, tokens, titleCase };
}

/** Coordinating conjunctions of the registry's languages (folded). */
const CONJUNCTIONS = new Set(['and', 'or', 'et', 'ou', 'y', 'e', 'o', 'u', 'und', 'oder', 'ed']);

/**
 * English words that are verbs wherever a headline uses them (forms that are also common nouns, like "strike",
 * "launch" or "win", are left out: "Bangladesh garment strike" is a label).
 */
const HEADLINE_VERBS = new Set(
  ('say says said tell tells told warn warns warned urges urged vowed slam slams slammed seek seeks sought announce ' +
    'announces announced confirm confirms confirmed deny denies denied reveal reveals revealed unveil unveils unveiled ' +
    'agree agrees agreed beats loses lost quits pulls pulled completes completed shakes shook kills killed disrupt ' +
    'disrupts disrupted extend extends extended launched approve approves approved rejects rejected accuse accuses ' +
    'accused become becomes became hits keeps kept holds held gives gave takes took makes made gets got sees saw goes ' +
    'went lets backed signaled signalled struck wins won issued lifts lifted raised fell rose proposes proposed adopts ' +
    'adopted closes closed opens opened offered threaten threatens threatened suspends suspended plunges plunged ' +
    'slips slipped soars soared surges surged tumbles tumbled climbs climbed dips dipped')
    .split(' '),
);

/**
 * Marks English verbs: the words above; a word followed by its object ("exchange hundreds", "trade 300", "swap
 * the"); and a verb form in -s right after a name, when what follows is not itself a verb ("Russia suspends
 * grain…", but not "Brazil floods leave…").
 */
function markEnglishVerbs(tokens: Token[]): void {
  const near = (i: number, t: Token) => (tokens[i]?.seg === t.seg ? tokens[i] : undefined);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.fn || t.number || t.entity) continue;
    const next = near(i + 1, t);
    // A number is an object only after a subject and before what it counts ("swap 600 prisoners", not "Magnitude 7.1").
    const counted = next?.number === true && !t.initial && near(i + 2, t) !== undefined && !near(i + 2, t)!.fn;
    if (HEADLINE_VERBS.has(t.folded) || (next && (next.det || counted || QUANTITIES.has(next.folded) || OBJECT_PRONOUNS.has(next.folded)))) t.verb = true;
  }
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = near(i - 1, t);
    if (t.verb || t.fn || t.number || t.entity || !prev || !(prev.entity || prev.acronym)) continue;
    if (/[^siu]s$/u.test(t.folded) && verbCapable(t.folded) && !near(i + 1, t)?.verb) t.verb = true;
  }
}

/** An English -s form whose lemma also conjugates as a verb (it has an -ing form): "suspends", "floods", not "farmers". */
function verbCapable(folded: string): boolean {
  const lemma = lemmas(folded, 'en').find((l) => l !== folded && folded.startsWith(l.replace(/e$/u, '')));
  if (!lemma) return false;
  const stem = lemma.endsWith('e') ? lemma.slice(0, -1) : lemma;
  return [`${stem}ing`, `${lemma}${lemma.at(-1)}ing`].some((f) => lemmas(f, 'en').includes(lemma));
}

/** English object pronouns: the word before one is a verb. */
const OBJECT_PRONOUNS = new Set(['him', 'her', 'them', 'us', 'me', 'it', 'itself', 'themselves', 'himself', 'herself']);

/** Infinitive endings of the languages whose lexicon has an analyser that gives lemmas. */
const INFINITIVE: Record<string, RegExp> = { fr: /(er|ir|re)$/u, es: /(ar|er|ir)(se)?$/u, pt: /(ar|er|ir)(-?se)?$/u, it: /(are|ere|ire|rsi)$/u };
/** A French verb with its subject after it ("va-t-il", "faut-il", "peut-on"). */
const INVERTED = /[-‐‑](t[-‐‑])?(il|elle|on|ils|elles|je|tu|nous|vous)$/iu;
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

/** Words before an infinitive ("to win", "pour atteindre", "para suspender"): the infinitive clause is a phrase of its own. */
const INFINITIVE_MARKERS: Record<string, Set<string>> = { en: new Set(['to']), fr: new Set(['pour', 'sans', 'afin']), es: new Set(['para', 'sin']), pt: new Set(['para', 'sem']), it: new Set(['per', 'senza']) };

/**
 * Whether the word after an infinitive marker is an infinitive: in English a lower-case word that is no article
 * or pronoun ("to win", not "to Nairobi", "to the"); in Romance languages a word with an infinitive ending that the
 * lexicon analyses as itself ("pour atteindre").
 */
function infinitive(next: string | undefined, lang: string): boolean {
  if (next === undefined || !/^\p{Ll}/u.test(next)) return false;
  const folded = foldToken(next);
  if (isFunctionWord(folded, lang)) return false;
  if (lang === 'en') return true;
  const re = INFINITIVE[lang];
  return re !== undefined && re.test(folded) && lemmas(folded, lang).includes(folded);
}

/** Languages whose lexicon has an analyser, so that a word it cannot analyse is likely a name. */
const ANALYSED = new Set(['en', 'fr', 'es', 'pt', 'it']);

/**
 * Whether the lexicon's analyser knows a word of `lang`: the word is an inflected form, or one of its regular
 * inflections analyses back to it ("heavy" ← "heavier", "emergency" ← "emergencies"). Languages without an
 * analyser know every word (no name is guessed there).
 */
function knownWord(folded: string, lang: string): boolean {
  if (!ANALYSED.has(lang) || folded.length < 3) return true;
  if (lemmas(folded, lang).some((l) => l !== folded)) return true;
  const stem = folded.replace(/[ey]$/u, '');
  const forms = lang === 'en' ? [`${folded}s`, `${folded}es`, `${folded}ed`, `${folded}ing`, `${folded}er`, `${stem}ies`, `${stem}ier`, `${stem}ed`, `${stem}ing`] : [`${folded}s`, `${folded}x`, `${folded}e`, `${folded}es`, `${folded}a`, `${folded}i`];
  return forms.some((f) => lemmas(f, lang).includes(folded));
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
    // A capitalized first word is a name when the dictionary knows no such word ("Kyoto raises…", not "Heavy snow…").
    const unknownFirst = t.cap && t.initial && capsMeanNames && !t.possessive && !knownWord(t.folded, lang);
    const uncased = !/[\p{Lu}\p{Ll}]/u.test(t.surface);
    if (t.acronym || (t.cap && !t.initial && capsMeanNames) || unknownFirst) {
      // A name too short for a skeleton ("Iwate") is still a name, known by its spelling.
      t.entity = t.acronym ? `@${t.folded}` : (entityKey(surfaces[i]!, lang) ?? `@${t.folded}`);
    } else if (uncased) {
      // Scripts without capitals: only listed names and skeletons that meet a name elsewhere (see entityKey).
      const key = entityKey(surfaces[i]!, lang);
      if (key) t.entity = key;
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
  /**
   * `span`: a contiguous run of the text; `compound`: an English rearrangement of one ("withdrawal from Mali" →
   * "Mali withdrawal", "Kyoto raises lodging tax" → "Kyoto lodging tax").
   */
  kind: 'span' | 'compound';
  /** The span is a whole segment of its text (a headline, or a part of one between colons, commas…). */
  whole: boolean;
  /** Position of the span's first word in the text, 0 to 1: headlines put the subject first. */
  at: number;
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
      const at = i / tokens.length;
      out.push({ tokens: span, kind: 'span', whole, at });
      if (a.lang === 'en') {
        const c = compound(span, tokens[j + 1], isName) ?? subjectObject(span, isName);
        if (c) out.push({ tokens: c, kind: 'compound', whole: false, at });
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

/**
 * "NAME verb NOUNS" → "NAME NOUNS", the way editors label a report by who and what ("Kyoto raises lodging tax" →
 * "Kyoto lodging tax", "Russia suspends grain deal" → "Russia grain deal"): a name of 1–3 words, one verb, then
 * 1–3 content words to the end of the span.
 */
function subjectObject(span: Token[], isName: (t: Token) => boolean): Token[] | undefined {
  let n = 0;
  while (n < span.length && n < 3 && !span[n]!.fn && isName(span[n]!)) n++;
  if (n === 0 || n + 2 > span.length || !span[n]!.verb) return undefined;
  const object = span.slice(n + 1);
  if (object.length > 3 || object.some((t) => t.fn || t.verb || t.possessive)) return undefined;
  return [...span.slice(0, n), ...object];
}

/** The singular of a regular English plural noun ("prisoners" → "prisoner", "talks" stays undefined). */
function singularOf(folded: string): string | undefined {
  if (folded.length < 5 || !folded.endsWith('s') || folded.endsWith('ss') || folded.endsWith('us') || folded.endsWith('is')) return undefined;
  const lemma = lemmas(folded, 'en').find((l) => l !== folded && folded.startsWith(l));
  return lemma && lemma.length >= 3 ? lemma : undefined;
}
