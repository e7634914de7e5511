// The outlets' fixed vocabularies (regions, the unknown region and country), with no dependencies: the API bundle imports them too.

/** Continent-level regions an outlet may belong to (where the newsroom is, not what it covers). */
export const REGIONS = ['africa', 'americas', 'asia', 'europe', 'middle-east', 'oceania'] as const;

/** One of {@link REGIONS}. */
export type Region = (typeof REGIONS)[number];

/** Region given to outlets imported without metadata (e.g. third-party OPML). */
export const UNKNOWN_REGION = 'unknown';

/** ISO 3166-1 user-assigned code conventionally meaning "unknown country". */
export const UNKNOWN_COUNTRY = 'ZZ';
