// An editor who locks or merges away a story while a grouping pass is writing it: the story takes none of the pass's items, and they are grouped again next pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorActions } from '../../lib/editor/actions.ts';
import { createEditorStore } from '../../lib/editor/store.ts';
import { silentLogger } from '../../lib/log.ts';
import type { GroupState } from '../../lib/pipeline/group-stage.ts';
import { registerOutlets } from '../../lib/pipeline/ingest.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { TEST_ACTOR, ingestFixtures, startFeedServer, storyOfGuid, type FeedServer } from './editor-fixtures.ts';

describe.each(BACKENDS)('editor changes during a grouping pass (%s)', (backend) => {
  let db: TestDb;
  let feeds: FeedServer;
  let actions: EditorActions;
  let groupState: GroupState | undefined;
  const storyOf = async (guid: string) => (await storyOfGuid(db.store, guid))?.id;
  const add = (o: string, guid: string, title: string, summary: string, minutesAgo: number) => feeds.add(o, { guid, title, summary, minutesAgo });
  /** One ingest run; `during(storyId)` runs before each story write of its grouping pass. */
  const ingest = async (during?: (storyId: string) => Promise<void>) => {
    const r = await ingestFixtures(db.store, silentLogger, { groupState, group: during ? { beforeStoryWrite: during } : undefined });
    groupState = r.groupState;
    expect(r.failures).toEqual([]);
    return r;
  };

  beforeAll(async () => {
    db = await openTestDb(backend);
    feeds = await startFeedServer(['a', 'b', 'c']);
    actions = new EditorActions({ store: db.store, editorStore: createEditorStore({ client: db.client, table: db.table }), log: silentLogger, now: () => new Date() });
    await registerOutlets(db.store, feeds.outlets, new Date().toISOString());
    add('a', 'kenya-a', 'Kenya election: Odinga and Ruto supporters await Nairobi results', 'Kenyans wait for the election commission in Nairobi to announce results.', 120);
    add('b', 'kenya-b', 'Nairobi tense as Kenya election results from Ruto and Odinga camps delayed', 'The Kenya election commission in Nairobi delayed results.', 110);
    add('a', 'lagos-a', 'Lagos floods: heavy rain submerges Lekki and Victoria Island', 'Floods in Lagos submerged Lekki and Victoria Island after heavy rain.', 100);
    add('b', 'lagos-b', 'Flooding in Lagos: Lekki and Victoria Island under water after rain', 'Heavy rain flooded Lagos, leaving Lekki and Victoria Island under water.', 90);
    await ingest();
  });
  afterAll(async () => {
    await feeds?.close();
    await db?.close();
  });

  it('gives a story locked during the pass none of its items, and groups them again next pass', async () => {
    const kenya = (await storyOf('kenya-a'))!;
    const before = (await db.store.getStory(kenya))!;
    add('c', 'kenya-c', 'Kenya election commission in Nairobi announces Ruto lead over Odinga', 'Results from the Kenya election show Ruto ahead of Odinga.', 30);
    let locked = false;
    await ingest(async (storyId) => {
      if (storyId !== kenya || locked) return;
      locked = true;
      await actions.update(kenya, { locked: true }, TEST_ACTOR);
    });
    expect(locked).toBe(true);
    const after = (await db.store.getStory(kenya))!;
    expect(after.locked).toBe(true);
    expect(after.itemIds).toEqual(before.itemIds);
    // Not lost: the next pass groups the item again, elsewhere (a locked story takes no new items).
    await ingest();
    const home = await storyOf('kenya-c');
    expect(home).toBeDefined();
    expect(home).not.toBe(kenya);
    expect((await db.store.getStory(kenya))!.itemIds).toEqual(before.itemIds);
    expect(await db.store.listStoryFailures()).toEqual([]);
  });

  it('gives a story merged away during the pass none of its items; they reach the survivor next pass', async () => {
    const lagos = (await storyOf('lagos-a'))!;
    const kenya = (await storyOf('kenya-a'))!;
    add('c', 'lagos-c', 'Lagos floods recede in Lekki and Victoria Island', 'Floods in Lagos receded from Lekki and Victoria Island.', 20);
    let merged = false;
    await ingest(async (storyId) => {
      if (storyId !== lagos || merged) return;
      merged = true;
      await actions.update(kenya, { locked: false }, TEST_ACTOR);
      await actions.merge(kenya, [lagos], TEST_ACTOR);
    });
    expect(merged).toBe(true);
    const absorbed = (await db.store.getStory(lagos))!;
    expect(absorbed.mergedInto).toBe(kenya);
    expect(absorbed.itemIds).toEqual([]);
    await ingest();
    // The flood item follows its story into the survivor, as news of an absorbed story does.
    expect(await storyOf('lagos-c')).toBe(kenya);
    expect((await db.store.getStory(lagos))!.itemIds).toEqual([]);
    expect(await db.store.listStoryFailures()).toEqual([]);
  });
});
