// Search over every item of every story (GET /stories?q=) on the bundled sample day, on both DynamoDB implementations.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../lib/api/app.ts';
import { silentLogger } from '../../lib/log.ts';
import { runIngest } from '../../lib/pipeline/ingest.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { createDynamoStore, type Store } from '../../lib/store/store.ts';
import type { Item, Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { fixtureDeps, registerFixture, startFixtureFeeds } from '../support/ingest-fixture.ts';

describe.each(BACKENDS)('search on $name', (backend) => {
  let db: TestDb;
  let feeds: Awaited<ReturnType<typeof startFixtureFeeds>>;
  let client: DynamoDBClient;
  let app: Hono;
  let mali: Story;
  let members: Item[];
  const calls: string[] = [];

  beforeAll(async () => {
    db = await openTestDb(backend);
    feeds = await startFixtureFeeds();
    await registerFixture(db.store, feeds.outlets);
    await runIngest(fixtureDeps(db.store, 'search'));
    // The API on a client of its own, whose calls are counted.
    client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        calls.push(ctx.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const store: Store = createDynamoStore({ client, table: db.table, retentionDays: 30 });
    app = createApp({ store, config: { publish: { mode: 'outlets', minOutlets: 2 }, stage: 'test' }, log: silentLogger, cache: false });
    const listed = (await db.store.listStories({ limit: 200 })).items;
    mali = (await Promise.all(listed.map((s) => db.store.getStory(s.id)))).find((s) => s!.label.toLowerCase().includes('mali') && s!.itemIds.length > 5)!;
    members = await db.store.getItems(mali.itemIds);
  });
  afterAll(async () => {
    client?.destroy();
    await feeds?.server.close();
    await db?.close();
  });

  const search = async (q: string) => {
    const res = await app.request(`/stories?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { stories: { id: string }[] }).stories.map((s) => s.id);
  };

  it('finds the Mali story by a word only Al Jazeera’s member title has', async () => {
    const aj = members.find((i) => i.outletId === 'al-jazeera' && i.language === 'en')!;
    expect(aj.title).toMatch(/withdrawal/i);
    expect(mali.headline).not.toMatch(/withdrawal/i);
    expect((await search('withdrawal'))[0]).toBe(mali.id);
  });

  it('finds a story by a word of one member’s title, in every language of the story, folded and stemmed', async () => {
    // One word of each member's title that no other member of the story has.
    const words = members
      .map((it) => {
        const others = members.filter((o) => o.id !== it.id).map((o) => `${o.title} ${o.summary ?? ''}`.toLowerCase()).join(' ');
        const own = it.title.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 5 && !others.includes(w.toLowerCase()));
        return { lang: it.language, word: own[0] };
      })
      .filter((w): w is { lang: string; word: string } => w.word !== undefined);
    expect(new Set(words.map((w) => w.lang))).toEqual(new Set(['fr', 'en', 'ar', 'es']));
    for (const { word } of words) expect(await search(word.toUpperCase()), word).toContain(mali.id);
    // Accents folded and words stemmed: "MALÍ" as El País writes it, "soldat" for Sidwaya's "soldats".
    expect(await search('MALÍ')).toContain(mali.id);
    expect(await search('soldat')).toContain(mali.id);
    expect(await search('zanzibar mali')).toEqual([]);
  });

  it('answers a search without scanning: a few small queries and batched reads', async () => {
    await search('mali');
    calls.length = 0;
    await search('withdrawal');
    expect(calls).not.toContain('ScanCommand');
    expect(calls.filter((c) => c === 'QueryCommand').length).toBeLessThanOrEqual(3);
    expect(calls.length).toBeLessThanOrEqual(6);
  });
});
