// Test fixtures for editor suites: a local RSS server whose items tests add between ingest runs, and helpers.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { createApp } from '../../lib/api/app.ts';
import { editorRoutes } from '../../lib/api/editor.ts';
import type { Actor } from '../../lib/editor/auth.ts';
import { createEditorStore, type EditorStore } from '../../lib/editor/store.ts';
import { suggestionKey, type MergeSuggestion } from '../../lib/group/suggestions.ts';
import { silentLogger, type Logger } from '../../lib/log.ts';
import type { GroupState } from '../../lib/pipeline/group-stage.ts';
import { runIngest, type IngestDeps } from '../../lib/pipeline/ingest.ts';
import { newSuggestionMemo, syncSuggestions } from '../../lib/pipeline/suggestions.ts';
import type { Store } from '../../lib/store/store.ts';
import type { TestDb } from '../support/db.ts';
import { putItems } from '../support/records.ts';
import type { Item, Outlet, Story } from '../../lib/types.ts';

/** One feed entry served by the fixture server. */
export interface FixtureEntry {
  guid: string;
  title: string;
  summary?: string;
  author?: string;
  minutesAgo: number;
}

/** A fixture feed server: one RSS feed per outlet, contents mutable between runs. */
export interface FeedServer {
  baseUrl: string;
  outlets: Outlet[];
  add(outletId: string, entry: FixtureEntry): void;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Starts the server on a free loopback port with outlets `ids` (named "Outlet X", city "City X"). */
export async function startFeedServer(ids: string[]): Promise<FeedServer> {
  const feeds = new Map<string, FixtureEntry[]>(ids.map((id) => [id, []]));
  const base = Date.now();
  const server: Server = createServer((req, res) => {
    const id = /^\/(\w+)\.xml$/.exec(req.url ?? '')?.[1];
    const entries = id ? feeds.get(id) : undefined;
    if (!entries) {
      res.writeHead(404).end();
      return;
    }
    const items = entries
      .map(
        (e) => `<item><title>${esc(e.title)}</title><link>https://${id}.example/news/${e.guid}</link><guid>${e.guid}</guid>` +
          `${e.summary ? `<description>${esc(e.summary)}</description>` : ''}${e.author ? `<author>${esc(e.author)}</author>` : ''}` +
          `<pubDate>${new Date(base - e.minutesAgo * 60_000).toUTCString()}</pubDate></item>`,
      )
      .join('');
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${id}</title><link>https://${id}.example/</link><description>Fixture</description>${items}</channel></rss>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const outlets: Outlet[] = ids.map((id) => ({
    id,
    name: `Outlet ${id.toUpperCase()}`,
    city: `City ${id.toUpperCase()}`,
    country: 'GB',
    region: 'europe',
    languages: ['en'],
    homepage: `https://${id}.example/`,
    feeds: [{ id: `${id}/main`, url: `${baseUrl}/${id}.xml` }],
  }));
  return {
    baseUrl,
    outlets,
    add: (outletId, entry) => feeds.get(outletId)!.push(entry),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Every story in the store (merged ones included), by id. */
export async function allStories(store: Store): Promise<Map<string, Story>> {
  const out = new Map<string, Story>();
  let cursor: string | undefined;
  do {
    const page = await store.listStories({ limit: 200, cursor });
    for (const s of page.items) out.set(s.id, s);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** Live story holding the item whose guid is `guid` (items are looked up through live stories' item lists). */
export async function storyOfGuid(store: Store, guid: string): Promise<Story | undefined> {
  const stories = [...(await allStories(store)).values()].filter((s) => !s.mergedInto);
  for (const s of stories) {
    const items = await store.getItems(s.itemIds);
    if (items.some((i) => i.guid === guid)) return s;
  }
  return undefined;
}

/** The stored item with this guid (searching every story listing, then the pending queue). */
export async function itemOfGuid(store: Store, guid: string): Promise<Item> {
  for (const s of (await allStories(store)).values()) {
    const hit = (await store.getItems(s.itemIds)).find((i) => i.guid === guid);
    if (hit) return hit;
  }
  throw new Error(`no stored item with guid ${guid}`);
}

/** An actor for calling actions directly. */
export const TEST_ACTOR: Actor = { keyId: 'aaaaaaaaaaaa', name: 'Test Editor', role: 'editor' };

/** Ids of the seeded desk fixture. */
export interface SeededDesk {
  /** Chile quake, outlets a+b (public by coverage). */
  chile: string;
  /** Chile aftershock, outlets c+d: the one to merge into `chile`. */
  aftershock: string;
  /** Kenya election, outlets a–d, four items: the one to split. */
  kenya: string;
  /** Lagos floods, outlet a only: not public until approved. */
  lagos: string;
  items: Record<string, Item>;
}

const OUTLET_META: Record<string, { name: string; city: string }> = {
  a: { name: 'Daily Alpha', city: 'Paris' },
  b: { name: 'Bravo News', city: 'London' },
  c: { name: 'Charlie Times', city: 'Nairobi' },
  d: { name: 'Delta Post', city: 'Tokyo' },
};

/**
 * Seeds outlets, items, stories and engine memberships straight through the store, as the group stage writes
 * them (stories first, then memberships).
 */
export async function seedDesk(store: Store, now = new Date()): Promise<SeededDesk> {
  const iso = (minAgo: number) => new Date(now.getTime() - minAgo * 60_000).toISOString();
  await store.putOutlets(
    Object.entries(OUTLET_META).map(([id, m]) => ({
      id, name: m.name, city: m.city, country: 'GB', region: 'europe', languages: ['en'], homepage: `https://${id}.example/`,
      feeds: [{ id: `${id}/main`, url: `https://${id}.example/feed.xml` }],
    })),
  );
  const items: Record<string, Item> = {};
  const mk = (id: string, outletId: string, title: string, summary: string, minAgo: number, author?: string): Item => {
    const it: Item = {
      id, feedId: `${outletId}/main`, outletId, guid: id, url: `https://${outletId}.example/news/${id}`, title, summary, author,
      language: 'en', publishedAt: iso(minAgo), firstSeenAt: iso(minAgo), contentHash: `h-${id}`,
    };
    items[id] = it;
    return it;
  };
  const stories: { id: string; label: string; members: [Item, number, string[]][] }[] = [
    { id: 's_chile', label: 'Chile earthquake', members: [
      [mk('i_chile_a', 'a', 'Magnitude 7.8 earthquake strikes Valparaiso region of Chile', 'A powerful earthquake hit central Chile near Valparaiso on Thursday, officials said. Rescue teams are on their way.', 90, 'By Ana Torres'), 0, []],
      [mk('i_chile_b', 'b', 'Chile earthquake: Valparaiso shaken by magnitude 7.8 quake', 'The quake struck off the coast of Valparaiso.', 85), 0.62, ['Chile', 'Valparaiso', 'earthquake']],
    ] },
    { id: 's_after', label: 'Valparaiso aftershock', members: [
      [mk('i_after_c', 'c', 'Aftershock rattles Valparaiso a day after Chile earthquake', 'An aftershock hit Valparaiso.', 60), 0, []],
      [mk('i_after_d', 'd', 'Valparaiso aftershock: residents flee homes in Chile', 'Residents fled their homes in Valparaiso.', 55), 0.35, ['Valparaiso', 'aftershock']],
    ] },
    { id: 's_kenya', label: 'Kenya election', members: [
      [mk('i_kenya_a', 'a', 'Kenya election: Odinga and Ruto supporters await Nairobi results', 'Kenyans wait for the election commission.', 80), 0, []],
      [mk('i_kenya_b', 'b', 'Nairobi tense as Kenya election results delayed', 'The commission delayed results.', 75), 0.66, ['Kenya', 'Nairobi', 'election']],
      [mk('i_kenya_c', 'c', 'Kenya shilling slides as election count drags on', 'The shilling fell against the dollar.', 70), 0.32, ['Kenya', 'election']],
      [mk('i_kenya_d', 'd', 'Kenya shilling at record low during election count', 'Currency traders sold the shilling.', 65), 0.31, ['Kenya', 'election']],
    ] },
    { id: 's_lagos', label: 'Lagos floods', members: [
      [mk('i_lagos_a', 'a', 'Lagos floods: heavy rain submerges Lekki and Victoria Island', 'Floods in Lagos submerged Lekki.', 50), 0, []],
    ] },
  ];
  await putItems(store, Object.values(items), { dedupeUrls: true });
  for (const s of stories) {
    const its = s.members.map(([it]) => it);
    await store.putStory(
      {
        id: s.id, label: s.label, headline: its[0]!.title, summary: its[0]!.summary, firstSeenAt: its[0]!.firstSeenAt,
        updatedAt: its.at(-1)!.firstSeenAt, lastItemAt: its.at(-1)!.publishedAt, itemIds: its.map((i) => i.id),
        outletIds: [...new Set(its.map((i) => i.outletId))], version: 1, status: 'auto',
      },
      undefined,
    );
    for (const [it, score, matched] of s.members) {
      await store.setMembership({ storyId: s.id, itemId: it.id, score, matched, by: 'engine', at: it.firstSeenAt });
    }
  }
  return { chile: 's_chile', aftershock: 's_after', kenya: 's_kenya', lagos: 's_lagos', items };
}

/** Ids of the pairs seeded by {@link seedPairs}. */
export interface SeededPairs {
  /** Japan earthquake: Al Jazeera in Arabic (lone item) and The Guardian + Bravo News in English. */
  quakeAr: string;
  quakeEn: string;
  /** G20 debt pause: El País in Spanish and Charlie Times + Delta Post in English. */
  debtEs: string;
  debtEn: string;
  /** Red Sea cables: Al Jazeera in Arabic and The Guardian in English. */
  cableAr: string;
  cableEn: string;
  /** The suggestions as the grouping writer stored them. */
  suggestions: MergeSuggestion[];
}

/**
 * Seeds stories told in several languages that the engine did not merge (on top of {@link seedDesk}'s outlets a–d),
 * and stores the engine's "possible same story" suggestions for them, and for Chile quake/aftershock, through the
 * grouping writer's sync.
 */
export async function seedPairs(store: Store, now = new Date()): Promise<SeededPairs> {
  const iso = (minAgo: number) => new Date(now.getTime() - minAgo * 60_000).toISOString();
  const outlet = (id: string, name: string, city: string, country: string, region: string, language: string): Outlet => ({
    id, name, city, country, region, languages: [language], homepage: `https://${id}.example/`,
    feeds: [{ id: `${id}/main`, url: `https://${id}.example/feed.xml` }],
  });
  await store.putOutlets([
    outlet('aja', 'Al Jazeera', 'Doha', 'QA', 'middle-east', 'ar'),
    outlet('elp', 'El País', 'Madrid', 'ES', 'europe', 'es'),
    outlet('gdn', 'The Guardian', 'London', 'GB', 'europe', 'en'),
  ]);
  const mk = (id: string, outletId: string, language: string, title: string, minAgo: number): Item => ({
    id, feedId: `${outletId}/main`, outletId, guid: id, url: `https://${outletId}.example/news/${id}`, title, language,
    publishedAt: iso(minAgo), firstSeenAt: iso(minAgo), contentHash: `h-${id}`,
  });
  const stories: { id: string; label: string; items: Item[] }[] = [
    { id: 's_quake_ar', label: 'زلزال اليابان', items: [mk('i_quake_aja', 'aja', 'ar', 'زلزال بقوة 7.5 درجات يضرب وسط اليابان وتحذير من تسونامي', 40)] },
    { id: 's_quake_en', label: 'Japan earthquake', items: [
      mk('i_quake_gdn', 'gdn', 'en', 'Japan earthquake: magnitude 7.5 quake strikes Noto peninsula', 45),
      mk('i_quake_b', 'b', 'en', 'Tsunami warning after 7.5 earthquake hits central Japan', 42),
    ] },
    { id: 's_debt_es', label: 'Pausa de la deuda del G20', items: [mk('i_debt_elp', 'elp', 'es', 'El G20 acuerda una pausa en el pago de la deuda de los países más pobres', 35)] },
    { id: 's_debt_en', label: 'G20 debt pause', items: [
      mk('i_debt_c', 'c', 'en', 'G20 agrees debt pause for the poorest countries', 38),
      mk('i_debt_d', 'd', 'en', 'G20 finance ministers back debt payment pause', 36),
    ] },
    { id: 's_cable_ar', label: 'كابلات البحر الأحمر', items: [mk('i_cable_aja', 'aja', 'ar', 'انقطاع كابلات الإنترنت في البحر الأحمر يعطل الاتصالات', 30)] },
    { id: 's_cable_en', label: 'Red Sea cables', items: [mk('i_cable_gdn', 'gdn', 'en', 'Red Sea internet cables cut, disrupting traffic between Europe and Asia', 32)] },
  ];
  await putItems(store, stories.flatMap((s) => s.items), { dedupeUrls: true });
  for (const s of stories) {
    const its = [...s.items].sort((x, y) => (x.publishedAt < y.publishedAt ? -1 : 1));
    await store.putStory(
      {
        id: s.id, label: s.label, headline: its[0]!.title, firstSeenAt: its[0]!.publishedAt, updatedAt: its.at(-1)!.firstSeenAt,
        lastItemAt: its.at(-1)!.publishedAt, itemIds: its.map((i) => i.id), outletIds: [...new Set(its.map((i) => i.outletId))],
        version: 1, status: 'auto',
      },
      undefined,
    );
  }
  const at = now.toISOString();
  const pair = (a: string, b: string, score: number, languages: [string[], string[]], evidence: MergeSuggestion['evidence']): MergeSuggestion => ({
    ...suggestionKey(a, b), score, threshold: 0.45, crossLingual: languages[0].every((l) => !languages[1].includes(l)),
    languages: a < b ? { a: languages[0], b: languages[1] } : { a: languages[1], b: languages[0] }, evidence, at,
  });
  const suggestions = [
    pair('s_quake_ar', 's_quake_en', 0.41, [['ar'], ['en']], { entities: ['Japan', 'Noto'], terms: [], translated: ['زلزال → earthquake', 'تسونامي → tsunami'], numbers: ['7.5'] }),
    pair('s_debt_es', 's_debt_en', 0.38, [['es'], ['en']], { entities: ['G20'], terms: [], translated: ['deuda → debt', 'pausa → pause', 'pobres → poor'], numbers: [] }),
    pair('s_cable_ar', 's_cable_en', 0.43, [['ar'], ['en']], { entities: ['Red Sea'], terms: [], translated: ['كابلات → cables', 'الإنترنت → internet'], numbers: [] }),
    pair('s_chile', 's_after', 0.36, [['en'], ['en']], { entities: ['Chile', 'Valparaiso'], terms: ['earthquake'], translated: [], numbers: [] }),
  ];
  await syncSuggestions(store, suggestions, newSuggestionMemo(), new Map(), silentLogger);
  return { quakeAr: 's_quake_ar', quakeEn: 's_quake_en', debtEs: 's_debt_es', debtEn: 's_debt_en', cableAr: 's_cable_ar', cableEn: 's_cable_en', suggestions };
}

/** A request to the app as an API client makes it: bearer key, JSON body (a string is sent as it is). */
export type DeskCall = (method: string, path: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string> }) => Promise<Response>;

/**
 * The API app with the editor desk mounted on a test table (publication by coverage, two outlets; no response
 * cache), its editor store, and a request helper.
 */
export function deskApp(db: TestDb, pepper: string): { app: Hono; editorStore: EditorStore; call: DeskCall } {
  const editorStore = createEditorStore({ client: db.client, table: db.table });
  const publish = { mode: 'outlets' as const, minOutlets: 2 };
  const app = createApp({
    store: db.store,
    config: { publish, stage: 'test' },
    log: silentLogger,
    cache: false,
    editor: editorRoutes({ store: db.store, editorStore, pepper, log: silentLogger, publish }),
  });
  const call: DeskCall = async (method, path, opts = {}) =>
    app.request(path, {
      method,
      headers: {
        ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
  return { app, editorStore, call };
}

/**
 * One ingest run over the fixture feeds (every feed, loopback allowed) with a fresh owner id; `groupState` keeps
 * the engine warm (undefined: a cold start), `group` passes grouping-stage options.
 */
export function ingestFixtures(store: Store, log: Logger, opts: { groupState?: GroupState; group?: IngestDeps['group'] } = {}) {
  return runIngest(
    {
      store,
      log,
      now: () => new Date(),
      fetch: { userAgent: 'roundup-test', timeoutMs: 5000, maxBytes: 1_000_000, allowPrivateNetwork: true },
      pollMinutes: 15,
      windowHours: 72,
      concurrency: 4,
      owner: `test-${randomUUID()}`,
      groupState: opts.groupState,
      group: opts.group,
    },
    { all: true },
  );
}
