// Store behaviour on both real DynamoDB implementations: conditional writes, versions, listings, leases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lib/errors.ts';
import type { Item, Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';

const item = (id: string, over: Partial<Item> = {}): Item => ({
  id,
  feedId: 'le-devoir/international',
  outletId: 'le-devoir',
  url: `https://www.ledevoir.com/monde/${id}`,
  title: `Titre ${id}`,
  summary: 'Résumé',
  language: 'fr',
  publishedAt: '2026-11-25T10:00:00.000Z',
  firstSeenAt: '2026-11-25T10:05:00.000Z',
  contentHash: `h-${id}`,
  ...over,
});

const story = (id: string, updatedAt: string, version = 1): Story => ({
  id,
  label: 'Mali withdrawal',
  headline: 'France completes its withdrawal from Mali',
  firstSeenAt: updatedAt,
  updatedAt,
  lastItemAt: updatedAt,
  itemIds: ['a'],
  outletIds: ['le-devoir'],
  version,
  status: 'auto',
});

describe.each(BACKENDS)('store on $name', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.close());

  it('writes a new item once, skips it unchanged, updates it when edited', async () => {
    expect(await db.store.putItem(item('a'))).toBe('created');
    expect(await db.store.putItem(item('a'))).toBe('unchanged');
    expect(await db.store.putItem(item('a', { title: 'Titre corrigé', contentHash: 'h-a2' }))).toBe('updated');
    const [stored] = await db.store.getItems(['a']);
    expect(stored?.title).toBe('Titre corrigé');
  });

  it('treats the same article URL from another feed of the outlet as a duplicate', async () => {
    expect(await db.store.putItem(item('b', { url: 'https://www.ledevoir.com/monde/shared' }))).toBe('created');
    expect(await db.store.putItem(item('c', { feedId: 'le-devoir/une', url: 'https://www.ledevoir.com/monde/shared' }))).toBe('duplicate');
    expect(await db.store.getItems(['c'])).toEqual([]);
  });

  it('queues new items as pending until they get a membership', async () => {
    const pending = (await db.store.pendingItems(100)).map((i) => i.id);
    expect(pending).toEqual(expect.arrayContaining(['a', 'b']));
    const [a] = await db.store.getItems(['a']);
    await db.store.setMembership(a!, { storyId: 's1', itemId: 'a', score: 0.8, matched: ['mali'], by: 'engine', at: a!.firstSeenAt });
    expect((await db.store.pendingItems(100)).map((i) => i.id)).not.toContain('a');
    expect((await db.store.getMemberships('s1')).map((m) => m.itemId)).toEqual(['a']);
  });

  it('guards story writes with versions and lists stories newest first', async () => {
    await db.store.putStory(story('s1', '2026-11-25T10:00:00.000Z'), 0);
    await expect(db.store.putStory(story('s1', '2026-11-25T10:00:00.000Z'), 0)).rejects.toBeInstanceOf(ConflictError);
    await db.store.putStory(story('s1', '2026-11-25T12:00:00.000Z', 2), 1);
    await expect(db.store.putStory(story('s1', '2026-11-25T13:00:00.000Z', 3), 1)).rejects.toBeInstanceOf(ConflictError);
    await db.store.putStory(story('s2', '2026-11-25T11:00:00.000Z'), 0);
    const page1 = await db.store.listStories({ limit: 1 });
    expect(page1.items.map((s) => s.id)).toEqual(['s1']);
    const page2 = await db.store.listStories({ limit: 1, cursor: page1.cursor });
    expect(page2.items.map((s) => s.id)).toEqual(['s2']);
    expect((await db.store.getStory('s1'))?.version).toBe(2);
  });

  it('gives a lease to one owner at a time', async () => {
    expect(await db.store.acquireLease('grouping', 'one', 60_000)).toBe(true);
    expect(await db.store.acquireLease('grouping', 'two', 60_000)).toBe(false);
    await db.store.releaseLease('grouping', 'one');
    expect(await db.store.acquireLease('grouping', 'two', 60_000)).toBe(true);
  });
});
