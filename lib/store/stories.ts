// Stories: a bounded story record, member batches beside it (who joined or left, and why), and write failures.
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { ConflictError, ValidationError } from '../errors.ts';
import type { Membership, Story } from '../types.ts';
import { decodeCursor, encodeCursor, fromAttrs, isConditionFailure, keyEquals, toAttrs, ttlAfter, type Attrs, type Table } from './db.ts';
import { INDEX, STORY_FAILURES_PK, STORY_READ_FROM, memberBatchKeys, primary, storiesSince, storyFailureKeys, storyKeys } from './keys.ts';

/** One page of a listing with an opaque continuation token. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Options of `putStory`. */
export interface PutStoryOptions {
  /**
   * Why the items joining the story in this write are in it (one per joining item; an item without one is
   * recorded as an engine placement with score 0). Memberships of items already in the story are kept.
   */
  members?: Membership[];
}

/** Stored stories and their memberships. */
export interface StoryStore {
  /** The story with every item (one Query of its partition), or undefined. */
  getStory(id: string): Promise<Story | undefined>;
  /**
   * Writes `story` over `prev`, the stored version it was made from (undefined for a new story), if the stored
   * version is still `prev.version` (a new story: if it does not exist). Items in `story.itemIds` and not in
   * `prev.itemIds` join the story, the others leave it.
   * @throws ConflictError when another writer got there first
   */
  putStory(story: Story, prev: Story | undefined, opts?: PutStoryOptions): Promise<void>;
  /**
   * Stories by last update, newest first, as listed: a runaway story (more than {@link INLINE_ITEMS} items)
   * comes with its shown items in `itemIds` and its size in `itemCount`; `getStory` gives every item.
   */
  listStories(opts: { limit: number; cursor?: string; since?: string }): Promise<Page<Story>>;
  /** Stories by id, as listed (one read of their records, batched); unknown ids are left out, the order kept. */
  getListedStories(ids: string[]): Promise<Story[]>;
  /**
   * Memberships of the story's current items, in story order. An item placed by the engine with no score and no
   * stored entry (a story's founder) reads as such, placed at the story's first coverage.
   */
  getMemberships(storyId: string): Promise<Membership[]>;
  /** Records why an item already in a story is there (an editor placement); nothing else changes. */
  setMembership(membership: Membership): Promise<void>;
}

/** A story the grouping writer could not write, kept until a later pass writes it. */
export interface StoryFailure {
  storyId: string;
  /** Items that were joining the story in the failed writes (the first {@link FAILURE_ITEMS_MAX}). */
  itemIds: string[];
  errorClass: string;
  errorMessage: string;
  firstFailedAt: string;
  lastFailedAt: string;
  /** Failed writes so far. */
  attempts: number;
}

/** Write failures of stories, as data: for the review queue, the alarm and the writer's retries. */
export interface StoryFailureStore {
  recordStoryFailure(f: { storyId: string; itemIds: string[]; error: unknown; at: string }): Promise<void>;
  clearStoryFailure(storyId: string): Promise<void>;
  listStoryFailures(): Promise<StoryFailure[]>;
}

/** Items kept on the story record itself; beyond this the story is paged (its items only in member batches). */
export const INLINE_ITEMS = 24;

/** Newest items of each outlet a runaway story shows, and most items shown in all (see `shownItems`). */
export const SHOWN_PER_OUTLET = 3;
export const SHOWN_MAX = 48;

/** Entries per member batch record (about 100 bytes each: records stay near 20 KB). */
const BATCH_ENTRIES_MAX = 200;

/** Items remembered on a failure record. */
export const FAILURE_ITEMS_MAX = 100;

/** Story fields that may be absent: an update removes them when the new version lacks them. */
const OPTIONAL_STORY_FIELDS = [
  'summary',
  'pinned',
  'hidden',
  'locked',
  'labelByEditor',
  'headlineByEditor',
  'mergedInto',
  'reviewedAt',
  'excludedItemIds',
  'headlines',
] as const;

/** Fields of a Story the store derives itself: never written as given. */
const DERIVED_FIELDS = new Set(['itemIds', 'itemCount', 'shownItemIds', 'members']);

/** Matched terms kept per membership. */
const MAX_MATCHED = 5;

/**
 * One item's entry in a member batch: `i` item, `o` outlet, `p` publication time (epoch ms), `s` score, `m`
 * matched terms (absent when none), `t` time of the placement (epoch ms, or the ISO string if it would not
 * round-trip), `b` only for editor placements.
 */
interface MemberEntry {
  i: string;
  o?: string;
  p?: number;
  s: number;
  m?: string[];
  t: number | string;
  b?: 'editor';
}

/**
 * A member batch: items that joined (`a`), left (`x`), got a new reason without joining (`u`), or the whole
 * item list (`r`, written when a story becomes paged or loses most of its items; a long list goes on in `l`
 * of the records after it).
 */
interface MemberBatch {
  a?: MemberEntry[];
  u?: MemberEntry[];
  x?: string[];
  r?: string[];
  l?: string[];
}

/** The long form of memberships kept in the story record's `members` map before member batches; read, then moved. */
interface LegacyMemberEntry {
  score: number;
  matched: string[];
  by: 'engine' | 'editor';
  at: string;
}
/** The short form of the same map. */
interface LegacyShortEntry {
  s: number;
  m?: string[];
  t: number | string;
  b?: 'editor';
}
type LegacyMembers = Record<string, LegacyMemberEntry | LegacyShortEntry>;

/** The story record as stored. */
type StoryRecord = Omit<Story, 'itemIds' | 'itemCount' | 'shownItemIds'> & {
  itemIds?: string[];
  itemCount?: number;
  shown?: string[];
  members?: LegacyMembers;
};

/**
 * Items of a runaway story readers are shown: the newest {@link SHOWN_PER_OUTLET} of each outlet, outlets whose
 * newest item is newest first, at most {@link SHOWN_MAX}; returned in story order. A flood from one outlet
 * (a misbehaving feed) then shows as three items, not as the whole story.
 */
export function shownItems(members: readonly { itemId: string; outletId?: string; publishedAt?: string }[]): string[] {
  const byOutlet = new Map<string, { itemId: string; t: number }[]>();
  for (const m of members) {
    const key = m.outletId ?? '';
    const list = byOutlet.get(key) ?? [];
    list.push({ itemId: m.itemId, t: m.publishedAt ? Date.parse(m.publishedAt) || 0 : 0 });
    byOutlet.set(key, list);
  }
  const lists = [...byOutlet.values()].map((l) => l.sort((a, b) => b.t - a.t).slice(0, SHOWN_PER_OUTLET));
  lists.sort((a, b) => b[0]!.t - a[0]!.t);
  const chosen = new Set<string>();
  for (let rank = 0; rank < SHOWN_PER_OUTLET && chosen.size < SHOWN_MAX; rank++) {
    for (const l of lists) {
      if (chosen.size >= SHOWN_MAX) break;
      if (l[rank]) chosen.add(l[rank]!.itemId);
    }
  }
  return members.filter((m) => chosen.has(m.itemId)).map((m) => m.itemId);
}

/** Replays member batches (oldest first): the item list they describe and the latest entry of each item. */
export function foldBatches(batches: readonly MemberBatch[]): { itemIds: string[]; entries: Map<string, MemberEntry> } {
  const list = new Map<string, true>();
  const entries = new Map<string, MemberEntry>();
  for (const b of batches) {
    if (b.r) list.clear();
    for (const id of b.r ?? []) list.set(id, true);
    for (const id of b.l ?? []) list.set(id, true);
    for (const e of b.a ?? []) {
      entries.set(e.i, e);
      list.set(e.i, true);
    }
    for (const e of b.u ?? []) entries.set(e.i, e);
    for (const id of b.x ?? []) list.delete(id);
  }
  return { itemIds: [...list.keys()], entries };
}

/** StoryStore and StoryFailureStore on the table; quiet stories expire `retentionDays` after their newest item. */
export function storyStore(db: Table, opts: { retentionDays: number }): StoryStore & StoryFailureStore {
  /** The story record and its member batches, oldest first (one Query; audit entries sort before and are skipped). */
  const readPartition = async (id: string): Promise<{ record?: StoryRecord; batches: MemberBatch[] }> => {
    const rows = await db.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: toAttrs({ ':pk': storyKeys(id).pk, ':from': STORY_READ_FROM }),
      ConsistentRead: true,
    });
    const head = rows.find((r) => r.sk?.S === 'STORY');
    return {
      record: head ? fromAttrs<StoryRecord>(head) : undefined,
      batches: rows.filter((r) => r !== head).map((r) => fromAttrs<MemberBatch>(r)),
    };
  };

  /** A full story from its record and batches: the record's own list while inline, else the batches' minus exclusions. */
  const fullStory = (record: StoryRecord, batches: MemberBatch[]): { story: Story; entries: Map<string, MemberEntry> } => {
    const folded = foldBatches(batches);
    const { members: _m, shown, itemCount: _c, itemIds, ...rest } = record;
    const excluded = new Set(record.excludedItemIds ?? []);
    const ids = itemIds ?? folded.itemIds.filter((i) => !excluded.has(i));
    const story: Story = { ...rest, itemIds: ids, ...(itemIds ? {} : { shownItemIds: shown ?? [] }) };
    // Scores written before member batches, where no batch has newer ones.
    for (const [itemId, e] of Object.entries(record.members ?? {})) if (!folded.entries.has(itemId)) folded.entries.set(itemId, fromLegacy(itemId, e));
    return { story, entries: folded.entries };
  };

  /** A story as listed: its record alone (a paged story lists its shown items). */
  const listedStory = (record: StoryRecord): Story => {
    const { members: _m, shown, itemCount, itemIds, ...rest } = record;
    return itemIds ? { ...rest, itemIds } : { ...rest, itemIds: shown ?? [], itemCount: itemCount ?? 0 };
  };

  const writeBatches = async (storyId: string, at: string, ttl: number, batches: MemberBatch[], suffix = ''): Promise<void> => {
    const nonce = randomUUID().slice(0, 8);
    for (const [k, b] of batches.entries()) {
      await db.send(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...memberBatchKeys(storyId, at, `${nonce}.${String(k).padStart(3, '0')}${suffix}`), entity: 'members', ...b, ttl }),
        }),
      );
    }
  };

  const putStory = async (story: Story, prev: Story | undefined, putOpts: PutStoryOptions = {}): Promise<void> => {
    const at = new Date().toISOString();
    const expectedVersion = prev?.version ?? 0;
    const prevIds = prev?.itemIds ?? [];
    const prevSet = new Set(prevIds);
    const nextSet = new Set(story.itemIds);
    const joined = story.itemIds.filter((id) => !prevSet.has(id));
    const left = prevIds.filter((id) => !nextSet.has(id));
    const given = new Map((putOpts.members ?? []).map((m) => [m.itemId, m]));
    const paged = story.itemIds.length > INLINE_ITEMS;
    const keep = story.pinned || story.status === 'approved';
    const ttl = ttlAfter(story.lastItemAt > at ? story.lastItemAt : at, opts.retentionDays);

    // Member batches go first: a story record never names items whose reasons are not stored. A story that
    // becomes paged, or loses most of its items, gets its whole list as one reset.
    // A plain engine placement with no score (a story's founder) says nothing a reader of a small story needs:
    // it is left out, and read back as such (see `membershipOf`). A paged story gets every entry.
    const entries = joined
      .map((id) => entryOf(given.get(id) ?? { storyId: story.id, itemId: id, score: 0, matched: [], by: 'engine', at: story.updatedAt }))
      .filter((e) => paged || e.s !== 0 || e.m || e.b);
    const updates = [...given.values()].filter((m) => prevSet.has(m.itemId) && nextSet.has(m.itemId)).map(entryOf);
    const reset = (paged && prevIds.length <= INLINE_ITEMS) || left.length > story.itemIds.length ? story.itemIds : undefined;
    const batches = chunkBatch({ a: entries, u: updates, x: reset ? [] : left, r: reset });
    if (batches.length) await writeBatches(story.id, at, ttl, batches);

    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    let n = 0;
    const set = (path: string, value: unknown) => {
      const k = `#f${n}`;
      const v = `:v${n++}`;
      names[k] = path;
      values[v] = value;
      sets.push(`${k} = ${v}`);
    };
    const remove = (path: string) => {
      names[`#r${n}`] = path;
      removes.push(`#r${n++}`);
    };
    const keys = storyKeys(story.id, story.updatedAt);
    for (const [k, v] of Object.entries(story)) if (v !== undefined && !DERIVED_FIELDS.has(k)) set(k, v);
    set('entity', 'story');
    set('gsi1pk', keys.gsi1pk);
    set('gsi1sk', keys.gsi1sk);
    set('itemCount', story.itemIds.length);
    if (paged) {
      // What readers are shown needs every member's outlet and time: the batches have them.
      const { entries: all } = foldBatches((await readPartition(story.id)).batches);
      set('shown', shownItems(story.itemIds.map((itemId) => refOf(itemId, all.get(itemId)))));
      remove('itemIds');
    } else {
      set('itemIds', story.itemIds);
      remove('shown');
    }
    // Pinned or editor-approved stories are kept; others expire once quiet for the retention period.
    if (keep) remove('ttl');
    else set('ttl', ttlAfter(story.lastItemAt, opts.retentionDays));
    for (const f of OPTIONAL_STORY_FIELDS) if ((story as unknown as Record<string, unknown>)[f] === undefined) remove(f);
    // Records written before member batches carry their memberships in a `members` map: moved out below.
    remove('members');
    if (expectedVersion !== 0) values[':expected'] = expectedVersion;
    let old: Attrs | undefined;
    try {
      const r = await db.send(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(keys)),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: toAttrs(values),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      old = r.Attributes as Attrs | undefined;
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError(`Story ${story.id} changed since version ${expectedVersion}`, { cause: err });
      }
      throw err;
    }
    const legacy = old?.members ? fromAttrs<{ members: LegacyMembers }>({ members: old.members }).members : undefined;
    const after: MemberBatch[] = [];
    // The old map's reasons become a batch of their own, ordered before every other batch of the story.
    if (legacy) {
      const stillIn = Object.entries(legacy).filter(([id]) => nextSet.has(id) && !given.has(id));
      if (stillIn.length) await writeBatches(story.id, '0', ttl, chunkBatch({ u: stillIn.map(([id, e]) => fromLegacy(id, e)) }));
    }
    // An old record with its items inline beyond the inline limit became paged now: its list goes into a reset.
    if (paged && !reset && old?.itemIds) after.push(...chunkBatch({ r: story.itemIds }));
    if (after.length) await writeBatches(story.id, at, ttl, after, 'z');
  };

  return {
    putStory,

    async getStory(id) {
      const { record, batches } = await readPartition(id);
      return record ? fullStory(record, batches).story : undefined;
    },

    async getMemberships(storyId) {
      const { record, batches } = await readPartition(storyId);
      if (!record) return [];
      const { story, entries } = fullStory(record, batches);
      return story.itemIds.map((id) => toMembership(storyId, entries.get(id) ?? { i: id, s: 0, t: story.firstSeenAt }));
    },

    async setMembership(m) {
      // An update-only entry: it never makes the item a member (batches of a story that does not exist are never read).
      await writeBatches(m.storyId, new Date().toISOString(), ttlAfter(new Date().toISOString(), opts.retentionDays), [{ u: [entryOf(m)] }]);
    },

    async listStories(listOpts) {
      let start: Attrs | undefined;
      try {
        start = decodeCursor(listOpts.cursor);
      } catch (err) {
        throw new ValidationError('Invalid cursor', ['cursor'], { cause: err });
      }
      const page = await db.queryPage(
        {
          IndexName: INDEX.byList,
          KeyConditionExpression: listOpts.since ? 'gsi1pk = :p AND gsi1sk >= :since' : 'gsi1pk = :p',
          ExpressionAttributeValues: toAttrs(
            listOpts.since ? { ':p': 'STORIES', ':since': storiesSince(listOpts.since) } : { ':p': 'STORIES' },
          ),
          ScanIndexForward: false,
          Limit: listOpts.limit,
        },
        start,
      );
      return { items: page.items.map((r) => listedStory(fromAttrs<StoryRecord>(r))), cursor: encodeCursor(page.lastKey) };
    },

    async getListedStories(ids) {
      const rows = await db.batchGet(ids.map((id) => primary(storyKeys(id))));
      const found = new Map(rows.map((r) => listedStory(fromAttrs<StoryRecord>(r))).map((s) => [s.id, s]));
      return ids.map((id) => found.get(id)).filter((s): s is Story => s !== undefined);
    },

    async recordStoryFailure(f) {
      const err = f.error as Error | undefined;
      await db.send(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(storyFailureKeys(f.storyId))),
          UpdateExpression:
            'SET entity = :e, storyId = :s, itemIds = :i, errorClass = :c, errorMessage = :m, lastFailedAt = :at, firstFailedAt = if_not_exists(firstFailedAt, :at), attempts = if_not_exists(attempts, :zero) + :one',
          ExpressionAttributeValues: toAttrs({
            ':e': 'storyfailure',
            ':s': f.storyId,
            ':i': f.itemIds.slice(0, FAILURE_ITEMS_MAX),
            ':c': err?.name ?? 'Error',
            ':m': String(err?.message ?? f.error).slice(0, 500),
            ':at': f.at,
            ':zero': 0,
            ':one': 1,
          }),
        }),
      );
    },

    async clearStoryFailure(storyId) {
      await db.send(new DeleteItemCommand({ TableName: db.name, Key: toAttrs(primary(storyFailureKeys(storyId))) }));
    },

    async listStoryFailures() {
      const rows = await db.queryAll({ ...keyEquals('pk', STORY_FAILURES_PK), ConsistentRead: true });
      return rows.map((r) => fromAttrs<StoryFailure>(r));
    },
  };
}

/** Splits one batch into records of at most {@link BATCH_ENTRIES_MAX} entries; none when it says nothing. */
function chunkBatch(b: MemberBatch): MemberBatch[] {
  const out: MemberBatch[] = [];
  const r = b.r;
  const parts: (keyof MemberBatch)[] = ['a', 'u', 'x'];
  let current: MemberBatch = {};
  let size = 0;
  const flush = () => {
    if (size > 0 || current.r) out.push(current);
    current = {};
    size = 0;
  };
  if (r) {
    // A long reset spans several records: the first resets the list, the next ones extend it.
    for (let i = 0; i < Math.max(1, r.length); i += BATCH_ENTRIES_MAX) {
      if (i === 0) current.r = r.slice(0, BATCH_ENTRIES_MAX);
      else current.l = r.slice(i, i + BATCH_ENTRIES_MAX);
      size = 1;
      flush();
    }
  }
  for (const p of parts) {
    for (const e of (b[p] ?? []) as unknown[]) {
      if (size >= BATCH_ENTRIES_MAX) flush();
      ((current[p] ??= []) as unknown[]).push(e);
      size++;
    }
  }
  flush();
  return out;
}

/** A membership in batch form (kept small: matched terms capped, times as epoch ms when they round-trip). */
function entryOf(m: Membership): MemberEntry {
  const matched = m.matched.slice(0, MAX_MATCHED);
  const published = m.publishedAt ? Date.parse(m.publishedAt) : NaN;
  return {
    i: m.itemId,
    ...(m.outletId ? { o: m.outletId } : {}),
    ...(Number.isNaN(published) ? {} : { p: published }),
    s: m.score,
    ...(matched.length ? { m: matched } : {}),
    t: compactTime(m.at),
    ...(m.by === 'editor' ? { b: 'editor' as const } : {}),
  };
}

const compactTime = (iso: string): number | string => {
  const ms = Date.parse(iso);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === iso ? ms : iso;
};
const isoOf = (t: number | string): string => (typeof t === 'number' ? new Date(t).toISOString() : t);

function toMembership(storyId: string, e: MemberEntry): Membership {
  return {
    storyId,
    itemId: e.i,
    score: e.s,
    matched: e.m ?? [],
    by: e.b ?? 'engine',
    at: isoOf(e.t),
    ...(e.o ? { outletId: e.o } : {}),
    ...(e.p !== undefined ? { publishedAt: new Date(e.p).toISOString() } : {}),
  };
}

/** An entry of the story record's old `members` map (long or short form) as a batch entry. */
function fromLegacy(itemId: string, e: LegacyMemberEntry | LegacyShortEntry): MemberEntry {
  if ('score' in e) return { i: itemId, s: e.score, ...(e.matched?.length ? { m: e.matched } : {}), t: compactTime(e.at), ...(e.by === 'editor' ? { b: 'editor' as const } : {}) };
  return { i: itemId, s: e.s, ...(e.m?.length ? { m: e.m } : {}), t: e.t, ...(e.b ? { b: e.b } : {}) };
}

/** What `shownItems` needs of a member, from its entry when there is one. */
function refOf(itemId: string, e: MemberEntry | undefined): { itemId: string; outletId?: string; publishedAt?: string } {
  return { itemId, outletId: e?.o, publishedAt: e?.p !== undefined ? new Date(e.p).toISOString() : undefined };
}
