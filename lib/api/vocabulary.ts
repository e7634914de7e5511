// Fixed vocabularies the API validates against; copied from lib/outlets/validate.ts (re-exported by the registry) so the
// API bundle skips the country tables (the `vocabulary` suite of test/unit/api.test.ts keeps the copies equal).

/** Continent-level outlet regions, as in the outlet registry. */
export const REGIONS = ['africa', 'americas', 'asia', 'europe', 'middle-east', 'oceania'] as const;

/** Region of outlets imported without metadata (e.g. third-party OPML). */
export const UNKNOWN_REGION = 'unknown';

/** Country of outlets imported without metadata. */
export const UNKNOWN_COUNTRY = 'ZZ';

/** Region values accepted by the `region` filter. */
export const REGION_VALUES: readonly string[] = [...REGIONS, UNKNOWN_REGION];
