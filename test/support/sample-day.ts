// The bundled sample day as the grouping engine sees it: every sample feed parsed and normalized, in arrival order.
import { readFileSync } from 'node:fs';
import type { GroupInput } from '../../lib/group/engine.ts';
import { normalizeFeed } from '../../lib/ingest/normalize.ts';
import { parseFeed } from '../../lib/ingest/parse.ts';
import { fromOpml } from '../../lib/outlets/opml.ts';
import { toGroupInput } from '../../lib/pipeline/group-stage.ts';
import { BASE_PLACEHOLDER, listSampleFeeds, SAMPLE_DIR } from '../../lib/samples/server.ts';

/** Sample-day stories told by several outlets, each as the start of its members' titles (labelled by hand). */
export const SAMPLE_DAY_STORIES = JSON.parse(
  readFileSync(new URL('../fixtures/lexicon/sample-day-stories.json', import.meta.url), 'utf8'),
) as Record<string, string[]>;

/** The labelled story of a title, if any. */
export const sampleStoryOf = (title: string): string | undefined =>
  Object.entries(SAMPLE_DAY_STORIES).find(([, prefixes]) => prefixes.some((p) => title.startsWith(p)))?.[0];

/** Every item of the sample day as the group stage hands it to the engine (outlet and language set), oldest first. */
export async function sampleDayInputs(): Promise<GroupInput[]> {
  const opml = readFileSync(`${SAMPLE_DIR}/sample.opml`, 'utf8').replaceAll(BASE_PLACEHOLDER, 'http://127.0.0.1');
  const outlets = fromOpml(opml);
  const out: GroupInput[] = [];
  for (const f of listSampleFeeds()) {
    const outlet = outlets.find((o) => o.id === f.outletId)!;
    const feed = outlet.feeds.find((x) => x.id === f.feedId)!;
    const parsed = await parseFeed(readFileSync(f.path));
    const items = normalizeFeed(parsed, { feed, outlet, feedUrl: feed.url, now: '2026-11-27T00:00:00.000Z' });
    out.push(...items.map(toGroupInput));
  }
  return out.sort((a, b) => Date.parse(a.publishedAt ?? '') - Date.parse(b.publishedAt ?? '') || (a.id < b.id ? -1 : 1));
}
