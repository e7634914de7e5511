// Search batches: the words of items as they join stories, for the API's in-memory search index.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { fromAttrs, toAttrs, ttlAfter, type Table } from './db.ts';
import { searchBatchKeys, searchBuckets } from './keys.ts';

/** The search words some items brought to a story, in the items' language (words are stemmed at query time). */
export interface SearchEntry {
  storyId: string;
  lang: string;
  words: string[];
  /** The story's `updatedAt` when the words were added: the recency search results are ordered by. */
  updatedAt?: string;
}

/** One stored search batch. */
export interface SearchBatch {
  /** Opaque, time-ordered position: list again after it. */
  key: string;
  at: string;
  entries: SearchEntry[];
}

/** Search batches, written by the grouping stage and read by the API. */
export interface SearchStore {
  /** Stores the entries of one grouping flush (one record, split only past 100 KB). */
  putSearchEntries(entries: SearchEntry[], at: string): Promise<void>;
  /** Batches written at or after `from` (ISO time) with a key after `after`, oldest first. */
  listSearchBatches(opts: { after?: string; from: string; now: string }): Promise<SearchBatch[]>;
}

/** Words per record before it is split (about 8 bytes each: far below the item size limit). */
const BATCH_BYTES_MAX = 100_000;

/** Stored form of an entry: `s` story, `l` language, `w` words separated by spaces, `u` the story's updatedAt. */
interface StoredEntry {
  s: string;
  l: string;
  w: string;
  u?: string;
}

/** SearchStore on the table; batches expire with the items, `retentionDays` after they were written. */
export function searchStore(db: Table, opts: { retentionDays: number }): SearchStore {
  return {
    async putSearchEntries(entries, at) {
      const records: StoredEntry[][] = [[]];
      let bytes = 0;
      for (const e of entries) {
        if (e.words.length === 0) continue;
        const stored = { s: e.storyId, l: e.lang, w: e.words.join(' '), ...(e.updatedAt ? { u: e.updatedAt } : {}) };
        const size = stored.s.length + stored.l.length + stored.w.length + 12;
        if (bytes + size > BATCH_BYTES_MAX && records.at(-1)!.length) {
          records.push([]);
          bytes = 0;
        }
        records.at(-1)!.push(stored);
        bytes += size;
      }
      const nonce = randomUUID().slice(0, 8);
      for (const [i, e] of records.entries()) {
        if (e.length === 0) continue;
        await db.send(
          new PutItemCommand({
            TableName: db.name,
            Item: toAttrs({ ...searchBatchKeys(at, `${nonce}.${i}`), entity: 'search', at, e, ttl: ttlAfter(at, opts.retentionDays) }),
          }),
        );
      }
    },

    async listSearchBatches(range) {
      const lower = range.after && range.after > range.from ? range.after : range.from;
      const limit = pLimit(8);
      const perBucket = await Promise.all(
        searchBuckets(range.after && range.after.slice(0, 24) > range.from ? range.after.slice(0, 24) : range.from, range.now).map((bucket) =>
          limit(() => db.queryAll({ KeyConditionExpression: 'pk = :p AND sk > :after', ExpressionAttributeValues: toAttrs({ ':p': bucket, ':after': lower }) })),
        ),
      );
      return perBucket.flat().map((r) => {
        const b = fromAttrs<{ at: string; e: StoredEntry[] }>(r);
        return { key: r.sk!.S!, at: b.at, entries: b.e.map((x) => ({ storyId: x.s, lang: x.l, words: x.w.split(' '), ...(x.u ? { updatedAt: x.u } : {}) })) };
      });
    },
  };
}
