// Labels bench: label quality against editors' reference labels and flapping on replay, on the sample day, the
// mixed-language fixture and the shared sets; the same figures `roundup eval-labels` prints for one set.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../infra/function.ts';
import { readLabels } from '../lib/cli/commands/eval.ts';
import { parseItemLine } from '../lib/cli/commands/cluster.ts';
import { evaluateLabels, parseReferences, type EvalItem, type LabelEvaluation } from '../lib/group/label-quality.ts';
import { sampleDayItems } from '../lib/samples/items.ts';

const REFERENCES = resolve(REPO_ROOT, 'test/fixtures/labels');
const SHARED = resolve(REPO_ROOT, '../shared/datasets');

function items(file: string): EvalItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map(parseItemLine)
    .filter((i): i is EvalItem => typeof i !== 'string');
}

/** The figures reported in docs/grouping.md for one set. */
function digest(r: LabelEvaluation, ms: number): Record<string, unknown> {
  const q = (m: 'phrases' | 'sticky' | 'keywords') => ({
    meanF1: r.quality[m].meanF1,
    exact: r.quality[m].exact,
    partial: r.quality[m].partial,
    short: r.quality[m].short,
    fragment: r.quality[m].fragment,
    keyEntity: r.quality[m].keyEntity,
    meanF1MultiOutlet: r.qualityMultiOutlet[m].meanF1,
  });
  return {
    stories: r.stories,
    multiOutlet: r.multiOutlet,
    labelsCompared: r.quality.phrases.compared,
    phrases: q('phrases'),
    sticky: q('sticky'),
    keywords: q('keywords'),
    flapping: r.flapping,
    msPerStory: r.msPerStory,
    seconds: Math.round(ms / 100) / 10,
    load: Math.round(loadavg()[0]! * 10) / 10,
  };
}

/** Runs the evaluation on every set whose data is here (the shared sets only when ../shared is). */
export async function benchLabels(): Promise<Record<string, unknown>> {
  const sets: { name: string; items: () => Promise<EvalItem[]>; reference: string; gold?: string }[] = [
    {
      name: 'sample-day',
      items: async () => (await sampleDayItems()).map((i) => ({ id: i.id, title: i.title, summary: i.summary, outlet: i.outletId, lang: i.language, publishedAt: i.publishedAt })),
      reference: 'sample-day.jsonl',
    },
    { name: 'mixed', items: async () => items(resolve(REPO_ROOT, 'test/fixtures/grouping/mixed/items.jsonl')), reference: 'mixed.jsonl', gold: resolve(REPO_ROOT, 'test/fixtures/grouping/mixed/gold.jsonl') },
    { name: 'french-googlenews-dev', items: async () => items(resolve(SHARED, 'french-googlenews-dev/items.jsonl')), reference: 'french-googlenews-dev.jsonl', gold: resolve(SHARED, 'french-googlenews-dev/gold.jsonl') },
    { name: 'uci-news-sample', items: async () => items(resolve(SHARED, 'uci-news-sample/items.jsonl')), reference: 'uci-news-sample.jsonl', gold: resolve(SHARED, 'uci-news-sample/gold.jsonl') },
  ];
  const out: Record<string, unknown> = {};
  for (const set of sets) {
    if (set.gold && !existsSync(set.gold)) {
      out[set.name] = 'skipped: data absent';
      continue;
    }
    const started = performance.now();
    const references = parseReferences(readFileSync(resolve(REFERENCES, set.reference), 'utf8'));
    const gold = set.gold ? readLabels(readFileSync(set.gold, 'utf8'), ['story']).map : undefined;
    const r = evaluateLabels(await set.items(), references, { gold });
    out[set.name] = digest(r, performance.now() - started);
    console.error(`   ${set.name}: F1 ${r.quality.phrases.meanF1} (keywords ${r.quality.keywords.meanF1}), changes/story ${r.flapping.sticky.changesPerStory} (keywords ${r.flapping.keywords.changesPerStory})`);
  }
  return out;
}
