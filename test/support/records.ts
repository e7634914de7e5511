// Builders of domain records for store tests: a Le Devoir item and a Mali story with overridable fields.
import { searchEntriesOf, storyCopyEntry } from '../../lib/search/entries.ts';
import type { FeedItemsWrite, ItemStore, Store } from '../../lib/store/store.ts';
import { stem } from '../../lib/text/stem.ts';
import type { Item, Outlet, Story } from '../../lib/types.ts';

/** An item of Le Devoir's international feed; `over` replaces any field. */
export const item = (id: string, over: Partial<Item> = {}): Item => ({
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

/** A one-item story about the Mali withdrawal, updated at `updatedAt`. */
export const story = (id: string, updatedAt: string, version = 1): Story => ({
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

/** Stores items the way the fetch stage does (one `putBatchItems` call, one entry per feed); returns each item's fate. */
export async function putItems(
  store: Pick<ItemStore, 'putBatchItems'>,
  items: Item[],
  opts: { dedupeUrls?: boolean } = {},
): Promise<FeedItemsWrite> {
  const byFeed = new Map<string, Item[]>();
  for (const it of items) byFeed.set(it.feedId, [...(byFeed.get(it.feedId) ?? []), it]);
  const writes = await store.putBatchItems([...byFeed].map(([feedId, list]) => ({ feedId, items: list, dedupeUrls: opts.dedupeUrls })));
  const total: FeedItemsWrite = { created: 0, updated: 0, unchanged: 0, duplicate: 0, skippedSeen: 0 };
  for (const w of writes) for (const k of Object.keys(total) as (keyof FeedItemsWrite)[]) total[k] += w[k];
  return total;
}

/** A clock that stands still until the test moves it (epoch milliseconds). */
export function manualClock(start = Date.parse('2026-11-26T08:00:00.000Z')): (() => number) & { advance(ms: number): void } {
  let t = start;
  return Object.assign(() => t, { advance: (ms: number) => void (t += ms) });
}

/** An outlet with one feed per title (`<name> — main` by default), at `https://<id>.example`. */
export const outletRecord = (
  id: string,
  name: string,
  city: string,
  country: string,
  region: string,
  languages: string[],
  feedTitles: string[] = [`${name} — main`],
): Outlet => ({
  id,
  name,
  city,
  country,
  region,
  languages,
  homepage: `https://${id}.example`,
  feeds: feedTitles.map((title, n) => ({ id: n ? `${id}/${n}` : `${id}/main`, url: `https://${id}.example/rss${n ? `/${n}` : ''}`, title })),
});

/** A story made of these items: times, item and outlet ids derived from them; `s` sets the id and any other field. */
export const storyOf = (s: Partial<Story> & { id: string; updatedAt: string }, items: Item[]): Story => ({
  label: `Label ${s.id}`,
  headline: `Headline ${s.id}`,
  firstSeenAt: items[0]?.firstSeenAt ?? s.updatedAt,
  lastItemAt: items.at(-1)?.publishedAt ?? s.updatedAt,
  itemIds: items.map((i) => i.id),
  outletIds: [...new Set(items.map((i) => i.outletId))],
  version: 1,
  status: 'auto',
  ...s,
});

/** Writes a new story as the grouping writer does: its items, the story, and their words for search (`q`). */
export async function storeStory(store: Store, story: Story, items: Item[]): Promise<void> {
  await putItems(store, items, { dedupeUrls: true });
  await store.putStory(story, undefined);
  const copy = storyCopyEntry(story, undefined);
  await store.putSearchEntries([...searchEntriesOf(story, story.itemIds, new Map(items.map((i) => [i.id, i])), { stem }), ...(copy ? [copy] : [])], new Date().toISOString());
}
