// Outlet validation (registry, OPML import): ids, countries, regions, languages, URLs; zod/mini, so the API bundle can import it.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { urlAddressProblem, type AddressPolicy } from '../addresses.ts';
import type { Outlet } from '../types.ts';
import { REGIONS, UNKNOWN_COUNTRY, UNKNOWN_REGION } from './vocabulary.ts';

export { REGIONS, type Region } from './vocabulary.ts';

/**
 * ISO 3166-1 alpha-2 codes, with XK (Kosovo, user-assigned but in common use). Listed here rather than taken from
 * i18n-iso-countries, whose names (hundreds of KB) would ride along into the API bundle; a test keeps the two equal.
 */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
    'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
    'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
    'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
    'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW').split(' '),
);

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// BCP 47 primary language subtag (ISO 639 two/three letters), plus `und` which is itself valid.
const LANGUAGE = /^[a-z]{2,3}$/;
// Ids become table keys and URL paths, names and titles page text: bounded so no input makes an oversized record.
const MAX_ID = 64;
const MAX_TEXT = 300;

/** Per-parse English messages (zod/mini ships none), as lib/config.ts does. */
const english = en().localeError;

// Dotted host names only (domains or IPv4): catches typos such as `https:/example.com` or `http://localhost`.
const httpUrl = () => z.url({ protocol: /^https?$/, hostname: /^(?:[a-z0-9-]+\.)+[a-z0-9-]+$/i, error: 'not an http(s) URL with a dotted host name' });
const language = () => z.string().check(z.regex(LANGUAGE, 'not a BCP 47 primary subtag'));

/** Options for {@link validateOutlets}. */
export interface ValidateOptions {
  /** Accept `ZZ` / `unknown` placeholders that OPML import gives outlets without metadata. */
  allowUnknown?: boolean;
  /**
   * Judge feed URLs by this address policy (imports: no private, loopback or link-local hosts unless allowed)
   * rather than by the registry's plain http(s) rule.
   */
  addresses?: AddressPolicy;
}

function outletSchema(allowUnknown: boolean, addresses: AddressPolicy | undefined) {
  const feedUrl = addresses
    ? z.string().check(
        z.superRefine((url, ctx) => {
          const problem = urlAddressProblem(url, addresses);
          if (problem) ctx.issues.push({ code: 'custom', message: `${problem}: ${url.slice(0, 200)}`, input: url });
        }),
      )
    : httpUrl();
  const feed = z.object({
    id: z.string().check(z.maxLength(2 * MAX_ID + 1)),
    url: feedUrl,
    title: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_TEXT))),
    language: z.optional(language()),
  });
  return z
    .object({
      id: z.string().check(z.maxLength(MAX_ID), z.regex(SLUG, 'not a kebab-case slug')),
      name: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_TEXT)),
      city: allowUnknown ? z.string().check(z.maxLength(MAX_TEXT)) : z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_TEXT)),
      country: z.string().check(
        z.refine((c) => (allowUnknown && c === UNKNOWN_COUNTRY) || COUNTRY_CODES.has(c), 'not an ISO 3166-1 alpha-2 code'),
      ),
      region: z.string().check(
        z.refine((r) => (REGIONS as readonly string[]).includes(r) || (allowUnknown && r === UNKNOWN_REGION), `not one of ${REGIONS.join(', ')}`),
      ),
      languages: z.array(language()).check(z.minLength(1)),
      homepage: httpUrl(),
      feeds: z.array(feed).check(z.minLength(1), z.maxLength(1000)),
    })
    .check(
      z.superRefine((o, ctx) => {
        o.feeds.forEach((f, i) => {
          // The prefix is what lets an item's feed id name its outlet without a lookup.
          if (!f.id.startsWith(`${o.id}/`) || !SLUG.test(f.id.slice(o.id.length + 1)) || f.id.length > o.id.length + 1 + MAX_ID) {
            ctx.issues.push({
              code: 'custom',
              path: ['feeds', i, 'id'],
              message: `feed id must be "${o.id.slice(0, 80)}/<slug>" (slug: kebab-case, at most ${MAX_ID} characters)`,
              input: f.id,
            });
          }
        });
      }),
    );
}

/** A problem's field as an editor reads it: ids say whose id they are. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 1 && path[0] === 'id') return 'outlet id';
  if (path.length === 3 && path[0] === 'feeds' && path[2] === 'id') return `feed id (feed ${Number(path[1]) + 1})`;
  return path.map(String).join('.') || '(outlet)';
}

/**
 * Checks outlets for problems that would break fetching or attribution: duplicate outlet or
 * feed ids, bad country codes, unknown regions, non-http(s) URLs, malformed ids and languages.
 * @returns human-readable problems, one per line-worthy string; empty when all is well.
 */
export function validateOutlets(outlets: readonly Outlet[], options: ValidateOptions = {}): string[] {
  const schema = outletSchema(options.allowUnknown ?? false, options.addresses);
  const problems: string[] = [];
  const outletIds = new Set<string>();
  const feedIds = new Set<string>();
  const feedUrls = new Map<string, string>();
  outlets.forEach((o, index) => {
    // Problems quote ids, and an id may be what is wrong with the input: long ones are cut.
    const label = typeof o?.id === 'string' && o.id ? (o.id.length > 80 ? `${o.id.slice(0, 80)}…` : o.id) : `#${index}`;
    const parsed = schema.safeParse(o, { error: english });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${label}: ${fieldName(issue.path)}: ${issue.message}`);
      }
    }
    if (outletIds.has(o.id)) problems.push(`${label}: duplicate outlet id`);
    outletIds.add(o.id);
    for (const f of o.feeds ?? []) {
      if (feedIds.has(f.id)) problems.push(`${label}: duplicate feed id ${f.id.slice(0, 200)}`);
      feedIds.add(f.id);
      // The same URL twice would be fetched twice and its items attributed to two feeds.
      const owner = feedUrls.get(f.url);
      if (owner !== undefined) problems.push(`${label}: feed ${f.id.slice(0, 200)} has the same URL as ${owner.slice(0, 200)}`);
      else feedUrls.set(f.url, f.id);
    }
  });
  return problems;
}
