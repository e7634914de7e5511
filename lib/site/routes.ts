// Routes of the reader site: `/` (latest stories, filters, pages) and `/s/:id/:slug?` (a story's roundup), rendered on
// the server through the API's response cache and conditional-request path.
import type { Context } from 'hono';
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';
import { CACHE_CONTROL } from '../api/http.ts';
import { readerLanguages } from '../api/languages.ts';
import { ROUTES } from '../api/openapi.ts';
import { statusOf } from '../api/problem.ts';
import { getPublicStory, listPublicStories, type QueryDeps } from '../api/queries.ts';
import type { PageError, PublicRoute, RouteRequest } from '../api/route.ts';
import { storyDetail, storySummary } from '../api/views.ts';
import { uiLanguage, type UiLanguage } from './i18n.ts';
import { cardOutlets, renderErrorPage, renderFrontPage, renderStoryPage } from './pages.tsx';
import { CSS_HASH } from './style.ts';
import type { FrontFilters } from './urls.ts';

/** Stories per front page. */
export const FRONT_PAGE_SIZE = 20;

const HTML = 'text/html; charset=utf-8';

/**
 * Headers of every page: the pages run no script and load nothing from elsewhere, so the policy allows exactly the
 * inline stylesheet (by hash), the inline icon, and forms posting back here; outlets see which page sent readers.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src ${CSS_HASH}; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** The site language: `hl` when given, else French for `lang=fr` alone, else English. */
const uiOf = (hl: UiLanguage | undefined, lang: readonly string[] | undefined): UiLanguage =>
  hl ?? (lang?.length === 1 ? uiLanguage(lang[0]) : 'en');

/** The site language of a request that failed validation, for its error page. */
function fallbackUi(url: string): UiLanguage {
  const p = new URL(url).searchParams;
  const hl = p.get('hl');
  return hl === 'fr' || hl === 'en' ? hl : uiLanguage(p.get('lang'));
}

/** An HTML error page response (never cached). */
async function errorPage(c: Context, base: string, status: number, ui: UiLanguage, detail?: string): Promise<Response> {
  const html = await renderErrorPage({ ui, base, status, detail, path: c.req.path });
  return c.body(html, status as 400, { ...PAGE_HEADERS, 'content-type': HTML, 'cache-control': CACHE_CONTROL.none });
}

/** Whether a request is a browser navigation (it asks for HTML), which gets pages rather than problem+json. */
export const wantsPage = (c: Context): boolean => (c.req.method === 'GET' || c.req.method === 'HEAD') && (c.req.header('accept') ?? '').includes('text/html');

/** The site's 404 page, for browser navigations to paths that match no route. */
export const notFoundPage = (c: Context, base: string): Promise<Response> => errorPage(c, base, 404, fallbackUi(c.req.url));

/** Answers a failed page with the HTML error page of its status; 5xx are logged, their details never shown. */
export const pageError =
  (log: Logger): PageError =>
  (c, err, base) => {
    const status = statusOf(err);
    if (status >= 500) log.error('page failed', { path: c.req.path, ...errorFields(err) });
    return errorPage(c, base, status, fallbackUi(c.req.url), status < 500 ? (err as Error).message : undefined);
  };

const page = async (html: Promise<string>) => ({ body: await html, headers: PAGE_HEADERS });

/**
 * Registers the site's pages (`/`, `/s/:id`, `/s/:id/:slug`) on the API app through its route registrar: pages are
 * cached by URL like the API's answers (a repeated request costs a map look-up and a write; parameters are only
 * parsed when a page is rendered), answered 304 on a matching ETag, and their errors are HTML pages.
 */
export function siteRoutes(route: PublicRoute, qd: QueryDeps): void {
  route(ROUTES.frontPage, async ({ query: q, base, reader }) => {
    const ui = uiOf(q.hl, q.lang);
    const filters: FrontFilters = { region: q.region, lang: q.lang, q: q.q, cursor: q.cursor };
    const result = await listPublicStories(qd, { region: q.region, lang: q.lang, q: q.q, cursor: q.cursor, limit: FRONT_PAGE_SIZE });
    const outlets = await qd.catalog.get();
    // Headlined as the cards show them: in the one language asked for, else the page's, else the desk's language.
    const headlined = { ...reader, languages: readerLanguages([...(q.lang?.length === 1 ? q.lang : []), ui], undefined, reader.desk) };
    const stories = result.stories.map((s) => ({ summary: storySummary(s.story, s.facets, base, headlined), outlets: cardOutlets(s, outlets) }));
    return page(renderFrontPage({ ui, base, filters, stories, nextCursor: result.nextCursor }));
  });

  const story = async ({ query: q, params, base, reader }: RouteRequest<{ lang?: string[]; hl?: UiLanguage }, { id: string }>) => {
    const want = q.lang ?? [];
    const query = new URLSearchParams();
    if (want.length) query.set('lang', want.join(','));
    if (q.hl) query.set('hl', q.hl);
    const qs = query.size ? `?${query}` : '';
    const found = await getPublicStory(qd, params.id);
    // The slug only helps people: a merged story's readers go to the surviving story, whatever slug they had.
    if (found.kind === 'merged') return { redirect: `/s/${encodeURIComponent(found.to)}${qs}` };
    const ui = uiOf(q.hl, want.slice(0, 1));
    const headlined = { ...reader, languages: readerLanguages(want.length ? want : [ui], undefined, reader.desk) };
    const detail = storyDetail(found.story, found.items, found.outlets, base, headlined, found.headlineItems);
    return page(renderStoryPage({ ui, base, story: detail, want, query: qs }));
  };
  route(ROUTES.storyPage, story);
  route(ROUTES.storyPageWithSlug, story);
}
