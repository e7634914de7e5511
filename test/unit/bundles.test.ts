// Function bundles carry the real AWS SDK and Powertools, and stay free of what they do not need (grouping engine, fetch stack, classic zod).
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, esbuildOptions } from '../../infra/function.ts';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/stack.ts';

interface Bundle {
  kb: number;
  inputs: string[];
}

const bundles = {} as Record<FunctionName, Bundle>;

beforeAll(async () => {
  for (const name of FUNCTION_NAMES) {
    // The house options, in memory: the same bundles bench/bundles.ts measures and CDK deploys.
    const r = await build({
      ...esbuildOptions(join(REPO_ROOT, 'functions', `${name}.ts`), join(REPO_ROOT, '.cache', 'bundles-test', name, 'index.mjs')),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const [, out] = Object.entries((r.metafile as Metafile).outputs).find(([file]) => file.endsWith('.mjs'))!;
    bundles[name] = { kb: out.bytes / 1024, inputs: Object.keys(out.inputs) };
  }
}, 120_000);

const matching = (name: FunctionName, re: RegExp) => bundles[name].inputs.filter((f) => re.test(f));

describe('function bundles', () => {
  it('bundle the AWS SDK v3 clients themselves (no hand-written AWS client, nothing taken from the runtime)', () => {
    for (const name of FUNCTION_NAMES) {
      expect(matching(name, /node_modules\/@aws-sdk\/client-dynamodb\/dist-es\/DynamoDBClient\.js$/), name).toHaveLength(1);
      expect(matching(name, /node_modules\/@aws-sdk\/credential-provider-node\//).length, name).toBeGreaterThan(0);
      expect(matching(name, /lib\/aws\/clients\.ts$/), name).toHaveLength(1);
      expect(matching(name, /aws4fetch|lite-client/), name).toEqual([]);
    }
    // Only the functions that send to queues carry the SQS client.
    for (const name of ['scheduler', 'fetch'] as const) expect(matching(name, /@aws-sdk\/client-sqs\/dist-es\/SQSClient\.js$/), name).toHaveLength(1);
    for (const name of ['api', 'group'] as const) expect(matching(name, /@aws-sdk\/client-sqs\//), name).toEqual([]);
  });

  it('log and publish metrics through Powertools', () => {
    for (const name of FUNCTION_NAMES) {
      expect(matching(name, /@aws-lambda-powertools\/logger\//).length, name).toBeGreaterThan(0);
      expect(matching(name, /@aws-lambda-powertools\/metrics\//).length, name).toBeGreaterThan(0);
    }
  });

  it('keep the grouping engine and its language data out of the API and ingest bundles', () => {
    // (The per-language headline picker is pure and dependency-free: the API derives headlines with it.)
    const grouping = /lib\/group\/(?!headlines\.ts$)|i18n-iso-countries|snowball-stemmers|stopwords-iso|any-ascii/;
    for (const name of ['api', 'scheduler', 'fetch'] as const) expect(matching(name, grouping), name).toEqual([]);
    expect(matching('group', /lib\/group\/engine\.ts$/)).toHaveLength(1);
  });

  it('keep the fetch stack (HTTP client, charsets, feed parsers) out of the scheduler and the API', () => {
    const fetchStack = /lib\/ingest\/|iconv-lite|rss-parser|xml2js/;
    for (const name of ['api', 'scheduler'] as const) expect(matching(name, fetchStack), name).toEqual([]);
    expect(matching('fetch', /lib\/ingest\/fetch\.ts$/)).toHaveLength(1);
  });

  it('use zod/mini only (classic zod does not tree-shake and ships every locale)', () => {
    for (const name of FUNCTION_NAMES) {
      expect(matching(name, /node_modules\/zod\/v4\/classic\//), name).toEqual([]);
      expect(matching(name, /node_modules\/zod\/v4\/locales\/(?!en\.js$)/), name).toEqual([]);
    }
  });

  it('ship one copy of iconv-lite in the fetch bundle', () => {
    const copies = new Set(matching('fetch', /iconv-lite\//).map((f) => f.slice(0, f.indexOf('iconv-lite/'))));
    expect([...copies]).toEqual(['node_modules/']);
  });
});
