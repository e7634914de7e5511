// Query and path parameters of the reader site's pages: the same filter rules as `GET /stories`, plus the site language.
import * as z from 'zod/mini';
import { listQuerySchema, storyPathSchema } from '../api/params.ts';
import { UI_LANGUAGES } from './i18n.ts';

const hl = z.optional(
  z.enum(UI_LANGUAGES as unknown as ['en', 'fr']).check(
    z.meta({ description: 'Language of the page\'s own words and attribution (`en` default, `fr`); without it, `lang=fr` alone also gives French.', examples: ['fr'] }),
  ),
);

/** An optional comma-separated list of up to `max` language subtags (`fr,en`), parsed to distinct values. */
const languages = (max: number, description: string) =>
  z.optional(
    z.pipe(
      z.string().check(z.regex(new RegExp(`^[a-z]{2,3}(?:,[a-z]{2,3}){0,${max - 1}}$`)), z.meta({ description, examples: ['fr'] })),
      z.transform((s: string) => [...new Set(s.split(','))]),
    ),
  );

/**
 * Query of the front page `/`: `region`, `lang`, `q` and `cursor` as `GET /stories` takes them, and `hl`. Other
 * parameters (`utm_source`, …) are ignored rather than refused: pages are opened from links people share.
 */
export const frontQuerySchema = z.object({
  region: listQuerySchema.shape.region,
  lang: languages(20, 'Languages, comma-separated: stories with coverage in any of them; with one language, headlines in it where the story has one.'),
  q: listQuerySchema.shape.q,
  cursor: listQuerySchema.shape.cursor,
  hl,
});

/** Query of a story page: the headline language(s) and the page language. */
export const storyPageQuerySchema = z.object({
  lang: languages(6, 'Languages to headline the story in, most wanted first (when the story has a headline in one of them).'),
  hl,
});

/** Path of a story page: the story id and an optional, ignored slug. */
export const storyPagePathSchema = z.strictObject({
  id: storyPathSchema.shape.id,
  slug: z.optional(z.string().check(z.maxLength(200), z.meta({ description: 'Readable slug of the label; any value (or none) serves the same page.' }))),
});

/** Parameter names a page reads; any other is dropped before validation. */
export const pageParameters = (schema: z.ZodMiniObject): string[] => Object.keys(schema.shape);
