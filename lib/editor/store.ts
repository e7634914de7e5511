// Editor persistence (keys, audit entries) in the same single DynamoDB table, keyed through lib/store/keys.ts.
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { NotFoundError } from '../errors.ts';
import type { DynamoSender } from '../store/client.ts';
import { fromAttrs, isConditionFailure, toAttrs, type Attrs } from '../store/codec.ts';
import { INDEX, auditKeys, editorKeyKeys, primary, storyKeys } from '../store/keys.ts';
import type { AuditEntry } from './audit.ts';
import type { EditorKeyRecord } from './auth.ts';

/** What editor code needs beyond the main Store. */
export interface EditorStore {
  putKey(record: EditorKeyRecord): Promise<void>;
  /** One GetItem by the id embedded in the key. */
  getKey(id: string): Promise<EditorKeyRecord | undefined>;
  listKeys(): Promise<EditorKeyRecord[]>;
  /** @throws NotFoundError for an unknown id */
  revokeKey(id: string, at: string): Promise<EditorKeyRecord>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** A story's audit entries, oldest first. */
  history(storyId: string): Promise<AuditEntry[]>;
}

/** EditorStore on the Roundup table. */
export class DynamoEditorStore implements EditorStore {
  constructor(private readonly client: DynamoSender, private readonly table: string) {}

  async putKey(record: EditorKeyRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toAttrs({ ...editorKeyKeys(record.id), entity: 'editorkey', ...record }),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getKey(id: string): Promise<EditorKeyRecord | undefined> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toAttrs(primary(editorKeyKeys(id))), ConsistentRead: true }),
    );
    return r.Item ? fromAttrs<EditorKeyRecord>(r.Item) : undefined;
  }

  async listKeys(): Promise<EditorKeyRecord[]> {
    const rows = await this.queryAll({
      IndexName: INDEX.byList,
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: toAttrs({ ':p': 'EDITORKEYS' }),
    });
    return rows.map((r) => fromAttrs<EditorKeyRecord>(r));
  }

  async revokeKey(id: string, at: string): Promise<EditorKeyRecord> {
    try {
      const r = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
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
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toAttrs({ ...auditKeys(entry.storyId, entry.at, entry.id), entity: 'audit', ...entry }),
      }),
    );
  }

  async history(storyId: string): Promise<AuditEntry[]> {
    const rows = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: toAttrs({ ':pk': storyKeys(storyId).pk, ':a': 'AUDIT#' }),
    });
    return rows.map((r) => fromAttrs<AuditEntry>(r));
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Attrs[]> {
    const out: Attrs[] = [];
    let start: Attrs | undefined;
    do {
      const r = await this.client.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start }));
      out.push(...((r.Items ?? []) as Attrs[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
