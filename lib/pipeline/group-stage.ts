// Group stage (single writer): new arrivals → grouping engine → story records with memberships, under a lease.
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { isUnavailable } from '../aws/retry.ts';
import { ConflictError, RoundupError } from '../errors.ts';
import { StoryGrouper, type GroupInput, type StorySnapshot } from '../group/engine.ts';
import { updateHeadlines } from '../group/headlines.ts';
import { relabelStory, StoryLabeller, type LabelMember } from '../group/labels.ts';
import type { MergeSuggestion } from '../group/suggestions.ts';
import { errorFields, type Logger } from '../log.ts';
import type { CursorStore, ItemStore, LeaseStore, SearchEntry, SearchStore, StoryFailureStore, StoryStore } from '../store/store.ts';
import { searchEntriesOf, storyCopyEntry, type WordNormalizer } from '../search/entries.ts';
import { stem } from '../text/stem.ts';
import type { Item, Membership, Story } from '../types.ts';
import { applyStoryChanges } from './corrections.ts';
import {
  applyDismissals,
  newSuggestionMemo,
  suggestingGrouper,
  syncSuggestions,
  type SuggestionMemo,
  type SuggestionSyncOutcome,
  type SuggestionWriter,
} from './suggestions.ts';

/** The engine's in-memory state, kept warm between passes in one process (Lambda container, local stack). */
export interface GroupState {
  grouper: StoryGrouper;
  /** Last stored version of every story the engine knows (from a sync or from our own writes). */
  stories: Map<string, Story>;
  /** Outlet and publication time of each item in memory (story outlet lists, memberships). */
  itemInfo: Map<string, ItemInfo>;
  /** Items already grouped, with the arrival key they came in with (pruned behind the cursor). */
  grouped: Map<string, string>;
  /** Listing position up to which stories were synced from the store. */
  syncedAt?: string;
  /** Set when a pass failed midway: memory may be ahead of the table, so the next pass rebuilds. */
  broken?: boolean;
  /** Story labels: member texts and the statistics labels are chosen with. */
  labeller: StoryLabeller;
  /** Merge suggestions and dismissed pairs as the writer last stored and read them (engines that suggest). */
  suggestions?: SuggestionMemo;
}

/**
 * What the group stage reads and writes: stories (and the failures of those it could not write), the items the
 * arrivals announce, its lease and cursor.
 */
export type GroupStore = StoryStore &
  StoryFailureStore &
  Pick<ItemStore, 'getItems' | 'listArrivals'> &
  Pick<SearchStore, 'putSearchEntries'> &
  SuggestionWriter &
  LeaseStore &
  CursorStore;

/** What the writer keeps of an item it grouped. */
interface ItemInfo {
  outletId: string;
  publishedAt: string;
}

const infoOf = (it: Item): ItemInfo => ({ outletId: it.outletId, publishedAt: it.publishedAt });

/** I/O and settings the group stage needs. */
export interface GroupStageDeps {
  store: GroupStore;
  log: Logger;
  now: () => Date;
  windowHours: number;
  /** Lease owner id (unique per process). */
  owner: string;
  /** Warm state; created on first use (cold start rebuilds it from recent stories). */
  state?: GroupState;
  /** Items added to the engine between story flushes. */
  batchSize?: number;
  /** How long to wait for another writer's lease before giving up (ms). */
  leaseWaitMs?: number;
  /** Lease duration; renewed when half of it is used up (ms). */
  leaseTtlMs?: number;
  /** How far behind the cursor arrivals are re-read, for fetchers whose records become visible late (ms). */
  lagMs?: number;
  /** How long an arrival whose items are not (yet) readable holds the cursor back (ms). */
  holdMs?: number;
  /** Called before every story write (tests use it to simulate crashes and lost leases). */
  beforeStoryWrite?: (storyId: string) => Promise<void> | void;
  /** The desk's language: a story's main label is in it when the story has coverage in it (default `en`). */
  deskLanguage?: string;
  /**
   * Epoch milliseconds the lease term is measured on; must be the clock the lease store uses (tests pass one
   * manual clock to both, so renewals do not depend on how fast the machine is). Default `Date.now`.
   */
  clock?: () => number;
  /** Makes the engine of a cold start (default: a StoryGrouper with `windowHours`). */
  createGrouper?: () => StoryGrouper;
}

/** What one group pass did. */
export interface GroupOutcome {
  grouped: number;
  storiesTouched: number;
  storiesCreated: number;
  /** Story writes that failed in this pass (recorded as story failures, retried by the next passes). */
  storiesFailed: number;
  skipped?: 'lease-busy';
  /** Set when the pass had to rebuild the engine from the table, with how long that took. */
  rebuild?: { stories: number; items: number; durationMs: number };
  /** Merge suggestions stored by this pass (engines that suggest). */
  suggestions?: SuggestionSyncOutcome;
  durationMs: number;
}

/** The grouping writer lost its lease (expired or taken over) and stopped before writing further. */
export class LeaseLostError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('lease_lost', message, options);
  }
}

/** The shared stemmers: search words are stemmed here, where they are loaded for grouping anyway. */
const WORDS: WordNormalizer = { stem };

const LEASE = 'grouping';
/** Name of the grouping writer's lease (holders are `<owner>#<pass>`). */
export const GROUPING_LEASE = LEASE;
const CURSOR = 'grouping';
const DEFAULT_LEASE_TTL_MS = 60_000;

/** Converts a stored item to the labeller's member text. */
const toLabelMember = (it: Item): LabelMember => ({ id: it.id, title: it.title, summary: it.summary, lang: it.language, outlet: it.outletId });

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
 * A lease held for one pass. The pass writes only while the lease is provably held: before each write it
 * renews once half the term is used (a renewal fails if the lease expired or changed hands), and it never
 * writes in the last quarter of a term it could not renew.
 */
class PassLease {
  private validUntil = 0;
  constructor(
    private readonly store: LeaseStore,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  async acquire(): Promise<boolean> {
    const t = this.clock();
    const ok = await this.store.acquireLease(LEASE, this.holder, this.ttlMs);
    if (ok) this.validUntil = t + this.ttlMs;
    return ok;
  }

  /** @throws LeaseLostError when the lease can no longer be shown to be ours */
  async ensure(): Promise<void> {
    const t = this.clock();
    if (t < this.validUntil - this.ttlMs / 2) return;
    if (t >= this.validUntil) throw new LeaseLostError(`Grouping lease of ${this.holder} expired before renewal`);
    if (!(await this.store.renewLease(LEASE, this.holder, this.ttlMs))) {
      throw new LeaseLostError(`Grouping lease of ${this.holder} was taken over`);
    }
    this.validUntil = t + this.ttlMs;
  }

  release(): Promise<void> {
    return this.store.releaseLease(LEASE, this.holder);
  }
}

/**
 * Groups every new arrival. Only one writer runs at a time (a lease in the table, fenced before each write);
 * the engine state is rebuilt from stories active within the time window when cold, and resynced with
 * stories edited since. Items are grouped in (publishedAt, id) order, whatever order they arrived in.
 */
export async function runGroupStage(deps: GroupStageDeps): Promise<GroupOutcome & { state: GroupState }> {
  const started = Date.now();
  const lease = new PassLease(deps.store, `${deps.owner}#${randomUUID().slice(0, 8)}`, deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS, deps.clock ?? Date.now);
  const deadline = Date.now() + (deps.leaseWaitMs ?? 30_000);
  while (!(await lease.acquire())) {
    if (Date.now() > deadline) {
      deps.log.warn('grouping lease busy', { owner: deps.owner });
      const state = deps.state ?? emptyState(deps);
      return { grouped: 0, storiesTouched: 0, storiesCreated: 0, storiesFailed: 0, skipped: 'lease-busy', durationMs: Date.now() - started, state };
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
  }
  let state = deps.state && !deps.state.broken ? deps.state : undefined;
  try {
    let rebuild: GroupOutcome['rebuild'];
    if (state && !(await syncStories(state, deps))) state = undefined;
    if (!state) {
      const cold = await rebuildState(deps);
      state = cold.state;
      rebuild = cold.rebuild;
    }
    await lease.ensure();
    // Pairs editors dismissed are constraints before any item is grouped: all of them on a cold engine.
    const suggesting = suggestingGrouper(state.grouper);
    if (suggesting) await applyDismissals(deps.store, suggesting, (state.suggestions ??= newSuggestionMemo()));
    const pass: Omit<GroupOutcome, 'durationMs'> = await groupArrivals(state, deps, lease);
    if (suggesting) pass.suggestions = await storeSuggestions(state, suggesting.suggestions(), deps, lease);
    const durationMs = Date.now() - started;
    deps.log.info('grouping pass done', { ...pass, durationMs, rebuildMs: rebuild?.durationMs });
    return { ...pass, rebuild, durationMs, state };
  } catch (err) {
    // Memory may now hold assignments whose stories were never written: force a rebuild next time.
    if (state) state.broken = true;
    deps.log.error('grouping pass failed', { ...errorFields(err), durationMs: Date.now() - started });
    throw err;
  } finally {
    await lease.release().catch((err: unknown) => deps.log.warn('lease release failed', errorFields(err)));
  }
}

function emptyState(deps: Pick<GroupStageDeps, 'windowHours' | 'createGrouper' | 'deskLanguage'>): GroupState {
  const grouper = deps.createGrouper?.() ?? new StoryGrouper({ windowHours: deps.windowHours });
  const labeller = new StoryLabeller({ deskLanguage: deps.deskLanguage });
  return { grouper, stories: new Map(), itemInfo: new Map(), grouped: new Map(), labeller };
}

/** Every story updated within the window (or since `since`) with all its items, oldest first. */
async function listStoriesSince(store: Pick<StoryStore, 'listStories' | 'getStory'>, since: string): Promise<Story[]> {
  const out: Story[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listStories({ limit: 500, cursor, since });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  // A runaway story is listed with its shown items only: the engine needs all of them.
  const limit = pLimit(4);
  const full = await Promise.all(out.map((s) => (s.itemCount === undefined ? s : limit(async () => (await store.getStory(s.id)) ?? s))));
  return full.reverse();
}

/**
 * Cold start: loads the stories updated within the grouping window and their items into a fresh engine.
 * Bounded by the window, not by the table's size (see the cold-start bench).
 */
export async function rebuildState(deps: Pick<GroupStageDeps, 'store' | 'log' | 'now' | 'windowHours' | 'createGrouper' | 'deskLanguage'>): Promise<{ state: GroupState; rebuild: NonNullable<GroupOutcome['rebuild']> }> {
  const started = Date.now();
  const state = emptyState(deps);
  const syncStart = deps.now().toISOString();
  const windowStart = new Date(deps.now().getTime() - deps.windowHours * 3_600_000).toISOString();
  const stories = await listStoriesSince(deps.store, windowStart);
  const live = stories.filter((s) => !s.mergedInto);
  const ids = live.flatMap((s) => s.itemIds);
  const limit = pLimit(4);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 1000) chunks.push(ids.slice(i, i + 1000));
  const items = (await Promise.all(chunks.map((c) => limit(() => deps.store.getItems(c))))).flat();
  // Absorbed stories are not restored: their items already sit in the survivor.
  applyStoryChanges(state.grouper, live, new Map(items.map((i) => [i.id, toGroupInput(i)])));
  for (const s of stories) state.stories.set(s.id, s);
  for (const i of items) state.itemInfo.set(i.id, infoOf(i));
  for (const i of items) state.labeller.observe(toLabelMember(i));
  for (const id of ids) state.grouped.set(id, syncStart);
  // Items editors took out of a story (removed, split or moved away) were grouped once: a warm engine never
  // groups them again, and neither may a rebuilt one while their arrival is still inside the lag window.
  for (const s of stories) for (const id of s.excludedItemIds ?? []) state.grouped.set(id, syncStart);
  state.syncedAt = syncStart;
  const rebuild = { stories: stories.length, items: items.length, durationMs: Date.now() - started };
  deps.log.info('grouping state rebuilt', rebuild);
  return { state, rebuild };
}

/**
 * Brings stories changed by others (editors) since the last sync into the warm engine. False when the engine
 * cannot take the changes in place, and the caller should rebuild instead.
 */
async function syncStories(state: GroupState, deps: GroupStageDeps): Promise<boolean> {
  const syncStart = deps.now().toISOString();
  // A minute of overlap covers writers whose clocks run a little behind ours.
  const since = new Date(Date.parse(state.syncedAt ?? syncStart) - 60_000).toISOString();
  const changed = (await listStoriesSince(deps.store, since)).filter((s) => state.stories.get(s.id)?.version !== s.version);
  if (changed.length > 0) {
    try {
      const live = changed.filter((s) => !s.mergedInto);
      const items = await deps.store.getItems(live.flatMap((s) => s.itemIds));
      applyStoryChanges(
        state.grouper,
        changed.filter((s) => !s.mergedInto || state.grouper.snapshot(s.id)),
        new Map(items.map((i) => [i.id, toGroupInput(i)])),
      );
      for (const s of changed) state.stories.set(s.id, s);
      for (const i of items) state.itemInfo.set(i.id, infoOf(i));
      for (const i of items) state.labeller.observe(toLabelMember(i));
      deps.log.info('grouping state synced', { stories: changed.length });
    } catch (err) {
      deps.log.warn('editor changes need a rebuild', { ...errorFields(err), stories: changed.length });
      return false;
    }
  }
  state.syncedAt = syncStart;
  return true;
}

/** One pass over the arrivals since the cursor. */
async function groupArrivals(state: GroupState, deps: GroupStageDeps, lease: PassLease): Promise<Omit<GroupOutcome, 'durationMs'>> {
  const nowMs = deps.now().getTime();
  const now = new Date(nowMs).toISOString();
  const lagMs = deps.lagMs ?? 5 * 60_000;
  const holdMs = deps.holdMs ?? 15 * 60_000;
  const cursor = await deps.store.getCursor(CURSOR);
  // Arrival keys carry the writers' wall-clock time, which an injected clock (replays, tests) may not match.
  const wall = Date.now();
  const from = new Date(Math.min(nowMs, wall) - deps.windowHours * 3_600_000).toISOString();
  const scanTo = new Date(Math.max(nowMs, wall)).toISOString();
  const after = cursor ? `${new Date(Date.parse(cursor.slice(0, 24)) - lagMs).toISOString()}` : undefined;
  const arrivals = await deps.store.listArrivals({ after, from, now: scanTo });

  const touched = new Set<string>();
  const created = new Set<string>();
  const failedNow = new Set<string>();
  const searchEntries: SearchEntry[] = [];
  /** Writes one story; a failure of that story alone is recorded and the pass goes on with the others. */
  const write = async (snap: StorySnapshot, pass: Map<string, Item>): Promise<boolean> => {
    try {
      const prev = state.stories.get(snap.id);
      const before = new Set(prev?.itemIds ?? []);
      const w = await writeStory(snap, pass, state, deps, lease, now);
      if (w !== 'unchanged') touched.add(snap.id);
      if (w === 'created') created.add(snap.id);
      if (w !== 'unchanged') {
        const written = state.stories.get(snap.id)!;
        searchEntries.push(...searchEntriesOf(written, snap.itemIds.filter((id) => !before.has(id)), pass, WORDS));
        const copy = storyCopyEntry(written, prev);
        if (copy) searchEntries.push(copy);
      }
      return true;
    } catch (err) {
      // Lost leases and an unavailable table are not this story's fault: the pass stops.
      if (err instanceof LeaseLostError || isUnavailable(err)) throw err;
      const before = new Set(state.stories.get(snap.id)?.itemIds ?? []);
      const joining = snap.itemIds.filter((id) => !before.has(id));
      // A story an editor closed during the pass is not a failed write (no alarm); its items wait the same way.
      const closed = err instanceof StoryClosedError;
      if (closed) deps.log.info('story closed by an editor during the pass; its new items are grouped again next pass', { storyId: snap.id, reason: err.reason, items: joining.length });
      else deps.log.error('story write failed', { storyId: snap.id, items: snap.itemIds.length, joining: joining.length, ...errorFields(err) });
      await deps.store.recordStoryFailure({ storyId: snap.id, itemIds: joining, error: err, at: now });
      if (!closed) failedNow.add(snap.id);
      return false;
    }
  };

  // Stories earlier passes could not write are retried: from the engine when it still holds them, else (a cold
  // start) their items are grouped again with this pass's arrivals.
  const regrouped: string[] = [];
  const regroup: string[] = [];
  for (const f of await deps.store.listStoryFailures()) {
    const snap = state.grouper.snapshot(f.storyId);
    if (snap && f.itemIds.every((id) => snap.itemIds.includes(id))) {
      const joining = new Map((await deps.store.getItems(f.itemIds)).map((i) => [i.id, i]));
      if (await write(snap, joining)) await deps.store.clearStoryFailure(f.storyId);
      continue;
    }
    regrouped.push(f.storyId);
    regroup.push(...f.itemIds.filter((id) => state.grouper.storyOf(id) === undefined));
  }

  const wanted = [...new Set([...regroup, ...arrivals.flatMap((a) => a.itemIds)])].filter((id) => !state.grouped.has(id));
  const items = await deps.store.getItems(wanted, { consistent: true });
  const found = new Set(items.map((i) => i.id));
  await lease.ensure();
  // Deterministic order: the same items give the same stories whichever fetcher wrote them first.
  items.sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const arrivalOf = new Map<string, string>();
  for (const a of arrivals) for (const id of a.itemIds) if (!arrivalOf.has(id)) arrivalOf.set(id, a.key);

  const batchSize = deps.batchSize ?? 500;
  for (let i = 0; i < items.length; i += batchSize) {
    const batch = items.slice(i, i + batchSize);
    const pass = new Map(batch.map((it) => [it.id, it]));
    for (const item of batch) {
      state.grouper.add(toGroupInput(item));
      state.itemInfo.set(item.id, infoOf(item));
      state.labeller.observe(toLabelMember(item));
    }
    const snaps = state.grouper.drainTouched().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const snap of snaps) await write(snap, pass);
    await storeSearchWords(searchEntries.splice(0), deps);
    for (const item of batch) state.grouped.set(item.id, arrivalOf.get(item.id) ?? '');
  }
  await storeSearchWords(searchEntries.splice(0), deps);
  // Regrouped items of failed stories now sit in written stories, or in the failures this pass recorded.
  for (const id of regrouped) if (!failedNow.has(id)) await deps.store.clearStoryFailure(id);

  // Advance the cursor past every arrival whose items were all readable, or that is too old to wait for.
  let next = cursor;
  for (const a of arrivals) {
    const complete = a.itemIds.every((id) => found.has(id) || state.grouped.has(id));
    if (!complete && wall - Date.parse(a.key.slice(0, 24)) < holdMs) break;
    if (!next || a.key > next) next = a.key;
  }
  if (next && next !== cursor) {
    await lease.ensure();
    await deps.store.setCursor(CURSOR, next);
  }
  // Member texts of items that left the engine (quiet stories evicted) are no longer needed for labels.
  state.labeller.retain((id) => state.grouper.storyOf(id) !== undefined);
  // Forget grouped ids that can no longer be re-read (they are behind the cursor's lag window).
  if (next) {
    const floor = new Date(Date.parse(next.slice(0, 24)) - lagMs - holdMs).toISOString();
    for (const [id, key] of state.grouped) if (key && key < floor) state.grouped.delete(id);
  }
  if (failedNow.size) deps.log.warn('grouping pass left stories unwritten', { storiesFailed: failedNow.size, storyIds: [...failedNow].slice(0, 20) });
  return { grouped: items.length, storiesTouched: touched.size, storiesCreated: created.size, storiesFailed: failedNow.size };
}

/**
 * Stores the search words of a flush. Search is secondary to grouping: a failure is logged and the pass goes on
 * (those words are missing from search until the items' stories are written again).
 */
async function storeSearchWords(entries: SearchEntry[], deps: GroupStageDeps): Promise<void> {
  if (entries.length === 0) return;
  try {
    // Wall-clock time: the API loads the search batches of its last days by its own clock.
    await deps.store.putSearchEntries(entries, new Date().toISOString());
  } catch (err) {
    deps.log.warn('search words not stored', { ...errorFields(err), stories: entries.length });
  }
}

/**
 * Stores the engine's merge suggestions for the desk. Suggestions are secondary to grouping: a failure is logged,
 * the pass goes on, and the next pass reads the stored ones again.
 */
async function storeSuggestions(state: GroupState, suggestions: MergeSuggestion[], deps: GroupStageDeps, lease: PassLease): Promise<SuggestionSyncOutcome | undefined> {
  const memo = (state.suggestions ??= newSuggestionMemo());
  try {
    await lease.ensure();
    return await syncSuggestions(deps.store, suggestions, memo, state.stories, deps.log);
  } catch (err) {
    if (err instanceof LeaseLostError) throw err;
    memo.stored = undefined;
    deps.log.warn('merge suggestions not stored', { ...errorFields(err), suggestions: suggestions.length });
    return undefined;
  }
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** A story an editor locked or merged away while a pass was grouping items into it. */
class StoryClosedError extends RoundupError {
  constructor(
    readonly storyId: string,
    readonly reason: 'locked' | 'merged',
    options?: { cause?: unknown },
  ) {
    super('conflict', `Story ${storyId} was ${reason === 'locked' ? 'locked' : 'merged away'} during the grouping pass`, options);
  }
}

/**
 * Writes the engine's view of one story with optimistic locking, carrying the memberships of items that
 * joined it. The cached stored version is trusted until a conditional write says otherwise; then the stored
 * story (an editor's change) wins and only this pass's new items are added to it — none when the editor locked
 * it or merged it away ({@link StoryClosedError}).
 */
async function writeStory(
  snap: StorySnapshot,
  pass: Map<string, Item>,
  state: GroupState,
  deps: GroupStageDeps,
  lease: PassLease,
  now: string,
): Promise<'created' | 'updated' | 'unchanged'> {
  let base = state.stories.get(snap.id);
  let fromEditor = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    const itemIds = fromEditor && base
      ? uniq([...base.itemIds, ...snap.itemIds.filter((id) => pass.has(id) && !(base!.excludedItemIds ?? []).includes(id))])
      : snap.itemIds;
    const outletIds = uniq([
      ...(fromEditor && base ? base.outletIds : []),
      ...itemIds.map((id) => state.itemInfo.get(id)?.outletId).filter((o): o is string => o !== undefined),
    ]);
    const headlineItem = pass.get(snap.headlineItemId);
    const lastItemAt = base && base.lastItemAt > snap.lastItemAt ? base.lastItemAt : snap.lastItemAt;
    const itemsChanged = !base || !sameList(base.itemIds, itemIds);
    const next: Story = {
      status: 'auto',
      ...base,
      id: snap.id,
      ...relabelStory(state.labeller, itemIds, base, snap.label),
      headline: base?.headlineByEditor ? base.headline : snap.headline,
      summary: base?.headlineByEditor ? base.summary : (headlineItem?.summary ?? base?.summary),
      headlines: updateHeadlines(base?.headlines, itemIds, [...pass.values()], (id) => state.grouper.assignment(id)?.score ?? 0, snap.headlineItemId),
      // First coverage: the earliest member's publication, so firstSeenAt ≤ lastItemAt always holds.
      firstSeenAt: base && base.firstSeenAt < snap.firstItemAt ? base.firstSeenAt : snap.firstItemAt,
      updatedAt: itemsChanged ? now : base!.updatedAt,
      lastItemAt,
      itemIds,
      outletIds: outletIds.length ? outletIds : (base?.outletIds ?? []),
      mergedInto: fromEditor ? base?.mergedInto : (snap.mergedInto ?? base?.mergedInto),
      version: (base?.version ?? 0) + 1,
    };
    if (base && !itemsChanged && next.label === base.label && next.headline === base.headline && next.mergedInto === base.mergedInto && next.lastItemAt === base.lastItemAt) {
      return 'unchanged';
    }
    const before = new Set(base?.itemIds ?? []);
    const members: Membership[] = itemIds
      .filter((id) => !before.has(id))
      .map((id) => {
        const a = state.grouper.assignment(id);
        const info = state.itemInfo.get(id);
        return { storyId: snap.id, itemId: id, score: a?.score ?? 0, matched: a?.matched ?? [], by: 'engine' as const, at: now, ...info };
      });
    await deps.beforeStoryWrite?.(snap.id);
    await lease.ensure();
    try {
      await deps.store.putStory(next, base, { members });
      state.stories.set(snap.id, next);
      deps.log.debug('story written', { storyId: snap.id, items: next.itemIds.length, version: next.version });
      if (fromEditor) state.broken = true; // the engine's copy differs from the stored story: rebuild next pass
      return base ? 'updated' : 'created';
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      deps.log.warn('story write conflict, rereading', { storyId: snap.id, attempt });
      base = await deps.store.getStory(snap.id);
      fromEditor = base !== undefined;
      if (base && (base.locked || base.mergedInto) && snap.itemIds.some((id) => pass.has(id) && !base!.itemIds.includes(id))) {
        // Locked or merged away by an editor while this pass grouped: the story takes no new items. The engine
        // thinks otherwise, so it is rebuilt next pass and these items are grouped again there.
        state.broken = true;
        throw new StoryClosedError(snap.id, base.locked ? 'locked' : 'merged', { cause: err });
      }
    }
  }
  throw new ConflictError(`Story ${snap.id} kept changing; giving up for this pass`);
}
