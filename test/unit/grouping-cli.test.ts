// Tests of the `cluster` and `eval` CLI commands on the mixed-language fixture (stdout captured, no files written).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run as cluster, parseItemLine } from '../../lib/cli/commands/cluster.ts';
import { run as evaluate } from '../../lib/cli/commands/eval.ts';
import type { CliIO } from '../../lib/cli/io.ts';
import type { LanguageScores } from '../../lib/group/metrics.ts';

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
    expect(lines).toHaveLength(96);
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
    expect(r).toMatchObject({ bcubedF1: 1, pairwiseF1: 1, predictedClusters: 22, goldClusters: 22 });
    const b = io();
    await evaluate(['--items', 'test/fixtures/grouping/mixed/gold.jsonl', '--gold', 'test/fixtures/grouping/mixed/gold.jsonl'], b);
    expect(b.out).toMatch(/B-cubed F1\s+1\.000/u);
    expect(b.out).toMatch(/NMI/u);
    expect(b.out).toMatch(/stories gold\s+22/u);
    expect(b.out).not.toMatch(/cross-lingual/u);
    expect(await evaluate(['--items', 'x'], io())).toBe(2);
  });

  it('eval --by-language adds per-language scores and cross-lingual pair precision and recall', async () => {
    // The gold as the prediction: every pair right, so the counts are the gold's.
    const args = ['--items', 'test/fixtures/grouping/mixed/gold.jsonl', '--gold', 'test/fixtures/grouping/mixed/gold.jsonl', '--by-language', 'test/fixtures/grouping/mixed/items.jsonl'];
    const a = io();
    expect(await evaluate([...args, '--json'], a)).toBe(0);
    const r = JSON.parse(a.out) as { bcubedF1: number; byLanguage: LanguageScores };
    expect(Object.keys(r.byLanguage.languages).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'it', 'pt']);
    expect(r.byLanguage.languages.fr!.items).toBe(23);
    const all = r.byLanguage.crossLingual.all;
    expect(all.goldPairs).toBe(Object.values(r.byLanguage.crossLingual.pairs).reduce((n, p) => n + p.goldPairs, 0));
    expect(all).toMatchObject({ precision: 1, recall: 1, correctPairs: all.goldPairs, predictedPairs: all.goldPairs });
    expect(all.goldPairs).toBe(259);
    expect(r.byLanguage.crossLingual.pairs['ar-en']!.goldPairs).toBeGreaterThan(0);
    const b = io();
    await evaluate(args, b);
    expect(b.out).toMatch(/^fr\s+23\s/mu);
    expect(b.out).toMatch(/^ar-en\s+\d+\s+\d+\s+\d\.\d{3}\s+\d\.\d{3}$/mu);
    expect(b.out).toMatch(/^all\s/mu);
  });
});
