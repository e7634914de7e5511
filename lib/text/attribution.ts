// Roundup attribution in the seed's style ("said François Brousseau in Le Devoir (Montreal)"), in English and French,
// shared by the reader site, the feeds' content and the editor's digest.
import type { Outlet } from '../types.ts';
import { foldText } from './fold.ts';

/** Languages attribution prose is written in; any other reader language gets English. */
export const PROSE_LANGUAGES = ['en', 'fr'] as const;
/** A language attribution prose is written in. */
export type ProseLanguage = (typeof PROSE_LANGUAGES)[number];

/** The prose language for a reader language (`fr-CA` → `fr`); English when Roundup does not write in it. */
export function proseLanguage(lang: string | null | undefined): ProseLanguage {
  const primary = (lang ?? '').toLowerCase().split('-')[0];
  return (PROSE_LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as ProseLanguage) : 'en';
}

/** Languages written right to left (primary subtags), for `dir` attributes and bidi isolation in plain text. */
const RTL = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);

/** Whether a language is written right to left. */
export const isRtl = (lang: string | null | undefined): boolean => RTL.has((lang ?? '').toLowerCase().split('-')[0] ?? '');

/** `rtl` or `ltr` for a language, for `dir` attributes. */
export const textDirection = (lang: string | null | undefined): 'rtl' | 'ltr' => (isRtl(lang) ? 'rtl' : 'ltr');

/**
 * French names of outlet cities where French does not use the local name. Intl has no city names and the outlet
 * registry stores English ones; cities missing here keep their registry spelling, which is right for most.
 */
const CITY_FR: Readonly<Record<string, string>> = {
  'Abu Dhabi': 'Abou Dhabi',
  Beijing: 'Pékin',
  Beirut: 'Beyrouth',
  'Cape Town': 'Le Cap',
  Dubai: 'Dubaï',
  Frankfurt: 'Francfort',
  Geneva: 'Genève',
  Hamburg: 'Hambourg',
  Jerusalem: 'Jérusalem',
  Kyiv: 'Kyiv',
  Lisbon: 'Lisbonne',
  London: 'Londres',
  Manila: 'Manille',
  'Mexico City': 'Mexico',
  Montreal: 'Montréal',
  Moscow: 'Moscou',
  Mumbai: 'Bombay',
  Quebec: 'Québec',
  Seoul: 'Séoul',
  Singapore: 'Singapour',
  Vienna: 'Vienne',
  Warsaw: 'Varsovie',
};

/** An outlet's city as written in `lang` prose. */
export function cityName(city: string, lang: ProseLanguage): string {
  return lang === 'fr' ? (CITY_FR[city] ?? city) : city;
}

/**
 * Cleans an author field for attribution: drops a leading "By"/"Par", takes the name from `mail (Name)`, and gives
 * up on bare e-mail addresses or lists so long they are not a byline.
 */
export function authorName(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  let a = raw.trim();
  const paren = /^\S+@\S+\s*\(([^)]+)\)$/.exec(a);
  if (paren) a = paren[1]!.trim();
  a = a.replace(/^(?:by|par|por)\s+/i, '').trim();
  if (!a || /@/.test(a) || a.length > 80) return undefined;
  return a;
}

// Words that say nothing about who wrote a piece: articles before a title, and the desk, staff and agency words of
// house bylines ("Al Jazeera and news agencies", "Le Monde avec AFP", "الجزيرة + وكالات", "BBC News").
const FILLER = new Set(
  [
    'the', 'a', 'an', 'le', 'la', 'les', 'l', 'el', 'los', 'las', 'al', 'der', 'die', 'das', 'il', 'lo', 'o', 'de', 'du', 'des',
    'and', 'with', 'avec', 'et', 'y', 'con', 'und', 'e', 'news', 'staff', 'agencies', 'agency', 'wire', 'wires', 'online',
    'net', 'digital', 'desk', 'team', 'newsroom', 'reporters', 'correspondents', 'redaction', 'redaccion', 'agences',
    'agence', 'agencias', 'نت', 'و', 'وكالات',
  ].map((w) => foldText(w)),
);

const WORDS = /[\p{L}\p{N}]+/gu;
const distinctive = (s: string): string[] => (foldText(s).match(WORDS) ?? []).filter((w) => !FILLER.has(w));

/** The names an outlet publishes under: its own, and the lead of each feed title ("الجزيرة نت — أخبار" → "الجزيرة نت"). */
function outletNames(outlet: Pick<Outlet, 'name'> & Partial<Pick<Outlet, 'feeds'>>): string[] {
  const names = [outlet.name];
  for (const f of outlet.feeds ?? []) {
    const lead = f.title?.split(/\s+[—–|:-]\s+/u)[0]?.trim();
    if (lead) names.push(lead);
  }
  return names;
}

/**
 * The person a piece is credited to, or undefined when the byline is the outlet itself (a house byline such as
 * "BBC News", "Al Jazeera Staff", "Le Monde avec AFP", or the outlet's name in another script as its feed titles
 * give it) or there is none. A byline is the outlet's when its first distinctive word is one of the outlet's names'.
 */
export function bylineOf(author: string | null | undefined, outlet: Pick<Outlet, 'name'> & Partial<Pick<Outlet, 'feeds'>>): string | undefined {
  const name = authorName(author);
  if (!name) return undefined;
  const words = distinctive(name);
  if (!words.length) return undefined;
  const own = new Set(outletNames(outlet).flatMap(distinctive));
  return own.has(words[0]!) ? undefined : name;
}

/** Who said it: the person credited (if any) and the outlet with its city. */
export interface Source {
  /** The person credited; absent when the outlet speaks for itself (see `bylineOf`). */
  byline?: string | null;
  outlet: { name: string; city?: string | null };
}

/** A run of attribution prose: plain text, or a span a renderer marks up (the quote, the person, the outlet). */
export type Part = { kind: 'text' | 'quote' | 'person' | 'outlet'; text: string };

const t = (text: string): Part => ({ kind: 'text', text });

/**
 * The words that follow a quote, as parts: "said François Brousseau in Le Devoir (Montreal)", "Al Jazeera (Doha)
 * reported"; in French "a déclaré François Brousseau dans Le Devoir (Montréal)", "a rapporté Al Jazeera (Doha)".
 */
export function attributionParts(source: Source, lang: ProseLanguage = 'en'): Part[] {
  const outlet: Part = { kind: 'outlet', text: source.outlet.name };
  const city = source.outlet.city ? t(` (${cityName(source.outlet.city, lang)})`) : undefined;
  const where = city ? [outlet, city] : [outlet];
  const person = source.byline ? ({ kind: 'person', text: source.byline } as Part) : undefined;
  if (lang === 'fr') return person ? [t('a déclaré '), person, t(' dans '), ...where] : [t('a rapporté '), ...where];
  return person ? [t('said '), person, t(' in '), ...where] : [...where, t(' reported')];
}

/** {@link attributionParts} as one string. */
export function attribution(source: Source, lang: ProseLanguage = 'en'): string {
  return partsText(attributionParts(source, lang));
}

/** Plain text of parts. */
export const partsText = (parts: readonly Part[]): string => parts.map((p) => p.text).join('');

const NNBSP = '\u202f';

/**
 * A quote with its attribution, punctuated as each language prints it, as parts:
 * - English: “…the last troops,” said X in Y (City). — the quote's closing full stop becomes the comma inside the
 *   quotation marks; a question or exclamation mark or an ellipsis stays and takes no comma; quotation marks inside
 *   the quote turn to single ones;
 * - French: « … les derniers soldats », a déclaré X dans Y (Ville). — guillemets with narrow no-break spaces, the full
 *   stop dropped, the comma outside; inner guillemets turn to “ ”.
 * Only punctuation around and inside the quote changes (the closing full stop, nested quotation marks); the quoted
 * words never do.
 */
export function quotedParts(quote: string, source: Source, lang: ProseLanguage = 'en'): Part[] {
  // A closing full stop goes (also one just inside a closing quotation mark); an ellipsis ("…", "...") stays.
  const q = quote.trim().replace(/(?<!\.)\.(["'’”»]?)$/u, '$1');
  const attr = attributionParts(source, lang);
  if (lang === 'fr') {
    const comma = /[?!]$/u.test(q) ? '' : ',';
    const inner = q.replace(/«\s*/gu, '“').replace(/\s*»/gu, '”');
    return [t(`«${NNBSP}`), { kind: 'quote', text: inner }, t(`${NNBSP}»${comma} `), ...attr, t('.')];
  }
  const comma = /(?:[?!…]|\.\.\.)$/u.test(q) ? '' : ',';
  const inner = q.replace(/“/gu, '‘').replace(/”/gu, '’').replace(/(^|[\s(])"/gu, '$1‘').replace(/"/gu, '’');
  return [t('“'), { kind: 'quote', text: inner }, t(`${comma}” `), ...attr, t('.')];
}

const FSI = '\u2068';
const PDI = '\u2069';

/**
 * {@link quotedParts} as plain text. A quote in a right-to-left language is wrapped in Unicode isolates (FSI … PDI)
 * so that the sentence around it keeps its order in any text renderer.
 */
export function quotedText(quote: string, source: Source, lang: ProseLanguage = 'en', quoteLanguage?: string): string {
  return quotedParts(quote, source, lang)
    .map((p) => (p.kind === 'quote' && isRtl(quoteLanguage) ? `${FSI}${p.text}${PDI}` : p.text))
    .join('');
}
