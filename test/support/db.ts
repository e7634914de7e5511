// Integration-test databases: every backend (dynalite, DynamoDB Local) with a fresh table per test file.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../../lib/local/dynalite.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { createDynamoStore, type Store } from '../../lib/store/store.ts';
import { ensureTable } from '../../lib/store/table.ts';

/** A database backend under test. */
export interface Backend {
  name: 'dynalite' | 'dynamodb-local';
  start(): Promise<{ endpoint: string; stop(): Promise<void> }>;
}

/** Both backends; integration suites run once per entry (`describe.each(BACKENDS)`). */
export const BACKENDS: Backend[] = [
  {
    name: 'dynalite',
    start: async () => {
      const db = await startDynalite();
      return { endpoint: db.endpoint, stop: () => db.close() };
    },
  },
  {
    name: 'dynamodb-local',
    start: async () => ({ endpoint: inject('dynamodbLocalEndpoint'), stop: async () => {} }),
  },
];

/** A fresh table on a backend, with its client and store. */
export interface TestDb {
  endpoint: string;
  table: string;
  client: DynamoDBClient;
  store: Store;
  close(): Promise<void>;
}

/** Opens a uniquely named table on `backend`. */
export async function openTestDb(backend: Backend, opts: { retentionDays?: number } = {}): Promise<TestDb> {
  const server = await backend.start();
  const table = `t-${randomUUID().slice(0, 8)}`;
  const client = createDynamoClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 3 });
  await ensureTable(client, table);
  return {
    endpoint: server.endpoint,
    table,
    client,
    store: createDynamoStore({ client, table, retentionDays: opts.retentionDays ?? 30 }),
    close: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
