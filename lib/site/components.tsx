// Building blocks of the reader site (hono/jsx): page chrome, story cards, what each outlet said, coverage at a glance.
import type { Child } from 'hono/jsx';
import type { Coverage, CoverageBucket, Perspective, PerspectiveItem, StorySummary } from '../api/views.ts';
import { excerpt } from '../api/views.ts';
import { cityName, quotedParts, textDirection } from '../text/attribution.ts';
import { CSS } from './style.ts';
import { countryName, formatTime, languageName, listOf, ogLocale, regionInSentence, regionLabel, words, type UiLanguage } from './i18n.ts';
import { storyPagePath } from './urls.ts';

/** A headline in one language, as the API's `headlines` map gives it (listings leave the standfirst out). */
export interface LanguageHeadline {
  headline: string;
  standfirst?: string | null;
}

/**
 * A listed story as the site reads it: the API's summary (with its labels per language), plus the fields later
 * API versions add when present (headlines per language and the language of `headline`). Every extra is optional
 * so the pages render whatever the story data has.
 */
export type SiteSummary = Omit<StorySummary, 'headlines' | 'headlineLanguage'> & {
  headlines?: Record<string, LanguageHeadline>;
  headlineLanguage?: string | null;
};

/** A story with its perspectives and coverage, as `GET /stories/{id}` gives it. */
export type SiteStory = SiteSummary & { perspectives: Perspective[]; coverage: Coverage };

/** The headline a page shows: in the wanted language when the story has one, else the story's own. */
export interface ShownHeadline {
  headline: string;
  standfirst: string | null;
  /** Its language when known (for `lang`/`dir`). */
  lang?: string;
}

/** Picks the headline for a reader of `want`, then the UI language, then the story's own. */
export function headlineFor(s: SiteSummary, want: readonly string[], fallbackLang?: string): ShownHeadline {
  for (const l of want) {
    const h = s.headlines?.[l];
    // A listing's headlines carry no standfirst: the summary is the standfirst of the headline it was given in.
    if (h) return { headline: h.headline, standfirst: h.standfirst !== undefined ? h.standfirst : s.headlineLanguage === l ? s.summary : null, lang: l };
  }
  return { headline: s.headline, standfirst: s.summary, lang: s.headlineLanguage ?? fallbackLang };
}

/** The story's label in the UI language when there is one, else its main label. */
export const labelFor = (s: SiteSummary, ui: UiLanguage): string => s.labels?.[ui] ?? s.label;

/** `lang` and `dir` attributes for text in a language; nothing for unknown languages (an empty or `und` tag says nothing). */
export function langAttrs(lang: string | null | undefined): { lang?: string; dir?: 'rtl' | 'ltr' } {
  if (!lang || lang === 'und') return {};
  return { lang, dir: textDirection(lang) };
}

/** Head metadata of a page. */
export interface PageMeta {
  ui: UiLanguage;
  title: string;
  description: string;
  /** Absolute canonical URL. */
  canonical: string;
  ogType: 'website' | 'article';
  /** Feed autodiscovery links (root-relative, with the page's filters). */
  feeds: { json: string; rss: string };
  /** The same page in the other UI language (root-relative). */
  otherLanguage?: { href: string; hreflang: UiLanguage; absolute: string };
  /** JSON-LD object of the page. */
  jsonLd?: object;
  /** Extra head elements (article times, API alternate). */
  head?: Child;
  /** When false (error pages), robots are asked not to index. */
  index?: boolean;
}

// The site's icon inline (an "R" on the masthead red), so browsers do not ask for /favicon.ico.
const ICON = `data:image/svg+xml,${encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='6' fill='#a3171c'/><text x='16' y='23' font-family='Georgia,serif' font-size='21' font-weight='700' fill='#fff' text-anchor='middle'>R</text></svg>",
)}`;

/** JSON for a `<script type="application/ld+json">`: `<` escaped so no string can close the element. */
export const jsonLdText = (o: object): string => JSON.stringify(o).replace(/</g, '\\u003c');

/** Page skeleton: head metadata, masthead, main content, footer with the feeds. */
export function Layout(props: PageMeta & { children?: Child }) {
  const w = words(props.ui);
  return (
    <html lang={props.ui} dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <meta name="description" content={props.description} />
        {props.index === false ? <meta name="robots" content="noindex" /> : null}
        <meta name="color-scheme" content="light dark" />
        <meta name="theme-color" content="#fbfaf7" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#141413" media="(prefers-color-scheme: dark)" />
        <link rel="canonical" href={props.canonical} />
        {props.otherLanguage ? <link rel="alternate" hreflang={props.otherLanguage.hreflang} href={props.otherLanguage.absolute} /> : null}
        <link rel="alternate" type="application/feed+json" title={`${w.siteName} (${w.jsonFeed})`} href={props.feeds.json} />
        <link rel="alternate" type="application/rss+xml" title={`${w.siteName} (${w.rss})`} href={props.feeds.rss} />
        <meta property="og:site_name" content={w.siteName} />
        <meta property="og:type" content={props.ogType} />
        <meta property="og:title" content={props.title} />
        <meta property="og:description" content={props.description} />
        <meta property="og:url" content={props.canonical} />
        <meta property="og:locale" content={ogLocale(props.ui)} />
        <meta name="twitter:card" content="summary" />
        <link rel="icon" href={ICON} />
        {props.head}
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
        {props.jsonLd ? <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdText(props.jsonLd) }} /> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          {w.skip}
        </a>
        <header class="masthead">
          <div class="wrap">
            <a class="brand" href={props.ui === 'en' ? '/' : `/?hl=${props.ui}`}>
              {w.siteName}
            </a>
            <p class="tagline">{w.tagline}</p>
            {props.otherLanguage ? (
              <a class="lang-switch" href={props.otherLanguage.href} hreflang={props.otherLanguage.hreflang} lang={props.otherLanguage.hreflang}>
                {w.otherLanguage}
              </a>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <div class="wrap">{props.children}</div>
        </main>
        <footer class="site">
          <div class="wrap">
            <p>{w.about}</p>
            <nav aria-label={w.feeds}>
              <a href={props.feeds.json}>{w.jsonFeed}</a>
              <a href={props.feeds.rss}>{w.rss}</a>
              <a href="/openapi.json">{w.api}</a>
            </nav>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** A middle dot between facts; text rather than CSS so feed readers show it too, hidden from screen readers. */
export const Sep = () => (
  <span class="sep" aria-hidden="true">
    {' · '}
  </span>
);

/** An ISO time as a `<time>` element in the reader's words. */
export const Time = (props: { iso: string; ui: UiLanguage }) => <time datetime={props.iso}>{formatTime(props.iso, props.ui)}</time>;

/** "8 outlets · 7 countries · 4 languages". */
export function countsText(c: StorySummary['counts'], ui: UiLanguage): string {
  const w = words(ui);
  return [w.outlets(c.outlets), w.countries(c.countries), w.languages(c.languages)].join(' · ');
}

/** A story in the front-page list. */
export function StoryCard(props: { story: SiteSummary; outlets: { name: string; city: string }[]; ui: UiLanguage; want: readonly string[]; href: string }) {
  const { story: s, ui } = props;
  const w = words(ui);
  const h = headlineFor(s, props.want);
  const shown = props.outlets.slice(0, 4).map((o) => (o.city ? `${o.name} (${cityName(o.city, ui)})` : o.name));
  const rest = props.outlets.length - shown.length;
  const headingId = `h-${s.id}`;
  return (
    <li class="card">
      <article aria-labelledby={headingId}>
        <p class="kicker">
          {labelFor(s, ui)}
          {s.pinned ? <span class="badge">{w.pinned}</span> : null}
          {s.blindspot ? <span class="badge">{w.blindspotBadge}</span> : null}
        </p>
        <h2 id={headingId} {...langAttrs(h.lang)}>
          <a href={props.href}>{h.headline}</a>
        </h2>
        {h.standfirst ? (
          <p class="standfirst" {...langAttrs(h.lang)}>
            {excerpt(h.standfirst, 240)}
          </p>
        ) : null}
        {shown.length ? (
          <p class="outlets-line">
            {w.coveredBy} {listOf(rest > 0 ? [...shown, w.andMore(rest)] : shown, ui)}
          </p>
        ) : null}
        <p class="meta">
          {countsText(s.counts, ui)}
          <Sep />
          {w.updated} <Time iso={s.updatedAt} ui={ui} />
        </p>
      </article>
    </li>
  );
}

/** One article of an outlet, as the seed prints it: “quote,” said PERSON in OUTLET (City). — then title, time, language. */
export function Said(props: { item: PerspectiveItem; outlet: Perspective['outlet']; ui: UiLanguage; withCountry?: boolean }) {
  const { item, outlet, ui } = props;
  const w = words(ui);
  const quote = item.excerpt ?? item.title;
  const parts = quotedParts(quote, { byline: item.byline, outlet }, ui);
  const attrs = langAttrs(item.language);
  return (
    <>
      <p class="quote">
        {parts.map((p) =>
          p.kind === 'quote' ? (
            <span class="q" {...attrs}>
              {p.text}
            </span>
          ) : p.kind === 'person' ? (
            <span class="person">{p.text}</span>
          ) : p.kind === 'outlet' ? (
            <cite>{p.text}</cite>
          ) : (
            p.text
          ),
        )}
      </p>
      <p class="source">
        {item.link ? (
          item.excerpt ? (
            <a href={item.link} hreflang={attrs.lang} {...attrs}>
              {item.title}
            </a>
          ) : (
            <a href={item.link}>
              {w.readArticle} {outlet.name}
            </a>
          )
        ) : item.excerpt ? (
          <span {...attrs}>{item.title}</span>
        ) : null}
        {item.link || item.excerpt ? <Sep /> : null}
        {props.withCountry ? `${countryName(outlet.country, ui)}, ` : null}
        <Time iso={item.publishedAt} ui={ui} />
        <Sep />
        {w.inLanguageName(languageName(item.language, ui))}
      </p>
    </>
  );
}

/** Every outlet's perspective, first reporter first. */
export function Perspectives(props: { perspectives: Perspective[]; ui: UiLanguage }) {
  return (
    <>
      {props.perspectives.map((p) => {
        const id = `o-${p.outlet.id}`;
        return (
          <section class="outlet" aria-labelledby={id} id={`outlet-${p.outlet.id}`}>
            <header class="outlet-head">
              <h3 id={id}>{p.outlet.name}</h3>
              <span class="where">{[p.outlet.city && cityName(p.outlet.city, props.ui), countryName(p.outlet.country, props.ui)].filter(Boolean).join(', ')}</span>
            </header>
            {p.items.map((it) => (
              <article class="said" id={`item-${it.id}`}>
                <Said item={it} outlet={p.outlet} ui={props.ui} />
              </article>
            ))}
          </section>
        );
      })}
    </>
  );
}

// Bar widths come from classes (w5…w100): the page's CSP allows only its own stylesheet, no style attributes.
const widthClass = (n: number, max: number) => `bar w${Math.max(5, Math.round((n / Math.max(1, max)) * 20) * 5)}`;

function Bars(props: { title: string; buckets: CoverageBucket[]; name: (key: string) => string; ui: UiLanguage; keyLang?: boolean }) {
  const max = Math.max(1, ...props.buckets.map((b) => b.outlets));
  const w = words(props.ui);
  return (
    <section>
      <h3>{props.title}</h3>
      <ul class="bars">
        {props.buckets.map((b) => (
          <li>
            <span class="k">{props.name(b.key)}</span>
            <span class="n">{w.outlets(b.outlets)}</span>
            <span class={widthClass(b.outlets, max)} aria-hidden="true" />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Coverage by region, language and country, and the blindspot verdict. */
export function Glance(props: { story: SiteStory; ui: UiLanguage }) {
  const { story: s, ui } = props;
  const w = words(ui);
  const c = s.coverage;
  const known = c.regions.filter((r) => r.key !== 'unknown');
  return (
    <aside class="glance" aria-labelledby="glance-title">
      <h2 id="glance-title">{w.coverage}</h2>
      <p class="spread">{countsText(s.counts, ui)}</p>
      {c.blindspot ? (
        <p class="verdict blind">{w.blindspot(regionInSentence(c.regions[0]!.key, ui))}</p>
      ) : known.length > 1 ? (
        <p class="verdict wide">{w.spread(known.length)}</p>
      ) : null}
      <div class="dims">
        <Bars title={w.byRegion} buckets={c.regions} name={(k) => regionLabel(k, ui)} ui={ui} />
        <Bars title={w.byLanguage} buckets={c.languages} name={(k) => languageName(k, ui)} ui={ui} />
        <Bars title={w.byCountry} buckets={c.countries} name={(k) => countryName(k, ui)} ui={ui} />
      </div>
    </aside>
  );
}

/** The story's headlines in the languages other than the one shown (when the story data has them). */
export function OtherHeadlines(props: { story: SiteSummary; shown: ShownHeadline; ui: UiLanguage }) {
  const others = Object.entries(props.story.headlines ?? {}).filter(([l, h]) => l !== props.shown.lang && h.headline !== props.shown.headline);
  if (!others.length) return null;
  const w = words(props.ui);
  return (
    <section class="other-headlines" aria-labelledby="other-headlines-title">
      <h2 id="other-headlines-title">{w.otherHeadlines}</h2>
      <ul>
        {others.map(([l, h]) => (
          <li>
            <span class="lname">{languageName(l, props.ui)}</span>
            <span {...langAttrs(l)}>{h.headline}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The roundup as feed-entry HTML (JSON Feed `content_html`, RSS `<description>`): standfirst, coverage, then each
 * outlet's words with attribution, title link, country and time — the story page's body without the page around it.
 */
export function RoundupHtml(props: { story: { summary: Pick<StorySummary, 'summary' | 'counts'> & { headlineLanguage?: string | null }; perspectives: Perspective[] }; pageUrl: string; ui: UiLanguage }) {
  const { story: s, ui } = props;
  const w = words(ui);
  return (
    <div>
      {s.summary.summary ? <p {...langAttrs(s.summary.headlineLanguage)}>{s.summary.summary}</p> : null}
      <p>
        <em>{countsText(s.summary.counts, ui)}</em>
      </p>
      {s.perspectives.flatMap((p) => p.items.map((it) => <Said item={it} outlet={p.outlet} ui={ui} withCountry />))}
      <p>
        <a href={props.pageUrl}>
          {w.whatTheySaid} — {w.siteName}
        </a>
      </p>
    </div>
  );
}

/** {@link RoundupHtml} as a string (the components are synchronous, so rendering is too). */
export function roundupHtml(story: Parameters<typeof RoundupHtml>[0]['story'], pageUrl: string, ui: UiLanguage): string {
  const html = (<RoundupHtml story={story} pageUrl={pageUrl} ui={ui} />).toString();
  if (typeof html !== 'string') throw new TypeError('RoundupHtml rendered asynchronously');
  return html;
}

/** Root-relative path of a story page. */
export const storyHref = (s: Pick<StorySummary, 'id' | 'label'>, query = ''): string => `${storyPagePath(s.id, s.label)}${query}`;
