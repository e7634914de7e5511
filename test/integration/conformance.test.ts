// Conformance: every feedparser and rss-parser corpus file through parse + normalize; the mapped clauses' scores may not drop.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../lib/ingest/decode.ts';
import {
  judgeFeedparser,
  judgeRssParserGolden,
  runInput,
  tally,
  type ManifestEntry,
  type Verdict,
} from '../../lib/ingest/conformance.ts';
import { parseFeed } from '../../lib/ingest/parse.ts';
import { sharedData } from '../support/shared.ts';

const { dir: shared, present } = sharedData('corpora/feeds', 'conformance', { probe: 'feedparser/manifest.json' });

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

function report(title: string, groups: Map<string, Verdict[]>): string {
  const lines = [`${title}`, `  ${'folder'.padEnd(28)} pass  fail  unmapped  rate`];
  for (const [folder, v] of [...groups].sort()) {
    const t = tally(v);
    lines.push(`  ${folder.padEnd(28)} ${String(t.pass).padStart(4)}  ${String(t.fail).padStart(4)}  ${String(t.unmapped).padStart(8)}  ${pct(t.rate)}`);
  }
  const all = tally([...groups.values()].flat());
  lines.push(`  ${'TOTAL'.padEnd(28)} ${String(all.pass).padStart(4)}  ${String(all.fail).padStart(4)}  ${String(all.unmapped).padStart(8)}  ${pct(all.rate)}`);
  return lines.join('\n');
}

describe.skipIf(!present)('feed corpus conformance', () => {
  it('feedparser corpus: no crash on any file, ≥ 98.5% of mapped clauses hold', async () => {
    const root = join(shared, 'feedparser');
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as ManifestEntry[];
    expect(manifest.length).toBeGreaterThan(2000);
    const groups = new Map<string, Verdict[]>();
    const crashes: string[] = [];
    for (const entry of manifest) {
      const header = (name: string) => Object.entries(entry.headers).find(([k]) => k.toLowerCase() === name)?.[1];
      const r = await runInput(readFileSync(join(root, entry.file)), header('content-type'), undefined, header('content-language'));
      if (r.crashed) crashes.push(`${entry.file}: ${String(r.crashed)}`);
      const parts = entry.file.split('/');
      const folder = parts[0] === 'wellformed' ? `${parts[0]}/${parts[1]}` : parts[0]!;
      groups.set(folder, [...(groups.get(folder) ?? []), ...judgeFeedparser(entry, r)]);
    }
    const all = [...groups.values()].flat();
    const fields = all.filter((v) => v.clause !== 'notbozo');
    console.log(report('feedparser conformance (mapped clauses)', groups));
    console.log(`  field clauses only (excluding "not bozo"): ${pct(tally(fields).rate)} of ${tally(fields).mapped}`);
    expect(crashes).toEqual([]);
    // Floors just under the measured scores (98.6%, 98.0%; docs/ingestion.md): a regression fails here.
    expect(tally(all).rate).toBeGreaterThanOrEqual(0.985);
    expect(tally(fields).rate).toBeGreaterThanOrEqual(0.975);
    // Honesty check: clauses we cannot express stay unmapped rather than being counted as passes.
    expect(tally(all).unmapped).toBeGreaterThan(500);
  }, 240_000);

  it('rss-parser golden outputs: every input parses or is refused cleanly, ≥ 99.8% of derived clauses hold', async () => {
    const root = join(shared, 'rss-parser');
    const groups = new Map<string, Verdict[]>();
    for (const file of readdirSync(join(root, 'input')).sort()) {
      const r = await runInput(readFileSync(join(root, 'input', file)));
      expect(r.crashed, file).toBeUndefined();
      const golden = join(root, 'output', file.replace(/\.(rss|atom)$/, '.json'));
      if (!existsSync(golden)) {
        // unrecognized.rss has no golden: rss-parser rejects it too (it is not a feed).
        if (file === 'unrecognized.rss') expect(r.refused?.name).toBe('ParseError');
        continue;
      }
      groups.set(file, judgeRssParserGolden(file, JSON.parse(readFileSync(golden, 'utf8')), r));
    }
    console.log(report('rss-parser golden conformance', groups));
    expect(tally([...groups.values()].flat()).rate).toBeGreaterThanOrEqual(0.998);
  }, 120_000);

  it('simplepie encoding samples: UTF-16 LE/BE with BOM and leading whitespace decode and parse', async () => {
    const root = join(shared, 'simplepie');
    for (const f of ['feed-utf16be.xml', 'feed-utf16le.xml']) {
      const bytes = readFileSync(join(root, f));
      const d = decodeBody(bytes);
      expect(d.encoding, f).toBe(f.includes('be') ? 'utf-16be' : 'utf-16le');
      const feed = await parseFeed(bytes);
      expect(feed.entries.length, f).toBeGreaterThan(0);
      expect(feed.title, f).toBeTruthy();
    }
    const ws = await parseFeed(readFileSync(join(root, 'feed-with-whitespace-before-xml-declaration.xml')));
    expect(ws).toMatchObject({ format: 'atom', title: 'Whitespace before XML declaration', entries: [] });
    for (const f of ['feed_rss-2.0.xml', 'feed_rss-2.0_for_file_mock.xml']) {
      const feed = await parseFeed(readFileSync(join(root, f)));
      expect(feed.format, f).toBe('rss');
    }
  });
});
