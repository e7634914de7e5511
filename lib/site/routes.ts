// Routes of the reader site: `/` (latest stories, filters, pages) and `/s/:id/:slug?` (a story's roundup), rendered on
// the server through the API's response cache and conditional-request path.
import { Hono, type Context } from 'hono';
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';
import { NotFoundError } from '../errors.ts';
import { CACHE_CONTROL, redirect, rendered, send, type RenderedResponse, type ResponseCache } from '../api/http.ts';
import { parsePath, parseQuery } from '../api/params.ts';
import { statusOf } from '../api/problem.ts';
import { getPublicStory, listPublicStories, type QueryDeps } from '../api/queries.ts';
import { storyDetail, storySummary } from '../api/views.ts';
import { uiLanguage, type UiLanguage } from './i18n.ts';
import { frontQuerySchema, pageParameters, storyPagePathSchema, storyPageQuerySchema } from './params.ts';
import { cardOutlets, renderErrorPage, renderFrontPage, renderStoryPage } from './pages.tsx';
import { CSS_HASH } from './style.ts';
import type { FrontFilters } from './urls.ts';

/** What the site needs from the API app it is mounted on. */
export interface SiteDeps {
  qd: QueryDeps;
  /** The API's response cache (pages are kept under their own keys); absent when caching is off. */
  cache?: ResponseCache;
  /** Public base URL of a request (no trailing slash): `ROUNDUP_PUBLIC_URL`, else the request's origin. */
  base: (c: Context) => string;
  log: Logger;
}

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

/** The page's own parameters from a URL, empty values dropped (a form's "All regions" sends `region=`). */
function pageQuery(url: string, names: readonly string[]): string {
  const params = new URL(url).searchParams;
  const raw = new URLSearchParams();
  for (const k of names) {
    const v = params.get(k)?.trim();
    if (v) raw.set(k, v);
  }
  return `http://site/?${raw}`;
}

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

const FRONT_PARAMS = pageParameters(frontQuerySchema);
const STORY_PARAMS = pageParameters(storyPageQuerySchema);

/** Creates the site's routes, to mount at the root of the API app. */
export function siteRoutes(deps: SiteDeps): Hono {
  const app = new Hono();

  const cached = (key: string, compute: () => Promise<RenderedResponse>) => (deps.cache ? deps.cache.get(key, compute) : compute());

  const page = async (html: Promise<string>, cacheControl: string): Promise<RenderedResponse> => {
    const r = rendered(await html, HTML, cacheControl);
    Object.assign(r.headers, PAGE_HEADERS);
    return r;
  };

  /** Answers a failed page with the HTML error page of its status; 5xx are logged, their details never shown. */
  const failed = (c: Context, err: unknown, ui: UiLanguage): Promise<Response> => {
    const status = statusOf(err);
    if (status >= 500) deps.log.error('page failed', { path: c.req.path, ...errorFields(err) });
    return errorPage(c, deps.base(c), status, ui, status < 500 ? (err as Error).message : undefined);
  };

  // Pages are cached by their full URL, like the API's answers: a repeated request costs a map look-up and a write,
  // and the parameters are only parsed when a page is rendered.
  app.get('/', async (c) => {
    try {
      return send(
        c,
        await cached(c.req.url, async () => {
          // Only the page's own parameters count: links shared with tracking parameters still open the page.
          const q = parseQuery(frontQuerySchema, pageQuery(c.req.url, FRONT_PARAMS));
          const ui = uiOf(q.hl, q.lang);
          const filters: FrontFilters = { region: q.region, lang: q.lang, q: q.q, cursor: q.cursor };
          const base = deps.base(c);
          const result = await listPublicStories(deps.qd, { region: q.region, lang: q.lang, q: q.q, cursor: q.cursor, limit: FRONT_PAGE_SIZE });
          const outlets = await deps.qd.catalog.get();
          const stories = result.stories.map((s) => ({ summary: storySummary(s.story, s.facets, base), outlets: cardOutlets(s, outlets) }));
          return page(renderFrontPage({ ui, base, filters, stories, nextCursor: result.nextCursor }), CACHE_CONTROL.list);
        }),
      );
    } catch (err) {
      return failed(c, err, fallbackUi(c.req.url));
    }
  });

  const story = async (c: Context) => {
    try {
      return send(
        c,
        await cached(c.req.url, async () => {
          let id: string;
          try {
            ({ id } = parsePath(storyPagePathSchema, c.req.param() as Record<string, string>));
          } catch (err) {
            // Not an id this API could have made: for a reader that is a missing page, not a malformed request.
            throw new NotFoundError(`No story ${c.req.param('id')}`, { cause: err });
          }
          const q = parseQuery(storyPageQuerySchema, pageQuery(c.req.url, STORY_PARAMS));
          const want = q.lang ?? [];
          const query = new URLSearchParams();
          if (want.length) query.set('lang', want.join(','));
          if (q.hl) query.set('hl', q.hl);
          const qs = query.size ? `?${query}` : '';
          const found = await getPublicStory(deps.qd, id);
          // The slug only helps people: a merged story's readers go to the surviving story, whatever slug they had.
          if (found.kind === 'merged') return redirect(`/s/${encodeURIComponent(found.to)}${qs}`, CACHE_CONTROL.item);
          const base = deps.base(c);
          const detail = storyDetail(found.story, found.items, found.outlets, base);
          return page(renderStoryPage({ ui: uiOf(q.hl, want.slice(0, 1)), base, story: detail, want, query: qs }), CACHE_CONTROL.item);
        }),
      );
    } catch (err) {
      return failed(c, err, fallbackUi(c.req.url));
    }
  };
  app.get('/s/:id', story);
  app.get('/s/:id/:slug', story);

  return app;
}
