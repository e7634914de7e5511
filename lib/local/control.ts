// The local stack's control endpoint on loopback: `roundup ingest --once` asks the running stack to run an ingest.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RoundupError } from '../errors.ts';
import type { IngestSummary } from '../pipeline/ingest.ts';

/** Where and how to reach a stack's control endpoint (recorded in the data folder's lock file, mode 0600). */
export interface ControlAddress {
  url: string;
  token: string;
}

/** A running control endpoint. */
export interface ControlServer extends ControlAddress {
  close(): Promise<void>;
}

/** Thrown by {@link requestIngest} when the stack could not run the ingest. */
export class ControlError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('control', message, options);
  }
}

/**
 * Serves `POST /ingest` (bearer token) on a free loopback port: runs `ingest` and answers its summary as JSON.
 * A separate port keeps it off the public API, and the token keeps web pages the browser opens from calling it.
 */
export async function startControlServer(ingest: () => Promise<IngestSummary>): Promise<ControlServer> {
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    req.resume();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(401, { error: 'bad token' });
    if (req.method !== 'POST' || req.url !== '/ingest') return send(404, { error: 'not found' });
    ingest().then(
      (summary) => send(200, summary),
      (err: unknown) => send(500, { error: (err as Error).message ?? String(err) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Asks a running stack for an ingest of every feed and returns its summary. No client timeout: a run over many
 * feeds takes minutes, and the stack bounds each fetch itself.
 */
export function requestIngest(control: ControlAddress): Promise<IngestSummary> {
  return new Promise((resolve, reject) => {
    const req = request(`${control.url}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${control.token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return reject(new ControlError(`the running stack answered ${res.statusCode} without a summary`));
        }
        if (res.statusCode === 200) resolve(parsed as IngestSummary);
        else reject(new ControlError(`the running stack's ingest failed: ${(parsed as { error?: string }).error ?? res.statusCode}`));
      });
      res.on('error', (err) => reject(new ControlError(`the running stack stopped during the ingest (${err.message})`, { cause: err })));
    });
    req.on('error', (err) => reject(new ControlError(`cannot reach the running stack (${err.message})`, { cause: err })));
    req.end();
  });
}
