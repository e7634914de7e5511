// `roundup cluster`: groups JSONL items into stories with the default engine configuration and writes JSONL.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { InputError } from '../../errors.ts';
import { StoryGrouper, type GroupInput } from '../../group/engine.ts';
import { StoryLabeller } from '../../group/labels.ts';
import { UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup cluster --in items.jsonl [--out stories.jsonl]

Reads items, one JSON object a line ({id, title, summary?, url?, outlet?, lang?, publishedAt?}), in the given
order, groups them with the default configuration and writes one line per item:
{id, storyId, label, score}, label being the story's main label (in ROUNDUP_DESK_LANGUAGE, default en, when the
story has items in it). Without --out the lines go to stdout.
`;

/** Parses one input line; returns an error message for unusable lines. */
export function parseItemLine(line: string): GroupInput | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (!o || typeof o !== 'object') return 'not an object';
  const r = o as Record<string, unknown>;
  const id = typeof r.id === 'number' ? String(r.id) : r.id;
  if (typeof id !== 'string' || id === '') return 'missing id';
  if (typeof r.title !== 'string') return 'missing title';
  const item: GroupInput = { id, title: r.title };
  for (const k of ['summary', 'url', 'outlet', 'lang', 'publishedAt'] as const) {
    const v = r[k];
    if (typeof v === 'string' && v !== '') item[k] = v;
  }
  return item;
}

/** Runs `cluster`; returns the exit code. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { in: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.in) throw new UsageError('--in is required');
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, values.in), 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InputError(`cannot read ${values.in}: ${why}`, { cause: err });
  }
  const grouper = new StoryGrouper();
  const labeller = new StoryLabeller({ deskLanguage: parseConfig(io.env).deskLanguage });
  const order: string[] = [];
  const score = new Map<string, number>();
  const storyOf = new Map<string, string>();
  const label = new Map<string, string>();
  const collect = (): void => {
    // Snapshots carry the current members and label of every story changed since the last call (merges too).
    for (const s of grouper.drainTouched()) {
      label.set(s.id, s.label);
      for (const id of s.itemIds) storyOf.set(id, s.id);
    }
  };
  let bad = 0;
  const lines = text.split(/\r?\n/u);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const item = parseItemLine(line);
    if (typeof item === 'string') {
      bad++;
      if (bad <= 10) io.stderr(`roundup cluster: line ${i + 1} skipped: ${item}\n`);
      continue;
    }
    if (score.has(item.id)) continue;
    const a = grouper.add(item);
    labeller.observe({ id: item.id, title: item.title, summary: item.summary, lang: item.lang ?? 'und', outlet: item.outlet });
    order.push(item.id);
    score.set(item.id, a.score);
    if (order.length % 2000 === 0) collect();
  }
  collect();
  // Labels of the final stories, chosen once over the whole input (the stream's statistics are complete).
  const members = new Map<string, string[]>();
  for (const id of order) {
    const storyId = storyOf.get(id);
    if (!storyId) continue;
    const list = members.get(storyId);
    if (list) list.push(id);
    else members.set(storyId, [id]);
  }
  for (const [storyId, ids] of members) {
    const chosen = labeller.label(ids);
    if (chosen) label.set(storyId, chosen.label);
  }
  const out: string[] = [];
  for (const id of order) {
    const storyId = storyOf.get(id) ?? '';
    out.push(JSON.stringify({ id, storyId, label: label.get(storyId) ?? '', score: score.get(id) ?? 0 }));
  }
  const body = out.length ? out.join('\n') + '\n' : '';
  if (values.out) {
    try {
      await writeFile(resolve(io.cwd, values.out), body);
    } catch (err) {
      io.stderr(`roundup cluster: cannot write ${values.out}: ${(err as Error).message}\n`);
      return 1;
    }
    io.stderr(`roundup cluster: ${order.length} items in ${new Set(storyOf.values()).size} stories → ${values.out}${bad ? ` (${bad} lines skipped)` : ''}\n`);
  } else io.stdout(body);
  return 0;
}
