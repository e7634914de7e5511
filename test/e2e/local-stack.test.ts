// End to end: `roundup start` on a free port with fixture feeds from a local server; stories read back over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/dynamodb-local.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(root, 'test/fixtures/stack');

interface StoryJson {
  id: string;
  label: string;
  headline: string;
  itemIds?: string[];
  items?: { outletId: string; title: string }[];
}

/** Serves the fixture feeds; `up=false` makes every request fail with 503. */
async function startFeedServer(): Promise<{ base: string; server: Server; setUp(up: boolean): void }> {
  let up = true;
  const server = createServer((req, res) => {
    const file = join(fixtures, (req.url ?? '/').replace(/^\//, ''));
    if (!up || !file.startsWith(fixtures)) {
      res.writeHead(503).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': file.endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, setUp: (v) => (up = v) };
}

/** Starts `roundup start` and resolves once its first ingest summary is printed. */
async function startStack(args: string[], port: number): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [join(root, 'bin/roundup.mjs'), 'start', ...args], {
    cwd: root,
    // A 3-second poll interval makes the feeds due again by the time the stack restarts.
    env: { ...process.env, PORT: String(port), ROUNDUP_LOG_LEVEL: 'warn', ROUNDUP_DYNAMODB_ENDPOINT: '', ROUNDUP_POLL_MINUTES: '0.05' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no ingest summary in time:\n${out}`)), 60_000);
    const check = () => {
      if (/ingest: /.test(out)) {
        clearTimeout(t);
        res();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => rej(new Error(`exited with ${code}:\n${out}`)));
  });
  return { child, out: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

describe('roundup start (local stack)', () => {
  let feeds: Awaited<ReturnType<typeof startFeedServer>>;
  let dataDir: string;
  let opml: string;
  beforeAll(async () => {
    feeds = await startFeedServer();
    dataDir = mkdtempSync(join(tmpdir(), 'roundup-e2e-'));
    opml = join(dataDir, 'feeds.opml');
    writeFileSync(opml, readFileSync(join(fixtures, 'stack.opml'), 'utf8').replaceAll('{{BASE}}', feeds.base));
  });
  afterAll(async () => {
    await new Promise((r) => feeds.server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ingests the feeds, groups the Mali story across outlets and languages, and keeps data across restarts', async () => {
    const port = await freePort();
    const args = ['--feeds', opml, '--data', join(dataDir, 'db'), '--allow-private-network'];
    const first = await startStack(args, port);
    let storyId: string;
    try {
      expect(first.out()).toContain(`http://127.0.0.1:${port}/stories`);
      const list = (await (await fetch(`http://127.0.0.1:${port}/stories?limit=100`)).json()) as { stories: StoryJson[] };
      expect(list.stories.length).toBeGreaterThan(0);
      const mali = list.stories.filter((s) => /mali/i.test(`${s.label} ${s.headline}`));
      expect(mali).toHaveLength(1);
      storyId = mali[0]!.id;
      const detail = (await (await fetch(`http://127.0.0.1:${port}/stories/${storyId}`)).json()) as Record<string, unknown>;
      const text = JSON.stringify(detail);
      // One story holds the French and English coverage from all three outlets, and nothing unrelated.
      for (const outlet of ['Le Devoir', 'Al Jazeera', 'Wall Street Journal']) expect(text).toContain(outlet);
      expect(text).not.toMatch(/Kenya|OPEC|budget 2027/);
    } finally {
      await stop(first.child);
    }

    // Restart with every feed failing: what was stored is still served, and the failures are recorded.
    feeds.setUp(false);
    await new Promise((r) => setTimeout(r, 3_500));
    const second = await startStack(args, port);
    try {
      expect(second.out()).toMatch(/3 failures/);
      const res = await fetch(`http://127.0.0.1:${port}/stories/${storyId}`);
      expect(res.status).toBe(200);
      const health = (await (await fetch(`http://127.0.0.1:${port}/feeds`)).json()) as { feeds: { httpStatus?: number; consecutiveFailures: number }[] };
      expect(health.feeds).toHaveLength(3);
      for (const f of health.feeds) {
        expect(f.httpStatus).toBe(503);
        expect(f.consecutiveFailures).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await stop(second.child);
      feeds.setUp(true);
    }
  }, 180_000);
});
