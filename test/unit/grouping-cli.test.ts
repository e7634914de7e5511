// Tests of the `cluster` and `eval` CLI commands on the mixed-language fixture (stdout captured; predictions written to a temporary folder).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run as cluster, parseItemLine } from '../../lib/cli/commands/cluster.ts';
import { run as evaluate } from '../../lib/cli/commands/eval.ts';
import type { CliIO } from '../../lib/cli/io.ts';
import type { LanguageScores } from '../../lib/group/metrics.ts';
import { main } from '../../lib/cli/main.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function io(): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd: repoRoot } as CliIO & { out: string; err: string };
  o.stdout = (s) => (o.out += s);
  o.stderr = (s) => (o.err += s);
  return o;
}

describe('roundup cluster / eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roundup-eval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const goldFile = resolve(repoRoot, 'test/fixtures/grouping/mixed/gold.jsonl');
  const gold = readFileSync(goldFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; story: string });
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
    expect(await main(['cluster'], a)).toBe(2);
    expect(a.err).toBe('roundup cluster: --in is required (roundup cluster --help)\n');
    const b = io();
    expect(await main(['cluster', '--in', 'missing.jsonl'], b)).toBe(3);
    expect(b.err).toBe('roundup cluster: cannot read missing.jsonl: no such file\n');
    expect(parseItemLine('{"id": 7, "title": "Only a title"}')).toEqual({ id: '7', title: 'Only a title' });
    expect(parseItemLine('{"title": "no id"}')).toBe('missing id');
    expect(parseItemLine('not json')).toBe('not JSON');
  });

  it('eval prints B-cubed, pairwise, NMI and story counts', async () => {
    // Predictions that match the gold stories exactly.
    const predicted = join(dir, 'pred.jsonl');
    writeFileSync(predicted, gold.map((g) => JSON.stringify({ id: g.id, storyId: `p-${g.story}` })).join('\n') + '\n');
    const a = io();
    const code = await evaluate(['--items', predicted, '--gold', goldFile, '--json'], a);
    expect(code).toBe(0);
    const r = JSON.parse(a.out) as Record<string, number>;
    expect(r).toMatchObject({ bcubedF1: 1, pairwiseF1: 1, predictedClusters: 22, goldClusters: 22 });
    const b = io();
    await evaluate(['--items', predicted, '--gold', goldFile], b);
    expect(b.out).toMatch(/B-cubed F1\s+1\.000/u);
    expect(b.out).toMatch(/NMI/u);
    expect(b.out).toMatch(/stories gold\s+22/u);
    expect(b.err).toBe('');
    const c = io();
    expect(await main(['eval', '--items', 'x'], c)).toBe(2);
    expect(c.err).toMatch(/^roundup eval: --items and --gold are required/u);
  });

  it('eval refuses predictions without storyId (a gold file passed as --items scores nothing)', async () => {
    const a = io();
    expect(await main(['eval', '--items', goldFile, '--gold', goldFile], a)).toBe(3);
    expect(a.out).toBe('');
    expect(a.err).toBe(`roundup eval: ${goldFile} has no line with "id" and "storyId" (the output of roundup cluster)\n`);
  });

  it('eval reports the malformed lines it skipped', async () => {
    const predicted = join(dir, 'some-bad.jsonl');
    const lines = gold.map((g) => JSON.stringify({ id: g.id, storyId: g.story }));
    lines.splice(2, 0, 'not json', '{"id": "x"}', '[1, 2]');
    writeFileSync(predicted, lines.join('\n'));
    const a = io();
    expect(await evaluate(['--items', predicted, '--gold', goldFile, '--json'], a)).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({ bcubedF1: 1, items: 96 });
    expect(a.err).toBe(`roundup eval: 3 lines of ${predicted} skipped (line 3: not JSON; line 4: no storyId; line 5: no id)\n`);
  });

  it('eval --by-language adds per-language scores and cross-lingual pair precision and recall', async () => {
    // Predictions equal to the gold: every pair right, so the counts are the gold's.
    const predicted = join(dir, 'pred-by-language.jsonl');
    writeFileSync(predicted, gold.map((g) => JSON.stringify({ id: g.id, storyId: `p-${g.story}` })).join('\n') + '\n');
    const args = ['--items', predicted, '--gold', goldFile, '--by-language', 'test/fixtures/grouping/mixed/items.jsonl'];
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
