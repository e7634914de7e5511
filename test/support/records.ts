// Builders of domain records for store tests: a Le Devoir item and a Mali story with overridable fields.
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
