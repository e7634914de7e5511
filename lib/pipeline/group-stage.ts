// Group stage (single writer): pending items → grouping engine → stories and memberships, under a lease.
import { ConflictError } from '../errors.ts';
import { StoryGrouper, type GroupInput } from '../group/engine.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { Item, Membership, Story } from '../types.ts';
import { applyStoryChanges } from './corrections.ts';

/** The engine's in-memory state, kept warm between passes in one process (Lambda container, local stack). */
export interface GroupState {
  grouper: StoryGrouper;
  /** Story versions the engine has seen, to notice editor changes made elsewhere. */
  versions: Map<string, number>;
  /** Listing position up to which stories were synced from the store. */
  syncedAt?: string;
}

/** I/O and settings the group stage needs. */
export interface GroupStageDeps {
  store: Store;
  log: Logger;
  now: () => Date;
  windowHours: number;
  /** Lease owner id (unique per process). */
  owner: string;
  /** Warm state; created on first use (cold start rebuilds it from recent stories). */
  state?: GroupState;
  /** Items per pending-queue page. */
  batchSize?: number;
  /** How long to wait for another writer's lease before giving up (ms). */
  leaseWaitMs?: number;
}

/** What one group pass did. */
export interface GroupOutcome {
  grouped: number;
  storiesTouched: number;
  storiesCreated: number;
  skipped?: 'lease-busy';
  durationMs: number;
}

const LEASE = 'grouping';
const LEASE_TTL_MS = 60_000;

/** Converts a stored item to the engine's input. */
export const toGroupInput = (it: Item): GroupInput => ({
  id: it.id,
  title: it.title,
  summary: it.summary,
  url: it.url,
  outlet: it.outletId,
  lang: it.language,
  publishedAt: it.publishedAt,
});

/**
 * Groups every pending item. Only one writer runs at a time (a lease in the table); the engine state is
 * rebuilt from stories active within the time window when cold, and resynced with stories edited since.
 */
export async function runGroupStage(deps: GroupStageDeps): Promise<GroupOutcome & { state: GroupState }> {
  const started = Date.now();
  const state = deps.state ?? { grouper: new StoryGrouper({ windowHours: deps.windowHours }), versions: new Map() };
  const deadline = Date.now() + (deps.leaseWaitMs ?? 30_000);
  while (!(await deps.store.acquireLease(LEASE, deps.owner, LEASE_TTL_MS))) {
    if (Date.now() > deadline) {
      deps.log.warn('grouping lease busy', { owner: deps.owner });
      return { grouped: 0, storiesTouched: 0, storiesCreated: 0, skipped: 'lease-busy', durationMs: Date.now() - started, state };
    }
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
  }
  try {
    await syncStories(state, deps);
    let grouped = 0;
    const touched = new Set<string>();
    const created = new Set<string>();
    for (;;) {
      const batch = await deps.store.pendingItems(deps.batchSize ?? 200);
      if (batch.length === 0) break;
      const byStory = new Map<string, { item: Item; m: Membership }[]>();
      const now = deps.now().toISOString();
      for (const item of batch) {
        const a = state.grouper.add(toGroupInput(item));
        const m: Membership = { storyId: a.storyId, itemId: item.id, score: a.score, matched: a.matched, by: 'engine', at: now };
        const list = byStory.get(a.storyId) ?? [];
        list.push({ item, m });
        byStory.set(a.storyId, list);
      }
      for (const [storyId, members] of byStory) {
        const wasNew = await writeStory(storyId, members.map((x) => x.item), state, deps, now);
        if (wasNew) created.add(storyId);
        touched.add(storyId);
        // Memberships after the story: a crash in between leaves items pending, and the next pass finds them
        // already in the story (the engine's add is idempotent), so nothing is duplicated.
        for (const { item, m } of members) await deps.store.setMembership(item, m);
        grouped += members.length;
      }
      await deps.store.acquireLease(LEASE, deps.owner, LEASE_TTL_MS);
    }
    const durationMs = Date.now() - started;
    deps.log.info('grouping pass done', { grouped, storiesTouched: touched.size, storiesCreated: created.size, durationMs });
    return { grouped, storiesTouched: touched.size, storiesCreated: created.size, durationMs, state };
  } finally {
    await deps.store.releaseLease(LEASE, deps.owner);
  }
}

/** Loads stories changed since the last sync (all within the window on a cold start) into the engine. */
async function syncStories(state: GroupState, deps: GroupStageDeps): Promise<void> {
  const windowStart = new Date(deps.now().getTime() - deps.windowHours * 3_600_000).toISOString();
  const since = state.syncedAt ?? windowStart;
  const changed: Story[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listStories({ limit: 200, cursor, since });
    changed.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const stale = changed.filter((s) => state.versions.get(s.id) !== s.version);
  if (stale.length > 0) {
    const items = await deps.store.getItems(stale.flatMap((s) => (s.mergedInto ? [] : s.itemIds)));
    applyStoryChanges(state.grouper, stale, new Map(items.map((i) => [i.id, toGroupInput(i)])));
    for (const s of stale) state.versions.set(s.id, s.version);
    deps.log.info('grouping state synced', { stories: stale.length, cold: state.syncedAt === undefined });
  }
  const newest = changed.reduce((m, s) => (s.updatedAt > m ? s.updatedAt : m), since);
  state.syncedAt = newest;
}

/** Adds items to a story record with optimistic locking; retries on a concurrent editor write. */
async function writeStory(storyId: string, items: Item[], state: GroupState, deps: GroupStageDeps, now: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.store.getStory(storyId);
    const snap = state.grouper.snapshot(storyId);
    const itemIds = [...(current?.itemIds ?? [])];
    for (const it of items) if (!itemIds.includes(it.id)) itemIds.push(it.id);
    const outletIds = [...(current?.outletIds ?? [])];
    for (const it of items) if (!outletIds.includes(it.outletId)) outletIds.push(it.outletId);
    const lastItemAt = items.reduce((m, it) => (it.publishedAt > m ? it.publishedAt : m), current?.lastItemAt ?? items[0]!.publishedAt);
    const next: Story = {
      status: 'auto',
      ...current,
      id: storyId,
      label: current?.labelByEditor ? current.label : (snap?.label ?? current?.label ?? items[0]!.title),
      headline: current?.headlineByEditor ? current.headline : (snap?.headline ?? current?.headline ?? items[0]!.title),
      firstSeenAt: current?.firstSeenAt ?? now,
      updatedAt: itemIds.length === current?.itemIds.length ? current.updatedAt : now,
      lastItemAt,
      itemIds,
      outletIds,
      version: (current?.version ?? 0) + 1,
    };
    if (current && next.itemIds.length === current.itemIds.length && next.label === current.label && next.headline === current.headline) {
      return false;
    }
    try {
      await deps.store.putStory(next, current?.version ?? 0);
      state.versions.set(storyId, next.version);
      if (next.updatedAt > (state.syncedAt ?? '')) state.syncedAt = next.updatedAt;
      deps.log.debug('story written', { storyId, items: next.itemIds.length, version: next.version });
      return current === undefined;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      deps.log.warn('story write conflict, retrying', { storyId, attempt });
    }
  }
  throw new ConflictError(`Story ${storyId} kept changing; giving up for this pass`);
}
