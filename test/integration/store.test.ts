// Store behaviour on both DynamoDB implementations: idempotent item writes, arrivals, versions, claims, leases.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lib/errors.ts';
import { createLogger } from '../../lib/log.ts';
import { enqueueDueFeeds } from '../../lib/pipeline/enqueue.ts';
import { MemoryQueue } from '../../lib/pipeline/queue.ts';
import { attachCapacityMeter } from '../../lib/store/capacity.ts';
import { primary, storyKeys } from '../../lib/store/keys.ts';
import { INLINE_ITEMS, shownItems } from '../../lib/store/stories.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { createDynamoStore } from '../../lib/store/store.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { item, putItems, story } from '../support/records.ts';


describe.each(BACKENDS)('store on $name', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.close());

  it('writes a new item once, skips it unchanged, updates it when edited', async () => {
    expect(await putItems(db.store, [item('a')], { dedupeUrls: true })).toMatchObject({ created: 1 });
    expect(await putItems(db.store, [item('a')], { dedupeUrls: true })).toMatchObject({ unchanged: 1 });
    expect(await putItems(db.store, [item('a', { title: 'Titre corrigé', contentHash: 'h-a2' })], { dedupeUrls: true })).toMatchObject({ updated: 1 });
    const [stored] = await db.store.getItems(['a']);
    expect(stored?.title).toBe('Titre corrigé');
  });

  it('treats the same article URL from another feed of the outlet as a duplicate', async () => {
    expect(await putItems(db.store, [item('b', { url: 'https://www.ledevoir.com/monde/shared' })], { dedupeUrls: true })).toMatchObject({ created: 1 });
    expect(await putItems(db.store, [item('c', { feedId: 'le-devoir/une', url: 'https://www.ledevoir.com/monde/shared' })], { dedupeUrls: true })).toMatchObject({ duplicate: 1 });
    expect(await db.store.getItems(['c'])).toEqual([]);
  });

  it('announces new items in arrival records, oldest first, and lists them after a cursor', async () => {
    const arrivals = await db.store.listArrivals({ from: new Date(Date.now() - 3_600_000).toISOString(), now: new Date().toISOString() });
    const ids = arrivals.flatMap((a) => a.itemIds);
    expect(ids).toEqual(expect.arrayContaining(['a', 'b']));
    expect(arrivals.map((a) => a.key)).toEqual([...arrivals.map((a) => a.key)].sort());
    const after = await db.store.listArrivals({ after: arrivals[0]!.key, from: new Date(Date.now() - 3_600_000).toISOString(), now: new Date().toISOString() });
    expect(after.map((a) => a.key)).toEqual(arrivals.slice(1).map((a) => a.key));
  });

  it('skips items of a feed already seen without writing, and writes only the edited one', async () => {
    const feedItems = ['f1', 'f2', 'f3', 'f4', 'f5'].map((id) => item(id, { feedId: 'ld/f' }));
    expect(await putItems(db.store, feedItems)).toMatchObject({ created: 5, skippedSeen: 0 });
    expect(await putItems(db.store, feedItems)).toMatchObject({ created: 0, updated: 0, skippedSeen: 5 });
    const edited = feedItems.map((it) => (it.id === 'f2' ? { ...it, title: 'Nouveau titre', contentHash: 'h-f2b' } : it));
    expect(await putItems(db.store, edited)).toMatchObject({ created: 0, updated: 1, skippedSeen: 4 });
    expect((await db.store.getItems(['f2']))[0]?.title).toBe('Nouveau titre');
  });

  it('checks a few unseen items with a read instead of rewriting the seen set', async () => {
    const few = [item('g1', { feedId: 'ld/g' }), item('g2', { feedId: 'ld/g' })];
    expect(await putItems(db.store, few)).toMatchObject({ created: 2, skippedSeen: 0 });
    // Not in a seen set (too few to be worth a write), but found unchanged by the batched read.
    expect(await putItems(db.store, few)).toMatchObject({ created: 0, updated: 0, unchanged: 2, skippedSeen: 0 });
  });

  it('stores a fetch batch behind one arrival record written before its items, and rewrites nothing', async () => {
    const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    const order: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const pk = (args.input as { Item?: { pk?: { S?: string } } }).Item?.pk?.S;
        if (pk) order.push(pk.split('#')[0]!);
        return next(args);
      },
      { step: 'initialize', name: 'recordPuts' },
    );
    const store = createDynamoStore({ client, table: db.table, retentionDays: 30 });
    const feeds = ['ld/b1', 'ld/b2', 'ld/b3'].map((feedId, f) => ({ feedId, items: [1, 2].map((n) => item(`b${f}-${n}`, { feedId })) }));
    const window = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), now: new Date(Date.now() + 1_000).toISOString() });
    const known = new Set((await store.listArrivals(window())).map((a) => a.key));
    expect((await store.putBatchItems(feeds)).map((w) => w.created)).toEqual([2, 2, 2]);
    const added = (await store.listArrivals(window())).filter((a) => !known.has(a.key));
    expect(added).toHaveLength(1);
    expect([...added[0]!.itemIds].sort()).toEqual(feeds.flatMap((f) => f.items.map((i) => i.id)).sort());
    expect(order).toEqual(['ARRIVALS', 'ITEM', 'ITEM', 'ITEM', 'ITEM', 'ITEM', 'ITEM']);
    order.length = 0;
    expect(await store.putBatchItems(feeds)).toEqual(feeds.map(() => ({ created: 0, updated: 0, unchanged: 2, duplicate: 0, skippedSeen: 0 })));
    expect(order).toEqual([]);
    client.destroy();
  });

  it('keeps memberships on the story record across editor-style story writes', async () => {
    const s = story('m1', '2026-11-25T09:00:00.000Z');
    const m = { storyId: 'm1', itemId: 'a', score: 0.8, matched: ['mali'], by: 'engine' as const, at: '2026-11-25T09:00:00.000Z' };
    await db.store.putStory(s, undefined, { members: [m] });
    // An editor write that knows nothing of memberships must not drop them.
    await db.store.putStory({ ...s, label: 'Edited', labelByEditor: true, version: 2 }, s);
    expect(await db.store.getMemberships('m1')).toEqual([m]);
    await db.store.setMembership({ ...m, score: 1, by: 'editor' });
    expect((await db.store.getMemberships('m1'))[0]).toMatchObject({ itemId: 'a', score: 1, by: 'editor' });
    const stored = await db.store.getStory('m1');
    expect(stored).toMatchObject({ label: 'Edited', labelByEditor: true, version: 2 });
    expect(stored).not.toHaveProperty('members');
  });

  it('adds memberships to a story stored without a membership map (older records)', async () => {
    const s = story('old1', '2026-11-25T08:00:00.000Z');
    await db.client.send(
      new PutItemCommand({ TableName: db.table, Item: marshall({ ...storyKeys('old1', s.updatedAt), entity: 'story', ...s }) }),
    );
    const m = { storyId: 'old1', itemId: 'a', score: 0.5, matched: ['x'], by: 'engine' as const, at: s.updatedAt };
    await db.store.putStory({ ...s, version: 2 }, s, { members: [m] });
    expect(await db.store.getMemberships('old1')).toEqual([m]);
  });

  it('reads memberships stored in the long form of older records next to short-form ones', async () => {
    const s = story('old2', '2026-11-25T08:00:00.000Z');
    const legacy = { score: 0.7, matched: ['mali'], by: 'editor', at: '2026-11-25T08:00:00.000Z' };
    await db.client.send(
      new PutItemCommand({ TableName: db.table, Item: marshall({ ...storyKeys('old2', s.updatedAt), entity: 'story', ...s, itemIds: ['a', 'b'], members: { a: legacy } }) }),
    );
    const m = { storyId: 'old2', itemId: 'b', score: 0.41, matched: [], by: 'engine' as const, at: '2026-11-25T09:30:00.123Z' };
    await db.store.putStory({ ...s, itemIds: ['a', 'b'], version: 2 }, { ...s, itemIds: ['a', 'b'] }, { members: [m] });
    expect(await db.store.getMemberships('old2')).toEqual([{ storyId: 'old2', itemId: 'a', ...legacy }, m]);
  });

  it('lets exactly one of two schedulers claim a due feed', async () => {
    const due = '2026-11-25T10:00:00.000Z';
    await db.store.ensureFeeds([{ feedId: 'x/y', outletId: 'x', url: 'https://x.test/feed', consecutiveFailures: 0, nextDueAt: due, itemsSeen: 0 }]);
    const claim = (owner: string) =>
      db.store.claimDueFeeds({ now: '2026-11-25T10:05:00.000Z', owner, feedIds: ['x/y'], claimUntil: () => '2026-11-25T10:15:00.000Z' });
    const claims = await Promise.all([claim('one'), claim('two')]);
    expect(claims.flat()).toEqual([{ feedId: 'x/y', dueAt: due, expiredClaims: 0 }]);
    expect(await db.store.feedsInFlight('2026-11-25T10:06:00.000Z')).toEqual(['x/y']);
    expect(await claim('three')).toEqual([]);
  });

  it('doubles the claim of a feed whose claims keep expiring, and resets it once a fetch saves the feed', async () => {
    const feedId = 'claims/backoff';
    const t0 = Date.parse('2026-11-25T10:00:00.000Z');
    await db.store.ensureFeeds([{ feedId, outletId: 'claims', url: 'https://claims.test/feed', consecutiveFailures: 0, nextDueAt: new Date(t0).toISOString(), itemsSeen: 0 }]);
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    // Each scheduler run claims the feed; no fetch ever saves it (its message keeps failing).
    const claim = async (at: number) =>
      (await enqueueDueFeeds({ store: db.store, queue: new MemoryQueue(), now: () => new Date(at), log, feedIds: [feedId] })).enqueued;
    // Claimed until exactly `until`: in flight a millisecond before, due again at it.
    const claimedUntil = async (until: number) => [
      (await db.store.feedsInFlight(new Date(until - 1).toISOString())).includes(feedId),
      (await db.store.feedsInFlight(new Date(until).toISOString())).includes(feedId),
    ];
    const min = 60_000;
    expect(await claim(t0)).toBe(1);
    expect(await claimedUntil(t0 + 10 * min)).toEqual([true, false]);
    expect(await claim(t0 + 5 * min)).toBe(0); // still claimed
    expect(await claim(t0 + 11 * min)).toBe(1);
    expect(await claimedUntil(t0 + 31 * min)).toEqual([true, false]);
    expect(await claim(t0 + 32 * min)).toBe(1);
    expect(await claimedUntil(t0 + 72 * min)).toEqual([true, false]);
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'feed claim expired without a fetch');
    expect(warnings.map((w) => [w.feedId, w.claims])).toEqual([[feedId, 1], [feedId, 2]]);
    // A fetch that completes saves the feed: the count is gone and the next claim is the normal length again.
    const state = (await db.store.getFeed(feedId))!;
    await db.store.saveFeed({ ...state, nextDueAt: new Date(t0 + 80 * min).toISOString() }, state);
    expect((await db.store.getFeed(feedId))!.claims).toBeUndefined();
    expect(await claim(t0 + 81 * min)).toBe(1);
    expect(await claimedUntil(t0 + 91 * min)).toEqual([true, false]);
  });

  it('guards story writes with versions and lists stories newest first', async () => {
    await db.store.putStory(story('s1', '2026-11-25T10:00:00.000Z'), undefined);
    await expect(db.store.putStory(story('s1', '2026-11-25T10:00:00.000Z'), undefined)).rejects.toBeInstanceOf(ConflictError);
    await db.store.putStory(story('s1', '2026-11-25T12:00:00.000Z', 2), story('s1', '2026-11-25T12:00:00.000Z'));
    await expect(db.store.putStory(story('s1', '2026-11-25T13:00:00.000Z', 3), story('s1', '2026-11-25T13:00:00.000Z'))).rejects.toBeInstanceOf(ConflictError);
    await db.store.putStory(story('s2', '2026-11-25T11:00:00.000Z'), undefined);
    const page1 = await db.store.listStories({ limit: 1 });
    expect(page1.items.map((s) => s.id)).toEqual(['s1']);
    const page2 = await db.store.listStories({ limit: 1, cursor: page1.cursor });
    expect(page2.items.map((s) => s.id)).toEqual(['s2']);
    expect((await db.store.getStory('s1'))?.version).toBe(2);
  });

  it('pages a story beyond its inline items: the record lists what readers are shown, reads give every item', async () => {
    const at = (k: number) => new Date(Date.UTC(2026, 10, 25, 9, k)).toISOString();
    const ids = Array.from({ length: INLINE_ITEMS + 6 }, (_, k) => `p${k}`);
    const members = ids.map((itemId, k) => ({ storyId: 'big', itemId, score: 0.5, matched: ['mali'], by: 'engine' as const, at: at(k), outletId: `o${k % 10}`, publishedAt: at(k) }));
    const s = { ...story('big', at(40)), itemIds: ids, outletIds: [...new Set(members.map((m) => m.outletId))] };
    await db.store.putStory(s, undefined, { members });
    const full = (await db.store.getStory('big'))!;
    expect(full.itemIds).toEqual(ids);
    expect(full.shownItemIds).toEqual(shownItems(members));
    expect(await db.store.getMemberships('big')).toEqual(members);
    const listed = (await db.store.listStories({ limit: 50 })).items.find((x) => x.id === 'big')!;
    expect(listed).toMatchObject({ itemIds: full.shownItemIds, itemCount: ids.length });
    // The record itself holds no item list, whatever the story's size.
    const raw = await db.client.send(new GetItemCommand({ TableName: db.table, Key: marshall(primary(storyKeys('big'))) }));
    expect(raw.Item?.itemIds).toBeUndefined();
    expect(raw.Item?.members).toBeUndefined();
    // An editor takes an item out and two join: the order is kept, the item stays out.
    const next = { ...full, itemIds: [...ids.filter((i) => i !== 'p3'), 'p90', 'p91'], excludedItemIds: ['p3'], version: 2 };
    await db.store.putStory(next, full);
    expect((await db.store.getStory('big'))!.itemIds).toEqual(next.itemIds);
    // Shrunk back under the inline limit, the record holds its list again.
    const small = { ...next, itemIds: ids.slice(0, 3), version: 3 };
    await db.store.putStory(small, next);
    expect(await db.store.getStory('big')).toMatchObject({ itemIds: ids.slice(0, 3), version: 3 });
    expect((await db.store.getStory('big'))!.shownItemIds).toBeUndefined();
  });

  it('records a story that could not be written, counts the attempts, and forgets it once cleared', async () => {
    const error = Object.assign(new Error('Item size to update has exceeded the maximum allowed size'), { name: 'ValidationException' });
    await db.store.recordStoryFailure({ storyId: 'f1', itemIds: ['a', 'b'], error, at: '2026-11-25T10:00:00.000Z' });
    await db.store.recordStoryFailure({ storyId: 'f1', itemIds: ['a', 'b', 'c'], error, at: '2026-11-25T10:15:00.000Z' });
    expect(await db.store.listStoryFailures()).toEqual([
      {
        storyId: 'f1',
        itemIds: ['a', 'b', 'c'],
        errorClass: 'ValidationException',
        errorMessage: error.message,
        firstFailedAt: '2026-11-25T10:00:00.000Z',
        lastFailedAt: '2026-11-25T10:15:00.000Z',
        attempts: 2,
      },
    ]);
    await db.store.clearStoryFailure('f1');
    expect(await db.store.listStoryFailures()).toEqual([]);
  });

  it('releases the claims and the grouping lease a killed process held', async () => {
    const due = '2026-11-25T11:00:00.000Z';
    const now = '2026-11-25T11:01:00.000Z';
    await db.store.ensureFeeds(['k/1', 'k/2'].map((feedId) => ({ feedId, outletId: 'k', url: `https://k.test/${feedId}`, consecutiveFailures: 0, nextDueAt: due, itemsSeen: 0 })));
    const claim = (owner: string) => db.store.claimDueFeeds({ now, owner, feedIds: ['k/1', 'k/2'], claimUntil: () => '2026-11-25T11:11:00.000Z' });
    expect(await claim('dead')).toHaveLength(2);
    expect(await db.store.feedsInFlight(now)).toEqual(expect.arrayContaining(['k/1', 'k/2']));
    expect(await db.store.releaseClaims('dead', now)).toBe(2);
    expect((await db.store.feedsInFlight(now)).filter((f) => f.startsWith('k/'))).toEqual([]);
    // Released, not expired: the next claim is a normal one.
    expect((await claim('next')).map((c) => c.expiredClaims)).toEqual([0, 0]);
    expect(await db.store.acquireLease('grouping-k', 'dead#pass1', 60_000)).toBe(true);
    expect(await db.store.releaseLeaseOf('grouping-k', 'deadish')).toBe(false);
    expect(await db.store.releaseLeaseOf('grouping-k', 'dead')).toBe(true);
    expect(await db.store.acquireLease('grouping-k', 'other', 60_000)).toBe(true);
  });

  it('moves a feed to a new registered URL, and keeps the URL it moved to by redirects while the registration stays', async () => {
    const feed = { feedId: 'u/1', outletId: 'u', url: 'http://127.0.0.1:4001/feed.xml', consecutiveFailures: 0, nextDueAt: '2026-11-25T10:00:00.000Z', itemsSeen: 0 };
    await db.store.ensureFeeds([feed]);
    const stored = (await db.store.getFeed('u/1'))!;
    await db.store.saveFeed({ ...stored, url: 'https://u.test/moved.xml', etag: '"v1"' }, stored);
    await db.store.ensureFeeds([feed]);
    expect(await db.store.getFeed('u/1')).toMatchObject({ url: 'https://u.test/moved.xml', etag: '"v1"' });
    await db.store.ensureFeeds([{ ...feed, url: 'http://127.0.0.1:4002/feed.xml' }]);
    const moved = (await db.store.getFeed('u/1'))!;
    expect(moved.url).toBe('http://127.0.0.1:4002/feed.xml');
    expect(moved.etag).toBeUndefined();
  });

  it('gives a lease to one owner at a time', async () => {
    expect(await db.store.acquireLease('grouping', 'one', 60_000)).toBe(true);
    expect(await db.store.acquireLease('grouping', 'two', 60_000)).toBe(false);
    expect(await db.store.renewLease('grouping', 'one', 60_000)).toBe(true);
    expect(await db.store.renewLease('grouping', 'two', 60_000)).toBe(false);
    await db.store.releaseLease('grouping', 'one');
    expect(await db.store.acquireLease('grouping', 'two', 60_000)).toBe(true);
    expect(await db.store.renewLease('grouping', 'one', 60_000)).toBe(false);
  });
});

describe.each(BACKENDS)('capacity meter on $name', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.close());

  it('sums consumed write units, and an unchanged feed re-written costs none', async () => {
    const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    const meter = attachCapacityMeter(client);
    const store = createDynamoStore({ client, table: db.table, retentionDays: 30 });
    const items = ['k1', 'k2', 'k3', 'k4', 'k5'].map((id) => item(id, { feedId: 'ld/k' }));
    await putItems(store, items);
    // Five items, their arrival record and the seen set: at least seven write units.
    expect(meter.snapshot().writeUnits).toBeGreaterThanOrEqual(7);
    meter.reset();
    await putItems(store, items);
    expect(meter.snapshot()).toMatchObject({ writeUnits: 0, failedConditionalWrites: 0 });
    expect(meter.snapshot().readUnits).toBeGreaterThan(0);
    client.destroy();
  });
});
