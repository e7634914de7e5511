// Large-feed bench: a 12 MB RSS body with 100,000 items through parse + normalize, time and peak memory per fresh process.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { normalizeFeed } from '../lib/ingest/normalize.ts';
import { parseFeed } from '../lib/ingest/parse.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ITEMS = 100_000;
const MB = 1024 * 1024;

/** An RSS 2.0 body of `n` short items (≈ 120 bytes each), oldest first, as an archive feed that never trims would be. */
export function largeRss(n = ITEMS): Buffer {
  const start = Date.UTC(2026, 0, 1);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Archive</title><link>https://archive.example/</link><language>en</language>\n'];
  for (let i = 0; i < n; i++) {
    const d = new Date(start + i * 60_000).toUTCString();
    parts.push(`<item><title>Story ${i}</title><link>https://a.example/${i}</link><pubDate>${d}</pubDate></item>\n`);
  }
  parts.push('</channel></rss>\n');
  return Buffer.from(parts.join(''));
}

/** One measurement in this process: parse + normalize of the large body with the given cap. */
async function measureOnce(maxItems: number): Promise<Record<string, number>> {
  const body = largeRss();
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const parsed = await parseFeed(body, { contentType: 'application/rss+xml; charset=utf-8', maxItems });
  const items = normalizeFeed(parsed, { feed: { id: 'bench' }, outlet: { id: 'bench', languages: ['en'] }, feedUrl: 'https://archive.example/rss', now: new Date().toISOString() });
  const ms = performance.now() - started;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  return {
    bodyMB: Number((body.length / MB).toFixed(1)),
    entries: parsed.entries.length,
    items: items.length,
    ms: Math.round(ms),
    peakRssMB: Math.round(peakRss / MB),
    peakRssGrowthMB: Math.round((peakRss - rssBefore) / MB),
  };
}

/**
 * Runs the large-feed measurement in fresh processes (peak RSS is per process): with the default item cap and
 * without one (`maxItems: Infinity`), `runs` times each.
 */
export async function benchParse(runs = 3): Promise<Record<string, unknown>> {
  const one = (maxItems: string) => {
    const r = spawnSync(process.execPath, ['--expose-gc', resolve(ROOT, 'bin/run-ts.mjs'), resolve(ROOT, 'bench/parse.ts'), '--child', maxItems], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`parse bench child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  };
  const out: Record<string, unknown> = { items: ITEMS, loadAverage: loadavg().map((l) => Number(l.toFixed(2))) };
  for (const cap of ['default', 'Infinity']) out[cap === 'default' ? 'capped' : 'uncapped'] = Array.from({ length: runs }, () => one(cap));
  out.loadAverageAfter = loadavg().map((l) => Number(l.toFixed(2)));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    const cap = process.argv[3] === 'Infinity' ? Infinity : Number(process.argv[3]);
    console.log(JSON.stringify(await measureOnce(Number.isNaN(cap) ? (undefined as unknown as number) : cap)));
  } else {
    console.log(JSON.stringify(await benchParse(), null, 2));
  }
}
