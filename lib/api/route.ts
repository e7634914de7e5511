// Public GET routes declared by their documentation (API and reader pages): the route's schemas parse the request, and
// every answer goes through the response cache and the conditional-request path (ETag, 304, compression) in one place.
import type { Context, Hono } from 'hono';
import type * as z from 'zod/mini';
import { NotFoundError } from '../errors.ts';
import { CACHE_CONTROL, redirect, rendered, send, type RenderedResponse, type ResponseCache } from './http.ts';
import { acceptedLanguagesOf, readerLanguages } from './languages.ts';
import type { RouteDoc } from './openapi.ts';
import { parsePageQuery, parsePath, parseQuery } from './params.ts';
import type { Reader } from './views.ts';

/** What a route's renderer receives: the validated query and path, the base URL for absolute links, the reader. */
export interface RouteRequest<Q, P> {
  c: Context;
  query: Q;
  params: P;
  /** Public base URL (no trailing slash) for absolute links in bodies. */
  base: string;
  /** The languages to headline stories in (routes documented with `languages`; otherwise the desk's only). */
  reader: Reader;
}

/** A route's answer: a body (with extra headers, e.g. `Link`), or a permanent redirect (relative `Location`). */
export type Reply = string | { body: string; headers?: Record<string, string> } | { redirect: string };

/** Registers a documented public route; the renderer's query and path types are the route's schemas' outputs. */
export type PublicRoute = <Q extends z.ZodMiniObject, P extends z.ZodMiniObject>(
  doc: RouteDoc<Q, P>,
  render: (req: RouteRequest<z.infer<Q>, z.infer<P>>) => Promise<Reply> | Reply,
) => void;

/** Answers a reader page that failed (with the HTML error page of the error's status); `base` as in {@link RouteRequest}. */
export type PageError = (c: Context, err: unknown, base: string) => Promise<Response>;

/** Hono pattern of an OpenAPI path (`/stories/{id}` → `/stories/:id`). */
export const honoPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * The route registrar of an app. Each route is registered at its documented path and parses its documented
 * schemas; its answer is rendered once per cache entry (cached routes) with the documented content type and
 * Cache-Control class, then sent (or answered 304) per request.
 *
 * Routes documented with `languages` headline stories for the reader: an explicit `lang` is part of the URL, hence
 * of the cache key; without it, the languages Accept-Language asks for (normalized, so `fr-CA,fr;q=0.9` and `fr`
 * share an entry) are added to the key and the answer carries `Vary: Accept-Language`.
 *
 * Reader pages (`page`) read only their own query parameters (see `parsePageQuery`), take a path that does not parse
 * for a missing page, and answer errors with `pageError` rather than problem+json.
 */
export function publicRoutes(
  app: Hono,
  opts: { cache?: ResponseCache; base: (c: Context) => string; desk: string; pageError?: PageError },
): PublicRoute {
  return (doc, render) => {
    const cacheControl = CACHE_CONTROL[doc.cacheControl];
    const contentType = `${doc.contentType}; charset=utf-8`;
    const cache = doc.cacheControl === 'none' ? undefined : opts.cache;
    const parseParams = (c: Context) => {
      if (!doc.pathParams) return {} as z.infer<NonNullable<typeof doc.pathParams>>;
      const raw = c.req.param() as Record<string, string>;
      if (!doc.page) return parsePath(doc.pathParams, raw);
      try {
        return parsePath(doc.pathParams, raw);
      } catch (err) {
        // Not an address this site could have made: for a reader that is a missing page, not a malformed request.
        throw new NotFoundError(`No page at ${c.req.path.slice(0, 200)}`, { cause: err });
      }
    };
    const answer = async (c: Context): Promise<Response> => {
      const negotiated = doc.languages === true && !LANG_PARAM.test(c.req.url);
      const acceptLanguage = negotiated ? c.req.header('accept-language') : undefined;
      // One link base per request: the body embeds it and the cache key names it, so they must agree.
      const base = opts.base(c);
      const compute = async (): Promise<RenderedResponse> => {
        const query = doc.page ? parsePageQuery(doc.query, c.req.url) : parseQuery(doc.query, c.req.url);
        const params = parseParams(c);
        const explicit = doc.languages ? (query as { lang?: string[] }).lang : undefined;
        const reader: Reader = { languages: readerLanguages(explicit, acceptLanguage, opts.desk), desk: opts.desk };
        const reply = await render({ c, query, params, base, reader });
        let r: RenderedResponse;
        if (typeof reply === 'string') r = rendered(reply, contentType, cacheControl);
        else if ('redirect' in reply) r = redirect(reply.redirect, cacheControl);
        else r = rendered(reply.body, contentType, cacheControl);
        if (typeof reply === 'object' && 'headers' in reply) Object.assign(r.headers, reply.headers);
        if (negotiated) r.headers.vary = 'Accept-Language';
        return r;
      };
      if (!cache) return send(c, await compute());
      const plain = cacheKey(c, base);
      const key = negotiated ? `${plain}#${acceptedLanguagesOf(acceptLanguage).join(',')}` : plain;
      return send(c, await cache.get(key, compute));
    };
    const pageError = doc.page ? opts.pageError : undefined;
    app.get(
      honoPath(doc.path),
      pageError
        ? async (c) => {
            try {
              return await answer(c);
            } catch (err) {
              return pageError(c, err, opts.base(c));
            }
          }
        : answer,
    );
  };
}

// A `lang` parameter in the query string (validated later; its presence alone decides whether Accept-Language counts).
const LANG_PARAM = /[?&]lang=/;

/**
 * Response-cache key of a request: the same query in any parameter order is the same entry; the link base is part of
 * the key because bodies embed absolute links (so a request forging X-Forwarded-Host only ever gets, and fills,
 * entries of its own host). Runs on every request, so the common no-query case skips URL parsing.
 */
export function cacheKey(c: Context, base: string): string {
  const path = c.req.path;
  const raw = c.req.url;
  const q = raw.indexOf('?');
  if (q < 0) return `${base}${path}`;
  const params = raw.slice(q + 1).split('&').filter(Boolean).sort();
  return `${base}${path}?${params.join('&')}`;
}
