// Benchmark of the story grouping engine: synthetic headline+summary streams built from the real datasets.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StoryGrouper, type GroupInput } from '../lib/group/engine.ts';
// The property tests' seeded PRNG (mulberry32), so bench runs are comparable.
import { rng } from '../test/support/random-stream.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DAY = 86_400_000;

interface Seed {
  lang: string;
  /** Titles of one gold story. */
  titles: string[];
}

/** Gold stories of the shared datasets (or the project's own fixture when ../shared is absent). */
function loadSeeds(): { seeds: Seed[]; source: string } {
  const dirs = [
    resolve(repoRoot, '../shared/datasets/uci-news-sample'),
    resolve(repoRoot, '../shared/datasets/french-googlenews-dev'),
  ].filter((d) => existsSync(resolve(d, 'items.jsonl')));
  if (dirs.length === 0) dirs.push(resolve(repoRoot, 'test/fixtures/grouping/mixed'));
  const seeds: Seed[] = [];
  for (const dir of dirs) {
    const gold = new Map<string, string>();
    for (const line of readFileSync(resolve(dir, 'gold.jsonl'), 'utf8').split('\n')) {
      if (line.trim()) {
        const o = JSON.parse(line) as { id: string; story: string };
        gold.set(String(o.id), o.story);
      }
    }
    const byStory = new Map<string, Seed>();
    for (const line of readFileSync(resolve(dir, 'items.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { id: string; title: string; lang?: string };
      const story = gold.get(String(o.id));
      if (!story) continue;
      let seed = byStory.get(story);
      if (!seed) byStory.set(story, (seed = { lang: o.lang ?? 'en', titles: [] }));
      seed.titles.push(o.title);
    }
    seeds.push(...[...byStory.values()].filter((s) => s.titles.length >= 2));
  }
  return { seeds, source: dirs.map((d) => d.replace(repoRoot + '/', '')).join(', ') };
}


const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'zu', 'ne', 'to', 'vi', 'sa', 'do', 're', 'gu', 'pe', 'xo', 'bi', 'fa'];

/** A made-up proper name per story instance, so resampled copies of one real story stay distinct stories. */
function inventedName(k: number): string {
  let s = '';
  let x = k + 7;
  for (let i = 0; i < 3; i++) {
    s += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length) + i * 5;
  }
  return s.charAt(0).toUpperCase() + s.slice(1) + k.toString(36);
}

/**
 * `n` synthetic items: story instances resampled from real gold stories (title = a member headline plus the
 * instance's invented name, summary = two other headlines of the same story), spread over days (about 40
 * new stories a day, each active ~1.5 days) so the 72 h window and eviction matter.
 */
export function syntheticItems(n: number, seed = 42): GroupInput[] {
  const { seeds } = loadSeeds();
  const rand = rng(seed);
  const items: GroupInput[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  const perDay = 40;
  // Seeds are used in a shuffled round robin: a real story comes back only after its copies left the window.
  const order = seeds.map((_, i) => i).sort(() => rand() - 0.5);
  for (let k = 0; items.length < n; k++) {
    const s = seeds[order[k % order.length]!]!;
    const name = inventedName(k);
    const size = 5 + Math.floor(rand() * 30);
    const t0 = start + (k / perDay) * DAY;
    for (let j = 0; j < size && items.length < n; j++) {
      const pick = (): string => s.titles[Math.floor(rand() * s.titles.length)]!;
      items.push({
        id: `b${k}-${j}`,
        title: rand() < 0.5 ? `${name}: ${pick()}` : `${pick()} (${name})`,
        summary: `${pick()}. ${pick()}.`,
        lang: s.lang,
        outlet: `outlet-${Math.floor(rand() * 500)}`,
        publishedAt: new Date(t0 + rand() * 1.5 * DAY).toISOString(),
      });
    }
  }
  items.sort((a, b) => (a.publishedAt! < b.publishedAt! ? -1 : a.publishedAt! > b.publishedAt! ? 1 : 0));
  return items;
}

/** A full GC (exposed on demand) so heap figures show what is retained, not garbage waiting for collection. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * CPU ms of the main thread alone (Linux: utime + stime of /proc/self/task/<pid>/stat, 10 ms ticks), or NaN
 * elsewhere: unlike process.cpuUsage it leaves out GC and compiler threads, and unlike wall-clock time the
 * waits for a core on a shared machine, so it is the steadier figure for comparing two engines.
 */
function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function run(items: GroupInput[]): {
  ms: number; itemsPerSec: number; cpuItemsPerSec: number; cpuUsPerItem: number; mainUsPerItem: number; stories: number; heapMB: number;
  active: number; itemsInMemory: number;
} {
  fullGc();
  const before = process.memoryUsage().heapUsed;
  const g = new StoryGrouper();
  const m0 = mainThreadCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const it of items) g.add(it);
  const ms = performance.now() - t0;
  // CPU time of the main thread's work (user time) is robust to other processes competing for the cores.
  const cpuMs = process.cpuUsage(c0).user / 1000;
  const mainMs = mainThreadCpuMs() - m0;
  const stats = g.stats();
  fullGc();
  // Heap retained by the engine itself (the input array is excluded: it existed before).
  const heapMB = (process.memoryUsage().heapUsed - before) / 1e6;
  const stories = new Set(items.map((it) => g.storyOf(it.id)).filter(Boolean)).size;
  return {
    ms: Math.round(ms), itemsPerSec: Math.round(items.length / (ms / 1000)),
    cpuItemsPerSec: Math.round(items.length / (cpuMs / 1000)), cpuUsPerItem: Math.round((cpuMs * 1000) / items.length),
    mainUsPerItem: Math.round((mainMs * 1000) / items.length), stories, heapMB: Math.round(heapMB),
    active: stats.stories, itemsInMemory: stats.items,
  };
}

/** Measures items/s at 10k and 100k synthetic items, the 100k/10k time ratio and heap used. */
export async function benchGrouping(): Promise<Record<string, unknown>> {
  const { source } = loadSeeds();
  // The machine may be shared: the load average says how much the wall-clock figures are worth.
  const loadBefore = loadavg()[0]!;
  const small = syntheticItems(10_000, 1);
  const large = syntheticItems(100_000, 2);
  run(syntheticItems(3_000, 3)); // warm-up: JIT and the stemmer/gazetteer caches
  const r10 = run(small);
  const r100 = run(large);
  return {
    source,
    items10k: r10.itemsPerSec,
    ms10k: r10.ms,
    items100k: r100.itemsPerSec,
    ms100k: r100.ms,
    ratio100kTo10k: Math.round((r100.ms / r10.ms) * 100) / 100,
    cpuItemsPerSec10k: r10.cpuItemsPerSec,
    cpuItemsPerSec100k: r100.cpuItemsPerSec,
    cpuRatio100kTo10k: Math.round((r10.cpuItemsPerSec / r100.cpuItemsPerSec) * 1000) / 100,
    cpuUsPerItem10k: r10.cpuUsPerItem,
    cpuUsPerItem100k: r100.cpuUsPerItem,
    mainThreadUsPerItem10k: r10.mainUsPerItem,
    mainThreadUsPerItem100k: r100.mainUsPerItem,
    loadAverage1mBeforeAfter: [Math.round(loadBefore * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
    activeStoriesAtEnd100k: r100.active,
    itemsInMemoryAtEnd100k: r100.itemsInMemory,
    engineHeapMB10k: r10.heapMB,
    engineHeapMB100k: r100.heapMB,
    heapUsedMBTotal: Math.round(process.memoryUsage().heapUsed / 1e6),
    summaryChars: Math.round(large.reduce((a, it) => a + (it.summary?.length ?? 0), 0) / large.length),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const r = await benchGrouping();
  console.log(JSON.stringify(r, null, 2));
}
