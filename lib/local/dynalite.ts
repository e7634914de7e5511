// Runs dynalite (DynamoDB in JS, LevelDB on disk) in-process for `npm start`, the CLI and tests.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A running embedded database. */
export interface EmbeddedDb {
  endpoint: string;
  close(): Promise<void>;
}

interface DynaliteServer {
  listen(port: number, host: string, cb: (err?: Error) => void): void;
  close(cb: (err?: Error) => void): void;
  address(): AddressInfo;
}

/**
 * Starts dynalite keeping its data under `dataDir/dynamodb` (in memory without `dataDir`), on a free loopback port.
 * LevelDB allows one process per folder: callers on a data folder hold its lock (lock.ts) first.
 */
export async function startDynalite(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDb> {
  const dynalite = require('dynalite') as (o: object) => DynaliteServer;
  let path: string | undefined;
  if (opts.dataDir) {
    path = join(opts.dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => server.listen(opts.port ?? 0, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
