// `roundup eval`: scores a clustering (output of `roundup cluster`) against gold story labels.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scoreClustering } from '../../group/metrics.ts';
import { InputError } from '../../errors.ts';
import { UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup eval --items predicted.jsonl --gold gold.jsonl [--json]

--items: lines with {id, storyId} (the output of roundup cluster); --gold: lines with {id, story}.
Prints B-cubed precision/recall/F1, pairwise F1, NMI and predicted vs gold story counts. Lines without those
fields are skipped and counted on stderr; a file with none at all is refused (exit status 3).
`;

/** A line of an input file that was not used, and why. */
export interface SkippedLine {
  line: number;
  reason: string;
}

/** Reads `id → label` from JSONL, taking the label from the first present of `fields`; other lines are listed. */
export function readLabels(text: string, fields: string[]): { map: Map<string, string>; skipped: SkippedLine[] } {
  const map = new Map<string, string>();
  const skipped: SkippedLine[] = [];
  const lines = text.split(/\r?\n/u);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      skipped.push({ line: i + 1, reason: 'not JSON' });
      continue;
    }
    const r = (o && typeof o === 'object' ? o : {}) as Record<string, unknown>;
    const id = r.id;
    const label = fields.map((f) => r[f]).find((v) => typeof v === 'string' || typeof v === 'number');
    if (typeof id !== 'string' && typeof id !== 'number') skipped.push({ line: i + 1, reason: 'no id' });
    else if (label === undefined) skipped.push({ line: i + 1, reason: `no ${fields.join(' or ')}` });
    else map.set(String(id), String(label));
  }
  return { map, skipped };
}

/** Reads one labelled file: refuses a file with no usable line, reports skipped lines on stderr. */
async function readLabelFile(io: CliIO, path: string, fields: string[], hint: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InputError(`cannot read ${path}: ${why}`, { cause: err });
  }
  const { map, skipped } = readLabels(text, fields);
  if (map.size === 0) throw new InputError(`${path} has no line with "id" and "${fields[0]}"${hint}`);
  if (skipped.length > 0) {
    const shown = skipped.slice(0, 5).map((s) => `line ${s.line}: ${s.reason}`).join('; ');
    io.stderr(`roundup eval: ${skipped.length} line${skipped.length === 1 ? '' : 's'} of ${path} skipped (${shown}${skipped.length > 5 ? '; …' : ''})\n`);
  }
  return map;
}

/** Runs `eval`; returns the exit code. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      items: { type: 'string' },
      gold: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.items || !values.gold) throw new UsageError('--items and --gold are required');
  // Predictions must carry storyId: a gold file given as --items would otherwise score a perfect 1.000.
  const pred = await readLabelFile(io, values.items, ['storyId'], ' (the output of roundup cluster)');
  const gold = await readLabelFile(io, values.gold, ['story', 'storyId'], '');
  const r = scoreClustering(pred, gold);
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
