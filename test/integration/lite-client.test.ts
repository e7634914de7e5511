// The lite AWS JSON client: Store behaviours through it on both databases, parity with the SDK, errors, retries, signing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiteDynamoClient } from '../../lib/aws/dynamodb.ts';
import { AwsNetworkError, AwsServiceError, credentialsFromEnv, type LiteAwsClient } from '../../lib/aws/lite-client.ts';
import { createLiteSqsClient } from '../../lib/aws/sqs.ts';
import { newEditorKey } from '../../lib/editor/auth.ts';
import { createEditorStore } from '../../lib/editor/store.ts';
import { ConfigError, ConflictError } from '../../lib/errors.ts';
import { SqsQueue } from '../../lib/pipeline/queue.ts';
import { createDynamoStore, type Store } from '../../lib/store/store.ts';
import { StoreRetryExhaustedError } from '../../lib/store/retry.ts';
import type { Item } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { item as baseItem, putItems, story } from '../support/records.ts';

const LOCAL = { accessKeyId: 'local', secretAccessKey: 'local' };
const noSleep = async () => {};

// Non-ASCII text checks the JSON round trip of the lite client.
const item = (id: string, over: Partial<Item> = {}): Item => baseItem(id, { summary: 'Résumé — « guillemets » et 東京', ...over });

const strip = <T extends { $metadata?: unknown }>(o: T) => {
  const { $metadata: _, ...rest } = o;
  return rest;
};

// The scenarios of test/integration/store.test.ts, run with the lite client in place of DynamoDBClient.
describe.each(BACKENDS)('store through the lite client on $name', (backend) => {
  let db: TestDb;
  let lite: LiteAwsClient;
  let store: Store;
  beforeAll(async () => {
    db = await openTestDb(backend);
    lite = createLiteDynamoClient({ region: 'us-east-1', endpoint: db.endpoint, credentials: LOCAL });
    store = createDynamoStore({ client: lite, table: db.table, retentionDays: 30 });
  });
  afterAll(async () => db?.close());

  it('writes a new item once, skips it unchanged, updates it when edited', async () => {
    expect(await putItems(store, [item('a')], { dedupeUrls: true })).toMatchObject({ created: 1 });
    expect(await putItems(store, [item('a')], { dedupeUrls: true })).toMatchObject({ unchanged: 1 });
    expect(await putItems(store, [item('a', { title: 'Titre corrigé', contentHash: 'h-a2' })], { dedupeUrls: true })).toMatchObject({ updated: 1 });
    const [stored] = await store.getItems(['a']);
    expect(stored).toEqual(item('a', { title: 'Titre corrigé', contentHash: 'h-a2' }));
  });

  it('treats the same article URL from another feed of the outlet as a duplicate (conditional failure by name)', async () => {
    expect(await putItems(store, [item('b', { url: 'https://www.ledevoir.com/monde/shared' })], { dedupeUrls: true })).toMatchObject({ created: 1 });
    expect(await putItems(store, [item('c', { feedId: 'le-devoir/une', url: 'https://www.ledevoir.com/monde/shared' })], { dedupeUrls: true })).toMatchObject({ duplicate: 1 });
    expect(await store.getItems(['c'])).toEqual([]);
  });

  it('announces new items in arrival records and lists them after a cursor', async () => {
    const window = { from: new Date(Date.now() - 3_600_000).toISOString(), now: new Date().toISOString() };
    const arrivals = await store.listArrivals(window);
    expect(arrivals.flatMap((a) => a.itemIds)).toEqual(expect.arrayContaining(['a', 'b']));
    const after = await store.listArrivals({ ...window, after: arrivals[0]!.key });
    expect(after.map((a) => a.key)).toEqual(arrivals.slice(1).map((a) => a.key));
  });

  it('skips items of a feed already seen (string set round trip) and writes only the edited one', async () => {
    const feedItems = ['f1', 'f2', 'f3', 'f4', 'f5'].map((id) => item(id, { feedId: 'ld/f' }));
    expect(await putItems(store, feedItems)).toMatchObject({ created: 5, skippedSeen: 0 });
    expect(await putItems(store, feedItems)).toMatchObject({ created: 0, updated: 0, skippedSeen: 5 });
    const edited = feedItems.map((it) => (it.id === 'f2' ? { ...it, title: 'Nouveau titre', contentHash: 'h-f2b' } : it));
    expect(await putItems(store, edited)).toMatchObject({ created: 0, updated: 1, skippedSeen: 4 });
    expect((await store.getItems(['f2']))[0]?.title).toBe('Nouveau titre');
  });

  it('reads many items through BatchGetItem in chunks', async () => {
    const many = Array.from({ length: 120 }, (_, i) => item(`m${i}`, { feedId: 'ld/m' }));
    expect(await putItems(store, many)).toMatchObject({ created: 120 });
    const got = await store.getItems(many.map((i) => i.id));
    expect(got.map((i) => i.id)).toEqual(many.map((i) => i.id));
  });

  it('keeps memberships on the story record across editor-style story writes', async () => {
    const s = story('m1', '2026-11-25T09:00:00.000Z');
    const m = { storyId: 'm1', itemId: 'a', score: 0.8, matched: ['mali'], by: 'engine' as const, at: '2026-11-25T09:00:00.000Z' };
    await store.putStory(s, undefined, { members: [m] });
    await store.putStory({ ...s, label: 'Edited', labelByEditor: true, version: 2 }, s);
    expect(await store.getMemberships('m1')).toEqual([m]);
    await store.setMembership({ ...m, score: 1, by: 'editor' });
    expect((await store.getMemberships('m1'))[0]).toMatchObject({ itemId: 'a', score: 1, by: 'editor' });
    expect(await store.getStory('m1')).toMatchObject({ label: 'Edited', labelByEditor: true, version: 2 });
  });

  it('lets exactly one of two schedulers claim a due feed', async () => {
    const due = '2026-11-25T10:00:00.000Z';
    await store.ensureFeeds([{ feedId: 'x/y', outletId: 'x', url: 'https://x.test/feed', consecutiveFailures: 0, nextDueAt: due, itemsSeen: 0 }]);
    const claim = (owner: string) =>
      store.claimDueFeeds({ now: '2026-11-25T10:05:00.000Z', owner, feedIds: ['x/y'], claimUntil: () => '2026-11-25T10:15:00.000Z' });
    const claims = await Promise.all([claim('one'), claim('two')]);
    expect(claims.flat()).toEqual([{ feedId: 'x/y', dueAt: due, expiredClaims: 0 }]);
    expect(await store.feedsInFlight('2026-11-25T10:06:00.000Z')).toEqual(['x/y']);
    expect(await claim('three')).toEqual([]);
  });

  it('guards story writes with versions and pages stories newest first', async () => {
    await store.putStory(story('s1', '2026-11-25T10:00:00.000Z'), undefined);
    await expect(store.putStory(story('s1', '2026-11-25T10:00:00.000Z'), undefined)).rejects.toBeInstanceOf(ConflictError);
    await store.putStory(story('s1', '2026-11-25T12:00:00.000Z', 2), story('s1', '2026-11-25T12:00:00.000Z'));
    await store.putStory(story('s2', '2026-11-25T11:00:00.000Z'), undefined);
    const page1 = await store.listStories({ limit: 1 });
    expect(page1.items.map((s) => s.id)).toEqual(['s1']);
    const page2 = await store.listStories({ limit: 1, cursor: page1.cursor });
    expect(page2.items.map((s) => s.id)).toEqual(['s2']);
  });

  it('gives a lease to one owner at a time (DeleteItem included)', async () => {
    expect(await store.acquireLease('grouping', 'one', 60_000)).toBe(true);
    expect(await store.acquireLease('grouping', 'two', 60_000)).toBe(false);
    expect(await store.renewLease('grouping', 'one', 60_000)).toBe(true);
    await store.releaseLease('grouping', 'one');
    expect(await store.acquireLease('grouping', 'two', 60_000)).toBe(true);
  });

  it('serves the editor store: keys, revocation, audit history', async () => {
    const editors = createEditorStore({ client: lite, table: db.table });
    const { record } = newEditorKey('Ada', 'admin', 'pepper', '2026-11-26T10:00:00.000Z');
    await editors.putKey(record);
    expect(await editors.getKey(record.id)).toEqual(record);
    expect((await editors.listKeys()).map((k) => k.id)).toContain(record.id);
    expect((await editors.revokeKey(record.id, '2026-11-26T11:00:00.000Z')).revokedAt).toBe('2026-11-26T11:00:00.000Z');
  });

  it('returns what the SDK client returns for every attribute type Roundup stores (and binary)', async () => {
    const Item = {
      pk: { S: 'PARITY' },
      sk: { S: 'A' },
      s: { S: 'Ouagadougou — « L’Observateur » 🗞️' },
      n: { N: '-12.5e3' },
      big: { N: '123456789012345678901234567890' },
      t: { BOOL: true },
      f: { BOOL: false },
      nul: { NULL: true },
      m: { M: { B: { S: 'a key named B is not binary' }, inner: { L: [{ N: '1' }, { S: 'x' }, { M: {} }] } } },
      l: { L: [] },
      ss: { SS: ['fr', 'en', 'ar'] },
      bin: { B: new Uint8Array([0, 1, 254, 255]) },
    };
    await lite.send(new PutItemCommand({ TableName: db.table, Item }));
    const key = { pk: { S: 'PARITY' }, sk: { S: 'A' } };
    const viaLite = await lite.send(new GetItemCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
    const viaSdk = await db.client.send(new GetItemCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
    expect(strip(viaLite)).toEqual(strip(viaSdk));
    expect(viaLite.Item.bin.B).toBeInstanceOf(Uint8Array);
    expect([...viaLite.Item.bin.B]).toEqual([0, 1, 254, 255]);
    expect(viaLite.Item.ss.SS.sort()).toEqual(['ar', 'en', 'fr']);
    expect(viaLite.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });

    const q = { TableName: db.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'PARITY' } } };
    expect(strip(await lite.send(new QueryCommand(q)))).toEqual(strip(await db.client.send(new QueryCommand(q))));
  });

  it('maps a conditional failure to a ConditionalCheckFailedException carrying the status and the old item', async () => {
    const put = new PutItemCommand({
      TableName: db.table,
      Item: { pk: { S: 'PARITY' }, sk: { S: 'A' } },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const mine = (await lite.send(put).catch((e: unknown) => e)) as AwsServiceError;
    const sdk = (await db.client.send(put).catch((e: unknown) => e)) as AwsServiceError;
    expect(mine).toBeInstanceOf(AwsServiceError);
    expect(mine.name).toBe('ConditionalCheckFailedException');
    expect(mine.name).toBe(sdk.name);
    expect(mine.$metadata.httpStatusCode).toBe(400);
    expect(mine.$fault).toBe('client');
    expect(mine.$metadata.attempts).toBe(1);
    // dynalite ignores ReturnValuesOnConditionCheckFailure; when the service returns the item, so do we.
    expect(mine.Item).toEqual(sdk.Item);
    if (backend.name === 'dynamodb-local') expect((mine.Item as Record<string, { S?: string }> | undefined)?.s?.S).toContain('Ouagadougou');
  });

  it('maps a missing table to ResourceNotFoundException and a bad request to ValidationException, without retrying', async () => {
    const missing = (await lite.send(new GetItemCommand({ TableName: 'no-such-table', Key: { pk: { S: 'x' }, sk: { S: 'y' } } })).catch((e: unknown) => e)) as AwsServiceError;
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(missing.message).not.toBe('');
    const bad = (await lite.send(new GetItemCommand({ TableName: db.table, Key: {} })).catch((e: unknown) => e)) as AwsServiceError;
    expect(bad).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400, attempts: 1 } });
  });

  it('refuses a command it has no operation for, before any request', async () => {
    await expect(lite.send(new ScanCommand({ TableName: db.table }))).rejects.toThrow(/unsupported command/);
  });
});

/** A local HTTP server that records requests and answers from a script. */
async function captureServer(answer: (req: IncomingMessage, body: string, n: number, res: ServerResponse) => void) {
  const requests: { headers: IncomingMessage['headers']; body: string; url: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body, url: req.url ?? '' });
      answer(req, body, requests.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ123', ...headers });
  res.end(JSON.stringify(body));
};
const throttled = { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' };

describe('lite client on the wire', () => {
  const creds = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session/token+1=' };

  it('POSTs the command input as AWS JSON 1.0 with the target and a SigV4 signature', async () => {
    const srv = await captureServer((_req, _body, _n, res) => json(res, 200, { Item: { pk: { S: 'x' } } }));
    try {
      const c = createLiteDynamoClient({ region: 'eu-west-3', endpoint: srv.endpoint, credentials: creds });
      const input = { TableName: 'roundup', Key: { pk: { S: 'x' }, sk: { S: 'y' } }, ConsistentRead: true };
      const out = await c.send(new GetItemCommand(input));
      expect(out).toEqual({ Item: { pk: { S: 'x' } }, $metadata: { httpStatusCode: 200, requestId: 'REQ123', attempts: 1, totalRetryDelay: 0 } });
      const [r] = srv.requests;
      expect(r!.url).toBe('/');
      expect(JSON.parse(r!.body)).toEqual(input);
      expect(r!.headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(r!.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
      expect(r!.headers['x-amz-security-token']).toBe('session/token+1=');
      expect(r!.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(r!.headers.authorization).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/${r!.headers['x-amz-date']!.slice(0, 8)}/eu-west-3/dynamodb/aws4_request, ` +
            'SignedHeaders=host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$',
        ),
      );
    } finally {
      await srv.close();
    }
  });

  it('retries throttling with backoff and reports the attempts', async () => {
    const srv = await captureServer((_req, _body, n, res) => (n < 3 ? json(res, 400, throttled) : json(res, 200, {})));
    const delays: number[] = [];
    try {
      const c = createLiteDynamoClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials: LOCAL, random: () => 1, sleep: async (ms) => void delays.push(ms) });
      const out = await c.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'x' } } }));
      expect(out.$metadata).toMatchObject({ attempts: 3, totalRetryDelay: 75 });
      expect(delays).toEqual([25, 50]);
      expect(srv.requests).toHaveLength(3);
    } finally {
      await srv.close();
    }
  });

  it('gives up after maxAttempts with an error the store retry wrapper recognises', async () => {
    const srv = await captureServer((_req, _body, _n, res) => json(res, 400, throttled));
    try {
      const c = createLiteDynamoClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials: LOCAL, maxAttempts: 2, sleep: noSleep });
      const err = (await c.send(new GetItemCommand({ TableName: 't', Key: {} })).catch((e: unknown) => e)) as AwsServiceError;
      expect(err).toMatchObject({ name: 'ThrottlingException', message: throttled.message, $retryable: { throttling: true }, $metadata: { httpStatusCode: 400, attempts: 2 } });
      expect(srv.requests).toHaveLength(2);

      // The store wraps each call in its own retry: 3 store attempts × 2 client attempts, then its typed error.
      const store = createDynamoStore({ client: c, table: 't', retentionDays: 30, retry: { attempts: 3, baseMs: 0, capMs: 0 } });
      const storeErr = await store.getStory('s_1').catch((e: unknown) => e);
      expect(storeErr).toBeInstanceOf(StoreRetryExhaustedError);
      expect((storeErr as Error).cause).toMatchObject({ name: 'ThrottlingException' });
      expect(srv.requests).toHaveLength(2 + 6);
    } finally {
      await srv.close();
    }
  });

  it('retries a 5xx without a JSON body, and maps x-amzn-errortype when present', async () => {
    const srv = await captureServer((_req, _body, n, res) => {
      if (n === 1) return void res.writeHead(503, { 'content-type': 'text/html' }).end('<html>busy</html>');
      if (n === 2) return json(res, 500, {}, { 'x-amzn-errortype': 'InternalServerError:http://internal.amazon.com/' });
      json(res, 200, { Count: 0, Items: [] });
    });
    const seen: string[] = [];
    try {
      const c = createLiteDynamoClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials: LOCAL, maxAttempts: 1 });
      for (let i = 0; i < 2; i++) seen.push(((await c.send(new QueryCommand({ TableName: 't' })).catch((e: unknown) => e)) as Error).name);
      expect(seen).toEqual(['ServiceUnavailable', 'InternalServerError']);
      expect(await c.send(new QueryCommand({ TableName: 't' }))).toMatchObject({ Count: 0, $metadata: { httpStatusCode: 200 } });
    } finally {
      await srv.close();
    }
  });

  it('turns a dropped connection into a retryable network error with the socket code', async () => {
    const srv = await captureServer((req, _body, n, res) => (n === 1 ? req.socket.destroy() : json(res, 200, {})));
    try {
      const c = createLiteDynamoClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials: LOCAL, sleep: noSleep });
      expect((await c.send(new PutItemCommand({ TableName: 't', Item: {} }))).$metadata.attempts).toBe(2);
      const once = createLiteDynamoClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials: LOCAL, maxAttempts: 1 });
      srv.requests.length = 0;
      const err = await once.send(new PutItemCommand({ TableName: 't', Item: {} })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AwsNetworkError);
      expect(err).toMatchObject({ $retryable: {}, $metadata: { attempts: 1 } });
      expect((err as Error).cause).toBeDefined();
    } finally {
      await srv.close();
    }
  });

  it('sends SQS batches with the AmazonSQS target, and SqsQueue re-sends only the entries SQS failed', async () => {
    const srv = await captureServer((_req, body, n, res) => {
      const entries = (JSON.parse(body) as { Entries: { Id: string }[] }).Entries;
      // First call: the last entry fails, as SQS reports per-entry failures in a 200 response.
      const failed = n === 1 ? entries.slice(-1).map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })) : [];
      json(res, 200, { Successful: entries.filter((e) => !failed.some((f) => f.Id === e.Id)).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: failed });
    });
    try {
      const sqs = createLiteSqsClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials: creds });
      const url = 'https://sqs.us-east-1.amazonaws.com/000000000000/roundup-test-group.fifo';
      const queue = new SqsQueue(sqs, url);
      await queue.send([
        { id: 'a', body: '{"feedId":"a"}', groupId: 'g', dedupId: 'd-a' },
        { id: 'b', body: '{"feedId":"b"}', groupId: 'g', dedupId: 'd-b' },
      ]);
      expect(srv.requests).toHaveLength(2);
      expect(srv.requests[0]!.headers['x-amz-target']).toBe('AmazonSQS.SendMessageBatch');
      expect(srv.requests[0]!.headers.authorization).toMatch(/\/us-east-1\/sqs\/aws4_request, /);
      expect(JSON.parse(srv.requests[0]!.body)).toEqual({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: '{"feedId":"a"}', MessageGroupId: 'g', MessageDeduplicationId: 'd-a' },
          { Id: 'b', MessageBody: '{"feedId":"b"}', MessageGroupId: 'g', MessageDeduplicationId: 'd-b' },
        ],
      });
      expect(JSON.parse(srv.requests[1]!.body).Entries.map((e: { Id: string }) => e.Id)).toEqual(['b']);
      await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    } finally {
      await srv.close();
    }
  });

  it('uses the regional AWS endpoint by default', async () => {
    const urls: string[] = [];
    const fetchStub: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response('{}', { status: 200 });
    };
    await createLiteDynamoClient({ region: 'af-south-1', credentials: LOCAL, fetch: fetchStub }).send(new GetItemCommand({ TableName: 't', Key: {} }));
    await createLiteSqsClient({ region: 'cn-north-1', credentials: LOCAL, fetch: fetchStub }).send(new SendMessageBatchCommand({ QueueUrl: 'q', Entries: [] }));
    expect(urls).toEqual(['https://dynamodb.af-south-1.amazonaws.com/', 'https://sqs.cn-north-1.amazonaws.com.cn/']);
  });

  it('takes credentials from a Lambda-style environment map, and refuses to start without them', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' })).toEqual({ accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({ accessKeyId: 'AKIA', secretAccessKey: 's' });
    expect(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(ConfigError);
    expect(() => createLiteDynamoClient({ region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: '' } })).toThrow(ConfigError);
  });
});
