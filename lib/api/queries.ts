// Reader queries over the story and item stores: filtered, cursor-paged public story listings and single-story lookups.
import type { StorySearch } from '../search/story-search.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { ItemStore, StoryStore } from '../store/store.ts';
import type { Item, Outlet, Story } from '../types.ts';
import type { OutletCatalog } from './catalog.ts';
import type { ListQuery } from './params.ts';
import { isPublic, type PublicationPolicy } from './publication.ts';
import { headlineItemIdsOutside, outletFacets, storyFacets, type StoryFacets } from './views.ts';

/** Most stories one listing request examines before it returns a short page with a cursor to resume from. */
export const SCAN_BUDGET = 500;
/** Largest store page requested at once (DynamoDB reads up to this many index rows per query). */
const STORE_PAGE_MAX = 100;
/** Longest chain of merges followed when redirecting. */
const MAX_MERGE_HOPS = 5;

/** Bounded memo of facets per story version: a story's items only change with its version. */
export class FacetCache {
  private readonly map = new Map<string, StoryFacets>();
  constructor(private readonly max = 20_000) {}

  get(story: Story): StoryFacets | undefined {
    return this.map.get(`${story.id}@${story.version}`);
  }

  set(story: Story, facets: StoryFacets): void {
    const key = `${story.id}@${story.version}`;
    this.map.delete(key);
    this.map.set(key, facets);
    // Oldest insertion goes first: a Map iterates in insertion order, so this is a cheap LRU-by-write.
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/** The stories and items readers see. */
export type StoryReader = Pick<StoryStore, 'getStory' | 'listStories' | 'getListedStories'> & Pick<ItemStore, 'getItems'>;

/** What the reader queries need. */
export interface QueryDeps {
  store: StoryReader;
  catalog: OutletCatalog;
  policy: PublicationPolicy;
  facets: FacetCache;
  /** Word search over every item of every story (`q`). */
  search: Pick<StorySearch, 'search'>;
}

/** A public story with its facets. */
export interface ListedStory {
  story: Story;
  facets: StoryFacets;
}

/** A story an incremental sync should drop: an editor hid, unpublished or merged it. */
export interface RemovedStory {
  id: string;
  mergedInto: string | null;
}

/** One page of public stories. */
export interface StoryPage {
  stories: ListedStory[];
  nextCursor: string | null;
  /** Only with `updatedSince`: stories withdrawn from the public since then, among those this page examined. */
  removed: RemovedStory[];
  /** Index rows examined (for logs and tests of the scan budget). */
  examined: number;
}

interface CursorState {
  /** Position in the ranked search hits (a `q` query). */
  o?: number;
  /** Store cursor of the store page to (re)start from. */
  s?: string;
  /** Rows of that store page already examined by the previous API page. */
  k?: number;
  /** Fingerprint of the filters the cursor was made for. */
  f: string;
}

/**
 * Public stories, most recently updated first, filtered and paged.
 *
 * The store pages by the STORIES index; filtering happens here, so store pages are read until `limit` stories
 * passed or the index is exhausted, within {@link SCAN_BUDGET} rows. A page may therefore be short while
 * `nextCursor` is still set. The cursor points at the exact row after the last one examined: when the page
 * filled in the middle of a store page it holds that store page's start and how many rows to skip.
 * @throws ValidationError on a malformed cursor or one made for other filters
 */
export async function listPublicStories(
  deps: QueryDeps,
  q: ListQuery,
  opts: { budget?: number } = {},
): Promise<StoryPage> {
  const fingerprint = filterFingerprint(q);
  const cur = q.cursor ? decodeCursor(q.cursor, fingerprint) : { f: fingerprint };
  const since = q.updatedSince;
  const budget = opts.budget ?? SCAN_BUDGET;
  const outlets = await deps.catalog.get();
  const match = cheapFilter(q, outlets);
  const langs = q.lang ? new Set(q.lang) : undefined;
  if (q.q) return searchPublicStories(deps, q, { offset: cur.o ?? 0, fingerprint, since, budget, outlets, match, langs });

  const stories: ListedStory[] = [];
  const removed: RemovedStory[] = [];
  let start = cur.s;
  let skip = cur.k ?? 0;
  let examined = 0;
  let next: CursorState | null = null;
  for (;;) {
    const remaining = q.limit - stories.length;
    // Ask for about as many rows as should yield the remaining stories at the pass rate seen so far.
    const rate = examined === 0 ? 0.5 : Math.max(0.05, stories.length / examined);
    const wanted = Math.max(remaining, Math.ceil(remaining / rate));
    const size = Math.min(STORE_PAGE_MAX, skip + Math.max(1, Math.min(wanted, budget - examined)));
    const page = await readPage(deps.store, { limit: size, cursor: start, since });
    const rows = page.items.slice(skip);
    const pass = rows.map((s) => isPublic(s, deps.policy) && match(s));
    const candidates = rows.filter((_, i) => pass[i]);
    // Without a language filter every candidate is accepted, so facets are only needed for those that fit.
    await loadFacets(deps, langs ? candidates : candidates.slice(0, remaining), outlets);

    let cutAt = -1;
    for (let i = 0; i < rows.length; i++) {
      const s = rows[i]!;
      examined++;
      if (since && (s.hidden || s.mergedInto || s.status === 'unpublished')) removed.push({ id: s.id, mergedInto: s.mergedInto ?? null });
      if (pass[i]) {
        const facets = deps.facets.get(s)!;
        if (!langs || facets.languages.some((l) => langs.has(l))) stories.push({ story: s, facets });
      }
      if (stories.length === q.limit) {
        cutAt = i;
        break;
      }
    }
    if (cutAt >= 0 && cutAt < rows.length - 1) {
      next = { s: start, k: skip + cutAt + 1, f: fingerprint };
      break;
    }
    if (!page.cursor) break;
    start = page.cursor;
    skip = 0;
    if (stories.length === q.limit || examined >= budget) {
      next = { s: start, f: fingerprint };
      break;
    }
  }
  return { stories, nextCursor: next ? encodeCursor(next) : null, removed, examined };
}

/**
 * Public stories matching `q.q`, by relevance then recency (the search index ranks, see lib/search), with the
 * other filters applied. The cursor is the position in the ranked hits; hits of merged stories count for the
 * story that absorbed them.
 */
async function searchPublicStories(
  deps: QueryDeps,
  q: ListQuery,
  ctx: {
    offset: number;
    fingerprint: string;
    since?: string;
    budget: number;
    outlets: ReadonlyMap<string, Outlet>;
    match: (s: Story) => boolean;
    langs?: Set<string>;
  },
): Promise<StoryPage> {
  const hits = await deps.search.search(q.q!);
  const stories: ListedStory[] = [];
  const seen = new Set<string>();
  let at = ctx.offset;
  let examined = 0;
  while (at < hits.length && stories.length < q.limit && examined < ctx.budget) {
    // A few more records than the page needs: some hits are not public or do not pass the other filters.
    const chunk = hits.slice(at, at + Math.min(STORE_PAGE_MAX, q.limit + 5));
    const records = await resolveMerged(deps.store, await deps.store.getListedStories(chunk.map((h) => h.storyId)));
    const byId = new Map(records.map((r) => [r.from, r.story]));
    const candidates = [...byId.values()].filter((s) => isPublic(s, deps.policy) && ctx.match(s) && (!ctx.since || s.updatedAt >= ctx.since));
    await loadFacets(deps, candidates, ctx.outlets);
    for (const h of chunk) {
      at++;
      examined++;
      const s = byId.get(h.storyId);
      if (!s || seen.has(s.id) || !candidates.includes(s)) continue;
      seen.add(s.id);
      const facets = deps.facets.get(s)!;
      if (ctx.langs && !facets.languages.some((l) => ctx.langs!.has(l))) continue;
      stories.push({ story: s, facets });
      if (stories.length === q.limit) break;
    }
  }
  const next = at < hits.length ? encodeCursor({ o: at, f: ctx.fingerprint }) : null;
  return { stories, nextCursor: next, removed: [], examined };
}

/** Each record, or the story a merged one was (finally) absorbed into, keyed by the id that was asked for. */
async function resolveMerged(store: Pick<StoryStore, 'getListedStories'>, records: Story[]): Promise<{ from: string; story: Story }[]> {
  const out = records.map((story) => ({ from: story.id, story }));
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const pending = out.filter((r) => r.story.mergedInto);
    if (pending.length === 0) break;
    const targets = new Map((await store.getListedStories([...new Set(pending.map((r) => r.story.mergedInto!))])).map((s) => [s.id, s]));
    for (const r of pending) {
      const t = targets.get(r.story.mergedInto!);
      if (t && t.id !== r.from) r.story = t;
      else r.story = { ...r.story, hidden: true }; // a dangling or circular merge: never shown
    }
  }
  return out;
}

/**
 * The story and its items (those it shows; `headlineItems`: the items its headlines come from beyond those), or where
 * a merged story went.
 */
export type StoryLookup = { kind: 'story'; story: Story; items: Item[]; headlineItems: Item[]; outlets: Map<string, Outlet> } | { kind: 'merged'; to: string };

/**
 * Looks up a story for readers. Merged stories resolve to the public story that (finally) absorbed them.
 * @throws NotFoundError when the story does not exist or is not public (hidden, unpublished, below the policy) —
 *   the same answer in every case, so withheld stories cannot be told apart from missing ones
 */
export async function getPublicStory(deps: QueryDeps, id: string): Promise<StoryLookup> {
  const notFound = () => new NotFoundError(`Story ${id} not found`);
  let story = await deps.store.getStory(id);
  if (!story) throw notFound();
  const seen = new Set([story.id]);
  for (let hop = 0; story.mergedInto && hop < MAX_MERGE_HOPS; hop++) {
    if (seen.has(story.mergedInto)) throw notFound();
    seen.add(story.mergedInto);
    const target: Story | undefined = await deps.store.getStory(story.mergedInto);
    if (!target) throw notFound();
    story = target;
  }
  if (!isPublic(story, deps.policy)) throw notFound();
  if (story.id !== id) return { kind: 'merged', to: story.id };
  // A runaway story shows its newest items per outlet (the store keeps that list), not every item.
  const shown = story.shownItemIds ?? story.itemIds;
  const extra = headlineItemIdsOutside(story, new Set(shown));
  const [all, outlets] = await Promise.all([deps.store.getItems([...shown, ...extra]), deps.catalog.get()]);
  const shownSet = new Set(shown);
  const items = all.filter((i) => shownSet.has(i.id));
  const headlineItems = all.filter((i) => !shownSet.has(i.id));
  deps.facets.set(story, storyFacets(story, items, outlets, headlineItems));
  return { kind: 'story', story, items, headlineItems, outlets };
}

/** Items of several stories (their `itemIds`), read in batches of at most 100 keys, a few batches at a time. */
export async function loadItems(store: Pick<ItemStore, 'getItems'>, stories: readonly Story[]): Promise<Map<string, Item[]>> {
  return itemsOf(store, stories, (s) => s.itemIds);
}

async function itemsOf(store: Pick<ItemStore, 'getItems'>, stories: readonly Story[], idsOf: (s: Story) => string[]): Promise<Map<string, Item[]>> {
  const batches: Story[][] = [];
  let batch: Story[] = [];
  let keys = 0;
  for (const s of stories) {
    const n = idsOf(s).length;
    if (batch.length && keys + n > 100) {
      batches.push(batch);
      batch = [];
      keys = 0;
    }
    batch.push(s);
    keys += n;
  }
  if (batch.length) batches.push(batch);
  const out = new Map<string, Item[]>();
  for (let i = 0; i < batches.length; i += 4) {
    await Promise.all(
      batches.slice(i, i + 4).map(async (b) => {
        const found = new Map((await store.getItems(b.flatMap(idsOf))).map((it) => [it.id, it]));
        for (const s of b) out.set(s.id, idsOf(s).map((id) => found.get(id)).filter((x): x is Item => x !== undefined));
      }),
    );
  }
  return out;
}

// A tampered store cursor reaches DynamoDB as a bad ExclusiveStartKey: that is the client's mistake, not ours.
async function readPage(store: Pick<StoryStore, 'listStories'>, opts: { limit: number; cursor?: string; since?: string }) {
  try {
    return await store.listStories(opts);
  } catch (err) {
    if (opts.cursor && (err as Error | undefined)?.name === 'ValidationException') {
      throw new ValidationError('Invalid cursor: pass nextCursor from a previous page unchanged', ['cursor: not a cursor from this API'], { cause: err });
    }
    throw err;
  }
}

async function loadFacets(deps: QueryDeps, stories: readonly Story[], outlets: ReadonlyMap<string, Outlet>): Promise<void> {
  const missing = stories.filter((s) => !deps.facets.get(s));
  if (!missing.length) return;
  // A paged story's headlines may come from items beyond those it lists: they are read in the same batches.
  const extra = new Map(missing.map((s) => [s.id, headlineItemIdsOutside(s, new Set(s.itemIds))]));
  const items = await itemsOf(deps.store, missing, (s) => [...s.itemIds, ...extra.get(s.id)!]);
  for (const s of missing) {
    const listed = new Set(s.itemIds);
    const all = items.get(s.id) ?? [];
    deps.facets.set(s, storyFacets(s, all.filter((i) => listed.has(i.id)), outlets, all.filter((i) => !listed.has(i.id))));
  }
}

// Filters answerable from the story record and outlet metadata, run before any item is read.
function cheapFilter(q: ListQuery, outlets: ReadonlyMap<string, Outlet>): (s: Story) => boolean {
  const tests: ((s: Story) => boolean)[] = [];
  if (q.minOutlets) tests.push((s) => new Set(s.outletIds).size >= q.minOutlets!);
  if (q.outlet) {
    const want = new Set(q.outlet);
    tests.push((s) => s.outletIds.some((o) => want.has(o)));
  }
  if (q.country || q.region) {
    const countries = q.country && new Set(q.country);
    const regions = q.region && new Set(q.region);
    tests.push((s) => {
      const f = outletFacets(s.outletIds, outlets);
      return (!countries || f.countries.some((c) => countries.has(c))) && (!regions || f.regions.some((r) => regions.has(r)));
    });
  }
  return (s) => tests.every((t) => t(s));
}

/** Query fields that page through a result rather than choose it: a cursor stays valid when they change. */
const PAGING_FIELDS: ReadonlySet<string> = new Set(['cursor', 'limit']);

/**
 * Fingerprint of the filters a cursor was made for: a hash of every parsed query field except the paging ones, so a
 * field added to the query schema is covered without being listed here. Lists keep their order (`lang` is also a
 * preference order); the schemas normalize what means the same (upper-case countries, UTC `updatedSince`).
 */
export function filterFingerprint(q: Readonly<Record<string, unknown>>): string {
  const fields = Object.keys(q)
    .filter((k) => !PAGING_FIELDS.has(k) && q[k] !== undefined)
    .sort()
    .map((k) => [k, q[k]]);
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(fields)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 0).toString(36);
}

function encodeCursor(c: CursorState): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string, fingerprint: string): CursorState {
  let c: CursorState;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CursorState;
  } catch (err) {
    throw new ValidationError('Invalid cursor: pass nextCursor from a previous page unchanged', ['cursor: not a cursor from this API'], { cause: err });
  }
  const valid =
    c !== null &&
    typeof c === 'object' &&
    typeof c.f === 'string' &&
    (c.s === undefined || typeof c.s === 'string') &&
    (c.k === undefined || (Number.isInteger(c.k) && c.k >= 0 && c.k < STORE_PAGE_MAX)) &&
    (c.o === undefined || (Number.isInteger(c.o) && c.o >= 0));
  if (!valid) throw new ValidationError('Invalid cursor: pass nextCursor from a previous page unchanged', ['cursor: not a cursor from this API']);
  if (c.f !== fingerprint) {
    throw new ValidationError('Cursor was made for other filters: repeat the query that returned it, changing only the cursor', [
      'cursor: filters differ from the page that produced it',
    ]);
  }
  return c;
}
