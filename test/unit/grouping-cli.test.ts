// Tests of the `cluster` and `eval` CLI commands on the mixed-language fixture (stdout captured, no files written).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run as cluster, parseItemLine } from '../../lib/cli/commands/cluster.ts';
import { run as evaluate } from '../../lib/cli/commands/eval.ts';
import type { CliIO } from '../../lib/cli/io.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function io(): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd: repoRoot } as CliIO & { out: string; err: string };
  o.stdout = (s) => (o.out += s);
  o.stderr = (s) => (o.err += s);
  return o;
}

describe('roundup cluster / eval', () => {
  it('writes one {id, storyId, label, score} line per item, deterministically', async () => {
    const a = io();
    expect(await cluster(['--in', 'test/fixtures/grouping/mixed/items.jsonl'], a)).toBe(0);
    const lines = a.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(40);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['id', 'label', 'score', 'storyId']);
      expect(l.storyId).toMatch(/^s_[0-9a-f]{12}$/u);
      expect(typeof l.label).toBe('string');
    }
    const b = io();
    await cluster(['--in', 'test/fixtures/grouping/mixed/items.jsonl'], b);
    expect(b.out).toBe(a.out);
  });

  it('rejects missing flags and tolerates items with only id and title', async () => {
    const a = io();
    expect(await cluster([], a)).toBe(2);
    expect(a.err).toMatch(/--in/u);
    expect(parseItemLine('{"id": 7, "title": "Only a title"}')).toEqual({ id: '7', title: 'Only a title' });
    expect(parseItemLine('{"title": "no id"}')).toBe('missing id');
    expect(parseItemLine('not json')).toBe('not JSON');
  });

  it('eval prints B-cubed, pairwise, NMI and story counts', async () => {
    const a = io();
    const code = await evaluate(
      ['--items', 'test/fixtures/grouping/mixed/gold.jsonl', '--gold', 'test/fixtures/grouping/mixed/gold.jsonl', '--json'],
      a,
    );
    expect(code).toBe(0);
    const r = JSON.parse(a.out) as Record<string, number>;
    expect(r).toMatchObject({ bcubedF1: 1, pairwiseF1: 1, predictedClusters: 11, goldClusters: 11 });
    const b = io();
    await evaluate(['--items', 'test/fixtures/grouping/mixed/gold.jsonl', '--gold', 'test/fixtures/grouping/mixed/gold.jsonl'], b);
    expect(b.out).toMatch(/B-cubed F1\s+1\.000/u);
    expect(b.out).toMatch(/NMI/u);
    expect(b.out).toMatch(/stories gold\s+11/u);
    expect(await evaluate(['--items', 'x'], io())).toBe(2);
  });
});
