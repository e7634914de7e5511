// Test fixtures for editor suites: a local RSS server whose items tests add between ingest runs, and helpers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Actor } from '../../lib/editor/auth.ts';
import type { Store } from '../../lib/store/store.ts';
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
