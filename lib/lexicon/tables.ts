// Loading of the lexicon's data files: located next to the bundle or in the repository, read once per language.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTable } from './format.ts';

/**
 * Name of the data directory next to a deployed bundle: the function asset holds `index.mjs` and `lexicon/`
 * (a copy of the repository's `data/lexicon/`).
 */
export const BUNDLED_DIR_NAME = 'lexicon';

/** The repository's data directory (`data/lexicon/`), which the build script writes. */
export const LEXICON_DATA_DIR = fileURLToPath(new URL('../../data/lexicon/', import.meta.url));

/**
 * Sources in priority order: their pivots are merged in this order. `news` is Roundup's own short list of
 * everyday news words the dictionaries miss or lead with a rare sense (Arabic رئيس "boss" before "president",
 * شرطة "backslash" before "police"); Apertium's transducers give one curated translation per lemma; FreeDict's
 * dictionaries add the other senses and the words Apertium lacks.
 */
export const SOURCES = ['news', 'apertium', 'freedict'] as const;

/** Most pivot terms returned for one word, over all sources. */
export const MAX_PIVOTS = 6;

/** One language's tables, merged over its sources. */
export interface LanguageTable {
  /**
   * Folded lemma → English pivot terms, best first, space-separated: one string per entry keeps the
   * largest table (German, 100k+ entries) at a fraction of the heap of one array per entry.
   */
  readonly pivots: ReadonlyMap<string, string>;
  /** Folded inflected form → folded lemma(s) it analyses to (forms equal to their lemma are not listed). */
  readonly lemmas: ReadonlyMap<string, string | readonly string[]>;
  /**
   * Snowball stem → the first lemma with pivots that has it, for words no table or analyser knows. Stems
   * equal to their lemma are not listed (the lemma itself is the look-up then).
   */
  readonly stems: ReadonlyMap<string, string>;
  /** Data files read, with their size in bytes. */
  readonly files: readonly { file: string; bytes: number }[];
}

let configuredDir: string | undefined;
let resolvedDir: string | undefined;
const tables = new Map<string, LanguageTable>();

/**
 * Where the data files are: the configured directory, else `lexicon/` beside the running bundle, else the
 * repository's `data/lexicon/`.
 */
export function lexiconDir(): string {
  if (configuredDir) return configuredDir;
  if (resolvedDir) return resolvedDir;
  const beside = fileURLToPath(new URL(`./${BUNDLED_DIR_NAME}/`, import.meta.url));
  resolvedDir = existsSync(join(beside, 'entities.cldr.tsv')) ? beside : LEXICON_DATA_DIR;
  return resolvedDir;
}

/**
 * Points the lexicon at another data directory (a deployment that keeps the files elsewhere, tests) and
 * forgets tables already loaded. Without a call the files are found on their own (see {@link lexiconDir}).
 */
export function configureLexicon(options: { dir?: string }): void {
  configuredDir = options.dir;
  resolvedDir = undefined;
  tables.clear();
  for (const reset of resetHooks) reset();
}

/** Caches derived from the tables (stem indexes, entity names), dropped by {@link configureLexicon}. */
const resetHooks: (() => void)[] = [];

/** Registers a cache reset run when the data directory changes. */
export function onLexiconReset(reset: () => void): void {
  resetHooks.push(reset);
}

/** Reads a data file of the lexicon directory as text, or undefined when it does not exist. */
export function readDataFile(file: string): { text: string; bytes: number } | undefined {
  const path = join(lexiconDir(), file);
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  return { text: buf.toString('utf8'), bytes: buf.length };
}

/** Pivots of two sources, the first source's first, without repeats, at most {@link MAX_PIVOTS}. */
function merge(first: string, second: string): string {
  const out = first.split(' ');
  for (const t of second.split(' ')) if (out.length < MAX_PIVOTS && !out.includes(t)) out.push(t);
  return out.join(' ');
}

/**
 * The tables of a language (ISO 639-1), read and merged on first use and kept for the process. A language
 * without data files gets empty tables.
 */
export function languageTable(lang: string): LanguageTable {
  let t = tables.get(lang);
  if (t) return t;
  const pivots = new Map<string, string>();
  const lemmas = new Map<string, string | string[]>();
  const stems = new Map<string, string>();
  const files: { file: string; bytes: number }[] = [];
  for (const source of SOURCES) {
    const file = `${lang}.${source}.tsv`;
    const data = readDataFile(file);
    if (!data) continue;
    files.push({ file, bytes: data.bytes });
    parseTable(data.text, (key, ps, forms, stem) => {
      if (ps) {
        const have = pivots.get(key);
        pivots.set(key, have ? merge(have, ps) : ps);
        if (stem && !stems.has(stem)) stems.set(stem, key);
      }
      for (const f of forms) {
        const have = lemmas.get(f);
        if (have === undefined) lemmas.set(f, key);
        else if (typeof have === 'string') {
          if (have !== key) lemmas.set(f, [have, key]);
        } else if (!have.includes(key)) have.push(key);
      }
    });
  }
  t = { pivots, lemmas, stems, files };
  tables.set(lang, t);
  return t;
}

/** Whether a language's tables are already in memory (loading is otherwise done on first use). */
export function isLoaded(lang: string): boolean {
  return tables.has(lang);
}
