// End to end, as a new user meets them: `roundup start` and the CLI as real processes on shared data folders.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUNDUP_VERSION } from '../../lib/config.ts';
import { startDynalite } from '../../lib/local/dynalite.ts';
import { LOCK_FILE, tryLock } from '../../lib/local/lock.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { createDynamoStore } from '../../lib/store/store.ts';
import type { FeedState } from '../../lib/types.ts';
import { runCli, spawnCli, startStack } from '../support/cli-process.ts';
import { send, startFeedServer, type FeedServer } from '../support/feed-server.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(root, 'test/fixtures/stack');
const fixture = (name: string) => readFileSync(join(fixtures, name));
const jsonLines = <T>(text: string): T[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const ALREADY = (pid: number, port: string, dir: string) =>
  `roundup start: already running (pid ${pid}, API :${port}) on ${dir}; stop it first, or pass --data DIR for a second stack\n`;

describe('roundup start and the CLI on one data folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roundup-cli-e2e-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one stack per data folder: a second start exits at once, the first keeps its CLI access, ingest --once runs in it', async () => {
    const data = join(dir, 'one');
    const first = await startStack(['--feeds', 'sample', '--data', data, '--port', '0']);
    try {
      expect(first.firstIngest).toMatch(/^ingest: 13 feeds fetched, 0 not modified, \d+ new items, \d+ stories touched, 0 failures/);
      const port = new URL(first.apiUrl).port;
      expect(await runCli(['start', '--feeds', 'sample', '--data', data, '--port', '0'])).toEqual({ code: 4, stdout: '', stderr: ALREADY(first.pid, port, data) });
      // The default feed list too: the refusal comes before the connectivity probe.
      expect((await runCli(['start', '--data', data])).code).toBe(4);

      const feeds = await runCli(['feeds', '--json', '--data', data]);
      expect(feeds.code).toBe(0);
      const rows = jsonLines<FeedState & { health: string }>(feeds.stdout);
      expect(rows).toHaveLength(13);
      expect(rows.filter((r) => r.health !== 'ok')).toEqual([]);

      // Next to the running stack, the run happens in the stack: its sample feeds are reachable there.
      const ingest = await runCli(['ingest', '--once', '--json', '--data', data]);
      expect(ingest.code).toBe(0);
      const summary = JSON.parse(ingest.stdout) as { feedsFetched: number; feedsNotModified: number; failures: unknown[] };
      expect(summary.feedsFetched + summary.feedsNotModified).toBe(13);
      expect(summary.failures).toEqual([]);
      expect(await runCli(['feeds', '--failing', '--json', '--data', data])).toMatchObject({ code: 0, stdout: '' });
      const text = await runCli(['ingest', '--once', '--data', data]);
      expect(text.stdout).toMatch(new RegExp(`^Ingest run by the local stack on ${data} \\(pid ${first.pid}, database http://127\\.0\\.0\\.1:\\d+\\)\\n`));
      // Another feed list than the stack's would re-point its feeds: refused.
      expect(await runCli(['ingest', '--once', '--feeds', 'default', '--data', data])).toMatchObject({ code: 2, stderr: expect.stringMatching(/reads --feeds sample; stop it/) });

      // --feeds sample lets the sample server's own origin past the private-address guard, and nothing else.
      const desk = await startFeedServer({ '/wire.xml': send(fixture('wsj.xml'), { headers: { 'content-type': 'application/rss+xml' } }) });
      try {
        const deskList = join(dir, 'desk.opml');
        writeFileSync(
          deskList,
          `<?xml version="1.0"?><opml version="2.0" xmlns:roundup="https://roundup.news/ns/opml"><body>
            <outline text="Desk" roundup:id="desk" roundup:city="Paris" roundup:country="FR" roundup:region="europe" roundup:languages="en" roundup:homepage="https://desk.example">
              <outline type="rss" text="Desk wire" xmlUrl="${desk.url('/wire.xml')}" roundup:id="desk/wire"/>
            </outline></body></opml>`,
        );
        // Imports are checked against the same rule: the admin API of a sample stack refuses a loopback feed…
        const key = (await runCli(['editor-key', 'create', 'Ada', '--role', 'admin', '--data', data])).stdout.trim();
        const refused = await fetch(`${first.apiUrl}/editor/api/outlets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'text/x-opml' },
          body: readFileSync(deskList, 'utf8'),
        });
        expect(refused.status).toBe(400);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(((await refused.json()) as { detail: string }).detail).toMatch(/desk: feeds\.0\.url: loopback address 127\.0\.0\.1/);
        // …and so does the CLI, unless told otherwise.
        expect(await runCli(['outlets', 'import', deskList, '--data', data])).toMatchObject({ code: 3, stderr: expect.stringMatching(/loopback address 127\.0\.0\.1/) });
        expect((await runCli(['outlets', 'import', deskList, '--data', data, '--allow-private-network'])).code).toBe(0);
        // Registered anyway, the loopback feed is still refused by the stack's fetcher; the sample feeds are fetched.
        const guarded = JSON.parse((await runCli(['ingest', '--once', '--json', '--data', data])).stdout) as typeof summary;
        expect(guarded.feedsFetched + guarded.feedsNotModified).toBe(13);
        expect(guarded.failures).toEqual([{ feedId: 'desk/wire', error: expect.stringMatching(/^BlockedAddressError: .*127\.0\.0\.1.*loopback/) }]);
        expect(desk.requests).toEqual([]);
      } finally {
        await desk.close();
      }

      const other = join(dir, 'other');
      expect(await runCli(['start', '--feeds', 'sample', '--data', other, '--port', port])).toEqual({
        code: 5,
        stdout: '',
        stderr: `roundup start: port ${port} is in use on 127.0.0.1; pass --port N (or PORT=N), or --port 0 for any free port\n`,
      });
      expect(existsSync(join(other, LOCK_FILE))).toBe(false);
      expect(first.child.exitCode).toBeNull();
      expect((await fetch(`${first.apiUrl}/healthz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  }, 360_000);

  it('restarts, clean or after kill -9, take the folder over, and the sample feeds follow the new sample server', async () => {
    const data = join(dir, 'restart');
    const args = ['--feeds', 'sample', '--data', data, '--port', '0'];
    const sampleHost = (rows: FeedState[]) => [...new Set(rows.map((r) => new URL(r.url).origin))];
    const first = await startStack(args);
    expect(await first.stop()).toBe(0);
    const before = jsonLines<FeedState>((await runCli(['feeds', '--json', '--data', data])).stdout);
    const second = await startStack(args);
    // Every stored URL pointed at the old sample server: re-registered, they are due at once, and answer.
    expect(second.firstIngest).toMatch(/^ingest: 13 feeds fetched, 0 not modified, \d+ new items, \d+ stories touched, 0 failures/);
    expect(await second.stop('SIGKILL')).toBe(137);
    expect(existsSync(join(data, LOCK_FILE))).toBe(true);
    // The killed stack's lock names a dead process: commands and the next start take the folder over.
    const after = await runCli(['feeds', '--json', '--data', data]);
    expect(after.code).toBe(0);
    expect(sampleHost(jsonLines(after.stdout))).toHaveLength(1);
    expect(sampleHost(jsonLines(after.stdout))).not.toEqual(sampleHost(before));
    const third = await startStack(args);
    try {
      expect(third.firstIngest).toMatch(/^ingest: 13 feeds fetched, 0 not modified, \d+ new items, \d+ stories touched, 0 failures/);
      expect(await runCli(['feeds', '--failing', '--json', '--data', data])).toMatchObject({ code: 0, stdout: '' });
    } finally {
      await third.stop();
    }
  }, 300_000);

  describe('kill -9 in the middle of an ingest', () => {
    let feeds: FeedServer;
    let opml: string;
    let reached: () => void;
    const hung = new Promise<void>((r) => (reached = r));
    let release: () => void;
    const gate = new Promise<void>((r) => (release = r));
    beforeAll(async () => {
      feeds = await startFeedServer({
        '/le-devoir.xml': send(fixture('le-devoir.xml'), { headers: { 'content-type': 'application/rss+xml' } }),
        '/al-jazeera.atom': send(fixture('al-jazeera.atom'), { headers: { 'content-type': 'application/atom+xml' } }),
        // Holds the first request until released: the stack is killed while this fetch is in flight.
        '/wsj.xml': async (_req, res) => {
          reached();
          await gate;
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('wsj.xml'));
        },
      });
      opml = join(dir, 'stack.opml');
      writeFileSync(opml, readFileSync(join(fixtures, 'stack.opml'), 'utf8').replaceAll('{{BASE}}', feeds.url('')));
    });
    afterAll(async () => {
      release();
      await feeds.close();
    });

    it('the next start recovers the dead process’s claims and grouping lease at once', async () => {
      const data = join(dir, 'killed');
      const args = ['--feeds', opml, '--data', data, '--port', '0', '--allow-private-network'];
      const env = { ROUNDUP_FETCH_TIMEOUT_MS: '600000' };
      const first = spawnCli(['start', ...args], { env });
      await hung;
      expect(await first.stop('SIGKILL')).toBe(137);
      release();

      // What a kill in the middle of a grouping pass leaves too: the grouping lease, held for ten more minutes.
      const { id } = JSON.parse(readFileSync(join(data, 'instance.json'), 'utf8')) as { id: string };
      const db = await startDynalite({ dataDir: data });
      const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
      const store = createDynamoStore({ client, table: 'roundup', retentionDays: 30 });
      // The dead stack's claim on the feed it was fetching is still in force.
      expect((await store.feedsInFlight(new Date().toISOString())).filter((f) => f.startsWith('wsj/'))).toHaveLength(1);
      expect(await store.acquireLease('grouping', `local-${id}-stack#00000000`, 600_000)).toBe(true);
      client.destroy();
      await db.close();

      const second = await startStack(args, { env });
      try {
        // Without recovery the claimed feed would wait out its claim and grouping the lease: nothing grouped now.
        expect(second.firstIngest).toMatch(/^ingest: [1-3] feeds fetched, 0 not modified, \d+ new items, [1-9]\d* stories touched, 0 failures/);
        const rows = jsonLines<FeedState>((await runCli(['feeds', '--json', '--data', data])).stdout);
        expect(rows).toHaveLength(3);
        for (const r of rows) expect(r.lastSuccessAt, r.feedId).toBeDefined();
        const stories = (await (await fetch(`${second.apiUrl}/stories?limit=100`)).json()) as { stories: { label: string; headline: string }[] };
        expect(stories.stories.filter((s) => /mali/i.test(`${s.label} ${s.headline}`))).toHaveLength(1);
      } finally {
        await second.stop();
      }
    }, 300_000);
  });

  it('two commands on one data folder without a stack wait for each other instead of breaking', async () => {
    const data = join(dir, 'cli');
    // This test process plays a long `roundup ingest` holding the folder.
    const held = tryLock(data, { role: 'cli', command: 'ingest' });
    if (!('lock' in held)) throw new Error('folder unexpectedly held');
    const waiting = spawnCli(['feeds', '--data', data]);
    await waiting.waitFor(new RegExp(`roundup feeds: waiting for roundup ingest \\(pid ${process.pid}\\) to finish on ${data}…`));
    held.lock.release();
    expect(await waiting.exited).toBe(0);
    expect(waiting.stdout()).toMatch(/No feeds registered/);

    const file = join(dir, 'two.opml');
    writeFileSync(file, readFileSync(join(fixtures, 'stack.opml'), 'utf8').replaceAll('{{BASE}}', 'https://feeds.example'));
    const results = await Promise.all([
      runCli(['outlets', 'import', file, '--data', data]),
      runCli(['feeds', '--data', data]),
      runCli(['outlets', '--json', '--data', data]),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results[0]!.stdout).toMatch(/Imported 3 outlets with 3 feeds \(3 new feeds/);
    expect(jsonLines((await runCli(['feeds', '--json', '--data', data])).stdout)).toHaveLength(3);
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  }, 240_000);

  it('clear one-line errors with documented exit statuses', async () => {
    const data = join(dir, 'errors');
    expect(await runCli(['start', '--feeds', 'missing.opml', '--data', data])).toEqual({
      code: 3,
      stdout: '',
      stderr: `roundup start: cannot read feed list ${join(root, 'missing.opml')}: no such file\n`,
    });
    // Refused before anything started: no data folder, no lock.
    expect(existsSync(data)).toBe(false);
    expect(await runCli(['ingest', '--once', '--feeds', 'missing.opml', '--data', data])).toMatchObject({ code: 3 });
    expect(await runCli(['start', '--frobnicate'])).toEqual({ code: 2, stdout: '', stderr: "roundup start: Unknown option '--frobnicate' (roundup start --help)\n" });
    expect(await runCli(['feeds', '--port', '1'])).toMatchObject({ code: 2, stderr: "roundup feeds: Unknown option '--port' (roundup feeds --help)\n" });
    expect(await runCli(['ingest'])).toEqual({ code: 2, stdout: '', stderr: 'roundup ingest: only --once is supported here; `roundup start` schedules runs (roundup ingest --help)\n' });
    expect(await runCli(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'roundup: unknown command "frobnicate" (roundup --help lists the commands)\n' });
    expect(await runCli(['start', '--port', 'eighty'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^roundup start: Invalid configuration: PORT: .*\n$/) });
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(ROUNDUP_VERSION).toBe(version.version);
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `roundup ${version.version}\n`, stderr: '' });

    // eval: a gold file given as predictions is refused rather than scored 1.000; skipped lines are reported.
    const gold = join(dir, 'gold.jsonl');
    writeFileSync(gold, ['a', 'b', 'c', 'd'].map((id, i) => JSON.stringify({ id, story: `s${i >> 1}` })).join('\n') + '\n');
    expect(await runCli(['eval', '--items', gold, '--gold', gold])).toEqual({
      code: 3,
      stdout: '',
      stderr: `roundup eval: ${gold} has no line with "id" and "storyId" (the output of roundup cluster)\n`,
    });
    const predicted = join(dir, 'predicted.jsonl');
    writeFileSync(predicted, ['{"id":"a","storyId":"x"}', 'oops', '{"id":"b","storyId":"x"}', '{"id":"c"}', '{"id":"d","storyId":"y"}'].join('\n'));
    const scored = await runCli(['eval', '--items', predicted, '--gold', gold, '--json']);
    expect(scored.code).toBe(0);
    expect(scored.stderr).toBe(`roundup eval: 2 lines of ${predicted} skipped (line 2: not JSON; line 4: no storyId)\n`);
    expect(JSON.parse(scored.stdout)).toMatchObject({ items: 3, missing: 1, predictedClusters: 2, goldClusters: 2, bcubedF1: 1 });

    const privateFeeds = join(dir, 'private.opml');
    writeFileSync(privateFeeds, readFileSync(join(fixtures, 'stack.opml'), 'utf8').replaceAll('{{BASE}}', 'http://169.254.169.254/latest'));
    const refused = await runCli(['outlets', 'import', privateFeeds, '--data', data]);
    expect(refused.code).toBe(3);
    expect(refused.stderr.split('\n')).toEqual([
      expect.stringMatching(/^roundup outlets: The OPML document has 3 problems, nothing was imported: le-devoir: feeds\.0\.url: linkLocal address 169\.254\.169\.254/),
      expect.stringMatching(/^ {2}- le-devoir: feeds\.0\.url: linkLocal/),
      expect.stringMatching(/^ {2}- al-jazeera: feeds\.0\.url: linkLocal/),
      expect.stringMatching(/^ {2}- wsj: feeds\.0\.url: linkLocal/),
      '',
    ]);
  }, 240_000);
});
