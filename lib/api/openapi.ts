// The OpenAPI 3.1 document of the public API, generated from the same zod schemas that validate requests and shape responses.
import * as z from 'zod/mini';
import { frontQuerySchema, storyPagePathSchema, storyPageQuerySchema } from '../site/params.ts';
import { emptyQuerySchema, listQuerySchema, storyPathSchema, storyQuerySchema } from './params.ts';
import {
  feedListSchema,
  healthSchema,
  jsonFeedSchema,
  outletListSchema,
  problemSchema,
  storyDetailSchema,
  storyListSchema,
} from './schemas.ts';

/** Version of the public API contract; bump on incompatible changes. */
export const API_VERSION = '1.0.0';

/** One documented public operation (all are GET; HEAD and OPTIONS come with them). */
export interface RouteDoc<Q extends z.ZodMiniObject = z.ZodMiniObject, P extends z.ZodMiniObject = z.ZodMiniObject> {
  /** OpenAPI path (`/stories/{id}`). */
  path: string;
  operationId: string;
  summary: string;
  query: Q;
  pathParams?: P;
  /** Component name of the 200 body (absent for non-JSON bodies). */
  body?: string;
  contentType: string;
  /** Cache-Control class (`CACHE_CONTROL` in http.ts); `none` answers are never kept in the response cache. */
  cacheControl: 'list' | 'item' | 'health' | 'reference' | 'none';
  /** Headlines follow the reader's languages (`lang`, else Accept-Language, then the desk's language). */
  languages?: true;
  extra?: Record<string, string>;
  /**
   * Reader-site pages: parameters other than the documented ones are ignored instead of refused (links people share
   * carry `utm_source` and the like), and errors are HTML pages rather than problem+json.
   */
  page?: true;
}

/** A route's documentation, typed by its schemas, so that the handler registered for it parses exactly what is documented. */
const route = <Q extends z.ZodMiniObject, P extends z.ZodMiniObject = z.ZodMiniObject>(doc: RouteDoc<Q, P>): RouteDoc<Q, P> => doc;

/** Component schemas, by name. */
export const COMPONENTS: Record<string, z.ZodMiniType> = {
  StoryList: storyListSchema,
  StoryDetail: storyDetailSchema,
  OutletList: outletListSchema,
  FeedList: feedListSchema,
  Health: healthSchema,
  JsonFeed: jsonFeedSchema,
  Problem: problemSchema,
};

/** Every public operation, by operationId. */
export const ROUTES = {
  listStories: route({
    path: '/stories',
    operationId: 'listStories',
    summary: 'Public stories, most recently updated first, with filters and cursor pagination.',
    query: listQuerySchema,
    body: 'StoryList',
    contentType: 'application/json',
    cacheControl: 'list',
    languages: true,
  }),
  getStory: route({
    path: '/stories/{id}',
    operationId: 'getStory',
    summary: 'One story with its perspectives grouped by outlet and its coverage. Merged stories redirect (308) to the story that absorbed them.',
    query: storyQuerySchema,
    pathParams: storyPathSchema,
    body: 'StoryDetail',
    contentType: 'application/json',
    cacheControl: 'item',
    languages: true,
    extra: { '308': 'The story was merged: `Location` names the story that absorbed it.' },
  }),
  listOutlets: route({
    path: '/outlets',
    operationId: 'listOutlets',
    summary: 'Outlets with their metadata and feeds.',
    query: emptyQuerySchema,
    body: 'OutletList',
    contentType: 'application/json',
    cacheControl: 'reference',
  }),
  exportOutletsOpml: route({
    path: '/outlets.opml',
    operationId: 'exportOutletsOpml',
    summary: 'Outlets and their feeds as OPML 2.0, with city, country, region and languages in `roundup:` attributes.',
    query: emptyQuerySchema,
    contentType: 'text/x-opml',
    cacheControl: 'reference',
  }),
  listFeeds: route({
    path: '/feeds',
    operationId: 'listFeeds',
    summary: 'Fetch health of every feed.',
    query: emptyQuerySchema,
    body: 'FeedList',
    contentType: 'application/json',
    cacheControl: 'health',
  }),
  health: route({
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness: answers 200 when the table is reachable, 503 otherwise.',
    query: emptyQuerySchema,
    body: 'Health',
    contentType: 'application/json',
    cacheControl: 'none',
    extra: { '503': 'The table is not reachable.' },
  }),
  jsonFeed: route({
    path: '/feed.json',
    operationId: 'jsonFeed',
    summary: 'Public stories as a JSON Feed 1.1 (same filters as /stories).',
    query: listQuerySchema,
    body: 'JsonFeed',
    contentType: 'application/feed+json',
    cacheControl: 'list',
    languages: true,
  }),
  rssFeed: route({
    path: '/feed.xml',
    operationId: 'rssFeed',
    summary: 'Public stories as RSS 2.0 (same filters as /stories).',
    query: listQuerySchema,
    contentType: 'application/rss+xml',
    cacheControl: 'list',
    languages: true,
  }),
  openapi: route({
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document.',
    query: emptyQuerySchema,
    contentType: 'application/json',
    cacheControl: 'reference',
  }),
  frontPage: route({
    path: '/',
    operationId: 'frontPage',
    summary: 'Reader site: the latest public stories as an HTML page (no script), filtered by region, language or text, 20 a page with a link to older ones.',
    query: frontQuerySchema,
    contentType: 'text/html',
    cacheControl: 'list',
    page: true,
  }),
  storyPage: route({
    path: '/s/{id}',
    operationId: 'storyPage',
    summary:
      "Reader site: a story's roundup as an HTML page — headline, standfirst, coverage at a glance, then what each outlet said with attribution, city, time and link. Merged stories redirect (308) to the surviving story's page.",
    query: storyPageQuerySchema,
    pathParams: storyPathSchema,
    contentType: 'text/html',
    cacheControl: 'item',
    extra: { '308': "The story was merged: `Location` is the surviving story's page." },
    page: true,
  }),
  storyPageWithSlug: route({
    path: '/s/{id}/{slug}',
    operationId: 'storyPageWithSlug',
    summary: 'The story page with a readable slug of its label (the canonical form; any slug serves the same page).',
    query: storyPageQuerySchema,
    pathParams: storyPagePathSchema,
    contentType: 'text/html',
    cacheControl: 'item',
    extra: { '308': "The story was merged: `Location` is the surviving story's page." },
    page: true,
  }),
};

/** Every public operation, in documentation order. */
export const ROUTE_DOCS: RouteDoc[] = Object.values(ROUTES);

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema, without the `$schema` marker. */
function jsonSchema(s: z.ZodMiniType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

/** OpenAPI parameter objects generated from a route's zod schemas. */
export function parametersOf(route: RouteDoc): Record<string, unknown>[] {
  const params: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodMiniObject) => {
    const obj = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, prop] of Object.entries(obj.properties ?? {})) {
      const { description, examples, ...rest } = prop;
      params.push({
        name,
        in: where,
        required: where === 'path' || (obj.required ?? []).includes(name),
        ...(description ? { description } : {}),
        ...(Array.isArray(examples) && examples.length ? { example: examples[0] } : {}),
        schema: rest,
      });
    }
  };
  if (route.pathParams) add('path', route.pathParams);
  add('query', route.query);
  if (route.languages) {
    params.push({
      name: 'Accept-Language',
      in: 'header',
      required: false,
      description:
        "Without `lang`: headlines in the first of these languages (highest q first) the story has one in, else in the desk's language, else the story's own. Answers then carry `Vary: Accept-Language`.",
      example: 'fr-CA,fr;q=0.9,en;q=0.8',
      schema: { type: 'string' },
    });
  }
  return params;
}

const problemRef = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/** Builds the OpenAPI 3.1 document. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of ROUTE_DOCS) {
    const schema = r.body ? { $ref: `#/components/schemas/${r.body}` } : r.contentType.includes('json') ? { type: 'object' } : { type: 'string' };
    const responses: Record<string, unknown> = {
      '200': {
        description: 'OK',
        headers: {
          ETag: { description: 'Weak validator of the body; send it back in If-None-Match.', schema: { type: 'string' } },
          'Cache-Control': { schema: { type: 'string' } },
          Vary: { description: r.languages ? '`Accept-Encoding`, and `Accept-Language` when the request has no `lang`.' : '`Accept-Encoding`.', schema: { type: 'string' } },
        },
        content: { [r.contentType]: { schema } },
      },
      '304': { description: 'Not Modified: the If-None-Match ETag is current.' },
      '400': r.page ? htmlPage('Invalid parameter: an HTML page saying which.') : problemRef('Invalid or unknown parameter.'),
      '404': (r.page ? htmlPage : problemRef)('Not found (also for stories that are hidden or not published).'),
      '500': (r.page ? htmlPage : problemRef)('Server error.'),
    };
    for (const [code, description] of Object.entries(r.extra ?? {})) {
      responses[code] = code.startsWith('3')
        ? { description, headers: { Location: { schema: { type: 'string' } } } }
        : problemRef(description);
    }
    paths[r.path] = {
      get: { operationId: r.operationId, summary: r.summary, parameters: parametersOf(r), responses },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Roundup public API',
      // The API contract's version, not the software's (importing config here would pull classic zod into the bundle).
      version: API_VERSION,
      description:
        'Stories grouped from many outlets\' feeds, with what each outlet said. Read-only; CORS open; ETag/If-None-Match supported; errors are RFC 9457 problem+json. The reader site\'s HTML pages (`/`, `/s/{id}/{slug}`) are listed too.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: { schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([k, s]) => [k, jsonSchema(s, 'output')])) },
  };
}
