// Bundle-size and cold-import bench: bundles every function exactly as RoundupFunction does and times fresh imports.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, build, type Metafile } from 'esbuild';
import { REPO_ROOT, bundleOptions, esbuildOptions } from '../infra/function.ts';
import { FUNCTION_NAMES } from '../infra/stack.ts';

/**
 * Size budgets in KB of minified output (the `.mjs`, source map excluded). The api budget was 250 KB for the JSON API
 * and editor desk; the reader site (pages, inline stylesheet, English and French words: ~35 KB) raised it to 275.
 */
export const BUNDLE_TARGETS_KB: Record<string, number> = { api: 275, scheduler: 800, fetch: 800 };

/** Result for one bundle. */
export interface BundleResult {
  sizeKB: number;
  gzipKB: number;
  targetKB?: number;
  withinTarget?: boolean;
  /**
   * Median ms of `await import(bundle)` in a fresh process, with `--enable-source-maps` as on Lambda;
   * a string is the error the import failed with (the function would fail every cold start).
   */
  importMedianMs: number | string;
  /** Same without source-map support, to show what the flag costs. */
  importMedianMsNoSourceMaps: number | string;
  /** Fastest run with source maps: the least load-sensitive number on a busy machine. */
  importMinMs?: number;
  /** Largest contributors to the minified output, by package. */
  topPackagesKB: Record<string, number>;
}

/** Environment the functions validate at import time; inert values (nothing touches the network on import). */
export const BENCH_ENV: Record<string, string> = {
  ROUNDUP_TABLE: 'roundup-bench',
  ROUNDUP_STAGE: 'bench',
  ROUNDUP_RETENTION_DAYS: '30',
  ROUNDUP_PUBLISH_MODE: 'outlets',
  ROUNDUP_PUBLISH_MIN_OUTLETS: '2',
  ROUNDUP_LOG_LEVEL: 'error',
  ROUNDUP_FETCH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/roundup-bench-fetch',
  ROUNDUP_GROUP_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/roundup-bench-group.fifo',
  // A pepper instead of ROUNDUP_EDITOR_SECRET_ARN: with an ARN the API reads the secret from the Parameters and
  // Secrets extension at import (localhost:2773), which only exists on Lambda. The desk is mounted either way.
  ROUNDUP_EDITOR_PEPPER: 'bench-pepper',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'roundup-bench',
};

const HELLO = "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n";

const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return Math.round((s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2) * 10) / 10;
}

/**
 * Imports a bundle once in a fresh `node` process (no node_modules reachable from the bundle's directory,
 * like on Lambda) and returns the time `await import()` took, or the error it threw.
 */
export function importOnce(file: string, sourceMaps = true): { ms: number } | { error: string } {
  const script = [
    'const t0 = process.hrtime.bigint();',
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    'const ms = Number(process.hrtime.bigint() - t0) / 1e6;',
    // Exit explicitly: a module-scope client or timer must not keep the process (and the bench) alive.
    'process.stdout.write(String(ms), () => process.exit(0));',
  ].join('\n');
  const args = [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...BENCH_ENV }, encoding: 'utf8', timeout: 60_000 });
  const ms = Number(r.stdout);
  if (r.status !== 0 || r.stdout === '' || !Number.isFinite(ms)) {
    const lines = (r.stderr || r.error?.message || `exit ${r.status}`).split('\n');
    // The first "Error:" line names the cause (e.g. Cannot find module 'x'); the rest is loader stack.
    return { error: (lines.find((l) => /Error\b/.test(l) && !l.includes('new Error')) ?? lines[0] ?? '').trim() };
  }
  return { ms };
}

/**
 * Median ms of `runs` fresh imports with and without `--enable-source-maps`, interleaved so both modes see
 * the same machine load; a string is the import error.
 */
function timeImports(file: string, runs: number): { withMaps: number | string; withoutMaps: number | string; minWithMaps?: number } {
  const withMaps: number[] = [];
  const withoutMaps: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [maps, into] of [
      [true, withMaps],
      [false, withoutMaps],
    ] as const) {
      const r = importOnce(file, maps);
      if ('error' in r) return { withMaps: r.error, withoutMaps: r.error };
      into.push(r.ms);
    }
  }
  return { withMaps: median(withMaps), withoutMaps: median(withoutMaps), minWithMaps: Math.round(Math.min(...withMaps) * 10) / 10 };
}

function topPackages(metafile: Metafile, n = 8): Record<string, number> {
  const out = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const by = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(out?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1]! : file.split('/').slice(0, 2).join('/');
    by.set(key, (by.get(key) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries([...by].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, kb(v)]));
}

/**
 * Bundles `functions/{api,scheduler,fetch,group}.ts` and a hello-world handler with the construct's esbuild
 * options, then reports minified size and median cold-import time per bundle.
 * @param runs fresh processes per bundle and mode (default 10, or `ROUNDUP_BENCH_RUNS`).
 */
export async function benchBundles(runs = Number(process.env.ROUNDUP_BENCH_RUNS ?? 10)): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'roundup-bundles-'));
  try {
    const helloEntry = join(work, 'hello.mjs');
    writeFileSync(helloEntry, HELLO);
    const entries: [string, string][] = [
      ...FUNCTION_NAMES.map((n): [string, string] => [n, join(REPO_ROOT, 'functions', `${n}.ts`)]),
      ['hello-world', helloEntry],
    ];
    const bundles: Record<string, BundleResult> = {};
    for (const [name, entry] of entries) {
      const outfile = join(work, name, 'index.mjs');
      mkdirSync(join(work, name), { recursive: true });
      const r = await build({ ...esbuildOptions(entry, outfile), metafile: true, logLevel: 'silent' });
      // Per-file breakdown (largest inputs first) for finding what to cut; on stderr so stdout stays JSON.
      if (process.env.ROUNDUP_BENCH_ANALYZE) process.stderr.write(`\n${name}:${await analyzeMetafile(r.metafile)}`);
      const code = readFileSync(outfile);
      const targetKB = BUNDLE_TARGETS_KB[name];
      bundles[name] = {
        sizeKB: kb(code.length),
        gzipKB: kb(gzipSync(code).length),
        ...(targetKB !== undefined ? { targetKB, withinTarget: kb(code.length) <= targetKB } : {}),
        ...(() => {
          const t = timeImports(outfile, runs);
          return {
            importMedianMs: t.withMaps,
            importMedianMsNoSourceMaps: t.withoutMaps,
            ...(t.minWithMaps !== undefined ? { importMinMs: t.minWithMaps } : {}),
          };
        })(),
        topPackagesKB: topPackages(r.metafile),
      };
    }
    // Cold-import times on a shared machine move with its load; record it next to the numbers.
    return { node: process.version, arch: process.arch, cpus: cpus().length, loadavg1m: Math.round(loadavg()[0]! * 10) / 10, runs, options: bundleOptions(), bundles };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Markdown table of a {@link benchBundles} result, as pasted into docs/infra.md. */
export function bundlesTable(result: Record<string, unknown>): string {
  const bundles = result.bundles as Record<string, BundleResult>;
  const rows = Object.entries(bundles).map(([name, b]) => {
    const target = b.targetKB === undefined ? '—' : `≤ ${b.targetKB} KB ${b.withinTarget ? 'met' : '**missed**'}`;
    const ms = (v: number | string) => (typeof v === 'number' ? String(v) : `**fails**: ${v}`);
    return `| ${name} | ${b.sizeKB} | ${b.gzipKB} | ${target} | ${ms(b.importMedianMs)} | ${b.importMinMs ?? '—'} | ${ms(b.importMedianMsNoSourceMaps)} |`;
  });
  return [
    '| bundle | minified KB | gzip KB | size target | import median ms (`--enable-source-maps`) | import min ms | import median ms (no source maps) |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(REPO_ROOT, 'bench', 'bundles.ts')) {
  const result = await benchBundles();
  console.log(JSON.stringify(result, null, 2));
  console.log(`\n${bundlesTable(result)}\n\nnode ${process.version} ${process.arch}, ${result.cpus} CPUs, load ${result.loadavg1m}, ${result.runs} runs per cell`);
}
