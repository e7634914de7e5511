// Story feeds for feed readers: JSON Feed 1.1 and RSS 2.0, one entry per public story with its perspectives.
import { roundupHtml } from '../site/components.tsx';
import { storyPageUrl } from '../site/urls.ts';
import { proseLanguage, quotedText, type ProseLanguage } from '../text/attribution.ts';
import type { Coverage, Perspective, StorySummary } from './views.ts';

/** A story with what a feed entry shows. */
export interface FeedStory {
  summary: StorySummary;
  perspectives: Perspective[];
  coverage: Coverage;
}

/** Feed-level links and labels. */
export interface FeedMeta {
  title: string;
  description: string;
  /** The reader site's front page with the feed's filters. */
  homePageUrl: string;
  /** Public base URL (no trailing slash): entries link to their story pages under it. */
  siteUrl: string;
  feedUrl: string;
  nextUrl?: string;
  /** Set when the feed is restricted to one language. */
  language?: string;
  /**
   * The reader's first language (`lang`, else Accept-Language) when it is not the desk's: entries link to story pages
   * headlined in it, and the prose around quotes is in it where Roundup writes that language.
   */
  readerLanguage?: string;
  updatedAt: string;
}

/** JSON Feed 1.1 version URL. */
export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/**
 * The plain-text body of a feed entry, as the seed prints a roundup: the standfirst, how widely the story is covered,
 * then each article quoted with its attribution ("“…,” said François Brousseau in Le Devoir (Montreal).") and its
 * title and link. `lang` is the language of the prose around the quotes.
 */
export function storyText(s: FeedStory, lang: ProseLanguage = 'en'): string {
  const lines: string[] = [];
  if (s.summary.summary) lines.push(s.summary.summary, '');
  const c = s.summary.counts;
  lines.push(
    lang === 'fr'
      ? `Couverte par ${c.outlets} média${c.outlets > 1 ? 's' : ''} dans ${c.countries} pays et ${c.languages} langue${c.languages > 1 ? 's' : ''}.`
      : `Covered by ${c.outlets} outlet${c.outlets === 1 ? '' : 's'} in ${c.countries} countr${c.countries === 1 ? 'y' : 'ies'} and ${c.languages} language${c.languages === 1 ? '' : 's'}.`,
  );
  for (const p of s.perspectives) {
    for (const it of p.items) {
      lines.push('', quotedText(it.excerpt ?? it.title, { byline: it.byline, outlet: p.outlet }, lang, it.language));
      const where = [p.outlet.city, p.outlet.country].filter(Boolean).join(', ');
      lines.push(`${it.excerpt ? `${it.title} — ` : ''}${p.outlet.name} (${where})${it.link ? `: ${it.link}` : ''}`);
    }
  }
  return lines.join('\n');
}

/** The story page of an entry: the reader site, in the feed's (or else the reader's) language when it has one. */
const pageUrl = (meta: FeedMeta, s: FeedStory) => storyPageUrl(meta.siteUrl, s.summary.id, s.summary.label, meta.language ?? meta.readerLanguage);

/** The language of the words Roundup writes around the quotes: the feed's, else the reader's (English by default). */
const proseOf = (meta: FeedMeta) => proseLanguage(meta.language ?? meta.readerLanguage);

// The entry's title and summary are in the headline's language; a story headlined in no known language falls back to
// the language most of its articles are in.
const mainLanguage = (s: FeedStory) => s.summary.headlineLanguage ?? s.coverage.languages[0]?.key;

/** Renders a JSON Feed 1.1 document; Roundup's extra data sits in each item's `_roundup` extension object. */
export function jsonFeed(meta: FeedMeta, stories: readonly FeedStory[]): string {
  const prose = proseOf(meta);
  const doc = {
    version: JSON_FEED_VERSION,
    title: meta.title,
    home_page_url: meta.homePageUrl,
    feed_url: meta.feedUrl,
    description: meta.description,
    ...(meta.nextUrl ? { next_url: meta.nextUrl } : {}),
    ...(meta.language ? { language: meta.language } : {}),
    authors: [{ name: 'Roundup', url: meta.homePageUrl }],
    items: stories.map((s) => {
      const lang = mainLanguage(s);
      const url = pageUrl(meta, s);
      return {
        id: s.summary.id,
        url,
        title: s.summary.headline,
        content_html: roundupHtml(s, url, prose),
        content_text: storyText(s, prose),
        ...(s.summary.summary ? { summary: s.summary.summary } : {}),
        date_published: s.summary.firstSeenAt,
        date_modified: s.summary.updatedAt,
        authors: s.perspectives.map((p) => ({ name: p.outlet.name, ...(p.outlet.homepage ? { url: p.outlet.homepage } : {}) })),
        tags: [s.summary.label],
        ...(lang && lang !== 'und' ? { language: lang } : {}),
        _roundup: {
          apiUrl: s.summary.url,
          label: s.summary.label,
          lastSeenAt: s.summary.lastSeenAt,
          pinned: s.summary.pinned,
          counts: s.summary.counts,
          outlets: s.perspectives.map((p) => p.outlet),
          perspectives: s.perspectives,
          coverage: s.coverage,
        },
      };
    }),
  };
  return JSON.stringify(doc);
}

// XML 1.0 forbids most control characters even when escaped; feeds sometimes carry them, so they are dropped.
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for XML element content and attribute values, dropping characters XML 1.0 cannot carry. */
export function escapeXml(s: string): string {
  return s.replace(XML_INVALID, '').replace(/[&<>"']/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[ch]};`);
}

const rfc822 = (iso: string) => new Date(iso).toUTCString();

/**
 * Renders an RSS 2.0 document (with an Atom self link, and a next link when there are more stories). Each item links
 * to its story page and describes it in HTML; its guid stays the story's API URL, so readers never see an entry twice.
 */
export function rssFeed(meta: FeedMeta, stories: readonly FeedStory[]): string {
  const x = escapeXml;
  const prose = proseOf(meta);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    `<title>${x(meta.title)}</title>`,
    `<link>${x(meta.homePageUrl)}</link>`,
    `<description>${x(meta.description)}</description>`,
    `<atom:link href="${x(meta.feedUrl)}" rel="self" type="application/rss+xml"/>`,
  ];
  if (meta.nextUrl) out.push(`<atom:link href="${x(meta.nextUrl)}" rel="next" type="application/rss+xml"/>`);
  if (meta.language) out.push(`<language>${x(meta.language)}</language>`);
  out.push(`<lastBuildDate>${rfc822(meta.updatedAt)}</lastBuildDate>`, '<generator>Roundup</generator>', '<ttl>5</ttl>');
  for (const s of stories) {
    const url = pageUrl(meta, s);
    out.push(
      '<item>',
      `<title>${x(s.summary.headline)}</title>`,
      `<link>${x(url)}</link>`,
      `<guid isPermaLink="true">${x(s.summary.url)}</guid>`,
      `<pubDate>${rfc822(s.summary.firstSeenAt)}</pubDate>`,
      `<description>${x(roundupHtml(s, url, prose))}</description>`,
      `<category>${x(s.summary.label)}</category>`,
      ...s.summary.countries.map((c) => `<category domain="urn:iso:std:iso:3166">${x(c)}</category>`),
      '</item>',
    );
  }
  out.push('</channel>', '</rss>', '');
  return out.join('\n');
}
