// Text format of the lexicon's data files (data/lexicon/*.tsv): written by scripts/build-lexicon.ts, read at load.

/**
 * One entry of a language's table: a folded lemma, its English pivot terms (best first), the folded
 * inflected forms that analyse to it and its Snowball stem when that differs from the lemma (precomputed so
 * loading needs no stemming).
 */
export interface LexiconEntry {
  key: string;
  pivots: readonly string[];
  forms: readonly string[];
  stem?: string;
}

/** Header line every data file starts with; the loader refuses files of another format version. */
export const FORMAT_HEADER = '#roundup-lexicon 1';

/** Forms are written as (characters dropped from the end of the key, in base 36) + suffix: one digit. */
const MAX_DROP = 35;

/**
 * Encodes a form relative to its lemma: `retirer` → `retirerez` is `0ez`, `retira` is `2a`. Returns undefined
 * when the form shares too little with the lemma to be written this way (it is then its own line).
 */
export function encodeForm(key: string, form: string): string | undefined {
  let common = 0;
  const max = Math.min(key.length, form.length);
  while (common < max && key.charCodeAt(common) === form.charCodeAt(common)) common++;
  const drop = key.length - common;
  if (drop > MAX_DROP) return undefined;
  return drop.toString(36) + form.slice(common);
}

/** Inverse of {@link encodeForm}. */
export function decodeForm(key: string, code: string): string {
  const drop = parseInt(code[0]!, 36);
  return key.slice(0, key.length - drop) + code.slice(1);
}

/**
 * Writes a data file: the header, `#` comment lines (source, version, licence) and one line per entry,
 * `key TAB pivots TAB forms TAB stem`, pivots and encoded forms separated by spaces, empty trailing fields cut. Entries are sorted by key so
 * rebuilding from the same sources gives the same bytes.
 */
export function formatTable(comments: readonly string[], entries: Iterable<LexiconEntry>): string {
  const lines = [FORMAT_HEADER, ...comments.map((c) => `# ${c}`)];
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const e of sorted) {
    const forms = e.forms.filter((f) => f !== e.key).map((f) => encodeForm(e.key, f));
    if (forms.some((f) => f === undefined)) throw new Error(`form too far from its lemma under ${e.key}`);
    const stem = e.stem !== undefined && e.stem !== e.key ? e.stem : '';
    const line = `${e.key}\t${e.pivots.join(' ')}\t${forms.join(' ')}\t${stem}`.replace(/\t+$/u, '');
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads a data file written by {@link formatTable}, calling `onEntry` per line with the pivots as written
 * (space-separated) and the forms decoded (the caller builds its own indexes without an intermediate array).
 * Throws on a missing or different header.
 */
export function parseTable(text: string, onEntry: (key: string, pivots: string, forms: string[], stem: string) => void): void {
  if (!text.startsWith(FORMAT_HEADER)) throw new Error(`not a lexicon table (expected "${FORMAT_HEADER}")`);
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    if (text.charCodeAt(start) !== 35 /* # */ && end > start) {
      const [key, pivots = '', forms = '', stem = ''] = text.slice(start, end).split('\t') as [string, ...string[]];
      onEntry(key, pivots, forms ? forms.split(' ').map((c) => decodeForm(key, c)) : [], stem);
    }
    start = end + 1;
  }
}
