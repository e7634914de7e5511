// Converts between domain records and DynamoDB attribute maps (marshalling, TTL, cursors).
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Attribute map as the low-level client wants it. */
export type Attrs = Record<string, AttributeValue>;

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
