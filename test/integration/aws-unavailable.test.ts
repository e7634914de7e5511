// DynamoDB down, failing or hanging: the built API bundle answers 503 problem+json with Retry-After before its timeout, retrying in one layer.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../lib/aws/clients.ts';
import { settleBy, withDeadline } from '../../lib/aws/deadline.ts';
import { RETRY_BUDGETS, drainUnprocessed } from '../../lib/aws/retry.ts';
import { UnavailableError } from '../../lib/errors.ts';
import { registerOutlets } from '../../lib/outlets/register.ts';
import { BACKENDS, openTestDb } from '../support/db.ts';
import { freePort } from '../support/dynamodb-local.ts';
import { startFeedServer } from '../support/feed-server.ts';
import { LambdaHost, buildFunction, httpGet, sqsEvent } from '../support/lambda-host.ts';

/** A fake DynamoDB endpoint on 127.0.0.1 that records each request's SDK invocation id and attempt header. */
async function fakeDynamo(answer: 'error500' | 'throttle' | 'hang'): Promise<{ url: string; attempts: Map<string, number>; close(): Promise<void> }> {
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const id = String(req.headers['amz-sdk-invocation-id'] ?? 'none');
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    req.resume();
    if (answer === 'hang') return; // accepts, never answers
    const [status, type] = answer === 'error500' ? [500, 'InternalServerError'] : [400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException'];
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fake' });
    res.end(JSON.stringify({ __type: type, message: 'injected' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('one retry layer with a deadline (SDK clients of lib/aws/clients.ts)', () => {
  it('retries a failing call exactly maxAttempts times, then names the operation in an UnavailableError', async () => {
    const fake = await fakeDynamo('error500');
    const client = createDynamoClient({ region: 'us-east-1', endpoint: fake.url, budget: { ...RETRY_BUDGETS.api, maxAttempts: 3 } });
    try {
      const err = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect(err).toMatchObject({ service: 'DynamoDB', operation: 'GetItem', attempts: 3 });
      expect((err as Error).message).toMatch(/^DynamoDB GetItem unavailable after 3 attempt\(s\)/);
      // One logical call, three HTTP attempts: nothing retries around the SDK.
      expect([...fake.attempts.values()]).toEqual([3]);
    } finally {
      client.destroy();
      await fake.close();
    }
  });

  it('stops retrying throttling at the deadline', async () => {
    const fake = await fakeDynamo('throttle');
    // Throttling backs off from 1 s: ten attempts would take many seconds; the deadline allows 1.5 s.
    const client = createDynamoClient({ region: 'us-east-1', endpoint: fake.url, budget: { ...RETRY_BUDGETS.group, maxAttempts: 10 } });
    try {
      const started = Date.now();
      const err = await withDeadline(started + 1_500, () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }))).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toMatch(/deadline reached/);
      expect([...fake.attempts.values()][0]).toBeLessThan(10);
    } finally {
      client.destroy();
      await fake.close();
    }
  });

  it('resends unprocessed batch items within the same attempts, and never past the deadline', async () => {
    let calls = 0;
    await drainUnprocessed('DynamoDB', 'BatchWriteItem', [1, 2, 3], async (batch) => (++calls < 3 ? batch.slice(1) : []), { maxAttempts: 5 }, { baseMs: 1, capMs: 2 });
    expect(calls).toBe(3);
    const stuck = await drainUnprocessed('SQS', 'SendMessageBatch', [1], async (b) => b, { maxAttempts: 4 }, { baseMs: 1, capMs: 2 }).catch((e: unknown) => e);
    expect(stuck).toMatchObject({ service: 'SQS', operation: 'SendMessageBatch', attempts: 4 });
    const late = await withDeadline(Date.now() + 5, () =>
      drainUnprocessed('DynamoDB', 'BatchGetItem', [1], async (b) => b, { maxAttempts: 50 }, { baseMs: 1_000, capMs: 1_000, random: () => 1 }),
    ).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(UnavailableError);
    expect((late as Error).message).toMatch(/deadline reached after 1 attempts/);
  });

  it('settleBy gives up waiting at the deadline', async () => {
    const r = await settleBy(Date.now() + 50, () => new Promise((resolve) => setTimeout(() => resolve('late'), 2_000).unref()));
    expect(r).toEqual({ done: false });
    expect(await settleBy(Date.now() + 1_000, async () => 'soon')).toEqual({ done: true, value: 'soon' });
  });
});

describe('API function (built bundle) with DynamoDB unavailable', () => {
  let dir: string;
  let bundle: string;
  const hosts: LambdaHost[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roundup-api-503-'));
    bundle = await buildFunction('api', dir);
  }, 120_000);

  afterAll(async () => {
    for (const h of hosts) await h.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The API as deployed: 10 s timeout, its retry budget, a database endpoint that does not work. */
  const api = (endpoint: string) => {
    const h = new LambdaHost('roundup-test-api', bundle, { ROUNDUP_TABLE: 'roundup-test', ROUNDUP_STAGE: 'test', ROUNDUP_LOG_LEVEL: 'warn', ROUNDUP_DYNAMODB_ENDPOINT: endpoint, ROUNDUP_EDITOR_PEPPER: 'p' }, 10_000);
    hosts.push(h);
    return h;
  };

  const expect503 = async (h: LambdaHost, path: string) => {
    const started = Date.now();
    const res = await httpGet(h, path);
    const tookMs = Date.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'https://roundup.news/problems/unavailable', status: 503, title: 'Service Unavailable' });
    // Answered inside the invocation, not by the 10 s timeout.
    expect(tookMs).toBeLessThan(h.timeoutMs);
    return res;
  };

  it('answers 503 problem+json with Retry-After when nothing listens on the endpoint', async () => {
    await expect503(api(`http://127.0.0.1:${await freePort()}`), '/stories');
  }, 30_000);

  it('answers 503 when DynamoDB answers 500s, after exactly the API budget of attempts per call', async () => {
    const fake = await fakeDynamo('error500');
    try {
      await expect503(api(fake.url), '/stories');
      // Per logical call (SDK invocation id): the failing one used the whole budget, none went past it. A
      // background read of the response cache may still be between attempts when the 503 comes back.
      const counts = [...fake.attempts.values()];
      expect(Math.max(...counts)).toBe(RETRY_BUDGETS.api.maxAttempts);
      for (const n of counts) expect(n).toBeLessThanOrEqual(RETRY_BUDGETS.api.maxAttempts);
    } finally {
      await fake.close();
    }
  }, 30_000);

  it('answers 503 before the timeout when DynamoDB accepts connections and never answers', async () => {
    const fake = await fakeDynamo('hang');
    try {
      const h = api(fake.url);
      await expect503(h, '/stories');
      // The log names the operation that gave up (a string from the SDK, not a minified class name).
      const line = h.json().find((l) => l.message === 'request failed')!;
      expect(line).toMatchObject({ level: 'ERROR', errorClass: 'UnavailableError' });
      expect(String(line.error)).toMatch(/^DynamoDB (Query|GetItem|BatchGetItem) unavailable after \d attempt\(s\)/);
    } finally {
      await fake.close();
    }
  }, 30_000);
});

describe('queue consumers (built bundles) give up before their timeout with partial batch failures', () => {
  let dir: string;
  const bundles: Record<string, string> = {};
  const hosts: LambdaHost[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roundup-consumers-'));
    bundles.fetch = await buildFunction('fetch', dir);
    bundles.group = await buildFunction('group', dir);
  }, 120_000);

  afterAll(async () => {
    for (const h of hosts) await h.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // 13 s timeouts: with the 10 s reserve of fetch and group, each invocation's deadline is 3 s away.
  const TIMEOUT_MS = 13_000;
  const message = (body: string, n: number) => ({ MessageId: `m-${n}`, ReceiptHandle: `r-${n}`, Body: body, Attributes: { ApproximateReceiveCount: '1' } });

  it('fetch: a batch whose feed never answers is reported failed at the deadline, not killed by the timeout', async () => {
    const feeds = await startFeedServer({ '/hang.xml': () => {} });
    const db = await openTestDb(BACKENDS.find((b) => b.name === 'dynamodb-local')!);
    try {
      await registerOutlets(
        db.store,
        [{ id: 'slow', name: 'Slow Times', city: 'Montreal', country: 'CA', region: 'americas', languages: ['fr'], homepage: feeds.url('/'), feeds: [{ id: 'slow/une', url: feeds.url('/hang.xml') }] }],
        new Date().toISOString(),
      );
      const due = (await db.store.getFeed('slow/une'))!.nextDueAt;
      const h = new LambdaHost('roundup-test-fetch', bundles.fetch!, { ROUNDUP_TABLE: db.table, ROUNDUP_DYNAMODB_ENDPOINT: db.endpoint, ROUNDUP_ALLOW_PRIVATE_NETWORK: 'true', ROUNDUP_LOG_LEVEL: 'warn' }, TIMEOUT_MS);
      hosts.push(h);
      const event = sqsEvent([message(JSON.stringify({ feedId: 'slow/une', dueAt: due }), 1), message(JSON.stringify({ feedId: 'slow/une', dueAt: due, force: true }), 2)], 'arn:aws:sqs:us-east-1:000000000000:roundup-test-fetch');
      const started = Date.now();
      const r = await h.invoke<{ batchItemFailures: { itemIdentifier: string }[] }>(event);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      expect(r.error).toBeUndefined();
      expect(r.result!.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-1', 'm-2']);
      expect(h.json().some((l) => l.message === 'batch still running at the deadline; every message goes back to the queue')).toBe(true);
      expect(feeds.hits('/hang.xml')).toBeGreaterThan(0);
    } finally {
      await feeds.close();
      await db.close();
    }
  }, 60_000);

  it('group: a pass on a DynamoDB that never answers reports the trigger failed before the timeout', async () => {
    const fake = await fakeDynamo('hang');
    try {
      const h = new LambdaHost('roundup-test-group', bundles.group!, { ROUNDUP_TABLE: 'roundup-test', ROUNDUP_DYNAMODB_ENDPOINT: fake.url, ROUNDUP_LOG_LEVEL: 'warn' }, TIMEOUT_MS);
      hosts.push(h);
      const started = Date.now();
      const r = await h.invoke<{ batchItemFailures: { itemIdentifier: string }[] }>(sqsEvent([message('{"reason":"schedule"}', 1)], 'arn:aws:sqs:us-east-1:000000000000:roundup-test-group.fifo'));
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      expect(r.error).toBeUndefined();
      expect(r.result!.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
      expect(h.json().some((l) => typeof l.message === 'string' && /every message goes back to the queue/.test(l.message))).toBe(true);
    } finally {
      await fake.close();
    }
  }, 60_000);
});
