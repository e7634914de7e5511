// Story pairs: the engine's "possible same story" suggestions and the pairs editors dismissed, one record per pair.
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { MergeSuggestion } from '../group/suggestions.ts';
import { fromAttrs, isConditionFailure, toAttrs, ttlAfter, type Attrs, type Table } from './db.ts';
import { DISMISSED_LIST, INDEX, SUGGESTIONS_LIST, dismissedPairKeys, pairKeys, primary, suggestedPairKeys } from './keys.ts';

/** A suggestion as stored: with the time its record expires unless rewritten. */
export interface StoredSuggestion extends MergeSuggestion {
  /** Expiry of the record (ISO 8601): `at` plus the retention period. */
  keepUntil: string;
}

/** Who dismissed a pair (an editor key's public fields). */
export interface PairActor {
  keyId: string;
  name: string;
  role: string;
}

/** A pair of stories an editor said are not the same story. */
export interface DismissedPair {
  a: string;
  b: string;
  dismissedAt: string;
  dismissedBy: PairActor;
  /** The engine's suggestion as it stood when dismissed; absent when the pair was dismissed without one. */
  suggestion?: MergeSuggestion;
  /** Activity time the record's lifetime counts from (the later story's newest item, or the dismissal). */
  keptFrom: string;
  /** Expiry of the record (ISO 8601): `keptFrom` plus the retention period; renewed while the stories stay active. */
  keepUntil: string;
}

/** Everything stored about one pair. */
export interface StoryPair {
  a: string;
  b: string;
  /** The live suggestion, or the one that stood when the pair was dismissed. */
  suggestion?: MergeSuggestion;
  dismissed?: DismissedPair;
}

/**
 * Stored story pairs. A pair is suggested (listed for the desk) or dismissed (listed for the engine's
 * constraints); a dismissal is final: no later suggestion write of the pair succeeds.
 */
export interface SuggestionStore {
  /** The live suggestions (dismissed pairs left out), in pair order. */
  listSuggestions(): Promise<StoredSuggestion[]>;
  /** Writes (or rewrites) a suggestion; false, writing nothing, when the pair was dismissed. */
  putSuggestion(suggestion: MergeSuggestion): Promise<StoredSuggestion | false>;
  /** Withdraws a live suggestion; a dismissed pair's record stays. */
  removeSuggestion(a: string, b: string): Promise<void>;
  /** The pair's record (ids in either order), read consistently; undefined when neither suggested nor dismissed. */
  getPair(x: string, y: string): Promise<StoryPair | undefined>;
  /**
   * Dismisses the pair (ids in either order), keeping the suggestion that stood. `activeAt` is the newest activity
   * of the two stories: the record lives the retention period past it. `created` is false when it was already
   * dismissed (the first dismissal stands).
   */
  dismissPair(x: string, y: string, by: PairActor, at: string, activeAt: string): Promise<{ pair: DismissedPair; created: boolean }>;
  /** Dismissed pairs, oldest dismissal first; `since` keeps those dismissed at or after it. */
  listDismissed(opts?: { since?: string }): Promise<DismissedPair[]>;
  /** Extends a dismissed pair's lifetime to the retention period past `activeAt`; returns the new record's times. */
  renewDismissal(a: string, b: string, activeAt: string): Promise<Pick<DismissedPair, 'keptFrom' | 'keepUntil'> | undefined>;
}

/** The pair record as stored: the suggestion's fields flat, plus the dismissal. */
type PairRecord = Partial<MergeSuggestion> & {
  a: string;
  b: string;
  dismissedAt?: string;
  dismissedBy?: PairActor;
  keptFrom?: string;
  ttl?: number;
};

const order = (x: string, y: string): [string, string] => (x < y ? [x, y] : [y, x]);
const isoOfTtl = (ttl: number | undefined) => new Date((ttl ?? 0) * 1000).toISOString();

/** The suggestion fields of a record, when it holds a suggestion. */
function suggestionOf(r: PairRecord): MergeSuggestion | undefined {
  if (r.score === undefined || r.threshold === undefined || !r.evidence || !r.languages || r.at === undefined) return undefined;
  return { a: r.a, b: r.b, score: r.score, threshold: r.threshold, crossLingual: r.crossLingual === true, languages: r.languages, evidence: r.evidence, at: r.at };
}

function dismissalOf(r: PairRecord): DismissedPair | undefined {
  if (!r.dismissedAt || !r.dismissedBy) return undefined;
  const suggestion = suggestionOf(r);
  return {
    a: r.a,
    b: r.b,
    dismissedAt: r.dismissedAt,
    dismissedBy: r.dismissedBy,
    ...(suggestion ? { suggestion } : {}),
    keptFrom: r.keptFrom ?? r.dismissedAt,
    keepUntil: isoOfTtl(r.ttl),
  };
}

/** A stored row as a record; `fromAttrs` drops `ttl`, which callers need to tell when a record is due for renewal. */
const withTtl = (row: Attrs): PairRecord => ({ ...fromAttrs<PairRecord>(row), ttl: row.ttl?.N ? Number(row.ttl.N) : undefined });

/** SuggestionStore on the table; records expire `retentionDays` after the activity they count from. */
export function suggestionStore(db: Table, opts: { retentionDays: number }): SuggestionStore {
  return {
    async listSuggestions() {
      const rows = await db.queryAll({
        IndexName: INDEX.byList,
        KeyConditionExpression: 'gsi1pk = :l',
        ExpressionAttributeValues: toAttrs({ ':l': SUGGESTIONS_LIST }),
      });
      const out: StoredSuggestion[] = [];
      for (const row of rows) {
        const r = withTtl(row);
        const s = suggestionOf(r);
        if (s && !r.dismissedAt) out.push({ ...s, keepUntil: isoOfTtl(r.ttl) });
      }
      return out;
    },

    async putSuggestion(s) {
      const [a, b] = order(s.a, s.b);
      const ttl = ttlAfter(s.at, opts.retentionDays);
      const record: MergeSuggestion = { ...s, a, b };
      const written = await db.sendIf(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...suggestedPairKeys(a, b), entity: 'pair', ...record, keptFrom: s.at, ttl }),
          ConditionExpression: 'attribute_not_exists(dismissedAt)',
        }),
      );
      return written ? { ...record, keepUntil: isoOfTtl(ttl) } : false;
    },

    async removeSuggestion(x, y) {
      const [a, b] = order(x, y);
      await db.sendIf(
        new DeleteItemCommand({ TableName: db.name, Key: toAttrs(primary(pairKeys(a, b))), ConditionExpression: 'attribute_not_exists(dismissedAt)' }),
      );
    },

    async getPair(x, y) {
      const [a, b] = order(x, y);
      const row = await db.get(primary(pairKeys(a, b)), { consistent: true });
      if (!row) return undefined;
      const r = withTtl(row);
      const suggestion = suggestionOf(r);
      const dismissed = dismissalOf(r);
      return { a, b, ...(suggestion ? { suggestion } : {}), ...(dismissed ? { dismissed } : {}) };
    },

    async dismissPair(x, y, by, at, activeAt) {
      const [a, b] = order(x, y);
      const keptFrom = activeAt > at ? activeAt : at;
      const keys = dismissedPairKeys(a, b, at);
      try {
        const r = await db.send(
          new UpdateItemCommand({
            TableName: db.name,
            Key: toAttrs(primary(keys)),
            // The suggestion's fields stay as they were: what the editor saw when deciding.
            UpdateExpression:
              'SET entity = :e, a = :a, b = :b, dismissedAt = :at, dismissedBy = :by, gsi1pk = :l, gsi1sk = :s, keptFrom = :k, #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(dismissedAt)',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: toAttrs({
              ':e': 'pair',
              ':a': a,
              ':b': b,
              ':at': at,
              ':by': { keyId: by.keyId, name: by.name, role: by.role },
              ':l': keys.gsi1pk,
              ':s': keys.gsi1sk,
              ':k': keptFrom,
              ':ttl': ttlAfter(keptFrom, opts.retentionDays),
            }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { pair: dismissalOf(withTtl(r.Attributes as Attrs))!, created: true };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const row = await db.get(primary(keys), { consistent: true });
        return { pair: dismissalOf(withTtl(row!))!, created: false };
      }
    },

    async listDismissed(listOpts = {}) {
      const rows = await db.queryAll({
        IndexName: INDEX.byList,
        KeyConditionExpression: listOpts.since ? 'gsi1pk = :l AND gsi1sk >= :since' : 'gsi1pk = :l',
        ExpressionAttributeValues: toAttrs({ ':l': DISMISSED_LIST, ...(listOpts.since ? { ':since': listOpts.since } : {}) }),
      });
      return rows.map((row) => dismissalOf(withTtl(row))).filter((d): d is DismissedPair => d !== undefined);
    },

    async renewDismissal(x, y, activeAt) {
      const [a, b] = order(x, y);
      const ttl = ttlAfter(activeAt, opts.retentionDays);
      const ok = await db.sendIf(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(pairKeys(a, b))),
          UpdateExpression: 'SET keptFrom = :k, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(dismissedAt)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: toAttrs({ ':k': activeAt, ':ttl': ttl }),
        }),
      );
      return ok ? { keptFrom: activeAt, keepUntil: isoOfTtl(ttl) } : undefined;
    },
  };
}
