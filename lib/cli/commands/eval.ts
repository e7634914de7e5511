// `roundup eval`: scores a clustering (output of `roundup cluster`) against gold story labels.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scoreClustering } from '../../group/metrics.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup eval --items predicted.jsonl --gold gold.jsonl [--json]

--items: lines with {id, storyId} (the output of roundup cluster); --gold: lines with {id, story}.
Prints B-cubed precision/recall/F1, pairwise F1, NMI and predicted vs gold story counts.
`;

/** Reads `id → label` from JSONL, taking the label from the first present of `fields`. */
export function readLabels(text: string, fields: string[]): { map: Map<string, string>; bad: number } {
  const map = new Map<string, string>();
  let bad = 0;
  for (const raw of text.split(/\r?\n/u)) {
    const line = raw.trim();
    if (!line) continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      const id = o.id;
      const label = fields.map((f) => o[f]).find((v) => typeof v === 'string' || typeof v === 'number');
      if ((typeof id === 'string' || typeof id === 'number') && label !== undefined) map.set(String(id), String(label));
      else bad++;
    } catch {
      bad++;
    }
  }
  return { map, bad };
}

/** Runs `eval`; returns the exit code. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let values: { items?: string; gold?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        items: { type: 'string' },
        gold: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`roundup eval: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.items || !values.gold) {
    io.stderr(`roundup eval: --items and --gold are required\n${HELP}`);
    return 2;
  }
  let predText: string;
  let goldText: string;
  try {
    predText = await readFile(resolve(io.cwd, values.items), 'utf8');
    goldText = await readFile(resolve(io.cwd, values.gold), 'utf8');
  } catch (err) {
    io.stderr(`roundup eval: ${(err as Error).message}\n`);
    return 1;
  }
  const pred = readLabels(predText, ['storyId', 'story']);
  const gold = readLabels(goldText, ['story', 'storyId']);
  if (gold.map.size === 0) {
    io.stderr('roundup eval: no gold labels read\n');
    return 1;
  }
  const r = scoreClustering(pred.map, gold.map);
  if (values.json) {
    io.stdout(JSON.stringify(r) + '\n');
    return 0;
  }
  const f = (x: number): string => x.toFixed(3);
  io.stdout(
    [
      `items scored        ${r.items}${r.missing ? ` (${r.missing} gold items missing from --items)` : ''}`,
      `B-cubed precision   ${f(r.bcubedPrecision)}`,
      `B-cubed recall      ${f(r.bcubedRecall)}`,
      `B-cubed F1          ${f(r.bcubedF1)}`,
      `pairwise P/R/F1     ${f(r.pairwisePrecision)} / ${f(r.pairwiseRecall)} / ${f(r.pairwiseF1)}`,
      `NMI                 ${f(r.nmi)}`,
      `stories predicted   ${r.predictedClusters}`,
      `stories gold        ${r.goldClusters}`,
    ].join('\n') + '\n',
  );
  return 0;
}
