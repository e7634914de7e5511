// Reader-facing shapes of stories: facets, perspectives grouped by outlet, coverage breakdown and verbatim excerpts.
import { candidateOf, pickHeadlines, standfirstOf } from '../group/headlines.ts';
import { bylineOf } from '../text/attribution.ts';
import type { Item, Outlet, Story } from '../types.ts';
import { chooseHeadline, readerHeadlines, type ReaderHeadline } from './languages.ts';
import { UNKNOWN_COUNTRY, UNKNOWN_REGION } from './vocabulary.ts';

/** Longest excerpt, in characters, before the ellipsis. */
export const EXCERPT_MAX = 280;

/** Per-story values the filters and counts need, derived from the story, its items and outlet metadata. */
export interface StoryFacets {
  outletIds: string[];
  countries: string[];
  regions: string[];
  languages: string[];
  itemCount: number;
  /**
   * The story's headline per language with its standfirst (the summary of the item it comes from): the record's picks,
   * and picks made from the items for languages the record has none for (records written before per-language
   * headlines, stories an editor split off). Editor copy is applied per reader (lib/api/languages.ts).
   */
  headlines: Record<string, ReaderHeadline>;
}

/** Which headline a reader gets: their languages, most wanted first, and the desk's language. */
export interface Reader {
  languages: readonly string[];
  desk: string;
}

/** A story in listings and feeds. */
export interface StorySummary {
  id: string;
  url: string;
  label: string;
  /** One label per language the story is told in (`label` is the main one). */
  labels: Record<string, string>;
  /** In the reader's language when the story has a headline in it. */
  headline: string;
  summary: string | null;
  /** Language of `headline` and `summary`. */
  headlineLanguage: string | null;
  /** Every language's headline (standfirsts are in the story's own answer: listings stay small). */
  headlines: Record<string, HeadlineRef>;
  firstSeenAt: string;
  lastSeenAt: string;
  updatedAt: string;
  version: number;
  pinned: boolean;
  counts: { items: number; outlets: number; countries: number; languages: number };
  countries: string[];
  regions: string[];
  languages: string[];
  blindspot: boolean;
}

/** One article of an outlet about the story. */
export interface PerspectiveItem {
  id: string;
  title: string;
  author: string | null;
  /** The person to credit: `author` cleaned, null when the byline is the outlet itself or absent. */
  byline: string | null;
  link: string | null;
  excerpt: string | null;
  language: string;
  publishedAt: string;
}

/** What one outlet said: its metadata and its articles, oldest first. */
export interface Perspective {
  outlet: { id: string; name: string; city: string; country: string; region: string; homepage: string | null };
  language: string;
  items: PerspectiveItem[];
}

/** Coverage counted per country, region or language. */
export interface CoverageBucket {
  key: string;
  outlets: number;
  items: number;
}

/** How widely a story is covered. */
export interface Coverage {
  countries: CoverageBucket[];
  regions: CoverageBucket[];
  languages: CoverageBucket[];
  /** True when every outlet covering the story is from the same (known) region. */
  blindspot: boolean;
}

/** A headline in a listing: the text and the article it comes from. */
export type HeadlineRef = Omit<ReaderHeadline, 'standfirst'>;

/** A story with everything an app shows on its page. */
export interface StoryDetail extends Omit<StorySummary, 'headlines'> {
  /** Every language's headline and standfirst. */
  headlines: Record<string, ReaderHeadline>;
  perspectives: Perspective[];
  coverage: Coverage;
}

const unknownOutlet = (id: string): Outlet => ({
  id,
  name: id,
  city: '',
  country: UNKNOWN_COUNTRY,
  region: UNKNOWN_REGION,
  languages: [],
  homepage: '',
  feeds: [],
});

/** Language an item is counted under: its detected language, else its outlet's main one. */
export function itemLanguage(item: Item, outlet: Outlet | undefined): string {
  if (item.language && item.language !== 'und') return item.language;
  return outlet?.languages[0] ?? 'und';
}

/** Outlets of a story in first-seen order: the story's list plus any outlet only its items name. */
function storyOutletIds(story: Story, items: readonly Item[]): string[] {
  return [...new Set([...story.outletIds, ...items.map((i) => i.outletId)])];
}

/** Facets from outlet metadata alone (before items are loaded), for the cheap filters. */
export function outletFacets(outletIds: readonly string[], outlets: ReadonlyMap<string, Outlet>): Pick<StoryFacets, 'countries' | 'regions'> {
  const countries = new Set<string>();
  const regions = new Set<string>();
  for (const id of outletIds) {
    const o = outlets.get(id) ?? unknownOutlet(id);
    countries.add(o.country);
    regions.add(o.region);
  }
  return { countries: [...countries].sort(), regions: [...regions].sort() };
}

/**
 * All facets of a story from its loaded items. `headlineItems` are the items its headlines come from that are not
 * among `items`: a paged story is read with its newest items per outlet, and its headlines may come from older ones.
 */
export function storyFacets(
  story: Story,
  items: readonly Item[],
  outlets: ReadonlyMap<string, Outlet>,
  headlineItems: readonly Item[] = [],
): StoryFacets {
  const outletIds = storyOutletIds(story, items);
  const languages = new Set(items.map((i) => itemLanguage(i, outlets.get(i.outletId))));
  // A runaway story is read with its shown items only: its size comes from the story.
  const itemCount = story.itemCount ?? (story.shownItemIds ? story.itemIds.length : items.length);
  return { outletIds, ...outletFacets(outletIds, outlets), languages: [...languages].sort(), itemCount, headlines: storyHeadlines(story, items, headlineItems, outlets) };
}

/**
 * Ids of the items a story's stored headlines come from that are not among `loaded`, and that may still be in the
 * story: a paged story's members beyond those it shows (all of them are in `itemIds` when the story was read whole;
 * a listed paged story names only its shown items, so its record is trusted). An unpaged story's items are all
 * loaded: a pick outside them has left the story.
 */
export function headlineItemIdsOutside(story: Story, loaded: ReadonlySet<string>): string[] {
  const paged = story.shownItemIds !== undefined || story.itemCount !== undefined;
  if (!paged || !story.headlines) return [];
  const members = story.shownItemIds ? new Set(story.itemIds) : undefined;
  return [...new Set(Object.values(story.headlines).map((h) => h.itemId))].filter((id) => !loaded.has(id) && (!members || members.has(id)));
}

// The record's picks of items still in the story, then picks made the way the group stage makes them for the
// languages left (the grouping scores are not at hand here: the story's own headline counts as the central item).
function storyHeadlines(story: Story, items: readonly Item[], headlineItems: readonly Item[], outlets: ReadonlyMap<string, Outlet>): Record<string, ReaderHeadline> {
  const byId = new Map([...headlineItems, ...items].map((i) => [i.id, i]));
  const out: Record<string, ReaderHeadline> = {};
  const add = (lang: string, headline: string, item: Item) => {
    out[lang] = { headline, standfirst: standfirstOf(item.summary, headline) ?? null, itemId: item.id };
  };
  for (const [lang, h] of Object.entries(story.headlines ?? {})) {
    const item = byId.get(h.itemId);
    if (item) add(lang, h.headline, item);
  }
  const missing = items.map((i) => candidateOf(i, itemLanguage(i, outlets.get(i.outletId)), 0)).filter((c) => !out[c.language]);
  if (missing.length) {
    for (const [lang, h] of Object.entries(pickHeadlines(missing, { central: items.find((i) => i.title === story.headline)?.id }))) add(lang, h.headline, byId.get(h.itemId)!);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Whether coverage comes from one known region only. */
export const isBlindspot = (regions: readonly string[]): boolean => regions.length === 1 && regions[0] !== UNKNOWN_REGION;

/** The list/feed shape of a story, headlined for `reader`. */
export function storySummary(story: Story, facets: StoryFacets, baseUrl: string, reader: Reader): StorySummary {
  return summaryOf(story, facets, baseUrl, reader, (h) => ({ headline: h.headline, itemId: h.itemId }));
}

/** The body of `GET /stories/{id}` and of the story page: its summary with every language's standfirst, its perspectives and coverage. */
export function storyDetail(
  story: Story,
  items: readonly Item[],
  outlets: ReadonlyMap<string, Outlet>,
  baseUrl: string,
  reader: Reader,
  headlineItems: readonly Item[] = [],
): StoryDetail {
  return {
    ...summaryOf(story, storyFacets(story, items, outlets, headlineItems), baseUrl, reader, (h) => h),
    perspectives: perspectives(items, outlets),
    coverage: coverage(story, items, outlets),
  };
}

function summaryOf<H>(
  story: Story,
  facets: StoryFacets,
  baseUrl: string,
  reader: Reader,
  shown: (h: ReaderHeadline) => H,
): Omit<StorySummary, 'headlines'> & { headlines: Record<string, H> } {
  const headlines = readerHeadlines(story, facets.headlines, reader.desk);
  const chosen = chooseHeadline(story, headlines, reader.languages);
  return {
    id: story.id,
    url: `${baseUrl}/stories/${encodeURIComponent(story.id)}`,
    label: story.label,
    labels: story.labels ?? {},
    headline: chosen.headline,
    summary: chosen.standfirst,
    headlineLanguage: chosen.language,
    headlines: Object.fromEntries(Object.entries(headlines).map(([lang, h]) => [lang, shown(h)])),
    firstSeenAt: story.firstSeenAt,
    lastSeenAt: story.lastItemAt,
    updatedAt: story.updatedAt,
    version: story.version,
    pinned: story.pinned === true,
    counts: {
      items: facets.itemCount,
      outlets: facets.outletIds.length,
      countries: facets.countries.length,
      languages: facets.languages.length,
    },
    countries: facets.countries,
    regions: facets.regions,
    languages: facets.languages,
    blindspot: isBlindspot(facets.regions),
  };
}

/**
 * Perspectives grouped by outlet, the outlet that reported first leading; each outlet's articles oldest first.
 * Outlets whose items have all expired are left out: there is nothing of theirs to quote.
 */
export function perspectives(items: readonly Item[], outlets: ReadonlyMap<string, Outlet>): Perspective[] {
  const byOutlet = new Map<string, Item[]>();
  for (const it of [...items].sort(byPublished)) {
    const list = byOutlet.get(it.outletId);
    if (list) list.push(it);
    else byOutlet.set(it.outletId, [it]);
  }
  return [...byOutlet.entries()].map(([outletId, list]) => {
    const o = outlets.get(outletId) ?? unknownOutlet(outletId);
    const langs = list.map((i) => itemLanguage(i, o));
    return {
      outlet: { id: o.id, name: o.name, city: o.city, country: o.country, region: o.region, homepage: o.homepage || null },
      language: mostCommon(langs),
      items: list.map((i, n) => ({
        id: i.id,
        title: i.title,
        author: i.author?.trim() || null,
        byline: bylineOf(i.author, o) ?? null,
        link: i.url ?? null,
        excerpt: i.summary ? excerpt(i.summary) : null,
        language: langs[n]!,
        publishedAt: i.publishedAt,
      })),
    };
  });
}

/** Coverage by country, region and language (largest first) with the blindspot flag. */
export function coverage(story: Story, items: readonly Item[], outlets: ReadonlyMap<string, Outlet>): Coverage {
  const country = new Map<string, { outlets: Set<string>; items: number }>();
  const region = new Map<string, { outlets: Set<string>; items: number }>();
  const language = new Map<string, { outlets: Set<string>; items: number }>();
  const bump = (m: typeof country, key: string, outletId: string, n: number) => {
    const b = m.get(key) ?? { outlets: new Set<string>(), items: 0 };
    b.outlets.add(outletId);
    b.items += n;
    m.set(key, b);
  };
  const perOutlet = new Map<string, number>();
  for (const it of items) perOutlet.set(it.outletId, (perOutlet.get(it.outletId) ?? 0) + 1);
  for (const id of storyOutletIds(story, items)) {
    const o = outlets.get(id) ?? unknownOutlet(id);
    bump(country, o.country, id, perOutlet.get(id) ?? 0);
    bump(region, o.region, id, perOutlet.get(id) ?? 0);
  }
  for (const it of items) bump(language, itemLanguage(it, outlets.get(it.outletId)), it.outletId, 1);
  const buckets = (m: typeof country): CoverageBucket[] =>
    [...m.entries()]
      .map(([key, b]) => ({ key, outlets: b.outlets.size, items: b.items }))
      .sort((a, b) => b.outlets - a.outlets || b.items - a.items || a.key.localeCompare(b.key));
  const regions = buckets(region);
  return {
    countries: buckets(country),
    regions,
    languages: buckets(language),
    blindspot: isBlindspot(regions.map((r) => r.key)),
  };
}

const byPublished = (a: Item, b: Item) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id);

function mostCommon(values: readonly string[]): string {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  let best = values[0] ?? 'und';
  for (const [v, c] of n) if (c > (n.get(best) ?? 0)) best = v;
  return best;
}

const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The feed's summary, verbatim, cut at a word boundary when longer than `max` characters (an ellipsis marks the cut).
 * Nothing is rewritten: only surrounding whitespace and the dangling punctuation before the cut go.
 */
export function excerpt(text: string, max = EXCERPT_MAX): string | null {
  const t = text.trim();
  if (!t) return null;
  if (t.length <= max) return t;
  let cut = 0;
  // Word segments also break scripts without spaces (CJK, Thai) at real word boundaries.
  for (const seg of wordSegmenter.segment(t)) {
    const end = seg.index + seg.segment.length;
    if (end > max) break;
    if (seg.isWordLike) cut = end;
  }
  if (cut < max / 2) {
    // One very long "word" (a URL, say): fall back to a whole-character cut rather than an empty excerpt.
    cut = 0;
    for (const g of graphemeSegmenter.segment(t)) {
      if (g.index + g.segment.length > max) break;
      cut = g.index + g.segment.length;
    }
  }
  return `${t.slice(0, cut).replace(/[\s,;:–—-]+$/u, '')}…`;
}
