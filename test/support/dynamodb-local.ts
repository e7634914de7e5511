// Starts AWS's DynamoDB Local (Java) for integration tests, fetching its jar into .cache/ when missing.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Waits until something accepts HTTP on `url`. */
async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > end) throw new Error(`DynamoDB Local did not answer at ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Starts DynamoDB Local in memory on a free port; returns its endpoint and a stop function. */
export async function startDynamoDbLocal(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const dir = execFileSync('bash', [join(root, 'scripts/dynamodb-local.sh')], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [`-Djava.library.path=${dir}/DynamoDBLocal_lib`, '-jar', `${dir}/DynamoDBLocal.jar`, '-inMemory', '-port', String(port)],
    { stdio: 'ignore', cwd: dir },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitHttp(endpoint, 60_000);
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
