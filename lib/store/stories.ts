// Story records and the memberships kept on them: versioned writes, the newest-first listing.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError, ValidationError } from '../errors.ts';
import type { Membership, Story } from '../types.ts';
import { decodeCursor, encodeCursor, fromAttrs, isConditionFailure, toAttrs, ttlAfter, type Attrs, type Table } from './db.ts';
import { INDEX, primary, storiesSince, storyKeys } from './keys.ts';

/** One page of a listing with an opaque continuation token. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Options of `putStory`. */
export interface PutStoryOptions {
  /** Memberships of items joining the story in this write; existing memberships are kept. */
  members?: Membership[];
}

/** Stored stories and their memberships. */
export interface StoryStore {
  getStory(id: string): Promise<Story | undefined>;
  /**
   * Writes a story if its stored version still equals `expectedVersion` (0 = must not exist).
   * @throws ConflictError when another writer got there first
   */
  putStory(story: Story, expectedVersion: number, opts?: PutStoryOptions): Promise<void>;
  /** Stories by last update, newest first. */
  listStories(opts: { limit: number; cursor?: string; since?: string }): Promise<Page<Story>>;
  /** Memberships of the story's current items, in story order. */
  getMemberships(storyId: string): Promise<Membership[]>;
  /** Records an item's membership of a story (the story's version is not bumped). */
  setMembership(membership: Membership): Promise<void>;
}

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
] as const;

/** Matched terms kept per membership. */
const MAX_MATCHED = 5;

/**
 * A membership as kept inside the story record (story and item ids are implied by where it sits), in short
 * form: the record is copied into gsi1 on every story write, so each byte past a kilobyte costs two units.
 * `s` score, `m` matched terms (absent when none), `t` time as epoch ms (the ISO string if it would not
 * round-trip), `b` only for editor placements (absent = engine).
 */
interface MemberEntry {
  s: number;
  m?: string[];
  t: number | string;
  b?: 'editor';
}

/** The long form written before entries were shortened; still read, never written. */
interface LegacyMemberEntry {
  score: number;
  matched: string[];
  by: 'engine' | 'editor';
  at: string;
}

/** DynamoDB's answer to `SET members.#id = …` on a record without a `members` map. */
const isMissingMembersMap = (err: unknown) =>
  (err as Error | undefined)?.name === 'ValidationException' && /document path/i.test((err as Error).message);

/** StoryStore on the table; quiet stories expire `retentionDays` after their newest item. */
export function storyStore(db: Table, opts: { retentionDays: number }): StoryStore {
  const putStory = async (story: Story, expectedVersion: number, putOpts: PutStoryOptions & { retried?: boolean } = {}): Promise<void> => {
    // An update, not a put: memberships live on the record and must survive writes that don't mention them.
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
    const keys = storyKeys(story.id, story.updatedAt);
    for (const [k, v] of Object.entries(story)) if (v !== undefined && k !== 'members') set(k, v);
    set('entity', 'story');
    set('gsi1pk', keys.gsi1pk);
    set('gsi1sk', keys.gsi1sk);
    // Pinned or editor-approved stories are kept; others expire once quiet for the retention period.
    const keep = story.pinned || story.status === 'approved';
    if (keep) {
      names['#ttl'] = 'ttl';
      removes.push('#ttl');
    } else set('ttl', ttlAfter(story.lastItemAt, opts.retentionDays));
    for (const f of OPTIONAL_STORY_FIELDS) {
      if ((story as unknown as Record<string, unknown>)[f] === undefined) {
        names[`#r_${f}`] = f;
        removes.push(`#r_${f}`);
      }
    }
    const members = putOpts.members ?? [];
    if (expectedVersion === 0) {
      set('members', Object.fromEntries(members.map((m) => [m.itemId, memberEntry(m)])));
    } else if (members.length) {
      names['#members'] = 'members';
      members.forEach((m, i) => {
        names[`#m${i}`] = m.itemId;
        values[`:m${i}`] = memberEntry(m);
        sets.push(`#members.#m${i} = :m${i}`);
      });
    }
    if (expectedVersion !== 0) values[':expected'] = expectedVersion;
    try {
      await db.send(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(keys)),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: toAttrs(values),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError(`Story ${story.id} changed since version ${expectedVersion}`, { cause: err });
      }
      if (isMissingMembersMap(err) && !putOpts.retried) {
        // A story stored before memberships lived on it: give it an empty map, then write again.
        await db.send(
          new UpdateItemCommand({
            TableName: db.name,
            Key: toAttrs(primary(keys)),
            UpdateExpression: 'SET members = if_not_exists(members, :empty)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: toAttrs({ ':empty': {} }),
          }),
        );
        return putStory(story, expectedVersion, { ...putOpts, retried: true });
      }
      throw err;
    }
  };

  const setMembership = async (m: Membership): Promise<void> => {
    const entry = memberEntry(m);
    const set = new UpdateItemCommand({
      TableName: db.name,
      Key: toAttrs(primary(storyKeys(m.storyId))),
      UpdateExpression: 'SET members.#i = :m',
      ConditionExpression: 'attribute_exists(members)',
      ExpressionAttributeNames: { '#i': m.itemId },
      ExpressionAttributeValues: toAttrs({ ':m': entry }),
    });
    if (await db.sendIf(set)) return;
    // A story written before memberships lived on it (or not written yet): start its map.
    await db.send(
      new UpdateItemCommand({
        TableName: db.name,
        Key: toAttrs(primary(storyKeys(m.storyId))),
        UpdateExpression: 'SET members = if_not_exists(members, :empty)',
        ExpressionAttributeValues: toAttrs({ ':empty': {} }),
      }),
    );
    await setMembership(m);
  };

  return {
    putStory,
    setMembership,

    async getMemberships(storyId) {
      const row = await db.get(primary(storyKeys(storyId)), { consistent: true });
      if (!row) return [];
      const rec = fromAttrs<Story & { members?: Record<string, MemberEntry | LegacyMemberEntry> }>(row);
      const members = rec.members ?? {};
      return rec.itemIds.filter((id) => members[id] !== undefined).map((id) => fromMemberEntry(storyId, id, members[id]!));
    },

    async getStory(id) {
      const row = await db.get(primary(storyKeys(id)), { consistent: true });
      return row ? decodeStory(row) : undefined;
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
      return { items: page.items.map(decodeStory), cursor: encodeCursor(page.lastKey) };
    },
  };
}

/** Kept small: the record is rewritten (and copied into gsi1) every time the story changes. */
function memberEntry(m: Membership): MemberEntry {
  const ms = Date.parse(m.at);
  const matched = m.matched.slice(0, MAX_MATCHED);
  return {
    s: m.score,
    ...(matched.length ? { m: matched } : {}),
    t: !Number.isNaN(ms) && new Date(ms).toISOString() === m.at ? ms : m.at,
    ...(m.by === 'editor' ? { b: 'editor' as const } : {}),
  };
}

/** Decodes a stored membership entry, short or long form. */
function fromMemberEntry(storyId: string, itemId: string, e: MemberEntry | LegacyMemberEntry): Membership {
  if ('score' in e) return { storyId, itemId, score: e.score, matched: e.matched ?? [], by: e.by, at: e.at };
  return { storyId, itemId, score: e.s, matched: e.m ?? [], by: e.b ?? 'engine', at: typeof e.t === 'number' ? new Date(e.t).toISOString() : e.t };
}

function decodeStory(row: Attrs): Story {
  const s = fromAttrs<Story & { members?: unknown }>(row);
  delete s.members;
  return s;
}
