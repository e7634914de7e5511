// The stores every stage talks to, one per entity, and the factory that puts them on one DynamoDB table.
import { Table, type TableOptions } from './db.ts';
import { feedStore, type FeedStore } from './feeds.ts';
import { itemStore, type ItemStore } from './items.ts';
import { cursorStore, leaseStore, type CursorStore, type LeaseOptions, type LeaseStore } from './leases.ts';
import { outletStore, type OutletStore } from './outlets.ts';
import { searchStore, type SearchStore } from './search.ts';
import { storyStore, type StoryFailureStore, type StoryStore } from './stories.ts';
import { suggestionStore, type SuggestionStore } from './suggestions.ts';

export type { ClaimOptions, FeedClaim, FeedStore } from './feeds.ts';
export type { Arrival, FeedItems, FeedItemsWrite, ItemStore } from './items.ts';
export type { CursorStore, LeaseStore } from './leases.ts';
export type { OutletStore } from './outlets.ts';
export type { SearchBatch, SearchEntry, SearchStore } from './search.ts';
export type { Page, PutStoryOptions, StoryFailure, StoryFailureStore, StoryStore } from './stories.ts';
export type { DismissedPair, PairActor, StoredSuggestion, StoryPair, SuggestionStore } from './suggestions.ts';

/**
 * Every entity store on one table, as the edges (Lambda handlers, local stack, CLI) wire it. Stage and API code
 * depends only on the entity stores it uses.
 */
export type Store = OutletStore &
  FeedStore &
  ItemStore &
  StoryStore &
  StoryFailureStore &
  SearchStore &
  SuggestionStore &
  LeaseStore &
  CursorStore;

/** Options of the DynamoDB stores. */
export interface DynamoStoreOptions extends TableOptions, LeaseOptions {
  /** Days after which items and quiet stories expire through DynamoDB TTL. */
  retentionDays: number;
}

/** The entity stores on one DynamoDB table (single-table design: docs/data-model.md). */
export function createDynamoStore(opts: DynamoStoreOptions): Store {
  const db = new Table(opts);
  return {
    ...outletStore(db),
    ...feedStore(db, opts),
    ...itemStore(db, opts),
    ...storyStore(db, opts),
    ...searchStore(db, opts),
    ...suggestionStore(db, opts),
    ...leaseStore(db, opts),
    ...cursorStore(db),
  };
}
