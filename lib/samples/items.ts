// The bundled sample day as items, read straight from the files (no server): for label evaluation and benchmarks.
import { readFile } from 'node:fs/promises';
import { normalizeFeed } from '../ingest/normalize.ts';
import { parseFeed } from '../ingest/parse.ts';
import { findOutlet } from '../outlets/registry.ts';
import type { Item } from '../types.ts';
import { BASE_PLACEHOLDER, listSampleFeeds } from './server.ts';

/** Where the sample feeds are said to be served from (item ids do not depend on it). */
const SAMPLE_BASE = 'http://127.0.0.1';

/**
 * Every item of the sample day, parsed and normalized as an ingest would (same ids), oldest first, with the
 * feeds' own dates (not moved to today as the sample server does).
 */
export async function sampleDayItems(now = new Date('2100-01-01T00:00:00Z')): Promise<Item[]> {
  const out: Item[] = [];
  for (const f of listSampleFeeds()) {
    const body = (await readFile(f.path, 'utf8')).replaceAll(BASE_PLACEHOLDER, SAMPLE_BASE);
    const outlet = findOutlet(f.outletId);
    if (!outlet) throw new Error(`sample feed ${f.file}: outlet ${f.outletId} is not in the registry`);
    const feed = outlet.feeds.find((d) => d.id === f.feedId) ?? { id: f.feedId };
    out.push(...normalizeFeed(await parseFeed(body), { feed, outlet, feedUrl: `${SAMPLE_BASE}/feeds/${f.file}`, now: now.toISOString() }));
  }
  return out.sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.id < b.id ? -1 : 1));
}
