// Named entities across languages and scripts: CLDR names (territories, cities, languages) and name skeletons.
import { foldToken } from '../text/fold.ts';
import { arabicHeadwordKey, arabicKeys, normaliseArabic } from './arabic.ts';
import { onLexiconReset, readDataFile } from './tables.ts';
import { stopwords } from '../text/stem.ts';
import { lemmas } from './translate.ts';
import { SCRIPT_ASCII } from './translit.ts';

/** Header of the entity table written by the build script. */
const ENTITY_HEADER = '#roundup-entities 1';

interface Gazetteer {
  /** Folded name (tokens joined by spaces) → entity key. */
  names: Map<string, string>;
  /** Longest name, in tokens. */
  maxTokens: number;
  bytes: number;
}

let gazetteer: Gazetteer | undefined;
onLexiconReset(() => {
  gazetteer = undefined;
});

/** Territories win over cities, cities over languages, when two entities share a name. */
const RANK: Record<string, number> = { '^': 0, '@': 1, '%': 2 };

function loadGazetteer(): Gazetteer {
  if (gazetteer) return gazetteer;
  const names = new Map<string, string>();
  let maxTokens = 1;
  const data = readDataFile('entities.cldr.tsv');
  if (data && !data.text.startsWith(ENTITY_HEADER)) throw new Error(`entities.cldr.tsv: expected "${ENTITY_HEADER}"`);
  const put = (name: string, key: string): void => {
    const have = names.get(name);
    if (have === undefined || RANK[key[0]!]! < RANK[have[0]!]!) names.set(name, key);
  };
  for (const line of data?.text.split('\n') ?? []) {
    if (!line || line.startsWith('#')) continue;
    const [key, list] = line.split('\t') as [string, string];
    for (const name of list.split('|')) {
      put(name, key);
      maxTokens = Math.max(maxTokens, name.split(' ').length);
      // Arabic names are listed with their article (اليابان); headlines also write them with clitics (واليابان).
      if (/[\u0600-\u06ff]/u.test(name)) put(name.split(' ').map((w) => arabicHeadwordKey(w)).join(' '), key);
    }
  }
  gazetteer = { names, maxTokens, bytes: data?.bytes ?? 0 };
  return gazetteer;
}

/**
 * The CLDR key of a folded name exactly as the table lists it (`日本` → `^JP`, `東京` → `@tokyo`, `japon` →
 * `^JP`), without {@link entityKey}'s clitics, lemmas, capitalisation rule or skeleton fallback: for callers
 * that cut names out of unspaced text themselves (lib/lexicon/segment.ts).
 */
export function cldrEntity(folded: string): string | undefined {
  return loadGazetteer().names.get(folded);
}

/** Size in bytes of the entity table file (0 before it is loaded or when it is missing). */
export function entityTableBytes(): number {
  return loadGazetteer().bytes;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const UPPER_START = /^\p{Lu}/u;
const CASED = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;
const ARABIC = /[\u0600-\u06ff]/u;

function lookupName(tokens: readonly string[], lang: string): string | undefined {
  const g = loadGazetteer();
  const direct = g.names.get(tokens.join(' '));
  if (direct) return direct;
  if (tokens.length === 1) {
    const t = tokens[0]!;
    if (ARABIC.test(t)) {
      for (const k of arabicKeys(t)) {
        const hit = g.names.get(k);
        if (hit) return hit;
      }
    }
    // German genitive of names: Chiles, Kongos, Japans → Chile, Kongo, Japan.
    if (lang === 'de' && t.endsWith('s')) {
      const hit = g.names.get(t.slice(0, -1));
      if (hit) return hit;
    }
    // Inflected nationality words: françaises → français (%fr), alemanes → alemán.
    for (const l of lemmas(t, lang)) {
      const hit = g.names.get(l);
      if (hit?.startsWith('%')) return hit;
    }
  }
  return undefined;
}

/**
 * Consonant skeleton of a name in any script, the same for its spellings in Latin, Arabic, Cyrillic, Greek and
 * Hebrew letters: `Macron` and `ماكرون` → `mkrn`, `Putin`/`بوتين`/`Путин` → `btn`, `Zelensky`/`زيلينسكي` →
 * `slnsk`. Letters are spelled in ASCII (any-ascii's table), then vowels, `h`, `w`, `y` and doubled letters
 * dropped and letters that scripts confuse merged (c/k/q, g/j, p/b, v/f, z/s). Lossy by design: a weak key,
 * for names no gazetteer lists.
 */
export function nameSkeleton(surface: string): string {
  let ascii = '';
  for (const ch of foldToken(surface.normalize('NFC'))) ascii += /[a-z]/u.test(ch) ? ch : (SCRIPT_ASCII.get(ch) ?? '');
  const s = ascii
    .replace(/ph/gu, 'f')
    .replace(/[cs]h/gu, 's')
    .replace(/ck|qu/gu, 'k')
    .replace(/c(?=[eiy])/gu, 's')
    .replace(/x/gu, 'ks')
    .replace(/[cq]/gu, 'k')
    .replace(/g/gu, 'j')
    .replace(/p/gu, 'b')
    .replace(/v/gu, 'f')
    .replace(/z/gu, 's')
    .replace(/[aeiouyhw'`]/gu, '')
    .replace(/[^a-z]/gu, '')
    .replace(/(.)\1+/gu, '$1');
  return s;
}

/**
 * Cross-language key of a named entity, or undefined when `surface` does not read as one.
 *
 * - Names CLDR lists, in every language of the registry: territories `^JP` (Japon, Japan, اليابان, Japón),
 *   regions by UN M49 code (`^002` Africa), cities by their English name (`@tokyo` for Tokyo, طوكيو, Токио),
 *   languages, which are also the nationality words of news (`%fr` for French, français, françaises, الفرنسية).
 * - Other names: `~` + their consonant skeleton ({@link nameSkeleton}), so `Macron` and `ماكرون` are both
 *   `~mkrn`. In Latin, Cyrillic and Greek text only capitalised words count as names. Arabic and Hebrew have
 *   no capitals, and the dictionaries cannot tell names from words either (FreeDict lists ماكرون, "Macron",
 *   as "felines"), so every word but a stop word gets a skeleton there: a weak key, which only matters where
 *   it meets the same skeleton of a capitalised name in another script. Skeletons shorter than two
 *   consonants are not keys.
 *
 * `surface` is the text as written (one word or a multi-word name: "Afrique du Sud", "New York"); `lang` its
 * language (ISO 639-1), used for lemmas and the dictionary test.
 */
export function entityKey(surface: string, lang: string): string | undefined {
  const tokens = nameTokens(surface);
  if (tokens.length === 0) return undefined;
  const key = cldrKeyOf(surface, tokens, lang);
  if (key) return key;
  const cased = CASED.test(surface);
  if (cased && !UPPER_START.test(surface.trim())) return undefined;
  if (!cased && tokens.length === 1 && stopwords(lang).has(tokens[0]!)) return undefined;
  const skeleton = tokens.map(nameSkeleton).join('');
  return skeleton.length >= 2 ? `~${skeleton}` : undefined;
}

/**
 * The CLDR key of `surface` ({@link entityKey}'s first rule: a territory, region, city or language, under its
 * capitalisation rule), or undefined. For callers that want only places: it spares the skeleton.
 */
export function cldrKey(surface: string, lang: string): string | undefined {
  const tokens = nameTokens(surface);
  return tokens.length === 0 ? undefined : cldrKeyOf(surface, tokens, lang);
}

/** The words of a name, folded as the gazetteer's names are. */
function nameTokens(surface: string): string[] {
  return (surface.match(WORD) ?? []).map((w) => normaliseArabic(foldToken(w)));
}

function cldrKeyOf(surface: string, tokens: readonly string[], lang: string): string | undefined {
  const key = lookupName(tokens, lang);
  // Place names only count capitalised where the script has capitals ("Male" the city, "male" the word).
  return key && (!CASED.test(surface) || UPPER_START.test(surface.trim()) || key.startsWith('%')) ? key : undefined;
}

/** A CLDR name found in a token sequence. */
export interface EntityMatch {
  /** Index of the first token. */
  start: number;
  /** Index after the last token. */
  end: number;
  key: string;
}

/**
 * The CLDR names in a sequence of tokens as written (longest match first, left to right): `["Afrique", "du",
 * "Sud", ":", "des", "élections"]` → `[{start: 0, end: 3, key: "^ZA"}]`. Multi-word names are only found
 * this way; single names follow {@link entityKey}'s capitalisation rule. Names not in CLDR are left to
 * {@link entityKey}.
 */
export function matchEntities(tokens: readonly string[], lang: string): EntityMatch[] {
  const g = loadGazetteer();
  const folded = tokens.map((t) => normaliseArabic(foldToken(t)));
  const out: EntityMatch[] = [];
  for (let i = 0; i < tokens.length; ) {
    let found: EntityMatch | undefined;
    for (let n = Math.min(g.maxTokens, tokens.length - i); n >= 1 && !found; n--) {
      const span = folded.slice(i, i + n);
      const key = n === 1 ? entityKey(tokens[i]!, lang) : g.names.get(span.join(' '));
      // A multi-word name must start with a capital where the script has them ("Nouvelle-Zélande", not "nouvelle").
      const ok = n === 1 ? key !== undefined && !key.startsWith('~') : key !== undefined && (!CASED.test(tokens[i]!) || UPPER_START.test(tokens[i]!));
      if (ok) found = { start: i, end: i + n, key: key! };
    }
    if (found) {
      out.push(found);
      i = found.end;
    } else i++;
  }
  return out;
}
