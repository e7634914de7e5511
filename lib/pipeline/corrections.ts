// Brings stored story state (including editor corrections) into the grouping engine so corrections stick.
import type { GroupInput, StoryGrouper } from '../group/engine.ts';
import type { Story } from '../types.ts';

/**
 * Loads changed stories into the engine: merged stories are merged (the engine routes to the survivor),
 * others are restored with their current members, lock and editor label.
 */
export function applyStoryChanges(grouper: StoryGrouper, stories: Story[], items: Map<string, GroupInput>): void {
  const merged = stories.filter((s) => s.mergedInto);
  const live = stories.filter((s) => !s.mergedInto);
  grouper.restore(
    live.map((s) => ({
      id: s.id,
      items: s.itemIds.map((id) => items.get(id)).filter((i): i is GroupInput => i !== undefined),
      locked: s.locked,
      label: s.labelByEditor ? s.label : undefined,
    })),
  );
  for (const s of merged) grouper.mergeStories(s.id, s.mergedInto!);
}
