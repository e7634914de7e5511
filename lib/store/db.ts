// Low-level access to the single table, shared by every entity store: retried calls, paged queries, batched reads and writes, attribute codec.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  QueryCommand,
  type DeleteItemCommand,
  type PutItemCommand,
  type UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import pLimit from 'p-limit';
import { RETRY_BUDGETS, drainUnprocessed, type RetryBudget } from '../aws/retry.ts';
import type { DynamoSender } from './client.ts';

// ---- codec ----------------------------------------------------------------------------------------------

/** Attribute map as the low-level client wants it. */
export type Attrs = Record<string, AttributeValue>;

/** A record's primary key. */
export interface PrimaryKey {
  pk: string;
  sk: string;
}

/** Marshals a plain object, dropping undefined fields. */
export const toAttrs = (o: object): Attrs => marshall(o, { removeUndefinedValues: true, convertClassInstanceToMap: true });

/** Unmarshals and strips key/index/bookkeeping attributes. */
export function fromAttrs<T>(a: Attrs): T {
  const o = unmarshall(a) as Record<string, unknown>;
  for (const k of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'ttl', 'entity']) delete o[k];
  return o as T;
}

/** Epoch seconds `days` after `from`, for DynamoDB TTL. */
export const ttlAfter = (from: string, days: number): number => Math.floor(Date.parse(from) / 1000) + days * 86_400;

/** Encodes a LastEvaluatedKey as an opaque URL-safe cursor. */
export const encodeCursor = (key: Attrs | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(unmarshall(key))).toString('base64url') : undefined;

/** Decodes a cursor made by `encodeCursor`; undefined when absent. */
export function decodeCursor(cursor: string | undefined): Attrs | undefined {
  if (!cursor) return undefined;
  const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!parsed || typeof parsed !== 'object') throw new Error('bad cursor');
  return marshall(parsed as Record<string, unknown>);
}

/**
 * True for a failed ConditionExpression. Matched by name, not `instanceof`: the Lambda bundles use a lite
 * client that raises plain errors with the SDK's names, and the exception class would add SDK code to them.
 */
export const isConditionFailure = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Key condition `attr = value` for a Query. */
export const keyEquals = (attr: string, value: string): Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'> => ({
  KeyConditionExpression: `${attr} = :v`,
  ExpressionAttributeValues: toAttrs({ ':v': value }),
});

// ---- table access -----------------------------------------------------------------------------------------

/** Where the records live, and how many times items a batch call leaves unprocessed are sent again. */
export interface TableOptions {
  client: DynamoSender;
  table: string;
  /**
   * Attempts for items a batch call leaves unprocessed (the SDK retries everything else itself, see
   * lib/aws/retry.ts); the client's budget, default `local`.
   */
  retry?: Pick<RetryBudget, 'maxAttempts'>;
}

/** A query's input without the table name, which the Table adds. */
export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/**
 * The one table, as every entity store uses it. Retries, timeouts and the deadline are the client's
 * (lib/aws/clients.ts); batch calls also send again the keys and items DynamoDB left unprocessed.
 */
export class Table {
  readonly name: string;
  private readonly client: DynamoSender;
  private readonly retry: Pick<RetryBudget, 'maxAttempts'>;

  constructor(opts: TableOptions) {
    this.client = opts.client;
    this.name = opts.table;
    this.retry = opts.retry ?? RETRY_BUDGETS.local;
  }

  /** Sends one command (same typing as the client's `send`). */
  readonly send = ((command: Parameters<DynamoDBClient['send']>[0]) => this.client.send(command)) as DynamoDBClient['send'];

  /** Sends a conditional write; false when its condition failed (nothing was written). */
  async sendIf(command: PutItemCommand | UpdateItemCommand | DeleteItemCommand): Promise<boolean> {
    try {
      await (this.send as (c: typeof command) => Promise<unknown>)(command);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** GetItem of one record. */
  async get(key: PrimaryKey, opts: { consistent?: boolean } = {}): Promise<Attrs | undefined> {
    const r = await this.send(new GetItemCommand({ TableName: this.name, Key: toAttrs(key), ConsistentRead: opts.consistent }));
    return r.Item;
  }

  /** One Query page. */
  async queryPage(input: QueryInput, start?: Attrs): Promise<{ items: Attrs[]; lastKey?: Attrs }> {
    const r = await this.send(new QueryCommand({ TableName: this.name, ...input, ExclusiveStartKey: start }));
    return { items: (r.Items ?? []) as Attrs[], lastKey: r.LastEvaluatedKey };
  }

  /** Every page of a Query, or pages until `max` rows were read. */
  async queryAll(input: QueryInput, opts: { max?: number } = {}): Promise<Attrs[]> {
    const out: Attrs[] = [];
    let start: Attrs | undefined;
    do {
      const page = await this.queryPage(opts.max ? { ...input, Limit: opts.max - out.length } : input, start);
      out.push(...page.items);
      start = page.lastKey;
    } while (start && (opts.max === undefined || out.length < opts.max));
    return out;
  }

  /** BatchGetItem in chunks of 100 (duplicates dropped), sending unprocessed keys again (`drainUnprocessed`). */
  async batchGet(keys: PrimaryKey[], opts: { projection?: string[]; consistent?: boolean } = {}): Promise<Attrs[]> {
    const out: Attrs[] = [];
    const chunks: Attrs[][] = [];
    const seen = new Set<string>();
    const unique = keys.filter((k) => !seen.has(k.pk + '\u0000' + k.sk) && seen.add(k.pk + '\u0000' + k.sk));
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100).map((k) => toAttrs(k)));
    const names = opts.projection ? Object.fromEntries(opts.projection.map((p, i) => [`#p${i}`, p])) : undefined;
    const limit = pLimit(4);
    await Promise.all(
      chunks.map((chunk) =>
        limit(() =>
          drainUnprocessed(
            'DynamoDB',
            'BatchGetItem',
            chunk,
            async (pending) => {
              const r = await this.send(
                new BatchGetItemCommand({
                  RequestItems: {
                    [this.name]: {
                      Keys: pending,
                      ConsistentRead: opts.consistent,
                      ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
                    },
                  },
                }),
              );
              out.push(...((r.Responses?.[this.name] ?? []) as Attrs[]));
              return (r.UnprocessedKeys?.[this.name]?.Keys as Attrs[] | undefined) ?? [];
            },
            this.retry,
          ),
        ),
      ),
    );
    return out;
  }

  /** BatchWriteItem in chunks of 25, sending unprocessed items again (`drainUnprocessed`). */
  async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      await drainUnprocessed(
        'DynamoDB',
        'BatchWriteItem',
        requests.slice(i, i + 25),
        async (pending) => (await this.send(new BatchWriteItemCommand({ RequestItems: { [this.name]: pending } }))).UnprocessedItems?.[this.name] ?? [],
        this.retry,
      );
    }
  }
}
