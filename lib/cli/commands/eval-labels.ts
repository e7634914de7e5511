// `roundup eval-labels`: measures story labels against editors' reference labels, and their flapping on replay.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { evaluateLabels, parseReferences, type EvalItem, type LabelEvaluation } from '../../group/label-quality.ts';
import { sampleDayItems } from '../../samples/items.ts';
import type { CliIO } from '../io.ts';
import { parseItemLine } from './cluster.ts';
import { readLabels } from './eval.ts';

const HELP = `Usage: roundup eval-labels --reference R (--items F [--gold G] | --sample) [--no-replay] [--show] [--json]

Labels every reference story from exactly its items and compares the labels with the editors' (folded-stem term
F1, exact and partial matches), checks their form (2–6 words, a fragment of the coverage, the story's key name),
for the phrase labeller (chosen once from all items, and "sticky": as the group stage holds them after adding
the items one by one) and the engine's former keyword labels; then replays the items in their order through the
grouping engine and counts how often story labels change (flapping).

  --reference R   editors' labels, one story a line: {story, labels: {lang: [label, …]}, items?}
  --items F       the items, one JSON object a line (as for roundup cluster)
  --gold G        {id, story} lines giving each story's items (default: the references' items lists)
  --sample        the bundled sample day's items instead of --items
  --no-replay     skip the flapping replay
  --show          one line per story and language: F1, reference, generated
  --json          the whole evaluation as JSON
The desk language is ROUNDUP_DESK_LANGUAGE (default en).
`;

/** Runs `eval-labels`; returns the exit code. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let values: { reference?: string; items?: string; gold?: string; sample?: boolean; 'no-replay'?: boolean; show?: boolean; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        reference: { type: 'string' },
        items: { type: 'string' },
        gold: { type: 'string' },
        sample: { type: 'boolean' },
        'no-replay': { type: 'boolean' },
        show: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`roundup eval-labels: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.reference || (!values.items && !values.sample) || (values.items && values.sample)) {
    io.stderr(`roundup eval-labels: --reference and one of --items or --sample are required\n${HELP}`);
    return 2;
  }
  const desk = parseConfig(io.env).deskLanguage;
  const read = (f: string) => readFile(resolve(io.cwd, f), 'utf8');
  let items: EvalItem[];
  let references;
  let gold: Map<string, string> | undefined;
  try {
    references = parseReferences(await read(values.reference));
    if (values.items) {
      items = [];
      for (const line of (await read(values.items)).split(/\r?\n/u)) {
        if (!line.trim()) continue;
        const it = parseItemLine(line);
        if (typeof it !== 'string') items.push(it);
      }
    } else {
      items = (await sampleDayItems()).map((i) => ({ id: i.id, title: i.title, summary: i.summary, outlet: i.outletId, lang: i.language, publishedAt: i.publishedAt }));
    }
    if (values.gold) gold = readLabels(await read(values.gold), ['story', 'storyId']).map;
  } catch (err) {
    io.stderr(`roundup eval-labels: ${(err as Error).message}\n`);
    return 1;
  }
  const r = evaluateLabels(items, references, { gold, deskLanguage: desk, flapping: !values['no-replay'] });
  if (r.stories === 0) {
    io.stderr('roundup eval-labels: no reference story has items in the data\n');
    return 1;
  }
  io.stdout(values.json ? JSON.stringify(r) + '\n' : report(r, !!values.show, !values['no-replay']));
  return 0;
}

/** The evaluation as text. */
export function report(r: LabelEvaluation, show: boolean, replay: boolean): string {
  const f = (x: number) => x.toFixed(3);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const lines: string[] = [];
  if (show) {
    for (const row of r.rows) lines.push(`${f(row.phrasesF1)}  ${row.story} [${row.lang}, ${row.outlets} outlets]  ref "${row.reference}"  got "${row.phrases}"  (keywords "${row.keywords}" ${f(row.keywordsF1)})`);
    lines.push('');
  }
  lines.push(`stories ${r.stories} (${r.multiOutlet} told by several outlets), items ${r.items}`);
  const cols = ['phrases', 'sticky', 'keywords'] as const;
  const cell = (x: string) => x.padEnd(12);
  lines.push(`${''.padEnd(22)}${cols.map(cell).join('')}| several outlets: ${cols.map(cell).join('')}`);
  const q = r.quality;
  const m = r.qualityMultiOutlet;
  const row = (name: string, get: (s: typeof q.phrases) => string) =>
    lines.push(`${name.padEnd(22)}${cols.map((c) => cell(get(q[c]))).join('')}|                  ${cols.map((c) => cell(get(m[c]))).join('')}`.trimEnd());
  row('labels compared', (s) => String(s.compared));
  row('term F1 (mean)', (s) => f(s.meanF1));
  row('exact match', (s) => pct(s.exact));
  row('partial (F1 ≥ 0.5)', (s) => pct(s.partial));
  row('2–6 words', (s) => pct(s.short));
  row('coverage fragment', (s) => pct(s.fragment));
  row('has key name', (s) => `${pct(s.keyEntity)} of ${s.keyEntityStories}`);
  lines.push(`label time            ${r.msPerStory.toFixed(2)} ms per story`);
  if (replay) {
    lines.push('');
    lines.push('replay (stories ending with ≥ 3 items)   keywords  phrases  phrases+hysteresis');
    const fl = r.flapping;
    const frow = (name: string, get: (s: typeof fl.sticky) => string) => lines.push(`${name.padEnd(41)}${get(fl.keywords).padEnd(10)}${get(fl.phrases).padEnd(9)}${get(fl.sticky)}`);
    frow('stories', (s) => String(s.stories));
    frow('main label changes per story', (s) => f(s.changesPerStory));
    frow('changes per 10 items added', (s) => f(s.changesPer10Items));
    frow('stable once at 3 items', (s) => pct(s.stableAfterMin));
    frow('language label changes', (s) => String(s.languageChanges));
  }
  return lines.join('\n') + '\n';
}
