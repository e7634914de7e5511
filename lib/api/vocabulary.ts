// Fixed vocabularies the API validates against, from the outlets' own (lib/outlets/vocabulary.ts has no dependencies,
// so the API bundle skips the country tables).
import { REGIONS, UNKNOWN_REGION } from '../outlets/vocabulary.ts';

export { REGIONS, UNKNOWN_COUNTRY, UNKNOWN_REGION } from '../outlets/vocabulary.ts';

/** Region values accepted by the `region` filter. */
export const REGION_VALUES: readonly string[] = [...REGIONS, UNKNOWN_REGION];
