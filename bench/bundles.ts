// Bundle-size and cold-start bench: bundles every function as RoundupFunction does, times fresh imports and init (import + first invocation).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, build, type Metafile } from 'esbuild';
import { startFauxqs } from 'fauxqs';
import { REPO_ROOT, bundleOptions, esbuildOptions, type RoundupBundleOptions } from '../infra/function.ts';
import { FUNCTION_NAMES } from '../infra/stack.ts';
import { startDynalite } from '../lib/local/dynalite.ts';
import { createDynamoClient } from '../lib/store/client.ts';
import { ensureTable } from '../lib/store/table.ts';
import { functionUrlEvent, scheduledEvent } from '../test/support/lambda-host.ts';

/** Result for one bundle. */
export interface BundleResult {
  sizeKB: number;
  gzipKB: number;
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
  /**
   * Cold start as Lambda's Init plus the first invocation: median ms of import and of the first handler call
   * (against local DynamoDB and SQS emulators), in fresh processes, for the SDK bundled (`bundled`) and for
   * the SDK left out of the bundle and loaded from a node_modules beside it (`runtimeSdk`, as from the Lambda
   * runtime's copy). A string is the error it failed with.
   */
  init?: Record<'bundled' | 'runtimeSdk', InitResult | string>;
}

/** Median cold start of one bundle variant. */
export interface InitResult {
  sizeKB: number;
  importMs: number;
  firstInvokeMs: number;
  /** import + first invocation, per run, then the median. */
  totalMs: number;
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

// Imports a bundle, invokes its handler once with the event in ROUNDUP_BENCH_EVENT and reports both times.
const INIT_SCRIPT = `
const t0 = performance.now();
const { handler } = await import(process.env.ROUNDUP_BENCH_BUNDLE);
const t1 = performance.now();
const context = { functionName: 'bench', awsRequestId: 'bench', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench', getRemainingTimeInMillis: () => 60000 };
await handler(JSON.parse(process.env.ROUNDUP_BENCH_EVENT), context);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, invokeMs: t2 - t1 }), () => process.exit(0));
`;

/**
 * One cold start in a fresh process: import, then the first invocation. Asynchronous, unlike importOnce: the
 * emulators it calls run in this process and must keep serving while the child waits.
 */
export async function initOnce(file: string, event: unknown, env: Record<string, string>): Promise<{ importMs: number; invokeMs: number } | { error: string }> {
  const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', INIT_SCRIPT], {
    env: { PATH: process.env.PATH ?? '', ...BENCH_ENV, ...env, ROUNDUP_BENCH_BUNDLE: pathToFileURL(file).href, ROUNDUP_BENCH_EVENT: JSON.stringify(event) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const status = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  try {
    const v = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { importMs: number; invokeMs: number };
    if (status === 0) return v;
  } catch {
    // fall through: report stderr
  }
  return { error: stderr.split('\n').find((l) => /Error\b/.test(l))?.trim() ?? `exit ${status}` };
}

/** The first event each function gets: a real event shape, against empty emulated resources. */
function firstEvents(queueArn: string): Record<string, unknown> {
  const sqsRecord = (body: string) => ({
    messageId: 'bench-1',
    receiptHandle: 'bench',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  });
  return {
    api: functionUrlEvent('/stories'),
    scheduler: scheduledEvent('bench-schedule'),
    // A feed the table does not know: reads outlets and the feed record, then drops the message.
    fetch: { Records: [sqsRecord(JSON.stringify({ feedId: 'bench/unknown', dueAt: new Date().toISOString() }))] },
    group: { Records: [sqsRecord('{"reason":"schedule"}')] },
    'hello-world': {},
  };
}

/** Median cold start of `file` over `runs` fresh processes (each on a fresh table, so every run is a first run). */
function timeInit(file: string, sizeKB: number, event: unknown, env: () => Promise<Record<string, string>>, runs: number): Promise<InitResult | string> {
  return (async () => {
    const imports: number[] = [];
    const invokes: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await initOnce(file, event, await env());
      if ('error' in r) return r.error;
      imports.push(r.importMs);
      invokes.push(r.invokeMs);
      totals.push(r.importMs + r.invokeMs);
    }
    return { sizeKB, importMs: median(imports), firstInvokeMs: median(invokes), totalMs: median(totals) };
  })();
}

/**
 * Bundles `functions/{api,scheduler,fetch,group}.ts` and a hello-world handler with the construct's esbuild
 * options, then reports minified size and median cold-import time per bundle.
 * @param runs fresh processes per bundle and mode (default 10, or `ROUNDUP_BENCH_RUNS`).
 */
export async function benchBundles(runs = Number(process.env.ROUNDUP_BENCH_RUNS ?? 10)): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'roundup-bundles-'));
  // Emulated AWS for the first invocations: dynalite (a fresh table per run) and fauxqs queues.
  const db = await startDynalite();
  const dynamo = createDynamoClient({ region: 'us-east-1', endpoint: db.endpoint });
  const sqs = await startFauxqs({ port: 0, logger: false });
  const fetchQueue = sqs.createQueue('roundup-bench-fetch');
  const groupQueue = sqs.createQueue('roundup-bench-group.fifo', { attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } });
  let tables = 0;
  const freshEnv = async (): Promise<Record<string, string>> => {
    const table = `bench-${++tables}`;
    await ensureTable(dynamo, table);
    return {
      ROUNDUP_TABLE: table,
      ROUNDUP_DYNAMODB_ENDPOINT: db.endpoint,
      ROUNDUP_SQS_ENDPOINT: sqs.address,
      ROUNDUP_FETCH_QUEUE_URL: fetchQueue.queueUrl,
      ROUNDUP_GROUP_QUEUE_URL: groupQueue.queueUrl,
    };
  };
  const events = firstEvents(fetchQueue.queueArn);
  // The runtime's copy of the SDK stands in as a node_modules beside the bundle (same versions as ours).
  const runtimeSdk: RoundupBundleOptions = { ...bundleOptions(), externalModules: ['@aws-sdk/*', '@smithy/*'] };
  mkdirSync(join(work, 'runtime-sdk'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(work, 'runtime-sdk', 'node_modules'), 'dir');
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
      const external = join(work, 'runtime-sdk', name, 'index.mjs');
      mkdirSync(join(work, 'runtime-sdk', name), { recursive: true });
      await build({ ...esbuildOptions(entry, external, runtimeSdk), logLevel: 'silent' });
      const init = {
        bundled: await timeInit(outfile, kb(code.length), events[name], freshEnv, runs),
        runtimeSdk: await timeInit(external, kb(readFileSync(external).length), events[name], freshEnv, runs),
      };
      bundles[name] = {
        sizeKB: kb(code.length),
        gzipKB: kb(gzipSync(code).length),
        init,
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
    dynamo.destroy();
    await sqs.stop();
    await db.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Markdown tables of a {@link benchBundles} result, as pasted into docs/infra.md. */
export function bundlesTable(result: Record<string, unknown>): string {
  const bundles = result.bundles as Record<string, BundleResult>;
  const ms = (v: number | string | undefined) => (typeof v === 'number' ? String(v) : `**fails**: ${v}`);
  const init = (v: InitResult | string | undefined) => (typeof v === 'object' ? `${v.totalMs} (${v.importMs} + ${v.firstInvokeMs})` : ms(v));
  const rows = Object.entries(bundles).map(
    ([name, b]) =>
      `| ${name} | ${b.sizeKB} | ${b.gzipKB} | ${init(b.init?.bundled)} | ${typeof b.init?.runtimeSdk === 'object' ? b.init.runtimeSdk.sizeKB : '—'} | ${init(b.init?.runtimeSdk)} | ${ms(b.importMedianMs)} | ${ms(b.importMedianMsNoSourceMaps)} |`,
  );
  return [
    '| bundle | minified KB | gzip KB | init ms, SDK bundled (import + first call) | KB without SDK | init ms, runtime SDK (import + first call) | import-only median ms (`--enable-source-maps`) | import-only median ms (no source maps) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(REPO_ROOT, 'bench', 'bundles.ts')) {
  const result = await benchBundles();
  console.log(JSON.stringify(result, null, 2));
  console.log(`\n${bundlesTable(result)}\n\nnode ${process.version} ${process.arch}, ${result.cpus} CPUs, load ${result.loadavg1m}, ${result.runs} runs per cell`);
}
