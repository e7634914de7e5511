// The grouping writer and "possible same story": suggestions stored each pass, dismissals handed to warm and cold engines before grouping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorActions } from '../../lib/editor/actions.ts';
import { createEditorStore } from '../../lib/editor/store.ts';
import type { StoryGrouper } from '../../lib/group/engine.ts';
import type { MergeSuggestion } from '../../lib/group/suggestions.ts';
import { createLogger, silentLogger } from '../../lib/log.ts';
import type { GroupState } from '../../lib/pipeline/group-stage.ts';
import { registerOutlets } from '../../lib/pipeline/ingest.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { SuggestingTestGrouper, suggestion } from '../support/suggestions.ts';
import { TEST_ACTOR, ingestFixtures, itemOfGuid, startFeedServer, storyOfGuid, type FeedServer } from './editor-fixtures.ts';

describe.each(BACKENDS)('grouping passes with a suggesting engine on $name', (backend) => {
  let db: TestDb;
  let feeds: FeedServer;
  let actions: EditorActions;
  let groupState: GroupState | undefined;
  /** Every engine the group stage made (the last is the live one). */
  const engines: SuggestingTestGrouper[] = [];
  /** Item pairs (by guid) the engine suggests while their stories differ. */
  const suggested: [string, string][] = [];
  const itemIds = new Map<string, string>();
  /** False: the engine suggests kept-apart pairs anyway, leaving the store's fence alone to stop them. */
  let obey = true;
  const lines: { msg: string; written?: number; removed?: number }[] = [];
  const log = createLogger({ level: 'info', write: (l) => lines.push(JSON.parse(l) as (typeof lines)[number]) });

  const suggest = (engine: StoryGrouper): MergeSuggestion[] =>
    suggested.flatMap(([x, y]) => {
      const sx = itemIds.has(x) ? engine.storyOf(itemIds.get(x)!) : undefined;
      const sy = itemIds.has(y) ? engine.storyOf(itemIds.get(y)!) : undefined;
      return sx && sy && sx !== sy ? [suggestion(sx, sy, { at: new Date().toISOString() })] : [];
    });

  const ingest = async (opts: { cold?: boolean } = {}) => {
    const r = await ingestFixtures(db.store, log, {
      groupState: opts.cold ? undefined : groupState,
      group: {
        createGrouper: () => {
          const g = new SuggestingTestGrouper(suggest, obey, { windowHours: 72 });
          engines.push(g);
          return g;
        },
      },
    });
    groupState = r.groupState;
    expect(r.failures).toEqual([]);
    return r;
  };
  const engine = () => engines.at(-1)!;
  const storyOf = async (guid: string) => (await storyOfGuid(db.store, guid))?.id;
  const learn = async (...guids: string[]) => {
    for (const g of guids) itemIds.set(g, (await itemOfGuid(db.store, g)).id);
  };
  const stored = async () => (await db.store.listSuggestions()).map((s) => `${s.a}+${s.b}`);
  const pair = (x: string, y: string) => [x, y].sort().join('+');

  beforeAll(async () => {
    db = await openTestDb(backend);
    feeds = await startFeedServer(['a', 'b', 'c']);
    actions = new EditorActions({ store: db.store, editorStore: createEditorStore({ client: db.client, table: db.table }), log: silentLogger, now: () => new Date() });
    await registerOutlets(db.store, feeds.outlets, new Date().toISOString());
    feeds.add('a', { guid: 'quake-en', title: 'Japan earthquake: magnitude 7.5 quake strikes Noto peninsula', summary: 'A powerful earthquake hit the Noto peninsula in central Japan.', minutesAgo: 120 });
    feeds.add('b', { guid: 'quake-ar', title: 'زلزال بقوة 7.5 درجات يضرب وسط اليابان', summary: 'ضرب زلزال قوي شبه جزيرة نوتو في وسط اليابان.', minutesAgo: 110 });
    feeds.add('a', { guid: 'cable-en', title: 'Red Sea internet cables cut, disrupting traffic between Europe and Asia', summary: 'Several undersea cables in the Red Sea were damaged.', minutesAgo: 100 });
    feeds.add('c', { guid: 'cable-ar', title: 'انقطاع كابلات الإنترنت في البحر الأحمر يعطل الاتصالات', summary: 'تضررت عدة كابلات بحرية في البحر الأحمر.', minutesAgo: 95 });
    await ingest();
    await learn('quake-en', 'quake-ar', 'cable-en', 'cable-ar');
  });
  afterAll(async () => {
    await feeds?.close();
    await db?.close();
  });

  it('stores the engine suggestions of each pass, once', async () => {
    expect(await storyOf('quake-en')).not.toBe(await storyOf('quake-ar'));
    suggested.push(['quake-en', 'quake-ar'], ['cable-en', 'cable-ar']);
    lines.length = 0;
    await ingest();
    const quake = pair((await storyOf('quake-en'))!, (await storyOf('quake-ar'))!);
    const cable = pair((await storyOf('cable-en'))!, (await storyOf('cable-ar'))!);
    expect((await stored()).sort()).toEqual([cable, quake].sort());
    expect(lines.find((l) => l.msg === 'merge suggestions synced')).toMatchObject({ written: 2, removed: 0 });
    // Unchanged suggestions are not written again.
    lines.length = 0;
    await ingest();
    expect(lines.filter((l) => l.msg === 'merge suggestions synced')).toEqual([]);
  });

  it('hands a dismissed pair to the warm engine on the next pass, and it stays out of the table', async () => {
    const [en, ar] = [(await storyOf('quake-en'))!, (await storyOf('quake-ar'))!];
    await actions.dismissSuggestion(ar, en, TEST_ACTOR);
    expect(await stored()).not.toContain(pair(en, ar));
    const warm = engine();
    await ingest();
    expect(engine()).toBe(warm);
    expect(warm.keptApart).toEqual([pair(en, ar).replace('+', '#')]);
    expect(await stored()).not.toContain(pair(en, ar));
  });

  it('gives a cold engine every dismissed pair before it groups any new item, even one that would ignore them', async () => {
    const [en, ar] = [(await storyOf('quake-en'))!, (await storyOf('quake-ar'))!];
    obey = false;
    feeds.add('c', { guid: 'quake-ar2', title: 'تحذير من تسونامي بعد زلزال اليابان', summary: 'أصدرت السلطات تحذيرا من تسونامي.', minutesAgo: 60 });
    await ingest({ cold: true });
    const cold = engine();
    expect(cold.added).toBeGreaterThan(0);
    expect(cold.keptApart).toEqual([pair(en, ar).replace('+', '#')]);
    expect(cold.addedBeforeKeepApart).toEqual([0]);
    // The engine still offers the pair; the dismissal on the pair's record refuses it.
    expect(cold.suggestions().map((s) => `${s.a}+${s.b}`)).toContain(pair(en, ar));
    expect(await stored()).not.toContain(pair(en, ar));
    expect((await db.store.getPair(en, ar))?.dismissed?.dismissedBy.name).toBe(TEST_ACTOR.name);
    obey = true;
  });

  it('merges a suggested pair in one click; the engine takes the merge and the suggestion is gone for good', async () => {
    const [en, ar] = [(await storyOf('cable-en'))!, (await storyOf('cable-ar'))!];
    expect(await stored()).toContain(pair(en, ar));
    const { story, absorbed } = await actions.mergeSuggestion(en, ar, TEST_ACTOR);
    expect(await stored()).not.toContain(pair(en, ar));
    feeds.add('a', { guid: 'cable-en2', title: 'Red Sea cable repairs could take weeks, operators say', summary: 'Repair ships are heading to the Red Sea.', minutesAgo: 30 });
    await ingest();
    // The warm engine holds both items in the survivor: it has nothing left to suggest about the pair.
    expect(engine().resolve(engine().storyOf(itemIds.get('cable-ar')!)!)).toBe(story.id);
    expect(engine().resolve(absorbed.id)).toBe(story.id);
    expect(await stored()).toEqual([]);
    await ingest({ cold: true });
    expect(await stored()).toEqual([]);
  });
});
