// The Hono application: public story API and feeds (and, mounted by later layers, the editor desk).
import { toOpml } from '../outlets/opml.ts';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { Config } from '../config.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';
import { StorySearch, type StorySearchOptions } from '../search/story-search.ts';
import type { FeedStore, OutletStore, SearchStore } from '../store/store.ts';
import type { FeedState, Outlet } from '../types.ts';
import { OutletCatalog } from './catalog.ts';
import { jsonFeed, rssFeed, type FeedMeta, type FeedStory } from './feeds.ts';
import { CORS_HEADERS, DEFAULT_CACHE, ResponseCache, type ResponseCacheOptions } from './http.ts';
import { ROUTES, ROUTE_DOCS, openApiDocument } from './openapi.ts';
import type { ListQuery } from './params.ts';
import { MethodNotAllowedError, problemResponse } from './problem.ts';
import { honoPath, publicRoutes, type RouteRequest } from './route.ts';
import { FacetCache, getPublicStory, listPublicStories, loadItems, type QueryDeps, type StoryReader } from './queries.ts';
import { coverage, perspectives, storyDetail, storySummary } from './views.ts';
import { notFoundPage, pageError, siteRoutes, wantsPage } from '../site/routes.ts';
import { frontQuery } from '../site/urls.ts';

/** What the API needs from the outside world. */
export interface AppDeps {
  /** Read-only: stories, their items, outlets and feed health. */
  store: StoryReader & Pick<OutletStore, 'listOutlets'> & Pick<FeedStore, 'listFeeds'> & Pick<SearchStore, 'listSearchBatches'>;
  /** `deskLanguage` defaults to `en`. */
  config: Pick<Config, 'publish' | 'stage'> & Partial<Pick<Config, 'deskLanguage'>>;
  log: Logger;
  now?: () => Date;
  /** Public base URL for absolute links in bodies and feeds (e.g. `https://api.roundup.news`); defaults to the request origin. */
  publicUrl?: string;
  /** Build links from `X-Forwarded-Host` when `publicUrl` is unset (behind CloudFront's viewer-host function). */
  trustForwardedHost?: boolean;
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

const HEALTH_TIMEOUT_MS = 2_000;
/** Largest request body: what a Lambda Function URL accepts (6 MB). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Public paths as Hono patterns (`/stories/:id`), from the documented routes. */
export const PUBLIC_PATHS = ROUTE_DOCS.map((r) => honoPath(r.path));

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
  const base = (c: Context) =>
    deps.publicUrl?.replace(/\/+$/, '') ?? (deps.trustForwardedHost ? forwardedOrigin(c) : undefined) ?? new URL(c.req.url).origin;

  const app = new Hono();
  app.onError((err, c) => {
    const res = problemResponse(c, err, deps.log);
    // Browser apps must be able to read our errors too; the editor desk keeps its own policy.
    if (isPublicPath(c.req.path)) for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
    return res;
  });
  let methods: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    // The route table is complete once the app serves, editor routes included.
    methods ??= methodsByPath(app);
    const allow = methods(c.req.path);
    if (allow.length) throw new MethodNotAllowedError(allow, c.req.method, c.req.path);
    // A reader who mistypes an address gets the site's 404 page; programs get problem+json.
    if (wantsPage(c)) return notFoundPage(c, base(c));
    throw new NotFoundError(`No route for ${c.req.method} ${clip(c.req.path)}`);
  });

  // Public responses are compressed by send() (once per cached entry and coding: Brotli or gzip, as Accept-Encoding allows);
  // hono/compress handles everything else (the editor desk), following Accept-Encoding per request. Function URLs
  // do not compress for us; the Lambda adapter base64-encodes compressed bodies.
  const compressOthers = compress();
  // Function URLs refuse bodies over 6 MB before Lambda runs; the local server gets the same limit here.
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes (6 MiB), as on AWS Lambda` });
    },
  });
  app.use('*', (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return isPublicPath(c.req.path) ? next() : compressOthers(c, next);
    if (method !== 'OPTIONS') checkOrigin(c.req.header('origin'));
    return limitBody(c, async () => {
      await compressOthers(c, next);
    });
  });
  const publicCors = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'OPTIONS'],
    allowHeaders: ['If-None-Match', 'Cache-Control'],
    exposeHeaders: ['ETag', 'Link', 'Location', 'Retry-After'],
    maxAge: 86_400,
  });
  // Preflights only: simple responses get their CORS headers from send() (see CORS_HEADERS for why).
  for (const p of PUBLIC_PATHS) app.use(p, (c, next) => (c.req.method === 'OPTIONS' ? publicCors(c, next) : next()));

  const route = publicRoutes(app, { cache, base, desk: deps.config.deskLanguage ?? 'en', pageError: pageError(deps.log) });

  route(ROUTES.listStories, async ({ c, query, base: b, reader }) => {
    const page = await listPublicStories(qd, query);
    const body = {
      stories: page.stories.map((s) => storySummary(s.story, s.facets, b, reader)),
      nextCursor: page.nextCursor,
      removed: page.removed,
    };
    const headers = page.nextCursor ? { link: `<${pageUrl(b, '/stories', c.req.url, page.nextCursor)}>; rel="next"` } : undefined;
    return { body: JSON.stringify(body), headers };
  });

  route(ROUTES.getStory, async ({ params, base: b, reader }) => {
    const found = await getPublicStory(qd, params.id);
    // Relative to /…/stories/<id>, so it still resolves when a CDN serves the API under a path prefix.
    if (found.kind === 'merged') return { redirect: encodeURIComponent(found.to) };
    return JSON.stringify(storyDetail(found.story, found.items, found.outlets, b, reader, found.headlineItems));
  });

  const sortedOutlets = async () => [...(await catalog.get()).values()].sort((a, b) => a.id.localeCompare(b.id));
  route(ROUTES.listOutlets, async () => JSON.stringify({ outlets: (await sortedOutlets()).map(outletView) }));
  // The outlet list as OPML 2.0 with Roundup's metadata attributes, for feed readers and `outlets import`.
  route(ROUTES.exportOutletsOpml, async () => toOpml(await sortedOutlets(), { title: 'Roundup outlets' }));
  route(ROUTES.listFeeds, async () => {
    const feeds = (await deps.store.listFeeds()).sort((a, b) => a.feedId.localeCompare(b.feedId));
    return JSON.stringify({ feeds: feeds.map(feedView) });
  });

  route(ROUTES.health, async () => {
    try {
      // A point read of a key that never exists: the cheapest request that proves table and credentials work.
      await withTimeout(deps.store.getStory('~healthz'), HEALTH_TIMEOUT_MS);
    } catch (err) {
      deps.log.warn('health check failed', errorFields(err));
      throw new HTTPException(503, { message: 'The story table is not reachable', cause: err });
    }
    return JSON.stringify({ status: 'ok', stage: deps.config.stage, checkedAt: now().toISOString() });
  });

  const feed = (path: '/feed.json' | '/feed.xml') => async ({ c, query, base: b, reader }: RouteRequest<ListQuery, unknown>) => {
    const page = await listPublicStories(qd, query);
    const [items, outlets] = await Promise.all([loadItems(deps.store, page.stories.map((s) => s.story)), catalog.get()]);
    const stories: FeedStory[] = page.stories.map(({ story, facets }) => {
      const its = items.get(story.id) ?? [];
      return { summary: storySummary(story, facets, b, reader), perspectives: perspectives(its, outlets), coverage: coverage(story, its, outlets) };
    });
    const meta: FeedMeta = {
      title: feedTitle(query),
      description: 'News stories with what each outlet said, grouped by Roundup.',
      homePageUrl: `${b}/${frontQuery({ region: query.region, lang: query.lang, q: query.q })}`,
      siteUrl: b,
      feedUrl: `${b}${path}${new URL(c.req.url).search}`,
      nextUrl: page.nextCursor ? pageUrl(b, path, c.req.url, page.nextCursor) : undefined,
      language: query.lang?.length === 1 ? query.lang[0] : undefined,
      readerLanguage: reader.languages[0] !== reader.desk ? reader.languages[0] : undefined,
      updatedAt: page.stories[0]?.story.updatedAt ?? now().toISOString(),
    };
    return path === '/feed.json' ? jsonFeed(meta, stories) : rssFeed(meta, stories);
  };
  route(ROUTES.jsonFeed, feed('/feed.json'));
  route(ROUTES.rssFeed, feed('/feed.xml'));

  let openapi: string | undefined;
  route(ROUTES.openapi, () => (openapi ??= JSON.stringify(openApiDocument(deps.publicUrl))));

  // The reader site (`/`, `/s/:id/:slug?`): HTML pages over the same queries, cache and conditional requests.
  siteRoutes(route, qd);

  // Editor desk mount point: lib/api/editor*.ts provides the routes (auth, audit), wired in through deps.editor.
  if (deps.editor) app.route('/', deps.editor);
  return app;
}

/** HTTP methods in the order `Allow` lists them. */
const METHOD_ORDER = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The methods each path takes, from the app's route table (middleware excluded): HEAD comes with GET, and the
 * public paths take OPTIONS (CORS preflight).
 */
function methodsByPath(app: Hono): (path: string) => string[] {
  const routes = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({
      method: r.method,
      re: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:\w+/g, '/[^/]+').replace(/\*/g, '.*')}$`),
    }));
  return (path) => {
    const found = new Set(routes.filter((r) => r.re.test(path)).map((r) => r.method));
    if (found.has('GET')) found.add('HEAD');
    if (isPublicPath(path) && found.size) found.add('OPTIONS');
    return METHOD_ORDER.filter((m) => found.has(m));
  };
}

/**
 * Refuses an `Origin` header that is not a URL (or `null`) on requests that change something: the editor desk's
 * same-origin check reads it, and a browser never sends anything else.
 * @throws ValidationError
 */
function checkOrigin(origin: string | undefined): void {
  if (origin === undefined || origin === 'null' || URL.canParse(origin)) return;
  throw new ValidationError(`The Origin header is not an origin such as https://example.org (got ${JSON.stringify(clip(origin))})`, ['Origin']);
}

const clip = (s: string, max = 200): string => (s.length > max ? `${s.slice(0, max)}…` : s);

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

/** A host name with an optional port: anything else in X-Forwarded-Host is ignored. */
const HOST = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?$/i;

/** `https://<X-Forwarded-Host>` when the header holds one well-formed host (the first, if a proxy chain added more). */
function forwardedOrigin(c: Context): string | undefined {
  const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
  return host && HOST.test(host) ? `https://${host.toLowerCase()}` : undefined;
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
