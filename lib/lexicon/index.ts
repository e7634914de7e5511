// Cross-lingual lexicon: English pivot terms, lemmas, named-entity keys, numbers and dates for any registry language.
export { LEXICON_LANGUAGES, lemma, lemmas, pivotTerms, preloadLexicon } from './translate.ts';
export { cldrEntity, cldrKey, entityKey, matchEntities, nameSkeleton, type EntityMatch } from './entities.ts';
export { MAX_SEGMENT, SEGMENTED_LANGUAGES, segmentCjk, type CjkSegment } from './segment.ts';
export { findDates, findNumbers, monthOf, normaliseNumber, type NumberMatch } from './numbers.ts';
export { BUNDLED_DIR_NAME, LEXICON_DATA_DIR, configureLexicon, lexiconDir } from './tables.ts';
