// `roundup eval`: scores a clustering (output of `roundup cluster`) against gold story labels.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { itemLanguage } from '../../group/features.ts';
import { scoreByLanguage, scoreClustering, type LanguageScores } from '../../group/metrics.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup eval --items predicted.jsonl --gold gold.jsonl [--by-language input.jsonl] [--json]

--items: lines with {id, storyId} (the output of roundup cluster); --gold: lines with {id, story}.
Prints B-cubed precision/recall/F1, pairwise F1, NMI and predicted vs gold story counts.
--by-language: the items as given to roundup cluster ({id, title, lang?, summary?}; a missing lang is
detected as the engine does); adds the scores per language (its items among themselves) and, for pairs of
items in two different languages, pair precision and recall, in all and per language pair.
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
  let values: { items?: string; gold?: string; 'by-language'?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        items: { type: 'string' },
        gold: { type: 'string' },
        'by-language': { type: 'string' },
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
  let inputText: string | undefined;
  try {
    predText = await readFile(resolve(io.cwd, values.items), 'utf8');
    goldText = await readFile(resolve(io.cwd, values.gold), 'utf8');
    if (values['by-language']) inputText = await readFile(resolve(io.cwd, values['by-language']), 'utf8');
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
  const byLanguage = inputText === undefined ? undefined : scoreByLanguage(pred.map, gold.map, readLanguages(inputText));
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
