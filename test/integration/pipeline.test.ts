// The in-process pipeline (scheduler → queue → fetch workers → grouping) on both DynamoDB implementations.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../lib/pipeline/ingest.ts';
import { feedKeys, primary } from '../../lib/store/keys.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { SAMPLE_DAY_STORIES, sampleStoryOf } from '../support/sample-day.ts';
import { FIXTURE_NOW, fixtureDeps, registerFixture, snapshotTable, startFixtureFeeds } from '../support/ingest-fixture.ts';

const later = (minutes: number) => () => new Date(FIXTURE_NOW.getTime() + minutes * 60_000);

describe.each(BACKENDS)('pipeline on $name', (backend) => {
  let db: TestDb;
  let feeds: Awaited<ReturnType<typeof startFixtureFeeds>>;
  const writes: { op: string; pk: string }[] = [];
  beforeAll(async () => {
    db = await openTestDb(backend);
    feeds = await startFixtureFeeds();
    db.client.middlewareStack.add(
      (next, ctx) => async (args) => {
        const input = args.input as { Item?: { pk?: { S?: string } }; Key?: { pk?: { S?: string } }; RequestItems?: unknown };
        const op = ctx.commandName ?? '';
        if (/^(Put|Update|Delete)Item|BatchWrite/.test(op)) writes.push({ op, pk: input.Item?.pk?.S ?? input.Key?.pk?.S ?? 'batch' });
        return next(args);
      },
      { step: 'initialize', name: 'recordWrites' },
    );
    await registerFixture(db.store, feeds.outlets);
  });
  afterAll(async () => {
    await feeds?.server.close();
    await db?.close();
  });

  it('fetches every feed once, stores items and groups each into exactly one story', async () => {
    const r = await runIngest(fixtureDeps(db.store, 'p1'));
    expect(r.feedsFetched).toBe(feeds.outlets.flatMap((o) => o.feeds).length);
    expect(r.failures).toEqual([]);
    expect(r.newItems).toBeGreaterThan(40);
    const snap = await snapshotTable(db.client, db.table);
    expect(snap.itemIds).toHaveLength(r.newItems);
    expect(snap.ungrouped).toEqual([]);
    expect(snap.duplicated).toEqual([]);
    const multi = Object.entries(snap.stories).find(([, ids]) => ids.length > 1);
    expect(multi).toBeDefined();
    const members = await db.store.getMemberships(multi![0]);
    expect(members.map((m) => m.itemId).sort()).toEqual(multi![1]);
    expect(members.some((m) => m.score > 0 && m.matched.length > 0)).toBe(true);
  });

  it('tells each sample-day story once across languages, with every outlet that covered it', async () => {
    const snap = await snapshotTable(db.client, db.table);
    const storyOfItem = new Map(Object.entries(snap.stories).flatMap(([story, ids]) => ids.map((id) => [id, story] as const)));
    const byLabel = new Map<string, { stories: Set<string>; outlets: Set<string>; languages: Set<string> }>();
    for (const [id, item] of Object.entries(snap.items)) {
      const label = sampleStoryOf(item.title);
      if (!label) continue;
      const g = byLabel.get(label) ?? { stories: new Set(), outlets: new Set(), languages: new Set() };
      byLabel.set(label, g);
      g.stories.add(storyOfItem.get(id)!);
      g.outlets.add(item.outletId);
      g.languages.add(item.language);
    }
    expect([...byLabel.keys()].sort()).toEqual(Object.keys(SAMPLE_DAY_STORIES).sort());
    for (const [label, g] of byLabel) {
      expect(g.stories.size, `${label}: ${[...g.stories].map((s) => snap.stories[s]!.map((id) => snap.items[id]!.title).join(' | ')).join(' || ')}`).toBe(1);
      // The story holds nothing else: every member is one of the labelled story's.
      const members = snap.stories[[...g.stories][0]!]!;
      expect(members.map((id) => sampleStoryOf(snap.items[id]!.title)), label).toEqual(members.map(() => label));
    }
    // The stories that used to stay single-outlet: Arabic, Spanish and English members with the others.
    expect(byLabel.get('japan-quake')!.languages).toEqual(new Set(['en', 'ar']));
    for (const label of ['red-sea-cables', 'prisoner-swap']) expect(byLabel.get(label)!.outlets, label).toContain('al-jazeera');
    for (const label of ['red-sea-cables', 'prisoner-swap', 'japan-quake']) expect(byLabel.get(label)!.languages, label).toContain('ar');
    for (const label of ['g20-debt', 'davis-cup']) expect(byLabel.get(label)!.outlets, label).toContain('el-pais');
    expect(byLabel.get('south-africa-elections')!.outlets).toContain('guardian');
    expect(byLabel.get('south-africa-elections')!.outlets.size).toBeGreaterThanOrEqual(4);
  });

  it('re-polls unchanged feeds (304) with no item, arrival or story writes', async () => {
    writes.length = 0;
    const r = await runIngest(fixtureDeps(db.store, 'p2', { now: later(16) }));
    expect(r.feedsNotModified).toBe(feeds.outlets.flatMap((o) => o.feeds).length);
    expect(r.newItems).toBe(0);
    expect(writes.filter((w) => /^(ITEM|ARRIVALS|STORY|ARTICLE)#/.test(w.pk))).toEqual([]);
    // The feed records change once, from status 200 to 304.
    const feedCount = feeds.outlets.flatMap((o) => o.feeds).length;
    expect(writes.filter((w) => w.pk.startsWith('FEED#'))).toHaveLength(feedCount);
    // From then on, per feed one small schedule write (the save), and the run's claims in one claim batch.
    writes.length = 0;
    const again = await runIngest(fixtureDeps(db.store, 'p2b', { now: later(32) }));
    expect(again.feedsNotModified).toBe(feedCount);
    expect(writes.filter((w) => w.pk === 'SCHEDULE')).toHaveLength(feedCount);
    expect(writes.filter((w) => w.pk.startsWith('FEED#'))).toEqual([]);
    expect(writes.filter((w) => w.pk.startsWith('CLAIMS#'))).toHaveLength(1);
    expect(writes.filter((w) => /^(ITEM|ARRIVALS|STORY|ARTICLE)#/.test(w.pk))).toEqual([]);
  });

  it('re-polls unchanged feeds answering 200 with no write per item', async () => {
    // Forget the validators so every feed answers 200 with the same body.
    for (const o of feeds.outlets) {
      for (const f of o.feeds) {
        await db.client.send(
          new UpdateItemCommand({ TableName: db.table, Key: { pk: { S: primary(feedKeys(f.id)).pk }, sk: { S: 'FEED' } }, UpdateExpression: 'REMOVE etag, lastModified' }),
        );
      }
    }
    writes.length = 0;
    const r = await runIngest(fixtureDeps(db.store, 'p3', { now: later(48) }));
    const feedCount = feeds.outlets.flatMap((o) => o.feeds).length;
    expect(r.feedsFetched).toBe(feedCount);
    expect(r.newItems).toBe(0);
    expect(writes.filter((w) => /^(ITEM|ARRIVALS|STORY|ARTICLE)#/.test(w.pk))).toEqual([]);
    // The schedules, the claim batch, and the feed records only because this test removed their validators.
    expect(writes.filter((w) => w.pk === 'SCHEDULE')).toHaveLength(feedCount);
    expect(writes.filter((w) => w.pk.startsWith('CLAIMS#'))).toHaveLength(1);
    expect(writes.filter((w) => w.pk.startsWith('FEED#'))).toHaveLength(feedCount);
  });
});
