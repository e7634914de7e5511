// Feeds: definition and health records, the schedule records the scheduler reads whole, and its claims.
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { FeedState } from '../types.ts';
import { fromAttrs, keyEquals, toAttrs, ttlAfter, type Attrs, type Table } from './db.ts';
import { INDEX, LEGACY_FEED_QUEUES, SCHEDULE_PK, claimBatchKeys, claimBuckets, feedKeys, primary, scheduleKeys } from './keys.ts';
import { leaseStore, type LeaseOptions } from './leases.ts';

/** A feed claimed for one fetch. */
export interface FeedClaim {
  feedId: string;
  /** Due time the fetch message carries: once the feed's due time moved on, the message is stale. */
  dueAt: string;
  /** Earlier claims of this feed that expired before a fetch saved it (a crashed worker, a failing message). */
  expiredClaims: number;
}

/** Options of one scheduler run's claims. */
export interface ClaimOptions {
  now: string;
  /** Claim owner (a scheduler run, an in-process ingest run). */
  owner: string;
  /** When a claim made now expires, given how many earlier claims of the feed expired (the scheduler's backoff). */
  claimUntil: (expiredClaims: number) => string;
  /** Most feeds claimed by this run, oldest due first. */
  limit?: number;
  /** Claim only these feeds. */
  feedIds?: string[];
}

/** Stored feeds: definition, health and schedule, and the scheduler's claims. */
export interface FeedStore {
  /**
   * Registers feeds: creates the records of feeds that have none yet, and moves a feed whose registered URL
   * changed (new registry entry, OPML import, a sample server on a new port) to the new URL, dropping what was
   * learnt from the old one (validators, pending redirect, failures and their backoff, `gone`) and making it due
   * at the registration's `nextDueAt`. A URL the feed moved to by permanent redirects is kept while the
   * registration stays the same.
   * @returns how many feeds were created
   */
  ensureFeeds(feeds: FeedState[]): Promise<number>;
  getFeed(feedId: string): Promise<FeedState | undefined>;
  listFeeds(): Promise<FeedState[]>;
  /**
   * Stores the state after a fetch attempt and ends the feed's claim. The schedule (due time, last attempt and
   * success) is written every time; the definition and health only when they differ from `prev`, the state the
   * attempt started from, and only while the feed still has `prev`'s URL: when a registration moved it meanwhile,
   * the attempt's findings are dropped and the feed is due at once.
   */
  saveFeed(next: FeedState, prev?: FeedState): Promise<void>;
  /**
   * Claims every due feed for one fetch (oldest due first), so that of overlapping schedulers exactly one gets
   * each feed. Runs are serialized by the `scheduler` lease. A feed whose earlier claims expired without a fetch
   * gets a longer claim (`claimUntil(expired)`), kept on its schedule record; the others are claimed together
   * in one claim batch record, written before this returns.
   */
  claimDueFeeds(opts: ClaimOptions): Promise<FeedClaim[]>;
  /** Feeds claimed (by someone other than `exceptOwner`) and not yet saved by their fetcher. */
  feedsInFlight(now: string, exceptOwner?: string): Promise<string[]>;
  /**
   * Ends the unexpired claims of `owner` (a restarted process that knows its fetches died with it): its feeds are
   * due again at once, and the released claims do not count as expired. Returns how many feeds were released.
   */
  releaseClaims(owner: string, now: string): Promise<number>;
}

/** The scheduler lease: serializes claim runs, so a run sees every claim batch written before it. */
export const SCHEDULER_LEASE = 'scheduler';
const SCHEDULER_LEASE_MS = 30_000;

/** Claims at most this long go into claim batches (and runs read this far back); longer ones onto the schedule. */
const CLAIM_WINDOW_MS = 3_600_000;

/** Feeds per claim batch record (about 60 bytes each: far below the item size limit). */
const CLAIM_BATCH_MAX = 2_000;

/** Claim batches outlive their window by a day, for looking back. */
const CLAIM_BATCH_TTL_DAYS = 1;

/** The schedule part of a feed's state, and the claim on it. */
interface ScheduleRecord {
  feedId: string;
  nextDueAt: string;
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  gone?: boolean;
  /** Claims since the feed was last saved (set only by claims kept on the schedule record). */
  claims?: number;
  claimedUntil?: string;
  claimedBy?: string;
}

/** One claim batch record. */
interface ClaimBatch {
  owner: string;
  claimedUntil: string;
  feeds: string[];
  /** Due time of each feed when claimed (parallel to `feeds`). */
  dues: string[];
}

const SCHEDULE_FIELDS = ['nextDueAt', 'lastAttemptAt', 'lastSuccessAt', 'gone', 'claims', 'claimedUntil', 'claimedBy'] as const;

/** The definition-and-health part of a state: everything but the schedule. */
function feedRecord(state: FeedState): Record<string, unknown> {
  const o: Record<string, unknown> = { ...state };
  for (const f of SCHEDULE_FIELDS) delete o[f];
  return o;
}

function scheduleOf(state: FeedState & Partial<ScheduleRecord>): ScheduleRecord {
  const s: ScheduleRecord = { feedId: state.feedId, nextDueAt: state.nextDueAt };
  for (const f of SCHEDULE_FIELDS) if (state[f] !== undefined) (s as unknown as Record<string, unknown>)[f] = state[f];
  return s;
}

/** A feed's state from its two records; `claims` is kept, the claim's holder and term are bookkeeping. */
function mergeFeed(feed: object, schedule: ScheduleRecord | undefined): FeedState {
  const { claimedUntil: _u, claimedBy: _b, ...merged } = { ...feed, ...schedule } as FeedState & ScheduleRecord;
  return merged;
}

/** JSON with object keys sorted at every level, to compare records whatever order their fields were set in. */
const stableJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );

/** FeedStore on the table. */
export function feedStore(db: Table, opts: LeaseOptions = {}): FeedStore {
  const leases = leaseStore(db, opts);

  const putSchedule = (s: ScheduleRecord, condition?: string) =>
    db.sendIf(
      new PutItemCommand({
        TableName: db.name,
        Item: toAttrs({ ...scheduleKeys(s.feedId), entity: 'schedule', ...s }),
        ...(condition ? { ConditionExpression: condition } : {}),
      }),
    );

  /**
   * Feed records in the form before schedule records (listed in gsi2) get their schedule record and lose their
   * schedule fields and index entry. Cheap once done: two empty index queries.
   */
  const migrateLegacy = async (): Promise<ScheduleRecord[]> => {
    const rows = (
      await Promise.all(LEGACY_FEED_QUEUES.map((q) => db.queryAll({ IndexName: INDEX.byQueue, ...keyEquals('gsi2pk', q) })))
    ).flat();
    const out: ScheduleRecord[] = [];
    for (const row of rows) {
      const legacy = fromAttrs<FeedState & Partial<ScheduleRecord>>(row);
      const schedule = scheduleOf(legacy);
      // Never overwrite a schedule record a newer writer made meanwhile.
      await putSchedule(schedule, 'attribute_not_exists(pk)');
      await db.send(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(feedKeys(legacy.feedId))),
          UpdateExpression: `REMOVE gsi2pk, gsi2sk, ${SCHEDULE_FIELDS.join(', ')}`,
        }),
      );
      out.push(schedule);
    }
    return out;
  };

  /** Every schedule record (and any feed still in the old form, migrated), by feed id. */
  const readSchedules = async (): Promise<Map<string, ScheduleRecord>> => {
    const [rows, migrated] = await Promise.all([db.queryAll({ ...keyEquals('pk', SCHEDULE_PK), ConsistentRead: true }), migrateLegacy()]);
    const out = new Map<string, ScheduleRecord>();
    for (const s of migrated) out.set(s.feedId, s);
    for (const r of rows) {
      const s = fromAttrs<ScheduleRecord>(r);
      out.set(s.feedId, s);
    }
    return out;
  };

  /** Claim batches of the last claim window, oldest first. */
  const readClaimBatches = async (now: string): Promise<(ClaimBatch & { key: Attrs })[]> => {
    const from = new Date(Date.parse(now) - CLAIM_WINDOW_MS).toISOString();
    const perBucket = await Promise.all(
      claimBuckets(from, now).map((bucket) =>
        db.queryAll({ KeyConditionExpression: 'pk = :p AND sk >= :from', ExpressionAttributeValues: toAttrs({ ':p': bucket, ':from': from }), ConsistentRead: true }),
      ),
    );
    return perBucket.flat().map((r) => ({ ...fromAttrs<ClaimBatch>(r), key: { pk: r.pk!, sk: r.sk! } }));
  };

  /** Unsaved claims of each feed from the claim batches: those made while the feed had its current due time. */
  const pendingClaims = (schedules: Map<string, ScheduleRecord>, batches: ClaimBatch[]) => {
    const out = new Map<string, { until: string; owner: string }[]>();
    for (const b of batches) {
      b.feeds.forEach((feedId, i) => {
        if (schedules.get(feedId)?.nextDueAt !== b.dues[i]) return; // saved since: the due time moved on
        const list = out.get(feedId) ?? [];
        list.push({ until: b.claimedUntil, owner: b.owner });
        out.set(feedId, list);
      });
    }
    return out;
  };

  /**
   * Runs `fn` holding the scheduler lease. `fn` gets a check to call before its unconditional writes: it renews
   * the lease once a third of the term is used, and throws if the lease was lost (another run may be claiming).
   */
  const holdSchedulerLease = async <T>(owner: string, fn: (stillHeld: () => Promise<void>) => Promise<T>): Promise<T> => {
    // `<owner>#<run>`, so a restarted owner can release what a killed run held (releaseLeaseOf).
    const holder = `${owner}#${randomUUID().slice(0, 8)}`;
    // A holder that died frees the lease within its term; live runs hold it for a few calls.
    const deadline = Date.now() + SCHEDULER_LEASE_MS + 5_000;
    while (!(await leases.acquireLease(SCHEDULER_LEASE, holder, SCHEDULER_LEASE_MS))) {
      if (Date.now() > deadline) throw new Error('Scheduler lease still held after its term');
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
    let held = Date.now();
    const stillHeld = async () => {
      if (Date.now() - held < SCHEDULER_LEASE_MS / 3) return;
      if (!(await leases.renewLease(SCHEDULER_LEASE, holder, SCHEDULER_LEASE_MS))) throw new Error('Scheduler lease lost during a claim run');
      held = Date.now();
    };
    try {
      return await fn(stillHeld);
    } finally {
      await leases.releaseLease(SCHEDULER_LEASE, holder);
    }
  };

  /**
   * Points a registered feed at its new URL. What the feed learnt from the old URL goes: validators, a pending
   * redirect, the failure count and last error (with its backoff), a warning, `gone`, the count of claims whose
   * fetch never finished. The feed is due at `f.nextDueAt` (the registration time) unless a fetch holds it now.
   */
  const moveFeed = async (f: FeedState): Promise<void> => {
    await db.send(
      new UpdateItemCommand({
        TableName: db.name,
        Key: toAttrs(primary(feedKeys(f.feedId))),
        UpdateExpression:
          'SET #u = :u, registeredUrl = :u, consecutiveFailures = :zero REMOVE etag, lastModified, pendingRedirect, httpStatus, errorClass, errorMessage, warning',
        ExpressionAttributeNames: { '#u': 'url' },
        ExpressionAttributeValues: toAttrs({ ':u': f.url, ':zero': 0 }),
      }),
    );
    // Only a schedule that waits (backoff, the next poll, `gone`, expired claims) is brought forward: a feed
    // claimed in a claim batch keeps its due time, which is what ties the batch's claim to it.
    await db.sendIf(
      new UpdateItemCommand({
        TableName: db.name,
        Key: toAttrs(primary(scheduleKeys(f.feedId))),
        UpdateExpression: 'SET nextDueAt = :due REMOVE gone, claims, claimedUntil, claimedBy',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(claimedUntil) OR claimedUntil <= :due) AND (nextDueAt > :due OR attribute_exists(gone) OR attribute_exists(claims))',
        ExpressionAttributeValues: toAttrs({ ':due': f.nextDueAt }),
      }),
    );
  };

  const listFeeds = async (): Promise<FeedState[]> => {
    const schedules = await readSchedules();
    const feeds = await db.batchGet([...schedules.keys()].map((id) => primary(feedKeys(id))));
    return feeds
      .map((r) => fromAttrs<FeedState>(r))
      .map((f) => mergeFeed(f, schedules.get(f.feedId)))
      .sort((a, b) => (a.feedId < b.feedId ? -1 : 1));
  };

  return {
    listFeeds,

    async ensureFeeds(feeds) {
      const rows = await db.batchGet(feeds.flatMap((f) => [primary(feedKeys(f.feedId)), primary(scheduleKeys(f.feedId))]));
      const stored = new Map<string, Record<string, unknown>>();
      const scheduled = new Set<string>();
      for (const r of rows) {
        if (r.pk?.S === SCHEDULE_PK) scheduled.add(r.sk!.S!);
        else stored.set(r.pk!.S!, fromAttrs<Record<string, unknown>>(r));
      }
      let created = 0;
      for (const f of feeds) {
        const feed = stored.get(feedKeys(f.feedId).pk) as (FeedState & { registeredUrl?: string }) | undefined;
        if (!feed) {
          const put = new PutItemCommand({
            TableName: db.name,
            Item: toAttrs({ ...feedKeys(f.feedId), entity: 'feed', ...feedRecord(f), registeredUrl: f.url }),
            ConditionExpression: 'attribute_not_exists(pk)',
          });
          if (await db.sendIf(put)) created++;
          await putSchedule(scheduleOf(f), 'attribute_not_exists(pk)');
          continue;
        }
        // A feed in the old form carries its schedule; a crash between the two puts above left none.
        if (!scheduled.has(f.feedId)) await putSchedule(scheduleOf(feed.nextDueAt ? feed : { ...feed, nextDueAt: f.nextDueAt }), 'attribute_not_exists(pk)');
        if ((feed.registeredUrl ?? feed.url) !== f.url) await moveFeed(f);
      }
      return created;
    },

    async getFeed(feedId) {
      const rows = await db.batchGet([primary(feedKeys(feedId)), primary(scheduleKeys(feedId))], { consistent: true });
      const feed = rows.find((r) => r.sk?.S === 'FEED');
      if (!feed) return undefined;
      const schedule = rows.find((r) => r.pk?.S === SCHEDULE_PK);
      return mergeFeed(fromAttrs(feed), schedule ? fromAttrs<ScheduleRecord>(schedule) : undefined);
    },

    async saveFeed(next, prev) {
      let saved = next;
      if (!prev || stableJson(feedRecord(prev)) !== stableJson(feedRecord(next))) {
        const written = await db.sendIf(
          new PutItemCommand({
            TableName: db.name,
            Item: toAttrs({ ...feedKeys(next.feedId), entity: 'feed', ...feedRecord(next) }),
            // A registration that moved the feed while this attempt fetched its old URL wins over what it found.
            ...(prev ? { ConditionExpression: '#u = :u', ExpressionAttributeNames: { '#u': 'url' }, ExpressionAttributeValues: toAttrs({ ':u': prev.url }) } : {}),
          }),
        );
        if (!written) saved = { ...next, nextDueAt: next.lastAttemptAt ?? next.nextDueAt, gone: undefined };
      }
      // The new schedule drops the claim: this attempt was its fetch.
      const { claims: _c, claimedUntil: _u, claimedBy: _b, ...schedule } = scheduleOf(saved);
      await putSchedule(schedule);
    },

    claimDueFeeds(claim) {
      return holdSchedulerLease(claim.owner, async (stillHeld) => {
        const { now } = claim;
        const [schedules, batches] = await Promise.all([readSchedules(), readClaimBatches(now)]);
        const pending = pendingClaims(schedules, batches);
        const wanted = claim.feedIds && new Set(claim.feedIds);
        const due = [...schedules.values()]
          .filter((s) => !s.gone && s.nextDueAt <= now && (!wanted || wanted.has(s.feedId)))
          .sort((a, b) => (a.nextDueAt < b.nextDueAt ? -1 : a.nextDueAt > b.nextDueAt ? 1 : a.feedId < b.feedId ? -1 : 1));
        const batchUntil = claim.claimUntil(0);
        const batchable = Date.parse(batchUntil) - Date.parse(now) <= CLAIM_WINDOW_MS;
        const out: FeedClaim[] = [];
        const batch: FeedClaim[] = [];
        for (const s of due) {
          if (claim.limit !== undefined && out.length >= claim.limit) break;
          const unsaved = pending.get(s.feedId) ?? [];
          if ((s.claimedUntil && s.claimedUntil > now) || unsaved.some((p) => p.until > now)) continue; // in flight
          // Every unsaved claim has expired: a claim on the record counts itself and those before it.
          const expired = s.claimedUntil ? (s.claims ?? 1) : unsaved.length;
          if (expired === 0 && batchable) {
            const c = { feedId: s.feedId, dueAt: s.nextDueAt, expiredClaims: 0 };
            batch.push(c);
            out.push(c);
            continue;
          }
          const until = claim.claimUntil(expired);
          const held = await db.sendIf(
            new UpdateItemCommand({
              TableName: db.name,
              Key: toAttrs(primary(scheduleKeys(s.feedId))),
              UpdateExpression: 'SET nextDueAt = :until, claimedUntil = :until, claimedBy = :by, claims = :n',
              ConditionExpression: 'nextDueAt = :due',
              ExpressionAttributeValues: toAttrs({ ':until': until, ':by': claim.owner, ':n': expired + 1, ':due': s.nextDueAt }),
            }),
          );
          if (held) out.push({ feedId: s.feedId, dueAt: until, expiredClaims: expired });
        }
        const nonce = randomUUID().slice(0, 8);
        if (batch.length) await stillHeld();
        for (let i = 0; i < batch.length; i += CLAIM_BATCH_MAX) {
          const part = batch.slice(i, i + CLAIM_BATCH_MAX);
          const record: ClaimBatch = { owner: claim.owner, claimedUntil: batchUntil, feeds: part.map((c) => c.feedId), dues: part.map((c) => c.dueAt) };
          await db.send(
            new PutItemCommand({
              TableName: db.name,
              Item: toAttrs({ ...claimBatchKeys(now, `${nonce}.${i / CLAIM_BATCH_MAX}`), entity: 'claims', ...record, ttl: ttlAfter(now, CLAIM_BATCH_TTL_DAYS) }),
            }),
          );
        }
        return out;
      });
    },

    async feedsInFlight(now, exceptOwner) {
      const [schedules, batches] = await Promise.all([readSchedules(), readClaimBatches(now)]);
      const pending = pendingClaims(schedules, batches);
      return [...schedules.values()]
        .filter(
          (s) =>
            (s.claimedUntil !== undefined && s.claimedUntil > now && s.claimedBy !== exceptOwner) ||
            (pending.get(s.feedId) ?? []).some((p) => p.until > now && p.owner !== exceptOwner),
        )
        .map((s) => s.feedId)
        .sort();
    },

    async releaseClaims(owner, now) {
      const [schedules, batches] = await Promise.all([readSchedules(), readClaimBatches(now)]);
      const pending = pendingClaims(schedules, batches.filter((b) => b.owner === owner));
      let released = [...pending].filter(([, claims]) => claims.some((c) => c.until > now)).length;
      for (const b of batches.filter((x) => x.owner === owner && x.claimedUntil > now)) {
        await db.send(new DeleteItemCommand({ TableName: db.name, Key: b.key }));
      }
      for (const s of schedules.values()) {
        if (s.claimedBy !== owner || !s.claimedUntil || s.claimedUntil <= now) continue;
        const left = (s.claims ?? 1) - 1;
        const ok = await db.sendIf(
          new UpdateItemCommand({
            TableName: db.name,
            Key: toAttrs(primary(scheduleKeys(s.feedId))),
            UpdateExpression: `SET nextDueAt = :now${left > 0 ? ', claims = :left' : ''} REMOVE claimedUntil, claimedBy${left > 0 ? '' : ', claims'}`,
            ConditionExpression: 'claimedBy = :owner AND nextDueAt = :until',
            ExpressionAttributeValues: toAttrs({ ':now': now, ':owner': owner, ':until': s.claimedUntil, ...(left > 0 ? { ':left': left } : {}) }),
          }),
        );
        if (ok) released++;
      }
      return released;
    },
  };
}
