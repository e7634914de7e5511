// The reader site's pages: the front page (latest stories with filters), a story's roundup, and error pages.
import type { ListedStory } from '../api/queries.ts';
import { words, regionLabel, languageName, languageAutonym, FILTER_LANGUAGES, FILTER_REGIONS, regionInSentence, type UiLanguage } from './i18n.ts';
import {
  Glance,
  Layout,
  OtherHeadlines,
  Perspectives,
  Sep,
  StoryCard,
  Time,
  headlineFor,
  labelFor,
  langAttrs,
  storyHref,
  type PageMeta,
  type SiteStory,
  type SiteSummary,
} from './components.tsx';
import { excerpt } from '../api/views.ts';
import { attribution } from '../text/attribution.ts';
import { frontQuery, type FrontFilters } from './urls.ts';

/** What the front page shows. */
export interface FrontPageProps {
  ui: UiLanguage;
  /** Absolute base URL (no trailing slash). */
  base: string;
  filters: FrontFilters;
  stories: { summary: SiteSummary; outlets: { name: string; city: string }[] }[];
  nextCursor: string | null;
}

// The UI language travels with every link of a page that is not in English (`hl`); English is the default.
const hlOf = (ui: UiLanguage) => (ui === 'en' ? undefined : ui);

/** The front page: filters, the latest public stories, and the link to older ones. */
export function FrontPage(p: FrontPageProps) {
  const w = words(p.ui);
  const f = p.filters;
  const hl = hlOf(p.ui);
  const want = [...(f.lang?.length === 1 ? f.lang : []), p.ui];
  const filtered = Boolean(f.region?.length || f.lang?.length || f.q);
  const heading = filtered
    ? w.resultsFor(
        [
          f.region?.length ? w.inRegion(f.region.map((r) => regionInSentence(r, p.ui)).join(', ')) : '',
          f.lang?.length ? w.inLanguage(f.lang.map((l) => languageName(l, p.ui)).join(', ')) : '',
          f.q ? w.matching(f.q) : '',
        ].filter(Boolean),
      )
    : w.latest;
  const here = { region: f.region, lang: f.lang, q: f.q, hl };
  const storyQuery = frontQuery({ hl, lang: f.lang?.length === 1 ? f.lang : undefined });
  const feedQuery = frontQuery({ region: f.region, lang: f.lang, q: f.q });
  const otherUi: UiLanguage = p.ui === 'en' ? 'fr' : 'en';
  const otherHref = `/${frontQuery({ ...here, hl: hlOf(otherUi) })}`;
  const canonicalPath = `/${frontQuery({ ...here, cursor: f.cursor })}`;
  const meta: PageMeta = {
    ui: p.ui,
    title: filtered ? `${heading} · ${w.siteName}` : `${w.siteName} — ${w.tagline}`,
    description: w.about,
    canonical: `${p.base}${canonicalPath}`,
    ogType: 'website',
    feeds: { json: `/feed.json${feedQuery}`, rss: `/feed.xml${feedQuery}` },
    otherLanguage: { href: otherHref, hreflang: otherUi, absolute: `${p.base}${otherHref}` },
    jsonLd: {
      '@context': 'https://schema.org',
      '@type': 'ItemList',
      name: heading,
      url: `${p.base}${canonicalPath}`,
      numberOfItems: p.stories.length,
      itemListElement: p.stories.map((s, i) => ({
        '@type': 'ListItem',
        position: i + 1,
        url: `${p.base}${storyHref(s.summary, storyQuery)}`,
        name: headlineFor(s.summary, want).headline,
      })),
    },
    head: p.nextCursor ? <link rel="next" href={`/${frontQuery({ ...here, cursor: p.nextCursor })}`} /> : undefined,
  };
  return (
    <Layout {...meta}>
      <form class="filters" method="get" action="/" role="search" aria-label={w.filters}>
        {hl ? <input type="hidden" name="hl" value={hl} /> : null}
        <label class="search">
          {w.search}
          <input type="search" name="q" value={f.q ?? ''} placeholder={w.searchPlaceholder} maxlength={200} />
        </label>
        <label>
          {w.region}
          <select name="region">
            <option value="">{w.allRegions}</option>
            {FILTER_REGIONS.map((r) => (
              <option value={r} selected={f.region?.length === 1 && f.region[0] === r}>
                {regionLabel(r, p.ui)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w.language}
          <select name="lang">
            <option value="">{w.allLanguages}</option>
            {FILTER_LANGUAGES.map((l) => (
              <option value={l} selected={f.lang?.length === 1 && f.lang[0] === l}>
                {languageName(l, p.ui)}
                {languageAutonym(l) !== languageName(l, p.ui) ? ` — ${languageAutonym(l)}` : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{w.apply}</button>
        {filtered ? (
          <a class="clear" href={hl ? `/?hl=${hl}` : '/'}>
            {w.clear}
          </a>
        ) : null}
      </form>
      <h1 class={filtered ? 'page-title filtered' : 'page-title'}>{heading}</h1>
      {p.stories.length ? (
        <ol class="stories">
          {p.stories.map((s) => (
            <StoryCard story={s.summary} outlets={s.outlets} ui={p.ui} want={want} href={storyHref(s.summary, storyQuery)} />
          ))}
        </ol>
      ) : (
        <p class="empty">{filtered || f.cursor ? w.empty : w.emptyAll}</p>
      )}
      {p.nextCursor || f.cursor ? (
        <nav class="pager" aria-label={w.pagination}>
          {f.cursor ? <a href={`/${frontQuery(here)}`}>← {w.newest}</a> : <span />}
          {p.nextCursor ? (
            <a href={`/${frontQuery({ ...here, cursor: p.nextCursor })}`} rel="next">
              {w.older} →
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}

/** What a story page shows. */
export interface StoryPageProps {
  ui: UiLanguage;
  base: string;
  story: SiteStory;
  /** Languages the reader asked the headline in (`lang`), most wanted first. */
  want: readonly string[];
  /** Canonical query of this page (`?lang=…&hl=…`, or empty). */
  query: string;
}

/** A story's roundup: label, headline, standfirst, coverage at a glance, then what each outlet said. */
export function StoryPage(p: StoryPageProps) {
  const { story: s, ui } = p;
  const w = words(ui);
  // The founding article's language is the headline's when the story data does not say it.
  const founding = s.perspectives.flatMap((x) => x.items).find((i) => i.title === s.headline);
  const h = headlineFor(s, [...p.want, ui], founding?.language);
  const label = labelFor(s, ui);
  const canonicalPath = `${storyHref(s)}${p.query}`;
  const hl = hlOf(ui);
  const otherUi: UiLanguage = ui === 'en' ? 'fr' : 'en';
  const otherQuery = new URLSearchParams(p.query);
  otherQuery.delete('hl');
  if (hlOf(otherUi)) otherQuery.set('hl', otherUi);
  if (otherQuery.get('lang') === 'fr' && otherUi === 'en') otherQuery.delete('lang');
  const otherHref = `${storyHref(s)}${otherQuery.size ? `?${otherQuery}` : ''}`;
  const description = h.standfirst ? excerpt(h.standfirst, 200)! : `${label}: ${w.countries(s.counts.countries)}, ${w.outlets(s.counts.outlets)}.`;
  const meta: PageMeta = {
    ui,
    title: `${h.headline} · ${w.siteName}`,
    description,
    canonical: `${p.base}${canonicalPath}`,
    ogType: 'article',
    feeds: { json: '/feed.json', rss: '/feed.xml' },
    otherLanguage: { href: otherHref, hreflang: otherUi, absolute: `${p.base}${otherHref}` },
    head: (
      <>
        <meta property="article:published_time" content={s.firstSeenAt} />
        <meta property="article:modified_time" content={s.updatedAt} />
        <meta property="article:section" content={label} />
        <link rel="alternate" type="application/json" href={`/stories/${encodeURIComponent(s.id)}`} />
      </>
    ),
    jsonLd: newsArticle(p, h.headline, description, h.lang),
  };
  const all = `/${hl ? `?hl=${hl}` : ''}`;
  return (
    <Layout {...meta}>
      <a class="back" href={all}>
        ← {w.allStories}
      </a>
      <article class="story" aria-labelledby="story-title">
        <header class="story-head">
          <p class="kicker">
            {label}
            {s.blindspot ? <span class="badge">{w.blindspotBadge}</span> : null}
          </p>
          <h1 id="story-title" {...langAttrs(h.lang)}>
            {h.headline}
          </h1>
          {h.standfirst ? (
            <p class="standfirst" {...langAttrs(h.lang)}>
              {h.standfirst}
            </p>
          ) : null}
          <p class="meta">
            {w.firstReported} <Time iso={s.firstSeenAt} ui={ui} />
            <Sep />
            {w.updated} <Time iso={s.updatedAt} ui={ui} />
            <Sep />
            {w.reports(s.counts.items)}
          </p>
        </header>
        <Glance story={s} ui={ui} />
        <OtherHeadlines story={s} shown={h} ui={ui} />
        <h2 class="said-title">{w.whatTheySaid}</h2>
        <Perspectives perspectives={s.perspectives} ui={ui} />
      </article>
    </Layout>
  );
}

/** schema.org NewsArticle of a roundup, citing every article it quotes with its outlet and city. */
function newsArticle(p: StoryPageProps, headline: string, description: string, lang: string | undefined): object {
  const s = p.story;
  const url = `${p.base}${storyHref(s)}${p.query}`;
  const roundup = { '@type': 'Organization', name: 'Roundup', url: `${p.base}/` };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: headline.length > 110 ? `${headline.slice(0, 109)}…` : headline,
    description,
    url,
    mainEntityOfPage: url,
    datePublished: s.firstSeenAt,
    dateModified: s.updatedAt,
    ...(lang && lang !== 'und' ? { inLanguage: lang } : {}),
    keywords: [s.label],
    isAccessibleForFree: true,
    author: roundup,
    publisher: roundup,
    contentLocation: s.countries.filter((c) => c !== 'ZZ').map((c) => ({ '@type': 'Country', identifier: c })),
    citation: s.perspectives.flatMap((x) =>
      x.items.map((it) => ({
        '@type': 'NewsArticle',
        headline: it.title,
        ...(it.link ? { url: it.link } : {}),
        ...(it.language !== 'und' ? { inLanguage: it.language } : {}),
        datePublished: it.publishedAt,
        ...(it.byline ? { author: { '@type': 'Person', name: it.byline } } : {}),
        publisher: {
          '@type': 'NewsMediaOrganization',
          name: x.outlet.name,
          ...(x.outlet.homepage ? { url: x.outlet.homepage } : {}),
          ...(x.outlet.city || x.outlet.country !== 'ZZ'
            ? { address: { '@type': 'PostalAddress', ...(x.outlet.city ? { addressLocality: x.outlet.city } : {}), ...(x.outlet.country !== 'ZZ' ? { addressCountry: x.outlet.country } : {}) } }
            : {}),
        },
        // How the roundup attributes it, in the page's words.
        description: attribution({ byline: it.byline, outlet: x.outlet }, p.ui),
      })),
    ),
  };
}

/** An error page (404 for unknown or withdrawn stories, 400 for bad filters, 5xx). */
export function ErrorPage(p: { ui: UiLanguage; base: string; status: number; detail?: string; path: string }) {
  const w = words(p.ui);
  const [title, text] =
    p.status === 404 ? [w.notFoundTitle, w.notFound] : p.status < 500 ? [w.badRequestTitle, p.detail ?? ''] : [w.errorTitle, w.error];
  const hl = hlOf(p.ui);
  return (
    <Layout
      ui={p.ui}
      title={`${title} · ${w.siteName}`}
      description={text}
      canonical={`${p.base}${p.path}`}
      ogType="website"
      feeds={{ json: '/feed.json', rss: '/feed.xml' }}
      index={false}
    >
      <section class="error-page" aria-labelledby="error-title">
        <p class="code">{p.status}</p>
        <h1 id="error-title">{title}</h1>
        <p>{text}</p>
        <p>
          <a href={`/${hl ? `?hl=${hl}` : ''}`}>← {w.allStories}</a>
        </p>
      </section>
    </Layout>
  );
}

/** A page as an HTML document. */
const documentOf = async (el: { toString(): string | Promise<string> }): Promise<string> => `<!doctype html>\n${await el.toString()}`;

/** The front page as an HTML document. */
export const renderFrontPage = (p: FrontPageProps): Promise<string> => documentOf(<FrontPage {...p} />);

/** A story page as an HTML document. */
export const renderStoryPage = (p: StoryPageProps): Promise<string> => documentOf(<StoryPage {...p} />);

/** An error page as an HTML document. */
export const renderErrorPage = (p: Parameters<typeof ErrorPage>[0]): Promise<string> => documentOf(<ErrorPage {...p} />);

/** The outlets named on a story card, in the story's order. */
export function cardOutlets(s: ListedStory, outlets: ReadonlyMap<string, { name: string; city: string }>): { name: string; city: string }[] {
  return s.facets.outletIds.map((id) => outlets.get(id) ?? { name: id, city: '' });
}

