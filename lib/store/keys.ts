// Every DynamoDB key of the single-table design is built here, and only here (see docs/data-model.md).

/** Primary and index key attributes of one stored record. */
export interface Keys {
  pk: string;
  sk: string;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk?: string;
  gsi2sk?: string;
  gsi3pk?: string;
  gsi3sk?: string;
}

/** Index names as created by `ensureTable` and by the CDK stack. */
export const INDEX = { byList: 'gsi1', byQueue: 'gsi2', byStory: 'gsi3' } as const;

/** Outlet record; listed under `OUTLETS`. */
export const outletKeys = (outletId: string): Keys => ({
  pk: `OUTLET#${outletId}`,
  sk: 'OUTLET',
  gsi1pk: 'OUTLETS',
  gsi1sk: outletId,
});

/** Feed record (definition + fetch state); listed under `FEEDS`, queued under `DUE` by next due time. */
export const feedKeys = (feedId: string, nextDueAt?: string): Keys => ({
  pk: `FEED#${feedId}`,
  sk: 'FEED',
  gsi1pk: 'FEEDS',
  gsi1sk: feedId,
  ...(nextDueAt ? { gsi2pk: 'DUE', gsi2sk: `${nextDueAt}#${feedId}` } : {}),
});

/** Item record; waiting for grouping under `PENDING`, listed by story once grouped. */
export const itemKeys = (itemId: string): Keys => ({ pk: `ITEM#${itemId}`, sk: 'ITEM' });

/** Index keys that put an item in the grouping queue (ordered by arrival). */
export const pendingItemIndex = (firstSeenAt: string, seq: number, itemId: string) => ({
  gsi2pk: 'PENDING',
  gsi2sk: `${firstSeenAt}#${String(seq).padStart(6, '0')}#${itemId}`,
});

/** Index keys that list an item under its story (ordered by publication). */
export const storyItemIndex = (storyId: string, publishedAt: string, itemId: string) => ({
  gsi3pk: `STORY#${storyId}`,
  gsi3sk: `${publishedAt}#${itemId}`,
});

/** Dedupe claim: one article URL per outlet, whatever feed it came from. */
export const articleClaimKeys = (outletId: string, urlHash: string): Keys => ({
  pk: `ARTICLE#${outletId}#${urlHash}`,
  sk: 'CLAIM',
});

/** Story record; listed under `STORIES` by last update. */
export const storyKeys = (storyId: string, updatedAt?: string): Keys => ({
  pk: `STORY#${storyId}`,
  sk: 'STORY',
  ...(updatedAt ? { gsi1pk: 'STORIES', gsi1sk: `${updatedAt}#${storyId}` } : {}),
});

/** Audit entry of a story, ordered by time. */
export const auditKeys = (storyId: string, at: string, id: string): Keys => ({
  pk: `STORY#${storyId}`,
  sk: `AUDIT#${at}#${id}`,
});

/** Editor key record (hash only), listed under `EDITORKEYS`. */
export const editorKeyKeys = (keyId: string): Keys => ({
  pk: `EDITORKEY#${keyId}`,
  sk: 'EDITORKEY',
  gsi1pk: 'EDITORKEYS',
  gsi1sk: keyId,
});

/** A lease (single-writer lock) record. */
export const leaseKeys = (name: string): Keys => ({ pk: `LEASE#${name}`, sk: 'LEASE' });

/** Idempotency record of a completed run step. */
export const runKeys = (runId: string): Keys => ({ pk: `RUN#${runId}`, sk: 'RUN' });
