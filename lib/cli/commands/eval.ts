// `roundup eval`: scores a clustering (output of `roundup cluster`) against gold story labels.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { itemLanguage } from '../../group/features.ts';
import { scoreByLanguage, scoreClustering, type LanguageScores } from '../../group/metrics.ts';
import { InputError } from '../../errors.ts';
import { UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup eval --items predicted.jsonl --gold gold.jsonl [--by-language input.jsonl] [--json]

--items: lines with {id, storyId} (the output of roundup cluster); --gold: lines with {id, story}.
Prints B-cubed precision/recall/F1, pairwise F1, NMI and predicted vs gold story counts. Lines without those
fields are skipped and counted on stderr; a file with none at all is refused (exit status 3).
--by-language: the items as given to roundup cluster ({id, title, lang?, summary?}; a missing lang is
detected as the engine does); adds the scores per language (its items among themselves) and, for pairs of
items in two different languages, pair precision and recall, in all and per language pair.
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
      'by-language': { type: 'string' },
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
  const byLanguage = values['by-language'] ? scoreByLanguage(pred, gold, readLanguages(await readInput(io, values['by-language']))) : undefined;
  if (values.json) {
    io.stdout(JSON.stringify(byLanguage ? { ...r, byLanguage } : r) + '\n');
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
  if (byLanguage) io.stdout(languageTable(byLanguage));
  return 0;
}

/** The text of the items file given to --by-language. */
async function readInput(io: CliIO, path: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InputError(`cannot read ${path}: ${why}`, { cause: err });
  }
}

/** `id → language` of the items as given to the engine: the declared `lang`, else the engine's detection. */
export function readLanguages(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/u)) {
    const line = raw.trim();
    if (!line) continue;
    try {
      const o = JSON.parse(line) as { id?: unknown; title?: unknown; summary?: unknown; lang?: unknown };
      if ((typeof o.id !== 'string' && typeof o.id !== 'number') || typeof o.title !== 'string') continue;
      const summary = typeof o.summary === 'string' ? o.summary : undefined;
      out.set(String(o.id), itemLanguage({ title: o.title, summary, lang: typeof o.lang === 'string' ? o.lang : undefined }));
    } catch {
      // Lines the clustering could not read either.
    }
  }
  return out;
}

/** The per-language and cross-lingual scores as text. */
function languageTable(s: LanguageScores): string {
  const f = (x: number): string => x.toFixed(3);
  const lines = ['', 'per language (its items among themselves)', 'lang  items  B-cubed P / R / F1      pairwise P / R'];
  for (const [l, r] of Object.entries(s.languages)) {
    lines.push(`${l.padEnd(5)} ${String(r.items).padStart(5)}  ${f(r.bcubedPrecision)} / ${f(r.bcubedRecall)} / ${f(r.bcubedF1)}  ${f(r.pairwisePrecision)} / ${f(r.pairwiseRecall)}`);
  }
  lines.push('', 'cross-lingual pairs (items in two languages)', 'pair    gold pairs  predicted  precision  recall');
  const row = (k: string, p: LanguageScores['crossLingual']['all']): string =>
    `${k.padEnd(7)} ${String(p.goldPairs).padStart(10)} ${String(p.predictedPairs).padStart(10)}  ${f(p.precision).padStart(9)}  ${f(p.recall).padStart(6)}`;
  for (const [k, p] of Object.entries(s.crossLingual.pairs)) lines.push(row(k, p));
  lines.push(row('all', s.crossLingual.all));
  return lines.join('\n') + '\n';
}
