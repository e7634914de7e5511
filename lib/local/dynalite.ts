// Runs dynalite (DynamoDB in JS, LevelDB on disk) in-process for `npm start` and the CLI.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Where a running stack advertises its endpoint, so `roundup ingest --once` can reach the same data. */
const endpointFile = (dataDir: string) => join(dataDir, 'endpoint.json');

/**
 * Starts dynalite keeping its data under `dataDir` (`path` undefined = in memory), on a free loopback port.
 * Writes the endpoint into the data folder while running.
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
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  if (opts.dataDir) writeFileSync(endpointFile(opts.dataDir), JSON.stringify({ endpoint, pid: process.pid }));
  return {
    endpoint,
    close: async () => {
      if (opts.dataDir) rmSync(endpointFile(opts.dataDir), { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The endpoint of a stack already running on `dataDir`, if its process is alive. */
export function runningEndpoint(dataDir: string): string | undefined {
  try {
    const { endpoint, pid } = JSON.parse(readFileSync(endpointFile(dataDir), 'utf8')) as { endpoint: string; pid: number };
    process.kill(pid, 0);
    return endpoint;
  } catch {
    return undefined;
  }
}
