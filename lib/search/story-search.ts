// Story search for the API: a WordIndex loaded from the search batches of the last days and refreshed as new ones appear.
import type { SearchStore } from '../store/search.ts';
import { WordIndex, type SearchHit } from './word-index.ts';

/** Options of the story search. */
export interface StorySearchOptions {
  /** Days of search batches loaded: stories that gained items within them are found (default 7). */
  windowDays?: number;
  /** Least time between two reads of new search batches (default 5 s): a burst of queries reads once. */
  refreshMs?: number;
  /** Epoch milliseconds (tests move it). */
  clock?: () => number;
}

const DAY_MS = 86_400_000;
/** The index is rebuilt from the table once a day, which drops stories that left the window. */
const REBUILD_MS = DAY_MS;

/**
 * Searches stories by the words of their items. The first query loads the search batches of the window (one
 * Query per hour bucket); later queries read only the buckets written since, at most every `refreshMs`.
 */
export class StorySearch {
  private index = new WordIndex();
  private lastKey?: string;
  private loadedAt = 0;
  private checkedAt = 0;
  private pending?: Promise<void>;
  private readonly windowMs: number;
  private readonly refreshMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: Pick<SearchStore, 'listSearchBatches'>,
    opts: StorySearchOptions = {},
  ) {
    this.windowMs = (opts.windowDays ?? 7) * DAY_MS;
    this.refreshMs = opts.refreshMs ?? 5_000;
    this.clock = opts.clock ?? Date.now;
  }

  /** Stories holding every word of `query`, by relevance then recency (see `WordIndex.search`). */
  async search(query: string): Promise<SearchHit[]> {
    await this.refresh();
    return this.index.search(query);
  }

  /** Keys, postings and stories in memory. */
  stats(): ReturnType<WordIndex['stats']> {
    return this.index.stats();
  }

  /** Reads search batches written since the last read (all of the window the first time, and once a day). */
  refresh(): Promise<void> {
    const now = this.clock();
    if (now - this.checkedAt < this.refreshMs) return this.pending ?? Promise.resolve();
    this.checkedAt = now;
    this.pending ??= this.load(now).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async load(now: number): Promise<void> {
    const rebuild = now - this.loadedAt >= REBUILD_MS;
    const index = rebuild ? new WordIndex() : this.index;
    const from = new Date(now - this.windowMs).toISOString();
    const batches = await this.store.listSearchBatches({ after: rebuild ? undefined : this.lastKey, from, now: new Date(now).toISOString() });
    let lastKey = rebuild ? undefined : this.lastKey;
    for (const b of batches) {
      for (const e of b.entries) index.add(e.storyId, e.lang, e.words, e.updatedAt ?? b.at);
      if (!lastKey || b.key > lastKey) lastKey = b.key;
    }
    this.index = index;
    this.lastKey = lastKey;
    if (rebuild) this.loadedAt = now;
  }
}
