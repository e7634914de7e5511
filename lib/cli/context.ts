// Opens the configured database for CLI commands: an explicit endpoint, a running local stack, or embedded.
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig, type Config } from '../config.ts';
import { startDynalite, runningEndpoint } from '../local/dynalite.ts';
import { createDynamoClient } from '../store/client.ts';
import { createDynamoStore, type Store } from '../store/store.ts';
import { ensureTable } from '../store/table.ts';
import type { CliIO } from './io.ts';

/** The `--data DIR` and `--aws` options every database command takes (parseArgs form, spread into its options). */
export const DB_OPTIONS = {
  data: { type: 'string', default: '.data' },
  aws: { type: 'boolean', default: false },
} as const;

/** An open database for one command. */
export interface DbContext {
  config: Config;
  client: DynamoDBClient;
  store: Store;
  /** Where the data lives, for messages. */
  where: string;
  close(): Promise<void>;
}

/**
 * Opens the database: `ROUNDUP_DYNAMODB_ENDPOINT` when set; else `--aws` for the account's DynamoDB; else the
 * stack already running on the data folder; else an embedded dynalite on that folder.
 */
export async function openDb(io: CliIO, opts: { dataDir?: string; aws?: boolean; env?: Record<string, string | undefined> } = {}): Promise<DbContext> {
  const config = parseConfig(opts.env ?? io.env);
  const dataDir = resolve(io.cwd, opts.dataDir ?? '.data');
  let endpoint = config.dynamodbEndpoint;
  let embedded: Awaited<ReturnType<typeof startDynalite>> | undefined;
  let where: string;
  if (endpoint) where = endpoint;
  else if (opts.aws) where = `DynamoDB (${config.region})`;
  else {
    endpoint = runningEndpoint(dataDir);
    if (endpoint) where = `${endpoint} (running local stack on ${dataDir})`;
    else {
      embedded = await startDynalite({ dataDir });
      endpoint = embedded.endpoint;
      where = `embedded dynalite in ${dataDir}`;
    }
  }
  const client = createDynamoClient({ endpoint, region: config.region });
  await ensureTable(client, config.table);
  const store = createDynamoStore({ client, table: config.table, retentionDays: config.retentionDays });
  return {
    config: { ...config, dynamodbEndpoint: endpoint },
    client,
    store,
    where,
    close: async () => {
      client.destroy();
      await embedded?.close();
    },
  };
}
