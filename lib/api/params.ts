// Query and path parameter schemas of the public API: one zod schema per route validates requests and documents them.
import * as z from 'zod/mini';
import { ValidationError } from '../errors.ts';
import { REGION_VALUES } from './vocabulary.ts';

/** Upper bound of `limit` on listings and feeds. */
export const MAX_LIMIT = 100;
/** Page size when `limit` is absent. */
export const DEFAULT_LIMIT = 20;

// Comma lists keep URLs short for multi-value filters (`country=FR,CA`) and avoid repeated-parameter ambiguity.
const list = (item: string, description: string, example: string) =>
  z.pipe(
    z.string().check(z.regex(new RegExp(`^(?:${item})(?:,(?:${item})){0,19}$`)), z.meta({ description, examples: [example] })),
    z.transform((s: string) => [...new Set(s.split(','))]),
  );

const langList = list(
  '[a-z]{2,3}',
  'Languages (BCP 47 primary subtags, lower case), comma-separated, most wanted first: stories with coverage in any of them, each headlined in the first of them it has a headline in (instead of Accept-Language).',
  'fr,en',
);
const headlineLangList = list(
  '[a-z]{2,3}',
  'Languages (BCP 47 primary subtags, lower case), comma-separated, most wanted first: the headline and standfirst come from the first of them the story has a headline in (instead of Accept-Language).',
  'fr,en',
);
const countryList = z.pipe(
  z
    .string()
    .check(
      z.regex(/^[A-Za-z]{2}(?:,[A-Za-z]{2}){0,19}$/),
      z.meta({ description: 'Outlet countries (ISO 3166-1 alpha-2), comma-separated: stories covered by an outlet from any of them.', examples: ['CA,FR'] }),
    ),
  z.transform((s: string) => [...new Set(s.toUpperCase().split(','))]),
);
const regionList = list(REGION_VALUES.join('|'), `Outlet regions (${REGION_VALUES.join(', ')}), comma-separated: stories covered by an outlet from any of them.`, 'europe,africa');
/** Outlet ids: lower-case slugs (`le-devoir`). */
export const OUTLET_ID = '[a-z0-9][a-z0-9._-]{0,63}';
const outletList = list(OUTLET_ID, 'Outlet ids, comma-separated: stories covered by any of these outlets.', 'le-devoir,bbc');

/** Query of `GET /stories` and of the feeds. */
export const listQuerySchema = z.strictObject({
  cursor: z.optional(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9_-]{1,1024}$/), z.meta({ description: 'Opaque cursor from a previous page (`nextCursor`); keep the other parameters unchanged.' })),
  ),
  limit: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_LIMIT), z.meta({ description: `Stories per page, 1–${MAX_LIMIT}.`, examples: [50] })),
    DEFAULT_LIMIT,
  ),
  updatedSince: z.optional(
    z.pipe(
      z.iso
        .datetime({ offset: true })
        .check(z.meta({ description: 'ISO 8601 date-time: only stories updated at or after it (incremental sync).', examples: ['2026-11-26T08:00:00Z'] })),
      // One form per instant (UTC, milliseconds), as stored `updatedAt` values are.
      z.transform((s: string) => new Date(s).toISOString()),
    ),
  ),
  lang: z.optional(langList),
  country: z.optional(countryList),
  region: z.optional(regionList),
  outlet: z.optional(outletList),
  q: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(200),
        z.meta({
          description:
            'Search in the title and summary of every item of the story, and its label, headline and summary: every word must appear (case and accents ignored, other forms of a word found through its stem); results by relevance, then recency.',
          examples: ['mali'],
        }),
      ),
  ),
  minOutlets: z.optional(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000), z.meta({ description: 'Only stories covered by at least this many outlets.', examples: [3] })),
  ),
});

/** Validated list query. */
export type ListQuery = z.infer<typeof listQuerySchema>;

/** Query of `GET /stories/{id}`. */
export const storyQuerySchema = z.strictObject({
  lang: z.optional(headlineLangList),
});

/** Query of routes that take no parameters. */
export const emptyQuerySchema = z.strictObject({});

/** Longest id (story, item, editor key) a route accepts: ids are short hashes; anything longer is not ours. */
export const MAX_ID_LENGTH = 128;

/** An id in a path or a request body: what stories, items and editor keys are named with. */
export const idSchema = z.string().check(
  z.regex(new RegExp(`^[A-Za-z0-9_.:-]{1,${MAX_ID_LENGTH}}$`), `must be an id: 1–${MAX_ID_LENGTH} letters, digits, _ . : or -`),
);

/** Path parameters of `GET /stories/{id}`. */
export const storyPathSchema = z.strictObject({
  id: idSchema.check(z.meta({ description: `Story id (1–${MAX_ID_LENGTH} letters, digits, _ . : or -).` })),
});

/**
 * Validates a reader page's query string: only the schema's own parameters are read, and empty values count as
 * absent (a form's "All regions" sends `region=`). Other parameters (`utm_source`, …) are ignored rather than
 * refused, since pages are opened from links people share.
 * @throws ValidationError with one issue per bad parameter
 */
export function parsePageQuery<S extends z.ZodMiniObject>(schema: S, url: string): z.infer<S> {
  const params = new URL(url).searchParams;
  const own = new URLSearchParams();
  for (const k of Object.keys(schema.shape)) {
    const v = params.get(k)?.trim();
    if (v) own.set(k, v);
  }
  return parseQuery(schema, `http://page/?${own}`);
}

/**
 * Validates a request's query string against a route schema.
 * Unknown parameters and repeated ones are rejected so that typos never silently widen a result.
 * @throws ValidationError with one issue per bad parameter
 */
export function parseQuery<S extends z.ZodMiniObject>(schema: S, url: string): z.infer<S> {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  const issues: string[] = [];
  const bad = (key: string) => issues.push(`${key}: ${hint(schema, key)} (got ${JSON.stringify(clip(raw[key] ?? ''))})`);
  for (const [k, v] of params) {
    if (!(k in raw)) raw[k] = v;
    else if (issues.length < 10) issues.push(`${clip(k)}: given more than once; use one comma-separated value`);
  }
  // Numbers in a query are decimal digits: `0x10`, `1e1` or ` 5` would pass a plain Number() coercion.
  for (const k of Object.keys(raw)) if (isNumberField(schema.shape[k]) && !DECIMAL.test(raw[k]!)) bad(k);
  const allowed = Object.keys(schema.shape);
  const res = issues.length ? undefined : schema.safeParse(raw);
  if (res && !res.success) {
    for (const issue of res.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.slice(0, 10).map((k) => clip(k));
        const more = issue.keys.length > keys.length ? ` and ${issue.keys.length - keys.length} more` : '';
        issues.push(`Unknown parameter${issue.keys.length > 1 ? 's' : ''} ${keys.join(', ')}${more}; allowed: ${allowed.join(', ') || 'none'}`);
      } else bad(String(issue.path[0] ?? ''));
    }
  }
  if (issues.length) throw new ValidationError(`Invalid query: ${[...new Set(issues)].join('; ')}`, [...new Set(issues)]);
  return (res as { data: z.infer<S> }).data;
}

const DECIMAL = /^[0-9]{1,15}$/;
/** Echoed input is cut short: a problem document repeats what was wrong, not kilobytes of it. */
const clip = (s: string, max = 80): string => (s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s);

// Whether a query field is a number under its optional/default wrappers.
function isNumberField(s: z.core.$ZodType | undefined): boolean {
  for (let cur = s, i = 0; cur && i < 6; i++) {
    const def = cur._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.type === 'number') return true;
    cur = def.innerType ?? def.in;
  }
  return false;
}

/**
 * Validates path parameters.
 * @throws ValidationError naming the bad parameter
 */
export function parsePath<S extends z.ZodMiniObject>(schema: S, params: Record<string, string>): z.infer<S> {
  const res = schema.safeParse(params);
  if (res.success) return res.data;
  const keys = [...new Set(res.error.issues.map((i) => String(i.path[0] ?? '')))];
  const issues = keys.map((k) => `${k}: ${hint(schema, k)} (got ${JSON.stringify(clip(params[k] ?? ''))})`);
  throw new ValidationError(`Invalid path: ${issues.join('; ')}`, issues);
}

// The parameter's own documentation is the clearest error message: it says what is accepted.
function hint(schema: z.ZodMiniObject, key: string): string {
  const field = schema.shape[key];
  const meta = field ? findMeta(field) : undefined;
  return meta?.description ?? 'invalid value';
}

function findMeta(s: z.core.$ZodType): { description?: string } | undefined {
  let cur: z.core.$ZodType | undefined = s;
  for (let i = 0; cur && i < 6; i++) {
    const m = z.globalRegistry.get(cur) as { description?: string } | undefined;
    if (m?.description) return m;
    const def = cur._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    cur = def.innerType ?? def.in;
  }
  return undefined;
}
