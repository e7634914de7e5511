// Lexicon bench: table sizes, load time and heap per language, bundle size and cold start with the tables
// (files beside the bundle vs JSON embedded), coverage of content words, and nearest-English-headline quality.
// Usage: node bin/run-ts.mjs bench/lexicon.ts [sizes|bundle|coverage|quality ...]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT, esbuildOptions } from '../infra/function.ts';
import { foldToken } from '../lib/text/fold.ts';
import { languageOf } from '../lib/text/language.ts';
import { stopwords } from '../lib/text/stem.ts';
import { parseFeed } from '../lib/ingest/parse.ts';
import { entityKey, findNumbers, matchEntities, pivotTerms, preloadLexicon } from '../lib/lexicon/index.ts';
import { BUNDLED_DIR_NAME, LEXICON_DATA_DIR, languageTable } from '../lib/lexicon/tables.ts';
import { LEXICON_LANGUAGES } from '../lib/lexicon/translate.ts';

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const kb = (bytes: number): number => round(bytes / 1024);
const load = (): number => round(loadavg()[0]!);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Runs a module script in a fresh node and returns its stdout parsed as JSON. */
function fresh(script: string, args: string[] = []): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, number>;
}

/** Per language: files on disk, load time and retained heap, each in a fresh process (median of `runs`). */
export function benchSizes(runs = 3): Record<string, unknown> {
  const perLanguage: Record<string, unknown> = {};
  const script = `
    import { languageTable } from './lib/lexicon/tables.ts';
    const lang = process.argv[1];
    globalThis.gc(); const h0 = process.memoryUsage().heapUsed; const t0 = performance.now();
    const t = languageTable(lang);
    const ms = performance.now() - t0; globalThis.gc();
    process.stdout.write(JSON.stringify({ ms, heapMB: (process.memoryUsage().heapUsed - h0) / 1e6,
      bytes: t.files.reduce((a, f) => a + f.bytes, 0), lemmas: t.pivots.size, forms: t.lemmas.size }));`;
  let totalBytes = 0;
  for (const lang of LEXICON_LANGUAGES) {
    const samples = Array.from({ length: runs }, () => fresh(script, [lang]));
    const s = samples[0]!;
    totalBytes += s.bytes!;
    perLanguage[lang] = {
      diskKB: kb(s.bytes!),
      lemmasWithPivots: s.lemmas,
      inflectedForms: s.forms,
      loadMs: round(median(samples.map((x) => x.ms!))),
      heapMB: round(median(samples.map((x) => x.heapMB!))),
    };
  }
  const entities = statSync(join(LEXICON_DATA_DIR, 'entities.cldr.tsv')).size;
  const all = Array.from({ length: runs }, () =>
    fresh(`
      import { preloadLexicon } from './lib/lexicon/index.ts';
      import { entityKey } from './lib/lexicon/entities.ts';
      globalThis.gc(); const h0 = process.memoryUsage().heapUsed; const t0 = performance.now();
      preloadLexicon(); entityKey('Tokyo', 'en');
      const ms = performance.now() - t0; globalThis.gc();
      process.stdout.write(JSON.stringify({ ms, heapMB: (process.memoryUsage().heapUsed - h0) / 1e6 }));`),
  );
  return {
    loadavg1m: load(),
    perLanguage,
    entitiesKB: kb(entities),
    totalDiskKB: kb(totalBytes + entities),
    allLanguagesAndEntities: { loadMs: round(median(all.map((x) => x.ms!))), heapMB: round(median(all.map((x) => x.heapMB!))) },
  };
}

/**
 * Bundle of a handler that loads every table at cold start, built with the functions' esbuild options, two
 * ways: tables as files beside the bundle (read at run time) and tables embedded as JSON imports. Reports
 * size and median cold start (import + preload) in fresh processes, next to the same handler without the
 * lexicon.
 */
export async function benchBundle(runs = 7): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'roundup-lexicon-'));
  try {
    const files = readdirSync(LEXICON_DATA_DIR).filter((f) => f.endsWith('.tsv'));
    // Embedded variant: each table as a JSON string module, handed to the loader through a data directory
    // written to /tmp at cold start (the only way the same loader reads embedded text).
    const embeddedJson = join(work, 'tables.json');
    writeFileSync(embeddedJson, JSON.stringify(Object.fromEntries(files.map((f) => [f, readFileSync(join(LEXICON_DATA_DIR, f), 'utf8')]))));
    const entries: Record<string, string> = {
      none: `export const handler = async () => 'ok';`,
      files: `import { preloadLexicon, entityKey } from ${JSON.stringify(join(REPO_ROOT, 'lib/lexicon/index.ts'))};
        preloadLexicon(); entityKey('Tokyo', 'en');
        export const handler = async () => 'ok';`,
      embedded: `import tables from ${JSON.stringify(embeddedJson)} with { type: 'json' };
        import { mkdirSync, writeFileSync } from 'node:fs';
        import { configureLexicon, preloadLexicon, entityKey } from ${JSON.stringify(join(REPO_ROOT, 'lib/lexicon/index.ts'))};
        const dir = '/tmp/roundup-lexicon-embedded'; mkdirSync(dir, { recursive: true });
        for (const [f, text] of Object.entries(tables)) writeFileSync(dir + '/' + f, text);
        configureLexicon({ dir }); preloadLexicon(); entityKey('Tokyo', 'en');
        export const handler = async () => 'ok';`,
    };
    const out: Record<string, unknown> = {};
    for (const [name, code] of Object.entries(entries)) {
      const entry = join(work, `${name}.ts`);
      writeFileSync(entry, code);
      const dir = join(work, name);
      mkdirSync(dir, { recursive: true });
      const outfile = join(dir, 'index.mjs');
      await build({ ...esbuildOptions(entry, outfile), logLevel: 'silent' });
      // What a function asset would hold: the bundle, and for the files variant the data folder beside it.
      if (name === 'files') cpSync(LEXICON_DATA_DIR, join(dir, BUNDLED_DIR_NAME), { recursive: true });
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = spawnSync(
          process.execPath,
          ['--input-type=module', '-e', `const t0 = performance.now(); await import(${JSON.stringify(`file://${outfile}`)}); process.stdout.write(String(performance.now() - t0));`],
          { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
        );
        if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
        times.push(Number(r.stdout));
      }
      const assetBytes = (d: string): number =>
        readdirSync(d, { withFileTypes: true }).reduce((a, e) => a + (e.isDirectory() ? assetBytes(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
      out[name] = {
        bundleKB: kb(statSync(outfile).size),
        assetKB: kb(assetBytes(dir) - (existsSync(`${outfile}.map`) ? statSync(`${outfile}.map`).size : 0)),
        coldStartMedianMs: round(median(times)),
        coldStartMinMs: round(Math.min(...times)),
      };
    }
    return { loadavg1m: load(), cpus: cpus().length, runs, variants: out };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Content words of a text: folded, not stop words, not numbers, at least two letters. */
function contentWords(text: string, lang: string): string[] {
  const stop = stopwords(lang);
  return (text.match(WORD) ?? []).map(foldToken).filter((w) => w.length > 1 && !stop.has(w) && !/^\d/u.test(w));
}

/** Headlines of the offline sample day with their declared language. */
async function sampleDay(): Promise<{ title: string; lang: string }[]> {
  const dir = join(REPO_ROOT, 'lib/samples/feeds');
  const out: { title: string; lang: string }[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.xml')).sort()) {
    const feed = await parseFeed(readFileSync(join(dir, f)));
    for (const e of feed.entries) out.push({ title: e.title ?? '', lang: languageOf(e.title ?? '', e.language ?? feed.language) });
  }
  return out;
}

/**
 * Share of content-word tokens that get a pivot translation (and, separately, that are CLDR entities or
 * skeleton names), on the shared French set and on the sample day's non-English headlines.
 */
export async function benchCoverage(): Promise<Record<string, unknown>> {
  const measure = (items: { title: string; lang: string }[]): Record<string, unknown> => {
    const byLang: Record<string, { tokens: number; translated: number; entity: number }> = {};
    for (const { title, lang } of items) {
      if (lang === 'en') continue;
      const b = (byLang[lang] ??= { tokens: 0, translated: 0, entity: 0 });
      for (const w of contentWords(title, lang)) {
        b.tokens++;
        if (pivotTerms(w, lang).length > 0) b.translated++;
      }
      const raw = title.match(WORD) ?? [];
      b.entity += matchEntities(raw, lang).length;
    }
    return Object.fromEntries(
      Object.entries(byLang).map(([l, b]) => [l, { contentTokens: b.tokens, translatedShare: round(b.translated / b.tokens, 3), cldrEntities: b.entity }]),
    );
  };
  const french = resolve(REPO_ROOT, '../shared/datasets/french-googlenews-dev/items.jsonl');
  const frenchItems = existsSync(french)
    ? readFileSync(french, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; lang: string })
    : [];
  const pairs = readFileSync(join(REPO_ROOT, 'test/fixtures/lexicon/pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; lang: string });
  return {
    frenchGoogleNewsDev: frenchItems.length ? measure(frenchItems) : 'skipped: ../shared absent',
    sampleDay: measure(await sampleDay()),
    labelledPairs: measure(pairs),
  };
}

/** Features of a headline for the quality check, by level: surface words, + entities and numbers, + pivots. */
function features(title: string, lang: string, level: 'surface' | 'entities' | 'pivots'): Set<string> {
  const out = new Set<string>();
  const words = contentWords(title, lang);
  for (const w of words) out.add(w);
  if (level === 'surface') return out;
  for (const n of findNumbers(title, lang)) out.add(`#${n.value}`);
  const raw = title.match(WORD) ?? [];
  const covered = new Set<number>();
  for (const m of matchEntities(raw, lang)) {
    out.add(m.key);
    for (let i = m.start; i < m.end; i++) covered.add(i);
  }
  raw.forEach((w, i) => {
    if (covered.has(i)) return;
    const k = entityKey(w, lang);
    if (k?.startsWith('~')) out.add(k);
  });
  if (level === 'entities') return out;
  for (const w of words) for (const p of pivotTerms(w, lang)) out.add(`=${p}`);
  return out;
}

/**
 * For every non-English headline of a story that also has English headlines, the English headline with the
 * highest IDF-weighted feature overlap among all English headlines of the pool: how often it is one of the
 * same story. Three levels: surface words only (no lexicon), + entity keys and numbers, + pivot terms.
 */
export async function benchQuality(): Promise<Record<string, unknown>> {
  const labels = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/lexicon/sample-day-stories.json'), 'utf8')) as Record<string, string[]>;
  const storyOf = (title: string): string | undefined => Object.entries(labels).find(([, ps]) => ps.some((p) => title.startsWith(p)))?.[0];
  const pool: { title: string; lang: string; story: string | undefined; set: string }[] = (await sampleDay()).map((h) => ({ ...h, story: storyOf(h.title), set: 'sample day' }));
  for (const l of readFileSync(join(REPO_ROOT, 'test/fixtures/lexicon/pairs.jsonl'), 'utf8').trim().split('\n')) {
    const p = JSON.parse(l) as { title: string; lang: string; story: string };
    pool.push({ ...p, set: 'pairs' });
  }
  const english = pool.filter((h) => h.lang === 'en');
  const queries = pool.filter((h) => h.lang !== 'en' && h.story && english.some((e) => e.story === h.story));
  const result: Record<string, unknown> = { englishCandidates: english.length, queries: queries.length };
  for (const level of ['surface', 'entities', 'pivots'] as const) {
    const feats = new Map(pool.map((h) => [h, features(h.title, h.lang, level)]));
    const df = new Map<string, number>();
    for (const f of feats.values()) for (const k of f) df.set(k, (df.get(k) ?? 0) + 1);
    const idf = (k: string): number => Math.log(1 + pool.length / (df.get(k) ?? 1));
    const byLang: Record<string, { hits: number; n: number }> = {};
    const misses: string[] = [];
    for (const q of queries) {
      const fq = feats.get(q)!;
      let best: (typeof english)[number] | undefined;
      let bestScore = 0;
      for (const e of english) {
        let s = 0;
        for (const k of feats.get(e)!) if (fq.has(k)) s += idf(k);
        if (s > bestScore) [best, bestScore] = [e, s];
      }
      const b = (byLang[q.lang] ??= { hits: 0, n: 0 });
      b.n++;
      if (best && best.story === q.story) b.hits++;
      else if (level === 'pivots') misses.push(`${q.lang}: ${q.title} → ${best?.title ?? '(nothing shared)'}`);
    }
    const hits = Object.values(byLang).reduce((a, b) => a + b.hits, 0);
    result[level] = {
      top1: round(hits / queries.length, 3),
      hits,
      perLanguage: Object.fromEntries(Object.entries(byLang).map(([l, b]) => [l, `${b.hits}/${b.n}`])),
      ...(level === 'pivots' ? { misses } : {}),
    };
  }
  return result;
}

/** Every part of the bench (`npm run bench -- lexicon`). */
export async function benchLexicon(): Promise<Record<string, unknown>> {
  preloadLexicon();
  languageTable('en');
  return {
    node: process.version,
    sizes: benchSizes(),
    bundle: await benchBundle(),
    coverage: await benchCoverage(),
    quality: await benchQuality(),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(REPO_ROOT, 'bench', 'lexicon.ts')) {
  const wanted = process.argv.slice(2);
  const parts: Record<string, () => unknown> = { sizes: benchSizes, bundle: benchBundle, coverage: benchCoverage, quality: benchQuality };
  const result: Record<string, unknown> = { node: process.version, loadavg1m: load() };
  for (const name of wanted.length ? wanted : Object.keys(parts)) result[name] = await parts[name]!();
  console.log(JSON.stringify(result, null, 2));
}
