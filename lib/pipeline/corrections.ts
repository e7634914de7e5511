// Brings stored story state (including editor corrections) into the grouping engine so corrections stick.
import type { GroupInput, RestoreStory, StoryGrouper } from '../group/engine.ts';
import type { Story } from '../types.ts';

/**
 * Loads changed stories into the engine, warm or cold. The store is the truth: after this call the engine
 * holds each given story with exactly its stored members (as far as the engine knows the items), its lock,
 * its editor label, its merge link and its excluded (split/moved/removed-away) items as forbidden.
 *
 * Phases, in an order that matters:
 * 1. stories the engine does not know are restored (merged ones as empty records pointing at the survivor);
 * 2. merges are applied, so absorbed items move with their scores before any item-level reconciliation;
 * 3. members are reconciled across all stories (an item stored in S but held elsewhere moves to S);
 * 4. only then excluded items are removed/forbidden — doing it before 3 would delete an item that a split
 *    story in the same batch is about to claim.
 */
export function applyStoryChanges(grouper: StoryGrouper, stories: Story[], items: Map<string, GroupInput>): void {
  const known = (id: string) => grouper.snapshot(id) !== undefined;
  const live = stories.filter((s) => !s.mergedInto);
  const merged = stories.filter((s) => s.mergedInto);

  // 1. Restore unknown stories in one call (restore rejects ids it already holds).
  const fresh: RestoreStory[] = [];
  for (const s of live) {
    if (known(s.id)) continue;
    fresh.push({
      id: s.id,
      items: s.itemIds.map((id) => items.get(id)).filter((i): i is GroupInput => i !== undefined && grouper.storyOf(i.id) === undefined),
      locked: s.locked === true,
      label: s.labelByEditor ? s.label : undefined,
      forbiddenItemIds: s.excludedItemIds,
    });
  }
  for (const s of merged) {
    if (!known(s.id)) fresh.push({ id: s.id, items: [], mergedInto: s.mergedInto, forbiddenItemIds: s.excludedItemIds });
  }
  const freshIds = new Set(fresh.map((r) => r.id));
  if (fresh.length > 0) grouper.restore(fresh);

  // 2. Merges held in memory as live stories are absorbed now (items keep their scores).
  for (const s of merged) {
    if (freshIds.has(s.id) || !known(s.mergedInto!)) continue;
    if (grouper.resolve(s.id) !== grouper.resolve(s.mergedInto!)) grouper.mergeStories(s.id, s.mergedInto!);
  }

  // 3. Members: the stored story wins over wherever the engine put the item.
  for (const s of live) {
    if (!known(s.id)) continue;
    for (const itemId of s.itemIds) {
      const at = grouper.storyOf(itemId);
      if (at === undefined) continue; // evicted or never seen: nothing in memory to move
      if (grouper.resolve(at) !== s.id) grouper.moveItem(itemId, s.id);
    }
    if (!freshIds.has(s.id)) {
      const snap = grouper.snapshot(s.id)!;
      if ((snap.locked === true) !== (s.locked === true)) grouper.setLocked(s.id, s.locked === true);
      grouper.setLabel(s.id, s.labelByEditor ? s.label : undefined);
    }
  }

  // 4. Items an editor took out never come back: removed ones leave the engine, moved/split ones are forbidden.
  // Absorbed stories are skipped: the merge copied their exclusions onto the survivor, which is in `live`.
  for (const s of live) {
    for (const itemId of s.excludedItemIds ?? []) {
      if (s.itemIds.includes(itemId)) continue; // put back by a later editor move
      const at = grouper.storyOf(itemId);
      if (at !== undefined && grouper.resolve(at) === s.id) {
        grouper.removeItem(itemId);
      }
      grouper.forbid(itemId, s.id);
    }
  }
}
