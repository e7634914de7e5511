// Cross-lingual country entities: CLDR country names (i18n-iso-countries) with derived demonyms, mapped to ISO codes.
import countries from 'i18n-iso-countries';
import { foldToken } from '../text/fold.ts';

/**
 * Locales whose CLDR names feed the gazetteer. All locales would add rare collisions with common words of
 * other languages (a country name in one language is an ordinary word in another); these cover the
 * languages the engine stems plus a few neighbours whose outlets we are likely to read.
 */
const GAZETTEER_LOCALES = ['en', 'fr', 'es', 'de', 'pt', 'it', 'ar', 'nl', 'ca', 'ro', 'pl', 'sv', 'tr', 'ru'];

/**
 * Endings that turn a country name (or its root, the name minus its final vowels) into a demonym or adjective
 * in the supported languages: Russia→Russian, Russie→russe, Rusia→ruso, Mali→malien, Italia→italiano,
 * Allemagne→(no), Deutschland→(no). Derivation is rule-based over real CLDR names, not a hand list of pairs.
 */
const DEMONYM_SUFFIXES = [
  's', 'an', 'ans', 'ian', 'ians', 'ese', 'eses', 'ish', 'i', 'is', 'ien', 'iens', 'ienne', 'iennes', 'en', 'ens',
  'enne', 'ennes', 'ais', 'aise', 'aises', 'ois', 'oise', 'oises', 'ain', 'ains', 'aine', 'aines', 'e', 'es', 'o', 'os',
  'a', 'as', 'ano', 'anos', 'ana', 'anas', 'iano', 'ianos', 'iana', 'ianas', 'isch', 'ische', 'ischen', 'ischer',
  'er', 'ern', 'esa', 'esas', 'eno', 'ena', 'enos', 'enas', 'ier', 'iers', 'iere', 'ieres', 'ic', 'ico', 'ica',
  'ija', 'ije', 'ski', 'ska', 'ya', 'yan', 'yans', 'ite', 'ites', 'ienne', 'ese', 'aner', 'anerin', 'ienses',
];
/** Suffixes sorted longest first so lookups try the most specific split first. */
const SUFFIXES_BY_LENGTH = [...new Set(DEMONYM_SUFFIXES)].sort((a, b) => b.length - a.length);
/** Arabic proclitics (and, with, for, the) stripped before looking an Arabic token up. */
const ARABIC_PREFIXES = ['وال', 'بال', 'لل', 'فال', 'كال', 'ال', 'و', 'ب', 'ل', 'ف'];
/** Arabic nisba endings (روسيا → روسي، روسية). */
const ARABIC_SUFFIXES = ['يون', 'يين', 'ية', 'ي'];
/** Words after which the rest of a CLDR name is a qualifier ("United States of America" → "United States"). */
const NAME_CUTS = new Set(['of', 'de', 'd', 'del', 'da', 'do', 'des', 'du', 'von', 'der', 'di', 'van']);

/**
 * Names and adjectives in everyday news use that CLDR leaves out, and that the demonym rule cannot derive:
 * CLDR names the United Kingdom only ("Britain", بريطانيا, Angleterre are not there) and irregular adjectives
 * (britannique, allemand, estadounidense, marroquí) do not follow from their country's name. England, Scotland
 * and Wales count as the United Kingdom: outlets abroad write either for the same news. Folded as CLDR names are; inflected
 * forms (plural, feminine) are derived from these by the demonym endings.
 */
const COMMON_NAMES: Record<string, readonly string[]> = {
  GB: [
    'britain', 'great britain', 'grande bretagne', 'gran bretana', 'gra bretanha', 'gran bretagna', 'بريطانيا', 'британия',
    'britanya', 'england', 'angleterre', 'inglaterra', 'inghilterra', 'إنجلترا', 'انكلترا', 'scotland', 'ecosse', 'escocia',
    'schottland', 'scozia', 'wales', 'pays de galles', 'galles', 'british', 'britannique', 'britanico', 'britannico',
    'britisch', 'britanski',
  ],
  RU: ['ruso', 'rusa', 'rusos', 'rusas'],
  DE: ['allemand', 'tedesco', 'alemao'],
  US: ['americain', 'estadounidense', 'statunitense', 'norte americano', 'norteamericano', 'us amerikanisch', 'امريكي'],
  ES: ['espagnol', 'espanol', 'spagnolo', 'espanhol'],
  FR: ['franzosisch', 'franzose', 'franzosen'],
  MA: ['marroqui', 'marocchino', 'marokkanisch'],
  NL: ['hollandais', 'holandes', 'olandese', 'dutch'],
  CH: ['suisse', 'suizo', 'svizzero', 'schweizer', 'swiss'],
  CN: ['cinese', 'chinesisch'],
  IL: ['israelien', 'israeli', 'israelisch'],
  PS: ['palestinien', 'palestino', 'palestinese', 'palestinensisch'],
};

/** Longest multi-word country name, in tokens. */
export const MAX_NAME_TOKENS = 4;

interface Gazetteer {
  /** Folded name (tokens joined by a space) → ISO alpha-2. */
  names: Map<string, string>;
  /** Folded root (name minus trailing vowels) → ISO alpha-2, for demonym derivation. */
  roots: Map<string, string>;
  /** Short upper-case abbreviations (US, UK, USA) that only count when written in capitals. */
  abbreviations: Map<string, string>;
  /** First tokens of multi-word names, so phrase lookups run only where one can start. */
  phraseStarts: Set<string>;
  /** Per first token: the token counts of the multi-word names it starts, longest first. */
  phraseLengths: Map<string, number[]>;
}

let gazetteer: Gazetteer | undefined;

/** Splits a CLDR name into folded tokens the same way item text is tokenized. */
function nameTokens(name: string): string[] {
  return (name.match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).map(foldToken).filter((t) => t.length > 0);
}

function put(map: Map<string, string>, key: string, code: string, conflicts: Set<string>): void {
  const prev = map.get(key);
  if (prev !== undefined && prev !== code) conflicts.add(key);
  else map.set(key, code);
}

/** Root of a single-token name: trailing vowels removed (russia→russ, germany→german, france→franc). */
function rootOf(name: string): string {
  return name.replace(/[aeiouy]+$/u, '');
}

/** Builds the gazetteer once, lazily, from the CLDR names shipped with i18n-iso-countries. */
function build(): Gazetteer {
  const names = new Map<string, string>();
  const roots = new Map<string, string>();
  const abbreviations = new Map<string, string>();
  const conflicts = new Set<string>();
  const rootConflicts = new Set<string>();
  const available = new Set(countries.langs());
  for (const locale of GAZETTEER_LOCALES) {
    if (!available.has(locale)) continue;
    const all = countries.getNames(locale, { select: 'all' }) as Record<string, string[]>;
    for (const [code, variants] of Object.entries(all)) {
      for (const variant of variants) {
        // "Korea, Republic of" and "Congo - Kinshasa": the part before the qualifier is the usual name.
        const main = variant.split(/,| - |\(/u)[0] ?? variant;
        if (/^[A-Z.]{2,5}$/u.test(main.trim())) {
          abbreviations.set(main.replace(/\./gu, '').trim(), code);
          continue;
        }
        const toks = nameTokens(main);
        if (toks.length === 0 || toks.length > MAX_NAME_TOKENS) continue;
        put(names, toks.join(' '), code, conflicts);
        const cut = toks.findIndex((t, i) => i > 0 && NAME_CUTS.has(t));
        if (cut > 0) put(names, toks.slice(0, cut).join(' '), code, conflicts);
        if (toks.length === 1) {
          const only = toks[0]!;
          const root = rootOf(only);
          // Roots shorter than 4 letters (rus, per, cub) would turn ordinary words into countries.
          if (root.length >= 4) put(roots, root, code, rootConflicts);
        }
      }
    }
  }
  for (const [code, list] of Object.entries(COMMON_NAMES)) {
    for (const name of list) {
      const toks = nameTokens(name);
      const key = toks.join(' ');
      names.set(key, code);
      conflicts.delete(key);
      const root = rootOf(key);
      if (toks.length === 1 && root.length >= 4 && !/[\u0600-\u06FF]/u.test(key)) roots.set(root, code);
    }
  }
  for (const key of conflicts) names.delete(key);
  for (const key of rootConflicts) roots.delete(key);
  // The code itself ("FR", "DE") is not matched: two-letter capitals are too often initials or other acronyms.
  const phraseStarts = new Set<string>();
  const phraseLengths = new Map<string, number[]>();
  for (const key of names.keys()) {
    if (!key.includes(' ')) continue;
    const first = key.slice(0, key.indexOf(' '));
    phraseStarts.add(first);
    const len = key.split(' ').length;
    const lens = phraseLengths.get(first) ?? [];
    if (!lens.includes(len)) lens.push(len);
    phraseLengths.set(first, lens.sort((a, b) => b - a));
  }
  return { names, roots, abbreviations, phraseStarts, phraseLengths };
}

function gaz(): Gazetteer {
  gazetteer ??= build();
  return gazetteer;
}

const demonymCache = new Map<string, string | null>();

/**
 * Country code for one folded token: a CLDR name (any supported language) or a demonym/adjective derived
 * from one (russe, Russian, ruso → RU). Returns undefined for anything else.
 */
export function countryOfToken(folded: string): string | undefined {
  const cached = demonymCache.get(folded);
  if (cached !== undefined) return cached ?? undefined;
  const result = lookupToken(folded);
  if (demonymCache.size > 100_000) demonymCache.clear(); // bounded memo; a miss only costs a re-lookup
  demonymCache.set(folded, result ?? null);
  return result;
}

function lookupToken(t: string): string | undefined {
  const g = gaz();
  const direct = g.names.get(t);
  if (direct) return direct;
  if (/[\u0600-\u06FF]/u.test(t)) return lookupArabic(t, g);
  if (t.length < 4) return undefined;
  if (g.roots.has(t)) return g.roots.get(t);
  for (const suffix of SUFFIXES_BY_LENGTH) {
    if (t.length <= suffix.length + 3 || !t.endsWith(suffix)) continue;
    const base = t.slice(0, -suffix.length);
    const byRoot = g.roots.get(base);
    if (byRoot) return byRoot;
    // Name + ending (mali+en, iraq+i); a bare "n" only after longer names (syria+n) so "malin" stays a word.
    const byName = g.names.get(base);
    if (byName && base.length >= 4) return byName;
  }
  if (t.endsWith('n') && t.length >= 6) {
    const byName = g.names.get(t.slice(0, -1));
    if (byName) return byName;
  }
  return undefined;
}

function lookupArabic(t: string, g: Gazetteer): string | undefined {
  for (const p of ['', ...ARABIC_PREFIXES]) {
    if (p && !t.startsWith(p)) continue;
    const rest = t.slice(p.length);
    if (rest.length < 3) continue;
    const hit = g.names.get(rest) ?? g.names.get('ال' + rest);
    if (hit) return hit;
    for (const s of ARABIC_SUFFIXES) {
      if (!rest.endsWith(s)) continue;
      const stem = rest.slice(0, -s.length);
      const byName =
        g.names.get(stem + 'ا') ?? g.names.get(stem + 'يا') ?? g.names.get(stem) ?? g.names.get('ال' + stem);
      if (byName) return byName;
    }
  }
  return undefined;
}

/** True when a folded token can start a multi-word country name ("etats", "united", "vereinigte"). */
export function isPhraseStart(folded: string): boolean {
  return gaz().phraseStarts.has(folded);
}

/**
 * Token counts of the multi-word country names a folded token starts, longest first (empty if none): phrase
 * look-ups try only these lengths.
 */
export function phraseLengths(folded: string): readonly number[] {
  return gaz().phraseLengths.get(folded) ?? NO_LENGTHS;
}

const NO_LENGTHS: readonly number[] = Object.freeze([]);

/** Country code for a multi-word folded name given as one string, tokens joined by a space ("etats unis"). */
export function countryOfName(name: string): string | undefined {
  return gaz().names.get(name);
}

/** Country code for a multi-token folded name ("etats unis", "united states"), if any. */
export function countryOfPhrase(foldedTokens: string[]): string | undefined {
  return gaz().names.get(foldedTokens.join(' '));
}

/** Country code for an upper-case abbreviation as written (US, U.S., UK, USA); case matters. */
export function countryOfAbbreviation(raw: string): string | undefined {
  return gaz().abbreviations.get(raw.replace(/\./gu, ''));
}

/** Country name in a language, for readable labels (falls back to English, then the code). */
export function countryName(code: string, lang: string): string {
  return (
    (countries.getName(code, lang, { select: 'alias' }) as string | undefined) ??
    (countries.getName(code, 'en', { select: 'alias' }) as string | undefined) ??
    code
  );
}
