// Response schemas of the public API: the OpenAPI document is generated from them and tests parse real responses with them.
import * as z from 'zod/mini';
import { JSON_FEED_VERSION } from './feeds.ts';

const date = z.iso.datetime();
const str = z.string();
const nstr = z.nullable(z.string());
const count = z.int().check(z.minimum(0));
const d = (description: string) => z.meta({ description });

/** Story counts shown in lists. */
export const countsSchema = z.strictObject({
  items: count.check(d('Articles in the story.')),
  outlets: count.check(d('Distinct outlets covering it.')),
  countries: count.check(d('Distinct outlet countries.')),
  languages: count.check(d('Distinct article languages.')),
});

const itemId = nstr.check(d('The article the headline comes from (its summary is the standfirst); null for a headline an editor wrote.'));

/** A story in listings. */
export const storySummarySchema = z.strictObject({
  id: str,
  url: str.check(d('Absolute URL of the story in this API.')),
  label: str.check(d('Short topic label, e.g. "Mali withdrawal": the desk language\'s when the story is told in it, or an editor\'s.')),
  labels: z
    .record(str, str)
    .check(d('One label per language the story is told in, keyed by BCP 47 primary subtag, e.g. {"en": "Mali withdrawal", "fr": "Retrait du Mali"}. Empty for stories not relabelled since per-language labels exist.')),
  headline: str.check(d('The headline in the first of the reader\'s languages (`lang`, else Accept-Language, then the desk\'s language) the story has one in; else the story\'s own.')),
  summary: nstr.check(d('Standfirst in the language of `headline`.')),
  headlineLanguage: nstr.check(d('Language of `headline` and `summary` (BCP 47 primary subtag); null when the story\'s own headline is in no known language.')),
  headlines: z
    .record(z.string(), z.strictObject({ headline: str, itemId }))
    .check(d('The story\'s headline in every language it has one in, keyed by language (standfirsts: `GET /stories/{id}`). An editor-written headline is the desk language\'s.')),
  firstSeenAt: date.check(d('When the first article was seen.')),
  lastSeenAt: date.check(d('Time of the newest article.')),
  updatedAt: date.check(d('Last change (article joined or editor edit); the listing order and `updatedSince` key.')),
  version: z.int().check(z.minimum(1)),
  pinned: z.boolean().check(d('Editors pinned it; apps may show it first. The listing order ignores pins.')),
  counts: countsSchema,
  countries: z.array(str).check(d('Outlet countries (ISO 3166-1 alpha-2; ZZ = unknown).')),
  regions: z.array(str),
  languages: z.array(str),
  blindspot: z.boolean().check(d('All covering outlets are from one region.')),
});

/** One article in a perspective. */
export const perspectiveItemSchema = z.strictObject({
  id: str,
  title: str,
  author: nstr.check(d('The feed\'s author field as given.')),
  byline: nstr.check(
    d('The person to credit ("said {byline} in {outlet.name} ({outlet.city})"): `author` without "By" or e-mail, null when the byline is the outlet itself (e.g. "BBC News", "Al Jazeera Staff") or absent ("{outlet.name} ({outlet.city}) reported").'),
  ),
  link: nstr,
  excerpt: nstr.check(d('The feed summary verbatim, cut at a word boundary (…) when longer than 280 characters.')),
  language: str,
  publishedAt: date,
});

/** Outlet fields carried by perspectives. */
export const outletRefSchema = z.strictObject({
  id: str,
  name: str,
  city: str,
  country: str,
  region: str,
  homepage: nstr,
});

/** What one outlet said. */
export const perspectiveSchema = z.strictObject({
  outlet: outletRefSchema,
  language: str,
  items: z.array(perspectiveItemSchema),
});

const bucket = z.strictObject({ key: str, outlets: count, items: count });

/** Coverage breakdown. */
export const coverageSchema = z.strictObject({
  countries: z.array(bucket),
  regions: z.array(bucket),
  languages: z.array(bucket),
  blindspot: z.boolean(),
});

/** `GET /stories/{id}`. */
export const storyDetailSchema = z.strictObject({
  ...storySummarySchema.shape,
  headlines: z
    .record(z.string(), z.strictObject({ headline: str, standfirst: nstr, itemId }))
    .check(d('The story\'s headline and standfirst in every language it has one in, keyed by language. An editor-written headline is the desk language\'s.')),
  perspectives: z.array(perspectiveSchema),
  coverage: coverageSchema,
});

/** `GET /stories`. */
export const storyListSchema = z.strictObject({
  stories: z.array(storySummarySchema),
  nextCursor: nstr.check(d('Pass as `cursor` for the next page; null when there is none. A page may be short and still have a next one.')),
  removed: z
    .array(z.strictObject({ id: str, mergedInto: nstr }))
    .check(d('With `updatedSince`: stories an editor hid, unpublished or merged since then (drop them; follow `mergedInto`).')),
});

/** `GET /outlets`. */
export const outletListSchema = z.strictObject({
  outlets: z.array(
    z.strictObject({
      id: str,
      name: str,
      city: str,
      country: str,
      region: str,
      languages: z.array(str),
      homepage: nstr,
      feeds: z.array(z.strictObject({ id: str, url: str, title: nstr, language: nstr })),
    }),
  ),
});

/** `GET /feeds`. */
export const feedListSchema = z.strictObject({
  feeds: z.array(
    z.strictObject({
      feedId: str,
      outletId: str,
      url: str,
      status: z.enum(['ok', 'failing', 'gone', 'pending']).check(d('pending = never fetched yet; failing = last attempt failed.')),
      lastAttemptAt: z.nullable(date),
      lastSuccessAt: z.nullable(date),
      httpStatus: z.nullable(z.int()),
      errorClass: nstr,
      errorMessage: nstr,
      consecutiveFailures: count,
      nextDueAt: z.nullable(date),
      itemsSeen: count,
      gone: z.boolean(),
      pendingRedirect: z.nullable(z.strictObject({ url: str, count: count })),
    }),
  ),
});

/** `GET /healthz`. */
export const healthSchema = z.strictObject({ status: z.literal('ok'), stage: str, checkedAt: date });

/** RFC 9457 problem document. */
export const problemSchema = z.strictObject({
  type: str,
  title: str,
  status: z.int(),
  detail: z.optional(str),
  instance: z.optional(str),
  errors: z.optional(z.array(str)),
});

/** `GET /feed.json` (JSON Feed 1.1 with a `_roundup` extension per item). */
export const jsonFeedSchema = z.strictObject({
  version: z.literal(JSON_FEED_VERSION),
  title: str,
  home_page_url: str.check(d('The reader site\'s front page with the same filters.')),
  feed_url: str,
  description: str,
  next_url: z.optional(str),
  language: z.optional(str),
  authors: z.array(z.strictObject({ name: str, url: z.optional(str) })),
  items: z.array(
    z.strictObject({
      id: str,
      url: str.check(d('The story\'s page on the reader site (`/s/{id}/{slug}`, with `?lang=` when the feed has one language).')),
      title: str,
      content_html: str.check(d('The roundup as HTML: standfirst, coverage, then each article quoted with its attribution, title link, country and time.')),
      content_text: str,
      summary: z.optional(str),
      date_published: date,
      date_modified: date,
      authors: z.array(z.strictObject({ name: str, url: z.optional(str) })),
      tags: z.array(str),
      language: z.optional(str),
      _roundup: z.strictObject({
        apiUrl: str.check(d('The story in this API (`GET /stories/{id}`); the item `url` is its page on the reader site.')),
        label: str,
        lastSeenAt: date,
        pinned: z.boolean(),
        counts: countsSchema,
        outlets: z.array(outletRefSchema),
        perspectives: z.array(perspectiveSchema),
        coverage: coverageSchema,
      }),
    }),
  ),
});
