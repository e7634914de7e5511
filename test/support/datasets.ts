// Labelled grouping sets (items.jsonl + gold.jsonl folders) read, and grouped with the engine's defaults.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StoryGrouper, type GroupInput } from '../../lib/group/engine.ts';

/** A folder's items (ids as strings, in file order) and gold story of each item id. */
export function loadDataset(dir: string): { items: (GroupInput & { id: string })[]; gold: Map<string, string> } {
  const lines = (f: string): Record<string, unknown>[] =>
    readFileSync(resolve(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  const items = lines('items.jsonl').map((o) => ({ ...(o as unknown as GroupInput), id: String(o.id) }));
  return { items, gold: new Map(lines('gold.jsonl').map((o) => [String(o.id), String(o.story)])) };
}

/** Item id → story id after adding the items in order to a default-configured engine. */
export function groupWithDefaults(items: readonly GroupInput[]): Map<string, string> {
  const g = new StoryGrouper();
  for (const it of items) g.add(it);
  const pred = new Map<string, string>();
  for (const s of g.drainTouched()) for (const id of s.itemIds) pred.set(id, s.id);
  return pred;
}
