// The Hono application: public story API and feeds (and, mounted by later layers, the editor desk).
import { toOpml } from '../outlets/opml.ts';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { Config } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';
import { StorySearch, type StorySearchOptions } from '../search/story-search.ts';
import type { FeedStore, OutletStore, SearchStore } from '../store/store.ts';
import type { FeedState, Outlet } from '../types.ts';
import { OutletCatalog } from './catalog.ts';
import { jsonFeed, rssFeed, type FeedMeta, type FeedStory } from './feeds.ts';
import {
  CACHE_CONTROL,
  CORS_HEADERS,
  DEFAULT_CACHE,
  ResponseCache,
  redirect,
  rendered,
  send,
  type RenderedResponse,
  type ResponseCacheOptions,
} from './http.ts';
import { ROUTE_DOCS, openApiDocument } from './openapi.ts';
import { emptyQuerySchema, listQuerySchema, parsePath, parseQuery, storyPathSchema, type ListQuery } from './params.ts';
import { problemResponse } from './problem.ts';
import { FacetCache, getPublicStory, listPublicStories, loadItems, type QueryDeps, type StoryReader } from './queries.ts';
import { coverage, perspectives, storyDetail, storyFacets, storySummary } from './views.ts';
import { notFoundPage, siteRoutes, wantsPage } from '../site/routes.ts';
import { frontQuery } from '../site/urls.ts';

/** What the API needs from the outside world. */
export interface AppDeps {
  /** Read-only: stories, their items, outlets and feed health. */
  store: StoryReader & Pick<OutletStore, 'listOutlets'> & Pick<FeedStore, 'listFeeds'> & Pick<SearchStore, 'listSearchBatches'>;
  config: Pick<Config, 'publish' | 'stage'>;
  log: Logger;
  now?: () => Date;
  /** Public base URL for absolute links in bodies and feeds (e.g. `https://api.roundup.news`); defaults to the request origin. */
  publicUrl?: string;
  /** Response cache tuning; `false` turns it off (tests that write between requests). */
  cache?: Partial<ResponseCacheOptions> | false;
  /** How long outlet metadata is kept in the process before it is re-read (default 60 s). */
  outletsTtlMs?: number;
  /** Story search tuning (`q`): days searched, refresh interval. */
  search?: StorySearchOptions;
  /**
   * Editor desk routes (lib/api/editor.ts `editorRoutes(…)`, built at the edge): mounted on the app when given.
   * They bring their own auth and CORS; the public CORS policy (GET/HEAD/OPTIONS) only covers the public paths.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the editor app declares its own Env (actor variables)
  editor?: Hono<any>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HEALTH_TIMEOUT_MS = 2_000;

/** Public paths as Hono patterns (`/stories/:id`), from the documented routes. */
export const PUBLIC_PATHS = ROUTE_DOCS.map((r) => r.path.replace(/\{(\w+)\}/g, ':$1'));

/** Creates the API app; the same app runs in Lambda (hono/aws-lambda) and in `npm start` (@hono/node-server). */
export function createApp(deps: AppDeps): Hono {
  const now = deps.now ?? (() => new Date());
  const catalog = new OutletCatalog(deps.store, deps.log, deps.outletsTtlMs ?? 60_000);
  const search = new StorySearch(deps.store, deps.search);
  const qd: QueryDeps = { store: deps.store, catalog, policy: deps.config.publish, facets: new FacetCache(), search };
  const cache =
    deps.cache === false
      ? undefined
      : new ResponseCache({ ...DEFAULT_CACHE, ...deps.cache }, () => changeMarker(deps.store), deps.log);
  const cached = (c: Context, compute: () => Promise<RenderedResponse>) =>
    cache ? cache.get(cacheKey(c), compute) : compute();
  const base = (c: Context) => deps.publicUrl?.replace(/\/+$/, '') ?? new URL(c.req.url).origin;

  const app = new Hono();
  app.onError((err, c) => {
    const res = problemResponse(c, err, deps.log);
    // Browser apps must be able to read our errors too; the editor desk keeps its own policy.
    if (isPublicPath(c.req.path)) for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
    return res;
  });
  app.notFound((c) => {
    // A reader who mistypes an address gets the site's 404 page; programs get problem+json.
    if (wantsPage(c)) return notFoundPage(c, base(c));
    if (isPublicPath(c.req.path) && !['GET', 'HEAD'].includes(c.req.method)) {
      throw new HTTPException(405, { message: `${c.req.method} is not allowed on ${c.req.path}; use GET or HEAD` });
    }
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
  });

  // Public responses are compressed by send() (once per cached entry, gzip when Accept-Encoding allows it);
  // hono/compress handles everything else (the editor desk), following Accept-Encoding per request. Function URLs
  // do not compress for us; the Lambda adapter base64-encodes compressed bodies.
  const compressOthers = compress();
  app.use('*', (c, next) => (isPublicPath(c.req.path) ? next() : compressOthers(c, next)));
  const publicCors = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'OPTIONS'],
    allowHeaders: ['If-None-Match', 'Cache-Control'],
    exposeHeaders: ['ETag', 'Link', 'Location', 'Retry-After'],
    maxAge: 86_400,
  });
  // Preflights only: simple responses get their CORS headers from send() (see CORS_HEADERS for why).
  for (const p of PUBLIC_PATHS) app.use(p, (c, next) => (c.req.method === 'OPTIONS' ? publicCors(c, next) : next()));

  app.get('/stories', async (c) =>
    send(
      c,
      await cached(c, async () => {
        const q = parseQuery(listQuerySchema, c.req.url);
        const page = await listPublicStories(qd, q);
        const b = base(c);
        const body = {
          stories: page.stories.map((s) => storySummary(s.story, s.facets, b)),
          nextCursor: page.nextCursor,
          removed: page.removed,
        };
        const r = rendered(JSON.stringify(body), JSON_TYPE, CACHE_CONTROL.list);
        if (page.nextCursor) r.headers.link = `<${pageUrl(b, '/stories', c.req.url, page.nextCursor)}>; rel="next"`;
        return r;
      }),
    ),
  );

  app.get('/stories/:id', async (c) =>
    send(
      c,
      await cached(c, async () => {
        const { id } = parsePath(storyPathSchema, { id: c.req.param('id') });
        parseQuery(emptyQuerySchema, c.req.url);
        const found = await getPublicStory(qd, id);
        // Relative to /…/stories/<id>, so it still resolves when a CDN serves the API under a path prefix.
        if (found.kind === 'merged') return redirect(encodeURIComponent(found.to), CACHE_CONTROL.item);
        return rendered(JSON.stringify(storyDetail(found.story, found.items, found.outlets, base(c))), JSON_TYPE, CACHE_CONTROL.item);
      }),
    ),
  );

  const sortedOutlets = async () => [...(await catalog.get()).values()].sort((a, b) => a.id.localeCompare(b.id));

  app.get('/outlets', async (c) =>
    send(
      c,
      await cached(c, async () => {
        parseQuery(emptyQuerySchema, c.req.url);
        const outlets = await sortedOutlets();
        return rendered(JSON.stringify({ outlets: outlets.map(outletView) }), JSON_TYPE, CACHE_CONTROL.reference);
      }),
    ),
  );

  // The outlet list as OPML 2.0 with Roundup's metadata attributes, for feed readers and `outlets import`.
  app.get('/outlets.opml', async (c) =>
    send(
      c,
      await cached(c, async () => {
        parseQuery(emptyQuerySchema, c.req.url);
        const outlets = await sortedOutlets();
        return rendered(toOpml(outlets, { title: 'Roundup outlets' }), 'text/x-opml; charset=utf-8', CACHE_CONTROL.reference);
      }),
    ),
  );

  app.get('/feeds', async (c) =>
    send(
      c,
      await cached(c, async () => {
        parseQuery(emptyQuerySchema, c.req.url);
        const feeds = (await deps.store.listFeeds()).sort((a, b) => a.feedId.localeCompare(b.feedId));
        return rendered(JSON.stringify({ feeds: feeds.map(feedView) }), JSON_TYPE, CACHE_CONTROL.health);
      }),
    ),
  );

  app.get('/healthz', async (c) => {
    parseQuery(emptyQuerySchema, c.req.url);
    try {
      // A point read of a key that never exists: the cheapest request that proves table and credentials work.
      await withTimeout(deps.store.getStory('~healthz'), HEALTH_TIMEOUT_MS);
    } catch (err) {
      deps.log.warn('health check failed', errorFields(err));
      throw new HTTPException(503, { message: 'The story table is not reachable', cause: err });
    }
    return c.json({ status: 'ok', stage: deps.config.stage, checkedAt: now().toISOString() }, 200, { 'cache-control': CACHE_CONTROL.none, ...CORS_HEADERS });
  });

  const feedRoute = (path: '/feed.json' | '/feed.xml') =>
    app.get(path, async (c) =>
      send(
        c,
        await cached(c, async () => {
          const q = parseQuery(listQuerySchema, c.req.url);
          const page = await listPublicStories(qd, q);
          const b = base(c);
          const [items, outlets] = await Promise.all([loadItems(deps.store, page.stories.map((s) => s.story)), catalog.get()]);
          const stories: FeedStory[] = page.stories.map(({ story, facets }) => {
            const its = items.get(story.id) ?? [];
            return { summary: storySummary(story, facets, b), perspectives: perspectives(its, outlets), coverage: coverage(story, its, outlets) };
          });
          const meta: FeedMeta = {
            title: feedTitle(q),
            description: 'News stories with what each outlet said, grouped by Roundup.',
            homePageUrl: `${b}/${frontQuery({ region: q.region, lang: q.lang, q: q.q })}`,
            siteUrl: b,
            feedUrl: `${b}${path}${new URL(c.req.url).search}`,
            nextUrl: page.nextCursor ? pageUrl(b, path, c.req.url, page.nextCursor) : undefined,
            language: q.lang?.length === 1 ? q.lang[0] : undefined,
            updatedAt: page.stories[0]?.story.updatedAt ?? now().toISOString(),
          };
          return path === '/feed.json'
            ? rendered(jsonFeed(meta, stories), 'application/feed+json; charset=utf-8', CACHE_CONTROL.list)
            : rendered(rssFeed(meta, stories), 'application/rss+xml; charset=utf-8', CACHE_CONTROL.list);
        }),
      ),
    );
  feedRoute('/feed.json');
  feedRoute('/feed.xml');

  let openapi: RenderedResponse | undefined;
  app.get('/openapi.json', (c) => {
    parseQuery(emptyQuerySchema, c.req.url);
    openapi ??= rendered(JSON.stringify(openApiDocument(deps.publicUrl)), JSON_TYPE, CACHE_CONTROL.reference);
    return send(c, openapi);
  });

  // The reader site (`/`, `/s/:id/:slug?`): HTML pages over the same queries, cache and conditional requests.
  app.route('/', siteRoutes({ qd, cache, base, log: deps.log }));

  // Editor desk mount point: lib/api/editor*.ts provides the routes (auth, audit), wired in through deps.editor.
  if (deps.editor) app.route('/', deps.editor);
  return app;
}

const PUBLIC_PATTERNS = ROUTE_DOCS.map((r) => new RegExp(`^${r.path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}/?$`));
const isPublicPath = (path: string) => PUBLIC_PATTERNS.some((re) => re.test(path));

/**
 * The cheap change marker of the response cache: the newest row of the story index. Every story write (item joined,
 * editor action) sets `updatedAt` and bumps `version`, which moves this row.
 */
async function changeMarker(store: StoryReader): Promise<string> {
  const page = await store.listStories({ limit: 1 });
  const s = page.items[0];
  return s ? `${s.updatedAt}#${s.id}#${s.version}` : '';
}

// Same query in any parameter order is the same entry; the origin is part of the key because bodies embed links.
// Runs on every request, so the common no-query case skips URL parsing.
function cacheKey(c: Context): string {
  const raw = c.req.url;
  const q = raw.indexOf('?');
  if (q < 0) return raw;
  const params = raw.slice(q + 1).split('&').filter(Boolean).sort();
  return `${raw.slice(0, q)}?${params.join('&')}`;
}

function pageUrl(base: string, path: string, requestUrl: string, cursor: string): string {
  const params = new URL(requestUrl).searchParams;
  params.set('cursor', cursor);
  return `${base}${path}?${params.toString()}`;
}

function feedTitle(q: ListQuery): string {
  const parts = [q.q && `“${q.q}”`, q.country?.join(', '), q.region?.join(', '), q.lang?.join(', '), q.outlet?.join(', ')].filter(Boolean);
  return parts.length ? `Roundup: ${parts.join(' · ')}` : 'Roundup';
}

function outletView(o: Outlet) {
  return {
    id: o.id,
    name: o.name,
    city: o.city,
    country: o.country,
    region: o.region,
    languages: o.languages,
    homepage: o.homepage || null,
    feeds: o.feeds.map((f) => ({ id: f.id, url: f.url, title: f.title ?? null, language: f.language ?? o.languages[0] ?? null })),
  };
}

function feedView(f: FeedState) {
  const status = f.gone ? 'gone' : !f.lastAttemptAt ? 'pending' : f.errorClass ? 'failing' : 'ok';
  return {
    feedId: f.feedId,
    outletId: f.outletId,
    url: f.url,
    status,
    lastAttemptAt: f.lastAttemptAt ?? null,
    lastSuccessAt: f.lastSuccessAt ?? null,
    httpStatus: f.httpStatus ?? null,
    errorClass: f.errorClass ?? null,
    errorMessage: f.errorMessage ?? null,
    consecutiveFailures: f.consecutiveFailures ?? 0,
    nextDueAt: f.gone ? null : (f.nextDueAt ?? null),
    itemsSeen: f.itemsSeen ?? 0,
    gone: f.gone === true,
    pendingRedirect: f.pendingRedirect ?? null,
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
