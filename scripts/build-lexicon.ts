// Builds data/lexicon/ (cross-lingual tables) from Debian's Apertium, FreeDict and CLDR packages, and the
// transliteration table lib/lexicon/translit.ts from any-ascii.
// Usage: node bin/run-ts.mjs scripts/build-lexicon.ts [--install]
//   --install  apt-get installs the source packages first (root; Debian's archive is the only network used).
// The output is deterministic for given package versions, which each file's header records.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import anyAscii from 'any-ascii';
import { foldToken } from '../lib/text/fold.ts';
import { stem } from '../lib/text/stem.ts';
import { arabicHeadwordKey } from '../lib/lexicon/arabic.ts';
import { formatTable, type LexiconEntry } from '../lib/lexicon/format.ts';
import { pivotWords } from '../lib/lexicon/pivot-words.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'data/lexicon');
const APERTIUM = '/usr/share/apertium';
const DICTD = '/usr/share/dictd';
const CLDR = '/usr/share/unicode/cldr/common/main';

/** Apertium analysers and bilingual transducers per language; `viaSpanish` pairs translate into Spanish first. */
const APERTIUM_LANGS: Record<string, { pkg: string; morf: string; bil?: string; viaSpanish?: boolean }> = {
  en: { pkg: 'apertium-eng-spa', morf: 'eng-spa.automorf.bin' },
  es: { pkg: 'apertium-eng-spa', morf: 'spa-eng.automorf.bin', bil: 'spa-eng.autobil.bin' },
  fr: { pkg: 'apertium-fr-es', morf: 'fr-es.automorf.bin', bil: 'fr-es.autobil.bin', viaSpanish: true },
  pt: { pkg: 'apertium-es-pt', morf: 'pt-es.automorf.bin', bil: 'pt-es.autobil.bin', viaSpanish: true },
  it: { pkg: 'apertium-spa-ita', morf: 'ita-spa.automorf.bin', bil: 'ita-spa.autobil.bin', viaSpanish: true },
};
/** Spanish→English transducer that finishes the `viaSpanish` chains. */
const SPANISH_ENGLISH = { pkg: 'apertium-eng-spa', bil: 'spa-eng.autobil.bin' };

/** FreeDict dictionaries per language: into English, and English into the language (read in reverse). */
const FREEDICT_LANGS: Record<string, { from?: string; to?: string }> = {
  fr: { from: 'fra-eng', to: 'eng-fra' },
  es: { from: 'spa-eng', to: 'eng-spa' },
  de: { from: 'deu-eng', to: 'eng-deu' },
  ar: { from: 'ara-eng', to: 'eng-ara' },
  pt: { from: 'por-eng', to: 'eng-por' },
  it: { from: 'ita-eng', to: 'eng-ita' },
  tr: { from: 'tur-eng', to: 'eng-tur' },
  ru: { to: 'eng-rus' },
};

/** Locales whose CLDR names enter the entity table: every language the outlet registry carries. */
const CLDR_LOCALES = ['en', 'fr', 'es', 'de', 'ar', 'pt', 'it', 'ru', 'tr', 'he', 'zh', 'ja'];

/** Content parts of speech kept from the analysers (proper nouns come from CLDR instead). */
const CONTENT_POS = ['n', 'adj', 'vblex', 'adv'];
/**
 * Languages whose entries carry their Snowball stem, for words neither the table nor an analyser knows
 * (German's dictionary lists inflected forms itself; Arabic has its own clitic and ending keys).
 */
const STEMMED = new Set(['fr', 'es', 'pt', 'it', 'tr', 'ru']);

/** Most pivot terms kept per lemma and source. */
const MAX_PIVOTS = 6;
/**
 * Longest German key kept unless it is the first translation of an English word: Ding has half a million
 * entries, most of them long technical compounds news rarely uses, which made German alone 8 MB and 60 MB of
 * heap. Long words that are an English word's first translation (Kommunalwahlen) stay.
 */
const MAX_GERMAN_KEY = 10;

/** English inflected form → lemma (`earthquakes` → `earthquake`), filled from the English analyser first. */
const englishLemma = new Map<string, string>();

/** Pivot words as English lemmas, so `elections` and `election` are one pivot term. */
function lemmatised(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const l = englishLemma.get(w) ?? w;
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

const PACKAGES = [
  'lttoolbox',
  'lttoolbox-dev',
  'unicode-cldr-core',
  ...new Set([...Object.values(APERTIUM_LANGS).map((a) => a.pkg), SPANISH_ENGLISH.pkg]),
  ...new Set(Object.values(FREEDICT_LANGS).flatMap((f) => [f.from, f.to]).filter(Boolean).map((d) => `dict-freedict-${d}`)),
];

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
  return r.stdout;
}

function versionOf(pkg: string): string {
  return run('dpkg-query', ['-W', '-f=${Version}', pkg]).trim();
}

function ensurePackages(install: boolean): void {
  const missing = PACKAGES.filter((p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout !== 'install ok installed');
  if (missing.length === 0) return;
  if (!install) throw new Error(`missing Debian packages (rerun with --install, or: apt-get install -y ${missing.join(' ')})`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

// ── Apertium ────────────────────────────────────────────────────────────────────────────────────────────

interface Analysis {
  lemma: string;
  tags: string;
  form: string;
}

/** Every (lemma, tags, form) of an analyser for one part of speech, via `lt-paradigm`. */
function paradigm(bin: string, pos: string): Analysis[] {
  const out: Analysis[] = [];
  for (const line of run('lt-paradigm', ['-a', bin], `*<${pos}><*>\n`).split('\n')) {
    const m = /^([^<]+)(<.*>):(.+)$/u.exec(line);
    if (!m) continue;
    const [, lemma, tags, form] = m as unknown as [string, string, string, string];
    // Multiword lemmas (`#`, spaces, `+` joins) and first/second-person verb forms (rare in news) are left out.
    if (/[#+ _]/u.test(lemma) || /[#+ ]/u.test(form) || /<p[12]>/u.test(tags)) continue;
    out.push({ lemma, tags, form });
  }
  return out;
}

/** Translates `^lemma<tags>$` queries with a bilingual transducer: per query, the translated lemmas with tags. */
function bilingual(bin: string, queries: readonly string[]): string[][] {
  if (queries.length === 0) return [];
  const lines = run('lt-proc', ['-b', bin], queries.map((q) => `^${q}$`).join('\n') + '\n').split('\n');
  return queries.map((_, i) => {
    const m = /^\^[^/]*\/(.*)\$$/u.exec(lines[i] ?? '');
    if (!m) return [];
    return m[1]!.split('/').filter((t) => !t.startsWith('@') && !t.startsWith('*') && !t.startsWith('#'));
  });
}

const lemmaOf = (tagged: string): string => tagged.replace(/<.*$/u, '');

/** English pivot terms of Apertium output lemmas (`withdraw<vblex>` → `withdraw`), first ones first. */
function englishTerms(tagged: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tagged) for (const w of lemmatised(pivotWords(lemmaOf(t).replace(/#/gu, ' ')))) if (!out.includes(w)) out.push(w);
  return out.slice(0, MAX_PIVOTS);
}

function buildApertium(lang: string): { entries: LexiconEntry[]; comments: string[] } {
  const spec = APERTIUM_LANGS[lang]!;
  const dir = join(APERTIUM, spec.pkg);
  const byLemma = new Map<string, { lemma: string; tags: string; forms: Set<string> }>();
  for (const pos of CONTENT_POS) {
    for (const a of paradigm(join(dir, spec.morf), pos)) {
      const id = `${a.lemma}<${pos}>`;
      let e = byLemma.get(id);
      if (!e) byLemma.set(id, (e = { lemma: a.lemma, tags: a.tags, forms: new Set() }));
      // The lemma's own analysis (singular, infinitive) is the query the bilingual transducer matches best.
      if (a.form === a.lemma) e.tags = a.tags;
      e.forms.add(foldToken(a.form));
    }
  }
  const ids = [...byLemma.keys()];
  const queries = ids.map((id) => `${byLemma.get(id)!.lemma}${byLemma.get(id)!.tags}`);
  let english: string[][] = ids.map(() => []);
  const packages = [`${spec.pkg} ${versionOf(spec.pkg)}`];
  if (spec.bil) {
    const first = bilingual(join(dir, spec.bil), queries);
    if (spec.viaSpanish) {
      // lang → Spanish → English; the Spanish output keeps its tags, which the second transducer matches on.
      const spanish = [...new Set(first.flat())];
      const toEnglish = new Map(bilingual(join(APERTIUM, SPANISH_ENGLISH.pkg, SPANISH_ENGLISH.bil), spanish).map((t, i) => [spanish[i]!, t]));
      english = first.map((es) => es.flatMap((s) => toEnglish.get(s) ?? []));
      packages.push(`${SPANISH_ENGLISH.pkg} ${versionOf(SPANISH_ENGLISH.pkg)}`);
    } else {
      english = first;
    }
  }
  // Lemmas that fold alike (`pêche`/`péché`) share one line: their pivots and forms are merged.
  const byKey = new Map<string, { pivots: string[]; forms: Set<string> }>();
  ids.forEach((id, i) => {
    const e = byLemma.get(id)!;
    const key = foldToken(e.lemma);
    let acc = byKey.get(key);
    if (!acc) byKey.set(key, (acc = { pivots: [], forms: new Set() }));
    for (const t of englishTerms(english[i]!)) if (!acc.pivots.includes(t)) acc.pivots.push(t);
    for (const f of e.forms) acc.forms.add(f);
  });
  const entries = [...byKey].map(([key, v]) => ({ key, pivots: v.pivots.slice(0, MAX_PIVOTS), forms: [...v.forms].sort() }));
  if (lang === 'en') {
    // Nouns first, so `elections` is `election` and not the verb `elect`'s form; then by key for stability.
    for (const pos of CONTENT_POS) {
      for (const e of byLemma.values()) {
        if (!e.tags.startsWith(`<${pos}>`)) continue;
        for (const f of e.forms) if (!englishLemma.has(f)) englishLemma.set(f, foldToken(e.lemma));
      }
    }
  }
  return {
    entries,
    comments: [
      `language: ${lang}; lemmas and inflected forms from the Apertium analyser ${spec.morf}` +
        (spec.bil ? `, English pivots from ${spec.bil}${spec.viaSpanish ? ` then ${SPANISH_ENGLISH.bil}` : ''}` : ''),
      `source: Debian packages ${packages.join(', ')} (https://apertium.org)`,
      'licence: GPL-2.0-only (see LICENSES/GPL-2.0.txt); generated by scripts/build-lexicon.ts',
    ],
  };
}

// ── FreeDict ────────────────────────────────────────────────────────────────────────────────────────────

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64 = (s: string): number => [...s].reduce((a, c) => a * 64 + B64.indexOf(c), 0);

/** A dictd dictionary's entries in file order: headword (as written) and its translations, senses in order. */
function readDictd(name: string): { head: string; translations: string[]; labelled: boolean[] }[] {
  const index = readFileSync(join(DICTD, `freedict-${name}.index`), 'utf8').split('\n');
  const data = gunzipSync(readFileSync(join(DICTD, `freedict-${name}.dict.dz`)));
  const out: { head: string; translations: string[]; labelled: boolean[] }[] = [];
  for (const row of index) {
    const [word, off, len] = row.split('\t');
    if (!word || !off || !len || word.startsWith('00-database') || word.startsWith('00database')) continue;
    const body = data.subarray(b64(off), b64(off) + b64(len)).toString('utf8').split('\n');
    const head = (body[0] ?? '').replace(/\s*\/.*$|\s*<.*$/u, '').trim();
    const translations: string[] = [];
    const labelled: boolean[] = [];
    for (const raw of body.slice(1)) {
      const line = raw.trim();
      // Examples ("…" - …), cross references, synonyms and notes are not translations of the headword.
      if (!line || /^("|see:|Synonyms?:|Note:|\{)/u.test(line)) continue;
      // A subject label ([mil.], [techn.], [fin.]) marks a specialised sense.
      const special = /\[[^\]]+\.\]/u.test(line);
      for (const part of line.replace(/^\d+\.\s*/u, '').split(/[;,]/u)) {
        const t = part.replace(/\[[^\]]*\]|<[^>]*>|\([^)]*\)/gu, ' ').replace(/\s+/gu, ' ').trim();
        if (t) {
          translations.push(t);
          labelled.push(special);
        }
      }
    }
    if (head && translations.length) out.push({ head, translations, labelled });
  }
  return out;
}

/** A single token of the language, folded and keyed (Arabic without its article), or undefined for phrases. */
function singleKey(word: string, lang: string): string | undefined {
  const tokens = word.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  if (tokens.length !== 1 || tokens[0]!.length < 2) return undefined;
  const folded = foldToken(tokens[0]!);
  return lang === 'ar' ? arabicHeadwordKey(folded) : folded;
}

function buildFreedict(lang: string): { entries: LexiconEntry[]; comments: string[] } {
  const spec = FREEDICT_LANGS[lang]!;
  // Evidence per (key, English word): a translation listed by the language→English dictionary counts more
  // than one read backwards from English→language, earlier senses more than later ones; both together most.
  const score = new Map<string, Map<string, number>>();
  // bit 1: listed language→English, bit 2: English→language, bit 4: first translation of an English word
  const directions = new Map<string, number>();
  const add = (key: string, word: string, s: number, direction: number): void => {
    let m = score.get(key);
    if (!m) score.set(key, (m = new Map()));
    m.set(word, (m.get(word) ?? 0) + s);
    directions.set(key, (directions.get(key) ?? 0) | direction);
  };
  const packages: string[] = [];
  if (spec.from) {
    packages.push(`dict-freedict-${spec.from} ${versionOf(`dict-freedict-${spec.from}`)}`);
    // Dictionaries such as Ding list one entry per sense under the same headword: the rank runs across them.
    const rank = new Map<string, number>();
    for (const { head, translations, labelled } of readDictd(spec.from)) {
      const key = singleKey(head, lang);
      if (!key) continue;
      translations.forEach((t, i) => {
        const r = rank.get(key) ?? 0;
        rank.set(key, r + 1);
        for (const w of lemmatised(pivotWords(t))) add(key, w, 2 - Math.min(r, 10) * 0.1 - (labelled[i] ? 0.5 : 0), 1);
      });
    }
  }
  if (spec.to) {
    packages.push(`dict-freedict-${spec.to} ${versionOf(`dict-freedict-${spec.to}`)}`);
    for (const { head, translations } of readDictd(spec.to)) {
      const english = lemmatised(pivotWords(head));
      if (english.length !== 1) continue;
      translations.slice(0, 6).forEach((t, i) => {
        const key = singleKey(t, lang);
        if (key) add(key, english[0]!, 1.8 - i * 0.15, i === 0 ? 6 : 2);
      });
    }
  }
  const entries: LexiconEntry[] = [];
  for (const [key, words] of score) {
    if (lang === 'de' && key.length > MAX_GERMAN_KEY && !((directions.get(key) ?? 0) & 4)) continue;
    const pivots = [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_PIVOTS).map(([w]) => w);
    entries.push({ key, pivots, forms: [] });
  }
  const gpl3 = packages.some((p) => /deu|eng-deu/u.test(p));
  return {
    entries,
    comments: [
      `language: ${lang}; English pivots from FreeDict ${[spec.from, spec.to].filter(Boolean).join(' and ')} (the latter read in reverse)`,
      `source: Debian packages ${packages.join(', ')} (https://freedict.org)`,
      `licence: ${gpl3 ? 'GPL-3.0-or-later (see LICENSES/GPL-3.0.txt)' : 'GPL-2.0-or-later (see LICENSES/GPL-2.0.txt)'}; generated by scripts/build-lexicon.ts`,
    ],
  };
}

// ── CLDR ────────────────────────────────────────────────────────────────────────────────────────────────

const unescapeXml = (s: string): string =>
  s.replace(/&amp;/gu, '&').replace(/&apos;/gu, "'").replace(/&quot;/gu, '"').replace(/&lt;/gu, '<').replace(/&gt;/gu, '>');

/**
 * Entity names from CLDR: territories (`^JP`, regions by UN M49 code `^002`), exemplar cities of time zones
 * (`@tokyo`, keyed by the English name) and languages (`%fr`, which also names nationality adjectives: French,
 * français, francés, الفرنسية). One line per entity: key, then its folded names in every locale, `|`-separated.
 */
function buildCldr(): string {
  const names = new Map<string, Set<string>>();
  const put = (key: string, name: string): void => {
    const folded = (unescapeXml(name).match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).map(foldToken).join(' ');
    if (!folded) return;
    let s = names.get(key);
    if (!s) names.set(key, (s = new Set()));
    s.add(folded);
  };
  const englishLanguages = new Set<string>();
  const en = readFileSync(join(CLDR, 'en.xml'), 'utf8');
  for (const m of en.matchAll(/<language type="([a-z]{2,3})">/gu)) englishLanguages.add(m[1]!);
  for (const locale of CLDR_LOCALES) {
    const xml = readFileSync(join(CLDR, `${locale}.xml`), 'utf8');
    for (const m of xml.matchAll(/<territory type="([A-Z]{2}|\d{3})"(?: alt="(?:short|variant)")?>([^<]+)<\/territory>/gu)) {
      if (m[1] === 'ZZ' || m[1] === 'QO') continue;
      put(`^${m[1]}`, m[2]!);
    }
    // Two-letter languages only: their names are the nationality words of news ("French", "allemand").
    for (const m of xml.matchAll(/<language type="([a-z]{2})">([^<]+)<\/language>/gu)) put(`%${m[1]}`, m[2]!);
    for (const m of xml.matchAll(/<zone type="([A-Za-z_]+\/[A-Za-z_/-]+)">\s*<exemplarCity>([^<]+)<\/exemplarCity>/gu)) {
      put(`@${foldToken(m[1]!.split('/').pop()!.replace(/_/gu, ' ')).replace(/ /gu, '_')}`, m[2]!);
    }
  }
  // English exemplar cities are implicit in the zone ids (Asia/Tokyo): add them for every zone any locale names.
  for (const key of [...names.keys()]) if (key.startsWith('@')) put(key, key.slice(1).replace(/_/gu, ' '));
  const lines = [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, s]) => `${k}\t${[...s].sort().join('|')}`);
  return [
    '#roundup-entities 1',
    `# CLDR territory, language and exemplar-city names in ${CLDR_LOCALES.join(', ')}, folded`,
    `# source: Debian package unicode-cldr-core ${versionOf('unicode-cldr-core')} (https://cldr.unicode.org)`,
    '# licence: Unicode-DFS-2016 (see LICENSES/Unicode-DFS-2016.txt); generated by scripts/build-lexicon.ts',
    ...lines,
  ].join('\n') + '\n';
}

// ── Transliteration ─────────────────────────────────────────────────────────────────────────────────────

/** Scripts of the registry's languages whose letters get an ASCII spelling for name matching. */
const TRANSLIT_BLOCKS: [number, number][] = [
  [0x0370, 0x03ff], // Greek
  [0x0400, 0x04ff], // Cyrillic
  [0x0590, 0x05ff], // Hebrew
  [0x0600, 0x06ff], // Arabic
  [0x0750, 0x077f], // Arabic supplement
];

function buildTranslit(): string {
  const pairs: string[] = [];
  for (const [lo, hi] of TRANSLIT_BLOCKS) {
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCodePoint(c);
      if (!/\p{L}/u.test(ch)) continue;
      const ascii = anyAscii(ch).toLowerCase();
      if (ascii !== ch) pairs.push(`${ch}${ascii}`);
    }
  }
  return (
    '// Generated by scripts/build-lexicon.ts from any-ascii: do not edit. ASCII spellings of Greek, Cyrillic,\n' +
    '// Hebrew and Arabic letters, for matching names across scripts without loading any-ascii.\n\n' +
    '/** Each entry is one letter followed by its ASCII spelling; entries are separated by NUL. */\n' +
    `const PACKED = ${JSON.stringify(pairs.join('\u0000'))};\n\n` +
    '/** Letter → lower-case ASCII spelling (`ك` → `k`, `ш` → `sh`, `ש` → `sh`); unlisted letters have none. */\n' +
    'export const SCRIPT_ASCII: ReadonlyMap<string, string> = new Map(\n' +
    "  PACKED.split('\\u0000').map((e) => [e[0]!, e.slice(1)] as const),\n" +
    ');\n'
  );
}

function withStems(entries: LexiconEntry[], lang: string): LexiconEntry[] {
  return STEMMED.has(lang) ? entries.map((e) => (e.pivots.length ? { ...e, stem: stem(e.key, lang) } : e)) : entries;
}

// ── Main ────────────────────────────────────────────────────────────────────────────────────────────────

function main(): void {
  ensurePackages(process.argv.includes('--install'));
  mkdirSync(join(OUT, 'LICENSES'), { recursive: true });
  copyFileSync('/usr/share/common-licenses/GPL-2', join(OUT, 'LICENSES/GPL-2.0.txt'));
  copyFileSync('/usr/share/common-licenses/GPL-3', join(OUT, 'LICENSES/GPL-3.0.txt'));
  const cldrCopyright = readFileSync('/usr/share/doc/unicode-cldr-core/copyright', 'utf8');
  const licence = /License:\s*Unicode-DFS-2016\n([\s\S]*?)(?:\n\S|$)/u.exec(cldrCopyright);
  writeFileSync(join(OUT, 'LICENSES/Unicode-DFS-2016.txt'), (licence?.[1] ?? cldrCopyright).replace(/^ \.?/gmu, '').trim() + '\n');

  const written: string[] = [];
  const write = (file: string, text: string): void => {
    writeFileSync(join(OUT, file), text);
    written.push(`${file} ${(text.length / 1024).toFixed(0)} KB`);
  };
  for (const lang of Object.keys(APERTIUM_LANGS)) {
    const t = buildApertium(lang);
    write(`${lang}.apertium.tsv`, formatTable(t.comments, withStems(t.entries, lang)));
  }
  for (const lang of Object.keys(FREEDICT_LANGS)) {
    const t = buildFreedict(lang);
    write(`${lang}.freedict.tsv`, formatTable(t.comments, withStems(t.entries, lang)));
  }
  write('entities.cldr.tsv', buildCldr());
  writeFileSync(join(ROOT, 'lib/lexicon/translit.ts'), buildTranslit());
  // Files of an earlier build that this one no longer writes would be loaded as stale data.
  for (const f of readdirSync(OUT)) if (f.endsWith('.tsv') && !written.some((w) => w.startsWith(`${f} `))) throw new Error(`stale table ${f}`);
  console.log(written.join('\n'));
  if (!existsSync(join(OUT, 'README.md'))) console.warn('data/lexicon/README.md is missing');
}

main();
