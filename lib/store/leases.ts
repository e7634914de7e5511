// Leases (single-writer locks) and the progress cursors of single-writer stages.
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { toAttrs, type Table } from './db.ts';
import { cursorKeys, leaseKeys, primary } from './keys.ts';

/** Named leases: at most one holder at a time, each term bounded. */
export interface LeaseStore {
  /**
   * Takes (or, for its current holder, extends) a named lease until `ttlMs` from now; false when someone
   * else holds it. A holder whose lease already expired cannot extend it: it must acquire it anew.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease still held by `owner`; false when it expired or changed hands (the holder must stop). */
  renewLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  /**
   * Releases a lease held by `owner` itself or by one of its passes (holder `<owner>#<pass>`), e.g. the grouping
   * lease of a process that was killed and restarts with the same owner id; false when it held none.
   */
  releaseLeaseOf(name: string, owner: string): Promise<boolean>;
}

/** Options of the lease store. */
export interface LeaseOptions {
  /** Epoch milliseconds; lease terms are measured on it (tests pass a manual clock). */
  clock?: () => number;
}

/** Progress cursors of single-writer stages. */
export interface CursorStore {
  /** Progress cursor of a single-writer stage; undefined before its first pass. */
  getCursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;
}

/** LeaseStore on the table. */
export function leaseStore(db: Table, opts: LeaseOptions = {}): LeaseStore {
  const clock = opts.clock ?? Date.now;
  /** Deletes a lease if its holder meets `condition` (on `#o`, the owner); false when it did not. */
  const deleteIfHeld = (name: string, condition: string, values: Record<string, string>) =>
    db.sendIf(
      new DeleteItemCommand({
        TableName: db.name,
        Key: toAttrs(primary(leaseKeys(name))),
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: toAttrs(values),
      }),
    );
  return {
    async acquireLease(name, owner, ttlMs) {
      const now = clock();
      return db.sendIf(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...leaseKeys(name), entity: 'lease', owner, expiresAt: now + ttlMs }),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: toAttrs({ ':now': now, ':owner': owner }),
        }),
      );
    },

    async renewLease(name, owner, ttlMs) {
      const now = clock();
      return db.sendIf(
        new UpdateItemCommand({
          TableName: db.name,
          Key: toAttrs(primary(leaseKeys(name))),
          UpdateExpression: 'SET expiresAt = :exp',
          ConditionExpression: '#o = :owner AND expiresAt >= :now',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: toAttrs({ ':exp': now + ttlMs, ':owner': owner, ':now': now }),
        }),
      );
    },

    async releaseLease(name, owner) {
      // Not the holder any more (expired and taken over): nothing to release.
      await deleteIfHeld(name, '#o = :owner', { ':owner': owner });
    },

    releaseLeaseOf(name, owner) {
      return deleteIfHeld(name, '#o = :owner OR begins_with(#o, :pass)', { ':owner': owner, ':pass': `${owner}#` });
    },
  };
}

/** CursorStore on the table. */
export function cursorStore(db: Table): CursorStore {
  return {
    async getCursor(name) {
      return (await db.get(primary(cursorKeys(name)), { consistent: true }))?.value?.S;
    },

    async setCursor(name, value) {
      await db.send(new PutItemCommand({ TableName: db.name, Item: toAttrs({ ...cursorKeys(name), entity: 'cursor', value }) }));
    },
  };
}
