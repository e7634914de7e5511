// Editor persistence (keys, audit entries) in the same single DynamoDB table, keyed through lib/store/keys.ts.
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { NotFoundError } from '../errors.ts';
import { Table, fromAttrs, isConditionFailure, keyEquals, toAttrs, type Attrs, type TableOptions } from '../store/db.ts';
import { AUDIT_PREFIX, INDEX, auditKeys, editorKeyKeys, primary, storyKeys } from '../store/keys.ts';
import type { AuditEntry } from './audit.ts';
import type { EditorKeyRecord } from './auth.ts';

/** Stored editor keys (hashes only). */
export interface EditorKeyStore {
  putKey(record: EditorKeyRecord): Promise<void>;
  /** One GetItem by the id embedded in the key. */
  getKey(id: string): Promise<EditorKeyRecord | undefined>;
  listKeys(): Promise<EditorKeyRecord[]>;
  /** @throws NotFoundError for an unknown id */
  revokeKey(id: string, at: string): Promise<EditorKeyRecord>;
}

/** The audit trail of editor actions, per story. */
export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** A story's audit entries, oldest first. */
  history(storyId: string): Promise<AuditEntry[]>;
}

/** What editor code needs beyond the pipeline's stores. */
export type EditorStore = EditorKeyStore & AuditStore;

/** EditorStore on the Roundup table. */
export function createEditorStore(opts: TableOptions): EditorStore {
  const db = new Table(opts);
  return {
    async putKey(record) {
      await db.send(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...editorKeyKeys(record.id), entity: 'editorkey', ...record }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async getKey(id) {
      const row = await db.get(primary(editorKeyKeys(id)), { consistent: true });
      return row ? fromAttrs<EditorKeyRecord>(row) : undefined;
    },

    async listKeys() {
      const rows = await db.queryAll({ IndexName: INDEX.byList, ...keyEquals('gsi1pk', 'EDITORKEYS') });
      return rows.map((r) => fromAttrs<EditorKeyRecord>(r));
    },

    async revokeKey(id, at) {
      try {
        const r = await db.send(
          new UpdateItemCommand({
            TableName: db.name,
            Key: toAttrs(primary(editorKeyKeys(id))),
            // Keep the first revocation time when revoked twice.
            UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: toAttrs({ ':at': at }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromAttrs<EditorKeyRecord>(r.Attributes as Attrs);
      } catch (err) {
        if (isConditionFailure(err)) throw new NotFoundError(`Editor key ${id} not found`, { cause: err });
        throw err;
      }
    },

    async appendAudit(entry) {
      await db.send(
        new PutItemCommand({
          TableName: db.name,
          Item: toAttrs({ ...auditKeys(entry.storyId, entry.at, entry.id), entity: 'audit', ...entry }),
        }),
      );
    },

    async history(storyId) {
      const rows = await db.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: toAttrs({ ':pk': storyKeys(storyId).pk, ':a': AUDIT_PREFIX }),
      });
      return rows.map((r) => fromAttrs<AuditEntry>(r));
    },
  };
}
