// Editor actions on stories: validated, optimistically locked, audited, and ordered so a crash midway is recoverable.
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { hash48 } from '../ids.ts';
import type { Logger } from '../log.ts';
import { storyCopyEntry } from '../search/entries.ts';
import type { MergeSuggestion } from '../group/suggestions.ts';
import type { DismissedPair, ItemStore, SearchStore, StoryStore, SuggestionStore } from '../store/store.ts';
import type { Item, Membership, Story, StoryStatus } from '../types.ts';
import { auditEntry, type EditorActionName, type SuggestionRef } from './audit.ts';
import type { Actor } from './auth.ts';
import type { EditorStore } from './store.ts';
import { survivorOf } from './suggestions.ts';

/** I/O the actions need. */
export interface EditorActionDeps {
  store: StoryStore &
    Pick<ItemStore, 'getItems'> &
    Pick<SearchStore, 'putSearchEntries'> &
    Pick<SuggestionStore, 'getPair' | 'removeSuggestion' | 'dismissPair'>;
  editorStore: EditorStore;
  log: Logger;
  now: () => Date;
}

/** Field edits of one story (PATCH): every field optional, at least one present. */
export interface StoryPatch {
  label?: string;
  /**
   * Labels per language (BCP 47 primary subtag → label) the engine must keep; an empty string returns that
   * language to the engine, which chooses its label afresh when the story next changes.
   */
  labels?: Record<string, string>;
  headline?: string;
  /** Empty string clears the standfirst. */
  standfirst?: string;
  pinned?: boolean;
  hidden?: boolean;
  locked?: boolean;
  status?: StoryStatus;
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

/**
 * Applies an editor's per-language labels to `next`; true when something changed. A label pins its language
 * (`labelsByEditor`); an empty one unpins it and zeroes the basis of the engine's labels, so the next grouping
 * write chooses them afresh instead of keeping the editor's former text.
 */
function relabelByEditor(prev: Story, next: Story, patch: Record<string, string>): boolean {
  const labels = { ...(prev.labels ?? {}) };
  const pinned = new Set(prev.labelsByEditor ?? []);
  let changed = false;
  for (const [lang, text] of Object.entries(patch)) {
    if (text === '') {
      if (!pinned.delete(lang)) continue;
      next.labelBasis = 0;
      changed = true;
    } else if (labels[lang] !== text || !pinned.has(lang)) {
      labels[lang] = text;
      pinned.add(lang);
      changed = true;
    }
  }
  if (!changed) return false;
  next.labels = labels;
  next.labelsByEditor = [...pinned].sort();
  return true;
}
const without = <T>(xs: T[] | undefined, drop: T[]) => (xs ?? []).filter((x) => !drop.includes(x));

/**
 * The editor desk's write operations. Every write goes through `store.putStory(story, prev)`, so a
 * concurrent grouping pass or editor makes the loser retry (409 for editors). Multi-record actions write the
 * record that gains items first (with the items' memberships in the same write), then the record that loses
 * them, then the audit:
 * a crash leaves at worst an item listed in two stories (never in none), and repeating the action completes it.
 */
export class EditorActions {
  constructor(private readonly deps: EditorActionDeps) {}

  /** A story that exists and was not absorbed. */
  async liveStory(id: string): Promise<Story> {
    const s = await this.deps.store.getStory(id);
    if (!s) throw new NotFoundError(`Story ${id} not found`);
    if (s.mergedInto) throw new ConflictError(`Story ${id} was merged into ${s.mergedInto}; act on that story instead`);
    return s;
  }

  /** Renames, rewrites copy, pins, hides, locks or changes the publication status of one story. */
  async update(id: string, patch: StoryPatch, actor: Actor, expectedVersion?: number): Promise<Story> {
    const prev = await this.liveStory(id);
    checkVersion(prev, expectedVersion);
    const now = this.now();
    const next: Story = { ...prev };
    const actions: EditorActionName[] = [];
    if (patch.label !== undefined && (patch.label !== prev.label || !prev.labelByEditor)) {
      next.label = patch.label;
      next.labelByEditor = true;
      actions.push('rename');
    }
    if (patch.labels !== undefined && relabelByEditor(prev, next, patch.labels)) actions.push('rename');
    const copyChanged =
      (patch.headline !== undefined && (patch.headline !== prev.headline || !prev.headlineByEditor)) ||
      (patch.standfirst !== undefined && (patch.standfirst !== (prev.summary ?? '') || !prev.headlineByEditor));
    if (patch.headline !== undefined) {
      next.headline = patch.headline;
      next.headlineByEditor = true;
    }
    if (patch.standfirst !== undefined) {
      next.summary = patch.standfirst === '' ? undefined : patch.standfirst;
      // Headline and standfirst are one piece of copy: the grouping writer keeps both once either is the editor's.
      next.headlineByEditor = true;
    }
    if (copyChanged) actions.push('edit-copy');
    if (patch.pinned !== undefined && patch.pinned !== (prev.pinned === true)) {
      next.pinned = patch.pinned;
      actions.push(patch.pinned ? 'pin' : 'unpin');
    }
    if (patch.hidden !== undefined && patch.hidden !== (prev.hidden === true)) {
      next.hidden = patch.hidden;
      actions.push(patch.hidden ? 'hide' : 'unhide');
    }
    if (patch.locked !== undefined && patch.locked !== (prev.locked === true)) {
      next.locked = patch.locked;
      actions.push(patch.locked ? 'lock' : 'unlock');
    }
    if (patch.status !== undefined) {
      // Approving/unpublishing is a review even when the status is unchanged: it clears the story from the queue.
      if (patch.status !== 'auto') next.reviewedAt = now;
      if (patch.status !== prev.status || patch.status !== 'auto') {
        next.status = patch.status;
        actions.push(patch.status === 'approved' ? 'approve' : patch.status === 'unpublished' ? 'unpublish' : 'reset-status');
      }
    }
    if (actions.length === 0) return prev;
    next.version = prev.version + 1;
    next.updatedAt = now;
    await this.deps.store.putStory(next, prev);
    // An editor's label or copy is searchable like the items' words.
    const copy = storyCopyEntry(next, prev);
    if (copy) await this.deps.store.putSearchEntries([copy], now);
    const action = actions.length === 1 ? actions[0]! : 'edit';
    await this.audit(action, actor, prev, next, now);
    return next;
  }

  /**
   * Absorbs `sourceIds` into `targetId`. Order: target (gains all items and their memberships) → each source
   * (`mergedInto`, emptied) → audit. Repeating a half-done merge is harmless: the union is idempotent.
   */
  async merge(targetId: string, sourceIds: string[], actor: Actor, expectedVersion?: number, suggestion?: SuggestionRef): Promise<Story> {
    const ids = uniq(sourceIds);
    if (ids.includes(targetId)) throw new ValidationError('A story cannot be merged into itself', ['sources']);
    const prev = await this.liveStory(targetId);
    checkVersion(prev, expectedVersion);
    const sources: Story[] = [];
    for (const id of ids) {
      const s = await this.deps.store.getStory(id);
      if (!s) throw new NotFoundError(`Story ${id} not found`);
      // Already absorbed into this target by an interrupted earlier attempt: nothing left to do for it.
      if (s.mergedInto === targetId) continue;
      if (s.mergedInto) throw new ConflictError(`Story ${id} was already merged into ${s.mergedInto}`);
      sources.push(s);
    }
    if (sources.length === 0) return prev;
    const now = this.now();
    const moved = sources.flatMap((s) => s.itemIds);
    // Read the scores before the sources are emptied: memberships are listed for a story's current items only.
    const scores = new Map<string, Membership>();
    for (const s of sources) for (const m of await this.deps.store.getMemberships(s.id)) scores.set(m.itemId, m);
    const next: Story = {
      ...prev,
      itemIds: uniq([...prev.itemIds, ...moved]),
      outletIds: uniq([...prev.outletIds, ...sources.flatMap((s) => s.outletIds)]),
      excludedItemIds: without(uniq([...(prev.excludedItemIds ?? []), ...sources.flatMap((s) => s.excludedItemIds ?? [])]), moved),
      firstSeenAt: [prev.firstSeenAt, ...sources.map((s) => s.firstSeenAt)].sort()[0]!,
      lastItemAt: [prev.lastItemAt, ...sources.map((s) => s.lastItemAt)].sort().at(-1)!,
      pinned: prev.pinned || sources.some((s) => s.pinned) || undefined,
      version: prev.version + 1,
      updatedAt: now,
    };
    // Memberships ride on the target's write (they live on the story record), so items never lack a reason.
    const members = moved.map((itemId) => {
      const old = scores.get(itemId);
      return this.member(itemId, targetId, now, old?.score ?? 1, old?.matched ?? [], old && { outletId: old.outletId, publishedAt: old.publishedAt });
    });
    await this.deps.store.putStory(next, prev, { members });
    for (const s of sources) {
      const absorbed: Story = { ...s, mergedInto: targetId, itemIds: [], outletIds: [], pinned: undefined, version: s.version + 1, updatedAt: now };
      await this.deps.store.putStory(absorbed, s);
      await this.audit('merged-into', actor, s, absorbed, now, { storyIds: [targetId] }, suggestion);
    }
    await this.audit('merge', actor, prev, next, now, { storyIds: sources.map((s) => s.id), itemIds: moved }, suggestion);
    this.deps.log.info('stories merged', { storyId: targetId, sources: sources.map((s) => s.id), items: moved.length, keyId: actor.keyId });
    return next;
  }

  /**
   * Moves `itemIds` out of `sourceId` into a new story (id derived from source and items, so a retry finds it).
   * Order: new story (with memberships) → source (loses the items, remembers them as excluded) → audit.
   */
  async split(sourceId: string, itemIds: string[], actor: Actor, opts: { expectedVersion?: number; label?: string } = {}): Promise<{ source: Story; created: Story }> {
    const ids = uniq(itemIds);
    const prev = await this.liveStory(sourceId);
    checkVersion(prev, opts.expectedVersion);
    const newId = `s_${hash48(`split\n${sourceId}\n${[...ids].sort().join('\n')}`)}`;
    const foreign = ids.filter((id) => !prev.itemIds.includes(id));
    const existing = await this.deps.store.getStory(newId);
    // A retry after a crash between the two writes: the new story exists and the source still lists the items.
    const resuming = existing !== undefined && sameSet(existing.itemIds, ids) && foreign.length === 0;
    if (foreign.length > 0) throw new NotFoundError(`Items not in story ${sourceId}: ${foreign.join(', ')}`);
    if (ids.length >= prev.itemIds.length) throw new ValidationError('A split must leave at least one item in the story', ['itemIds']);
    if (existing && !resuming) throw new ConflictError(`Story ${newId} already exists`);
    const now = this.now();
    const items = await this.deps.store.getItems(prev.itemIds);
    const moving = items.filter((i) => ids.includes(i.id)).sort(byPublished);
    const staying = items.filter((i) => !ids.includes(i.id));
    const created: Story = existing ?? {
      id: newId,
      label: opts.label ?? moving[0]?.title ?? 'Split story',
      labelByEditor: opts.label !== undefined ? true : undefined,
      headline: moving[0]?.title ?? opts.label ?? 'Split story',
      summary: moving[0]?.summary,
      firstSeenAt: moving[0]?.publishedAt ?? now,
      updatedAt: now,
      lastItemAt: moving.at(-1)?.publishedAt ?? prev.lastItemAt,
      itemIds: ids,
      outletIds: uniq(moving.map((i) => i.outletId)),
      version: 1,
      status: 'auto',
    };
    const members = moving.map((i) => this.member(i.id, newId, now, 1, [], i));
    if (!existing) await this.deps.store.putStory(created, undefined, { members });
    else for (const m of members) await this.deps.store.setMembership(m);
    const next = shrink(prev, ids, staying, now);
    await this.deps.store.putStory(next, prev);
    await this.audit('split-from', actor, undefined, created, now, { storyIds: [sourceId], itemIds: ids });
    await this.audit('split', actor, prev, next, now, { storyIds: [newId], itemIds: ids });
    this.deps.log.info('story split', { storyId: sourceId, newStoryId: newId, items: ids.length, keyId: actor.keyId });
    return { source: next, created };
  }

  /** Moves one item from `sourceId` to `targetId`. Order: target (gains it, with membership) → source (loses it) → audit. */
  async moveItem(sourceId: string, itemId: string, targetId: string, actor: Actor, expectedVersion?: number): Promise<{ source: Story; target: Story }> {
    if (sourceId === targetId) throw new ValidationError('The item is already in that story', ['to']);
    const prev = await this.liveStory(sourceId);
    checkVersion(prev, expectedVersion);
    if (!prev.itemIds.includes(itemId)) throw new NotFoundError(`Item ${itemId} is not in story ${sourceId}`);
    const target = await this.liveStory(targetId);
    const items = await this.deps.store.getItems(prev.itemIds);
    const item = items.find((i) => i.id === itemId);
    if (!item) throw new NotFoundError(`Item ${itemId} not found`);
    const now = this.now();
    let nextTarget = target;
    if (!target.itemIds.includes(itemId)) {
      nextTarget = {
        ...target,
        itemIds: [...target.itemIds, itemId],
        outletIds: uniq([...target.outletIds, item.outletId]),
        excludedItemIds: without(target.excludedItemIds, [itemId]),
        lastItemAt: item.publishedAt > target.lastItemAt ? item.publishedAt : target.lastItemAt,
        version: target.version + 1,
        updatedAt: now,
      };
      await this.deps.store.putStory(nextTarget, target, { members: [this.member(itemId, targetId, now, 1, [], item)] });
    } else {
      await this.deps.store.setMembership(this.member(itemId, targetId, now, 1, [], item));
    }
    const next = shrink(prev, [itemId], items.filter((i) => i.id !== itemId), now);
    await this.deps.store.putStory(next, prev);
    await this.audit('move-in', actor, target, nextTarget, now, { storyIds: [sourceId], itemIds: [itemId] });
    await this.audit('move-out', actor, prev, next, now, { storyIds: [targetId], itemIds: [itemId] });
    this.deps.log.info('item moved', { storyId: sourceId, targetStoryId: targetId, itemId, keyId: actor.keyId });
    return { source: next, target: nextTarget };
  }

  /** Takes an item out of a story; it is remembered as excluded so grouping never puts it back. */
  async removeItem(storyId: string, itemId: string, actor: Actor, expectedVersion?: number): Promise<Story> {
    const prev = await this.liveStory(storyId);
    checkVersion(prev, expectedVersion);
    if (!prev.itemIds.includes(itemId)) throw new NotFoundError(`Item ${itemId} is not in story ${storyId}`);
    if (prev.itemIds.length === 1) throw new ValidationError('Cannot remove the last item of a story; hide or unpublish it instead', ['itemId']);
    const now = this.now();
    const items = await this.deps.store.getItems(prev.itemIds);
    const next = shrink(prev, [itemId], items.filter((i) => i.id !== itemId), now);
    await this.deps.store.putStory(next, prev);
    await this.audit('remove-item', actor, prev, next, now, { itemIds: [itemId] });
    this.deps.log.info('item removed', { storyId, itemId, keyId: actor.keyId });
    return next;
  }

  /**
   * One-click merge of a pair the engine suggested ("possible same story"): the pair's survivor (`into`, by default
   * the one {@link survivorOf} picks) absorbs the other through {@link merge}, audited with the suggestion; the
   * suggestion is withdrawn. `expectedVersion` is the survivor's (If-Match), `sourceVersion` the absorbed story's.
   * @throws ConflictError when an editor dismissed the pair (a merge from a story page overrides that), or on versions
   */
  async mergeSuggestion(
    x: string,
    y: string,
    actor: Actor,
    opts: { into?: string; expectedVersion?: number; sourceVersion?: number } = {},
  ): Promise<{ story: Story; absorbed: Story }> {
    if (x === y) throw new ValidationError('A pair needs two different stories', ['pair']);
    const pair = await this.deps.store.getPair(x, y);
    if (pair?.dismissed) {
      throw new ConflictError(
        `${pair.dismissed.dismissedBy.name} marked ${pair.a} and ${pair.b} as not the same story; merge them from a story page to override`,
      );
    }
    const [sx, sy] = await Promise.all([this.liveStory(x), this.liveStory(y)]);
    const target = opts.into === undefined ? survivorOf(sx, sy) : [sx, sy].find((s) => s.id === opts.into);
    if (!target) throw new ValidationError(`"into" must be ${x} or ${y}`, ['into']);
    const source = target === sx ? sy : sx;
    checkVersion(source, opts.sourceVersion);
    const story = await this.merge(target.id, [source.id], actor, opts.expectedVersion, pair?.suggestion && refOf(pair.suggestion));
    await this.deps.store.removeSuggestion(x, y);
    return { story, absorbed: source };
  }

  /**
   * "Not the same story": the pair is dismissed for good (never suggested again, kept apart by later grouping) and
   * the dismissal is audited on both stories. Writes no story, so no version applies. Dismissing a dismissed pair
   * changes nothing (`created` false).
   */
  async dismissSuggestion(x: string, y: string, actor: Actor): Promise<{ pair: DismissedPair; created: boolean; stories: [Story, Story] }> {
    if (x === y) throw new ValidationError('A pair needs two different stories', ['pair']);
    const [sx, sy] = await Promise.all([this.liveStory(x), this.liveStory(y)]);
    const now = this.now();
    const active = sx.lastItemAt > sy.lastItemAt ? sx.lastItemAt : sy.lastItemAt;
    const r = await this.deps.store.dismissPair(sx.id, sy.id, actor, now, active);
    if (r.created) {
      const ref = r.pair.suggestion && refOf(r.pair.suggestion);
      await this.audit('dismiss-suggestion', actor, sx, sx, now, { storyIds: [sy.id] }, ref);
      await this.audit('dismiss-suggestion', actor, sy, sy, now, { storyIds: [sx.id] }, ref);
      this.deps.log.info('suggestion dismissed', { storyId: r.pair.a, otherStoryId: r.pair.b, keyId: actor.keyId });
    }
    return { ...r, stories: [sx, sy] };
  }

  private now(): string {
    return this.deps.now().toISOString();
  }

  /** Editor placements are recorded as such, so the "why is it here" view can say an editor put it there. */
  private member(
    itemId: string,
    storyId: string,
    at: string,
    score: number,
    matched: string[],
    item?: { outletId?: string; publishedAt?: string },
  ): Membership {
    return { storyId, itemId, score, matched, by: 'editor', at, ...(item?.outletId ? { outletId: item.outletId } : {}), ...(item?.publishedAt ? { publishedAt: item.publishedAt } : {}) };
  }

  private async audit(
    action: EditorActionName,
    actor: Actor,
    before: Story | undefined,
    after: Story,
    at: string,
    related?: { storyIds?: string[]; itemIds?: string[] },
    suggestion?: SuggestionRef,
  ): Promise<void> {
    await this.deps.editorStore.appendAudit(auditEntry(action, actor, before, after, at, related, suggestion));
    this.deps.log.info('editor action', { storyId: after.id, action, keyId: actor.keyId, version: after.version });
  }
}

/** What the audit keeps of a suggestion. */
const refOf = (s: MergeSuggestion): SuggestionRef => ({ score: s.score, threshold: s.threshold, crossLingual: s.crossLingual, evidence: s.evidence });

/** @throws ConflictError when the client edited an older version than the stored one. */
function checkVersion(story: Story, expected: number | undefined): void {
  if (expected !== undefined && expected !== story.version) {
    throw new ConflictError(`Story ${story.id} is at version ${story.version}, not ${expected}; reload and retry`);
  }
}

/** The story without `gone` items: excluded for life, outlets/headline/last item recomputed from what stays. */
function shrink(prev: Story, gone: string[], staying: Item[], now: string): Story {
  const itemIds = prev.itemIds.filter((id) => !gone.includes(id));
  const kept = staying.filter((i) => itemIds.includes(i.id)).sort(byPublished);
  const headlineGone = !prev.headlineByEditor && !kept.some((i) => i.title === prev.headline);
  return {
    ...prev,
    itemIds,
    outletIds: kept.length ? uniq(kept.map((i) => i.outletId)) : prev.outletIds,
    excludedItemIds: uniq([...(prev.excludedItemIds ?? []), ...gone]),
    headline: headlineGone && kept[0] ? kept[0].title : prev.headline,
    lastItemAt: kept.at(-1)?.publishedAt ?? prev.lastItemAt,
    version: prev.version + 1,
    updatedAt: now,
  };
}

const byPublished = (a: Item, b: Item) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0);
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
