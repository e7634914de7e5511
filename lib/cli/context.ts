// Opens the configured database for CLI commands: an explicit endpoint, AWS, the stack running on the data folder, or embedded.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig, type Config } from '../config.ts';
import { startDynalite } from '../local/dynalite.ts';
import { acquireDataLock, folderIdentity, folderOwner, type DataLock, type FolderIdentity, type LockInfo } from '../local/lock.ts';
import { recoverFolderWork } from '../local/recover.ts';
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
  /** The stack serving the data folder, when this command uses its database. */
  stack?: LockInfo;
  /** The data folder's identity, when this command holds the folder (embedded database). */
  folder?: FolderIdentity;
  /** Claim and lease owner for work this command does. */
  owner: string;
  close(): Promise<void>;
}

/** "roundup ingest (pid 12)" */
const holderName = (h: LockInfo) => `roundup ${h.command} (pid ${h.pid})`;

/**
 * Opens the database: `ROUNDUP_DYNAMODB_ENDPOINT` when set; else `--aws` for the account's DynamoDB; else the
 * stack running on the data folder; else an embedded dynalite on the folder, holding the folder's lock so two
 * commands never open it at once (a second one waits, saying so on stderr).
 */
export async function openDb(
  io: CliIO,
  opts: { command: string; dataDir?: string; aws?: boolean; env?: Record<string, string | undefined> },
): Promise<DbContext> {
  const config = parseConfig(opts.env ?? io.env);
  const dataDir = resolve(io.cwd, opts.dataDir ?? '.data');
  let endpoint = config.dynamodbEndpoint;
  let where: string;
  let stack: LockInfo | undefined;
  let lock: DataLock | undefined;
  let folder: FolderIdentity | undefined;
  if (endpoint) where = endpoint;
  else if (opts.aws) where = `DynamoDB (${config.region})`;
  else {
    const got = await acquireDataLock(dataDir, { role: 'cli', command: opts.command }, {
      // A stack that serves its database is used; one still starting, or another command, is waited for.
      onHeld: (h) => (h.role === 'stack' && h.dbEndpoint ? h : undefined),
      onWait: (h) =>
        io.stderr(`roundup ${opts.command}: waiting for ${holderName(h)} to ${h.role === 'stack' ? 'come up' : 'finish'} on ${dataDir}…\n`),
    });
    if ('lock' in got) {
      lock = got.lock;
      folder = folderIdentity(dataDir);
    } else {
      stack = got.held;
      endpoint = stack.dbEndpoint;
      where = `the local stack on ${dataDir} (pid ${stack.pid}, database ${endpoint})`;
    }
  }
  let embedded: Awaited<ReturnType<typeof startDynalite>> | undefined;
  let client: DynamoDBClient | undefined;
  let store: Store;
  try {
    if (lock) {
      embedded = await startDynalite({ dataDir });
      endpoint = embedded.endpoint;
      where = `embedded dynalite in ${dataDir}`;
    }
    client = createDynamoClient({ endpoint, region: config.region });
    await ensureTable(client, config.table);
    store = createDynamoStore({ client, table: config.table, retentionDays: config.retentionDays });
    if (folder) {
      // Holding the folder, whatever its owners still hold was left by a process that died.
      const recovered = await recoverFolderWork(store, folder, new Date().toISOString());
      const released = [
        ...(recovered.claims ? [`${recovered.claims} feed claim${recovered.claims === 1 ? '' : 's'}`] : []),
        ...(recovered.leases.length ? [`the ${recovered.leases.join(' and ')} lease${recovered.leases.length > 1 ? 's' : ''}`] : []),
      ];
      if (released.length) io.stderr(`roundup ${opts.command}: released ${released.join(' and ')} a stopped process held on ${dataDir}\n`);
    }
  } catch (err) {
    client?.destroy();
    await embedded?.close();
    lock?.release();
    throw err;
  }
  return {
    config: { ...config, dynamodbEndpoint: endpoint },
    client,
    store,
    where: where!,
    stack,
    folder,
    owner: folder ? folderOwner(folder, 'cli') : `cli-${randomUUID()}`,
    close: async () => {
      client.destroy();
      await embedded?.close();
      lock?.release();
    },
  };
}
