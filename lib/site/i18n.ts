// Words of the reader site in English and French, and names of countries, regions and languages from CLDR (Intl).
import { PROSE_LANGUAGES, proseLanguage, type ProseLanguage } from '../text/attribution.ts';
import { REGIONS, UNKNOWN_COUNTRY, UNKNOWN_REGION } from '../api/vocabulary.ts';

/** A language the site's own words are written in (the same set as attribution prose). */
export type UiLanguage = ProseLanguage;

/** Languages the site's words exist in. */
export const UI_LANGUAGES: readonly UiLanguage[] = PROSE_LANGUAGES;

/** The site language for a requested one: French for `fr`, else English. */
export const uiLanguage = proseLanguage;

const plural = (lang: UiLanguage, n: number, one: string, other: string) =>
  `${n.toLocaleString(lang)} ${new Intl.PluralRules(lang).select(n) === 'one' ? one : other}`;

const EN = {
  siteName: 'Roundup',
  tagline: 'The news, and what each outlet said',
  skip: 'Skip to content',
  latest: 'Latest stories',
  filters: 'Filter stories',
  region: 'Region',
  language: 'Language',
  search: 'Search',
  searchPlaceholder: 'Mali, earthquake…',
  allRegions: 'All regions',
  allLanguages: 'All languages',
  apply: 'Show stories',
  clear: 'Clear filters',
  older: 'Older stories',
  newest: 'Back to the latest stories',
  pagination: 'More stories',
  empty: 'No published story matches these filters yet.',
  emptyAll: 'No story has been published yet. Stories appear once two outlets cover the same news.',
  resultsFor: (parts: string[]) => `Stories ${parts.join(', ')}`,
  inRegion: (r: string) => `from outlets in ${r}`,
  inLanguage: (l: string) => `covered in ${l}`,
  matching: (q: string) => `matching “${q}”`,
  outlets: (n: number) => plural('en', n, 'outlet', 'outlets'),
  countries: (n: number) => plural('en', n, 'country', 'countries'),
  languages: (n: number) => plural('en', n, 'language', 'languages'),
  reports: (n: number) => plural('en', n, 'report', 'reports'),
  andMore: (n: number) => `${n} more`,
  coveredBy: 'Covered by',
  updated: 'Updated',
  firstReported: 'First reported',
  blindspotBadge: 'Blindspot',
  pinned: 'Pinned',
  allStories: 'All stories',
  whatTheySaid: 'What the outlets said',
  coverage: 'Coverage at a glance',
  byRegion: 'By region',
  byLanguage: 'By language',
  byCountry: 'By country',
  blindspot: (region: string) => `Blindspot: only outlets in ${region} covered this story.`,
  spread: (regions: number) => `Covered from ${plural('en', regions, 'region', 'regions')}.`,
  otherHeadlines: 'Headlines in other languages',
  readArticle: 'Read at',
  inLanguageName: (l: string) => `in ${l}`,
  notFoundTitle: 'Page not found',
  notFound: 'This story does not exist or is no longer published. It may have been withdrawn by an editor.',
  badRequestTitle: 'That request could not be understood',
  errorTitle: 'Something went wrong',
  error: 'Roundup could not show this page just now. Please try again in a minute.',
  feeds: 'Follow',
  jsonFeed: 'JSON Feed',
  rss: 'RSS',
  api: 'API',
  about:
    'Roundup groups the reports of news outlets around the world by story and quotes each one verbatim, with its author, city and a link to the original.',
  otherLanguage: 'Français',
  unknownCountry: 'Unknown country',
  unknownLanguage: 'Undetermined language',
};

/** The site's words in one language. */
export type Words = typeof EN;

const FR: Words = {
  siteName: 'Roundup',
  tagline: 'L’actualité, et ce qu’en dit chaque média',
  skip: 'Aller au contenu',
  latest: 'Dernières actualités',
  filters: 'Filtrer les actualités',
  region: 'Région',
  language: 'Langue',
  search: 'Rechercher',
  searchPlaceholder: 'Mali, séisme…',
  allRegions: 'Toutes les régions',
  allLanguages: 'Toutes les langues',
  apply: 'Afficher',
  clear: 'Effacer les filtres',
  older: 'Actualités plus anciennes',
  newest: 'Revenir aux plus récentes',
  pagination: 'Plus d’actualités',
  empty: 'Aucune actualité publiée ne correspond encore à ces filtres.',
  emptyAll: 'Aucune actualité n’est encore publiée. Une actualité paraît dès que deux médias couvrent la même nouvelle.',
  resultsFor: (parts: string[]) => `Actualités ${parts.join(', ')}`,
  inRegion: (r: string) => `des médias de la région ${r}`,
  inLanguage: (l: string) => `couvertes en ${l}`,
  matching: (q: string) => `contenant «\u202f${q}\u202f»`,
  outlets: (n: number) => plural('fr', n, 'média', 'médias'),
  countries: (n: number) => plural('fr', n, 'pays', 'pays'),
  languages: (n: number) => plural('fr', n, 'langue', 'langues'),
  reports: (n: number) => plural('fr', n, 'article', 'articles'),
  andMore: (n: number) => `${n} autre${n > 1 ? 's' : ''}`,
  coveredBy: 'Couverte par',
  updated: 'Mise à jour',
  firstReported: 'Premier article',
  blindspotBadge: 'Angle mort',
  pinned: 'À la une',
  allStories: 'Toutes les actualités',
  whatTheySaid: 'Ce qu’en disent les médias',
  coverage: 'La couverture en un coup d’œil',
  byRegion: 'Par région',
  byLanguage: 'Par langue',
  byCountry: 'Par pays',
  blindspot: (region: string) => `Angle mort\u00a0: seuls des médias de la région ${region} couvrent cette actualité.`,
  spread: (regions: number) => `Couverte depuis ${plural('fr', regions, 'région', 'régions')}.`,
  otherHeadlines: 'Les titres dans d’autres langues',
  readArticle: 'Lire dans',
  inLanguageName: (l: string) => `en ${l}`,
  notFoundTitle: 'Page introuvable',
  notFound: 'Cette actualité n’existe pas ou n’est plus publiée. Elle a pu être retirée par la rédaction.',
  badRequestTitle: 'Cette demande n’a pas pu être comprise',
  errorTitle: 'Un problème est survenu',
  error: 'Roundup ne peut pas afficher cette page pour le moment. Réessayez dans une minute.',
  feeds: 'Suivre',
  jsonFeed: 'JSON Feed',
  rss: 'RSS',
  api: 'API',
  about:
    'Roundup regroupe par actualité les articles des médias du monde entier et cite chacun mot pour mot, avec son auteur, sa ville et un lien vers l’original.',
  otherLanguage: 'English',
  unknownCountry: 'Pays inconnu',
  unknownLanguage: 'Langue indéterminée',
};

/** The site's words for a UI language. */
export const words = (lang: UiLanguage): Words => (lang === 'fr' ? FR : EN);

const REGION_NAMES: Record<UiLanguage, Record<string, string>> = {
  en: { africa: 'Africa', americas: 'the Americas', asia: 'Asia', europe: 'Europe', 'middle-east': 'the Middle East', oceania: 'Oceania', [UNKNOWN_REGION]: 'unknown regions' },
  fr: { africa: 'Afrique', americas: 'Amériques', asia: 'Asie', europe: 'Europe', 'middle-east': 'Moyen-Orient', oceania: 'Océanie', [UNKNOWN_REGION]: 'inconnue' },
};

const REGION_LABELS: Record<UiLanguage, Record<string, string>> = {
  en: { africa: 'Africa', americas: 'Americas', asia: 'Asia', europe: 'Europe', 'middle-east': 'Middle East', oceania: 'Oceania', [UNKNOWN_REGION]: 'Unknown' },
  fr: { africa: 'Afrique', americas: 'Amériques', asia: 'Asie', europe: 'Europe', 'middle-east': 'Moyen-Orient', oceania: 'Océanie', [UNKNOWN_REGION]: 'Inconnue' },
};

/** Regions offered by the filter, in display order. */
export const FILTER_REGIONS: readonly string[] = REGIONS;

/** A region as it reads inside a sentence ("the Middle East"). */
export const regionInSentence = (region: string, lang: UiLanguage): string => REGION_NAMES[lang][region] ?? region;

/** A region as a label ("Middle East"). */
export const regionLabel = (region: string, lang: UiLanguage): string => REGION_LABELS[lang][region] ?? region;

const displayNames = new Map<string, Intl.DisplayNames>();
function names(lang: string, type: 'language' | 'region'): Intl.DisplayNames {
  const key = `${lang}:${type}`;
  let d = displayNames.get(key);
  if (!d) displayNames.set(key, (d = new Intl.DisplayNames([lang], { type, fallback: 'code' })));
  return d;
}

/** A country's name from its ISO code ("CA" → "Canada" / "Canada"). */
export function countryName(code: string, lang: UiLanguage): string {
  if (code === UNKNOWN_COUNTRY) return words(lang).unknownCountry;
  return names(lang, 'region').of(code) ?? code;
}

/** A language's name in the UI language ("ar" → "Arabic" / "arabe"). */
export function languageName(code: string, lang: UiLanguage): string {
  if (!code || code === 'und') return words(lang).unknownLanguage;
  try {
    return names(lang, 'language').of(code) ?? code;
  } catch {
    return code;
  }
}

/** A language's name in itself ("ar" → "العربية"), for language pickers. */
export function languageAutonym(code: string): string {
  try {
    return names(code, 'language').of(code) ?? code;
  } catch {
    return code;
  }
}

/** Languages offered by the language filter, in the order the sample and registry outlets use them most. */
export const FILTER_LANGUAGES: readonly string[] = ['en', 'fr', 'es', 'ar', 'de', 'pt', 'it', 'ja', 'zh', 'ru', 'uk', 'ko', 'he', 'tr', 'hi'];

const dateFormats = new Map<UiLanguage, Intl.DateTimeFormat>();

/** A time as readers see it: "4 Dec 2026, 17:06 UTC" / "4 déc. 2026, 17:06 UTC" (UTC, so a cached page is right everywhere). */
export function formatTime(iso: string, lang: UiLanguage): string {
  let f = dateFormats.get(lang);
  if (!f) dateFormats.set(lang, (f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })));
  return `${f.format(new Date(iso))} UTC`;
}

/** "a, b and c" in the UI language. */
export const listOf = (items: string[], lang: UiLanguage): string => new Intl.ListFormat(lang === 'en' ? 'en-GB' : lang, { type: 'conjunction' }).format(items);

/** Open Graph locale of a UI language. */
export const ogLocale = (lang: UiLanguage): string => (lang === 'fr' ? 'fr_FR' : 'en_GB');
