// Reads every stored item straight from the table (independent of Store listing APIs) for ingestion tests.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item } from '../../lib/types.ts';
import type { TestDb } from './db.ts';

/** All item records in the test table. */
export async function scanItems(db: Pick<TestDb, 'client' | 'table'>): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.client.send(
      new ScanCommand({
        TableName: db.table,
        FilterExpression: 'entity = :e',
        ExpressionAttributeValues: { ':e': { S: 'item' } },
        ExclusiveStartKey: start as never,
      }),
    );
    for (const row of r.Items ?? []) out.push(unmarshall(row) as Item);
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}
