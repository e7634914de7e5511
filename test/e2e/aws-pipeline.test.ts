// The deployed pipeline offline: the four built bundles on DynamoDB Local and an SQS emulator (fauxqs), driven by real event shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../lib/aws/clients.ts';
import { METRICS } from '../../lib/aws/metrics.ts';
import { fromOpml } from '../../lib/outlets/opml.ts';
import { registerOutlets } from '../../lib/outlets/register.ts';
import { startSampleServer, type SampleServer } from '../../lib/samples/server.ts';
import { toAttrs } from '../../lib/store/db.ts';
import { feedKeys, primary } from '../../lib/store/keys.ts';
import type { Outlet } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { LambdaHost, buildFunction, httpGet, pollQueue, scheduledEvent, type Poll } from '../support/lambda-host.ts';
import { snapshotTable } from '../support/ingest-fixture.ts';
import { sampleStoryOf } from '../support/sample-day.ts';

const STAGE = 'e2e';
const prefix = `roundup-${STAGE}`;

interface Queue {
  url: string;
  arn: string;
}

/** Every row of the table except the grouping lease, whose holder and expiry change on every pass by design. */
async function tableRows(db: TestDb): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.client.send(new ScanCommand({ TableName: db.table, ExclusiveStartKey: start as never, ConsistentRead: true }));
    for (const row of r.Items ?? []) rows.push(unmarshall(row));
    start = r.LastEvaluatedKey;
  } while (start);
  return rows.filter((r) => r.entity !== 'lease').sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** Polls a queue into a function until it delivers nothing more (bounded). */
async function drain(sqs: SQSClient, queue: Queue, fn: LambdaHost, onPoll?: (p: Poll) => Promise<void>): Promise<Poll[]> {
  const polls: Poll[] = [];
  for (let i = 0; i < 30; i++) {
    const p = await pollQueue(sqs, queue, fn);
    if (!p) return polls;
    polls.push(p);
    await onPoll?.(p);
  }
  throw new Error(`${queue.url} still had messages after 30 polls`);
}

describe('deployed pipeline on DynamoDB Local and fauxqs (built bundles)', () => {
  let dir: string;
  let fauxqs: FauxqsServer;
  let sqs: SQSClient;
  let db: TestDb;
  let feeds: SampleServer;
  let outlets: Outlet[];
  const q = {} as Record<'fetch' | 'fetchDlq' | 'group' | 'groupDlq', Queue>;
  const fn = {} as Record<'scheduler' | 'fetch' | 'group' | 'api', LambdaHost>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roundup-e2e-aws-'));
    const bundles = {
      scheduler: await buildFunction('scheduler', dir),
      fetch: await buildFunction('fetch', dir),
      group: await buildFunction('group', dir),
      api: await buildFunction('api', dir),
    };
    fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
    // The stack's queues (infra/stack.ts): redrive after 3 receives (fetch) and 5 (group, FIFO).
    const fetchDlq = fauxqs.createQueue(`${prefix}-fetch-dlq`);
    const groupDlq = fauxqs.createQueue(`${prefix}-group-dlq.fifo`, { attributes: { FifoQueue: 'true' } });
    const fetchQ = fauxqs.createQueue(`${prefix}-fetch`, {
      attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: fetchDlq.queueArn, maxReceiveCount: 3 }) },
    });
    const groupQ = fauxqs.createQueue(`${prefix}-group.fifo`, {
      attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: groupDlq.queueArn, maxReceiveCount: 5 }),
      },
    });
    for (const [k, v] of Object.entries({ fetch: fetchQ, fetchDlq, group: groupQ, groupDlq })) q[k as keyof typeof q] = { url: v.queueUrl, arn: v.queueArn };
    sqs = createSqsClient({ region: 'us-east-1', endpoint: fauxqs.address });

    db = await openTestDb(BACKENDS.find((b) => b.name === 'dynamodb-local')!);
    feeds = await startSampleServer();
    outlets = fromOpml(feeds.opml);
    await registerOutlets(db.store, outlets, new Date().toISOString());

    // The environment infra/stack.ts gives each function, pointed at the emulators.
    const shared = {
      ROUNDUP_TABLE: db.table,
      ROUNDUP_STAGE: STAGE,
      ROUNDUP_RETENTION_DAYS: '30',
      ROUNDUP_PUBLISH_MODE: 'outlets',
      ROUNDUP_PUBLISH_MIN_OUTLETS: '2',
      ROUNDUP_LOG_LEVEL: 'info',
      ROUNDUP_POLL_MINUTES: '15',
      ROUNDUP_DYNAMODB_ENDPOINT: db.endpoint,
      // fauxqs names its queues sqs.<region>.localhost, which does not resolve here: requests go to its address.
      ROUNDUP_SQS_ENDPOINT: fauxqs.address,
    };
    fn.scheduler = new LambdaHost(`${prefix}-scheduler`, bundles.scheduler, { ...shared, ROUNDUP_FETCH_QUEUE_URL: q.fetch.url, ROUNDUP_GROUP_QUEUE_URL: q.group.url }, 60_000);
    // Feeds live on 127.0.0.1 here; in AWS the fetcher refuses private addresses.
    fn.fetch = new LambdaHost(`${prefix}-fetch`, bundles.fetch, { ...shared, ROUNDUP_GROUP_QUEUE_URL: q.group.url, ROUNDUP_ALLOW_PRIVATE_NETWORK: 'true' }, 120_000);
    fn.group = new LambdaHost(`${prefix}-group`, bundles.group, shared, 120_000);
    // A pepper instead of the secret ARN: the Parameters and Secrets extension exists only on Lambda.
    fn.api = new LambdaHost(`${prefix}-api`, bundles.api, { ...shared, ROUNDUP_EDITOR_PEPPER: 'e2e-pepper' }, 10_000);
  }, 180_000);

  afterAll(async () => {
    for (const f of Object.values(fn)) await f?.stop();
    sqs?.destroy();
    await fauxqs?.stop();
    await feeds?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const feedCount = () => outlets.reduce((n, o) => n + o.feeds.length, 0);
  const fetchPolls: Poll[] = [];
  const groupPolls: Poll[] = [];
  let corruptFeedId = '';

  it('scheduler: an EventBridge scheduled event claims every due feed and enqueues it', async () => {
    const r = await fn.scheduler.invoke<{ enqueued: number }>(scheduledEvent(`${prefix}-FetchSchedule`));
    expect(r.error, fn.scheduler.lines.join('\n')).toBeUndefined();
    expect(r.result!.enqueued).toBe(feedCount());
    // The scheduler logs through Powertools: JSON with the Lambda context and our stable keys.
    const line = fn.scheduler.json().find((l) => l.message === 'feeds enqueued')!;
    expect(line).toMatchObject({ level: 'INFO', service: 'roundup', stage: STAGE, enqueued: feedCount(), function_name: `${prefix}-scheduler` });
    expect(line.durationMs).toEqual(expect.any(Number));
  }, 60_000);

  it('fetch: a failing record is reported as a partial batch failure, redriven, and a poison message dead-lettered', async () => {
    // One feed record is broken (as by a bad deploy) until the first batch reports it; one message is not JSON.
    corruptFeedId = outlets[0]!.feeds[0]!.id;
    await db.client.send(new UpdateItemCommand({ TableName: db.table, Key: toAttrs(primary(feedKeys(corruptFeedId))), UpdateExpression: 'REMOVE #u', ExpressionAttributeNames: { '#u': 'url' } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.fetch.url, MessageBody: 'not json' }));
    let repaired = false;
    fetchPolls.push(
      ...(await drain(sqs, q.fetch, fn.fetch, async (p) => {
        const corrupt = p.event.Records.find((r) => r.body.includes(JSON.stringify(corruptFeedId)));
        if (corrupt && !repaired) {
          // Only the broken record and the poison message fail; the rest of the batch is done.
          expect(p.invocation.error).toBeUndefined();
          expect(p.failed).toContain(corrupt.messageId);
          expect(p.deleted.length).toBeGreaterThan(0);
          await db.client.send(new UpdateItemCommand({ TableName: db.table, Key: toAttrs(primary(feedKeys(corruptFeedId))), UpdateExpression: 'SET #u = :u', ExpressionAttributeNames: { '#u': 'url' }, ExpressionAttributeValues: toAttrs({ ':u': outlets[0]!.feeds[0]!.url }) }));
          repaired = true;
        }
      })),
    );
    expect(repaired).toBe(true);
    // The corrupt feed's message came back and went through once the record was fixed.
    const corruptPolls = fetchPolls.filter((p) => p.event.Records.some((r) => r.body.includes(JSON.stringify(corruptFeedId))));
    expect(corruptPolls.length).toBeGreaterThanOrEqual(2);
    const redelivered = corruptPolls.at(-1)!.event.Records.find((r) => r.body.includes(JSON.stringify(corruptFeedId)))!;
    expect(Number(redelivered.attributes.ApproximateReceiveCount)).toBeGreaterThan(1);
    expect(corruptPolls.at(-1)!.deleted).toContain(redelivered.messageId);

    // The poison message failed 3 receives and sits in the dead-letter queue (the queue's redrive policy).
    const poisonReceives = fetchPolls.filter((p) => p.event.Records.some((r) => r.body === 'not json')).length;
    expect(poisonReceives).toBe(3);
    const dlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.fetchDlq.url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect((dlq.Messages ?? []).map((m) => m.Body)).toEqual(['not json']);

    // Every feed was fetched and saved (last success on its schedule record).
    const rows = await tableRows(db);
    expect(rows.filter((r) => r.entity === 'feed')).toHaveLength(feedCount());
    const schedules = rows.filter((r) => r.entity === 'schedule');
    expect(schedules).toHaveLength(feedCount());
    for (const f of schedules) expect(f.lastSuccessAt, String(f.feedId)).toEqual(expect.any(String));
    // Logs with stable keys, and the EMF metrics behind the alarms.
    expect(fn.fetch.json().some((l) => l.message === 'feed fetched' && typeof l.feedId === 'string' && typeof l.durationMs === 'number')).toBe(true);
    const emf = fn.fetch.json().filter((l) => l._aws);
    expect(emf.length).toBe(fetchPolls.length);
    expect(emf[0]).toMatchObject({ service: METRICS.service, Stage: STAGE });
    expect((emf[0]!._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS.namespace,
      Dimensions: [['service', 'Stage']],
    });
    expect(emf.reduce((n, l) => n + (l[METRICS.itemsIngested] as number), 0)).toBeGreaterThan(0);
    expect(emf.reduce((n, l) => n + (l[METRICS.feedsFetched] as number), 0)).toBe(feedCount());
  }, 240_000);

  it('group: the FIFO triggers run grouping passes that write stories', async () => {
    groupPolls.push(...(await drain(sqs, q.group, fn.group)));
    expect(groupPolls.length).toBeGreaterThan(0);
    for (const p of groupPolls) expect(p.failed).toEqual([]);
    const stories = (await tableRows(db)).filter((r) => r.entity === 'story');
    expect(stories.length).toBeGreaterThan(0);
    const emf = fn.group.json().filter((l) => l._aws);
    expect(emf.length).toBe(groupPolls.length);
    expect(emf.reduce((n, l) => n + (l[METRICS.storiesWritten] as number), 0)).toBeGreaterThan(0);
    for (const l of emf) expect(l[METRICS.groupingLag]).toEqual(expect.any(Number));
    // The bundle reads its lexicon tables beside index.mjs: Al Jazeera's Arabic earthquake item joins the English coverage.
    const snap = await snapshotTable(db.client, db.table);
    const quake = Object.values(snap.stories).find((ids) => ids.some((id) => snap.items[id]!.language === 'ar' && sampleStoryOf(snap.items[id]!.title) === 'japan-quake'));
    expect(quake?.map((id) => snap.items[id]!.language)).toContain('en');
  }, 240_000);

  it('api: Function URL requests are answered with the grouped stories', async () => {
    const list = await httpGet(fn.api, '/stories?limit=50');
    expect(list.statusCode).toBe(200);
    const { stories } = JSON.parse(list.body) as { stories: { id: string; outlets?: unknown[] }[] };
    expect(stories.length).toBeGreaterThan(0);
    const one = await httpGet(fn.api, `/stories/${encodeURIComponent(stories[0]!.id)}`);
    expect(one.statusCode).toBe(200);
    const story = JSON.parse(one.body) as { perspectives: { outlet: unknown }[] };
    // Published under the `outlets` policy: at least two outlets tell it.
    expect(new Set(story.perspectives.map((p) => JSON.stringify(p.outlet))).size).toBeGreaterThanOrEqual(2);
    expect((await httpGet(fn.api, '/healthz')).statusCode).toBe(200);
  }, 60_000);

  it('a re-delivered batch changes nothing', async () => {
    const before = await tableRows(db);
    // SQS delivers at least once: the same fetch batches and grouping triggers again, as Lambda would.
    for (const p of fetchPolls.filter((p) => p.deleted.length)) {
      const r = await fn.fetch.invoke<{ batchItemFailures: unknown[] }>({ Records: p.event.Records.filter((r) => p.deleted.includes(r.messageId)) });
      expect(r.error).toBeUndefined();
      expect(r.result!.batchItemFailures).toEqual([]);
    }
    for (const p of groupPolls) expect((await fn.group.invoke<{ batchItemFailures: unknown[] }>(p.event)).result!.batchItemFailures).toEqual([]);
    expect(await tableRows(db)).toEqual(before);
    // Nothing new was handed to grouping either.
    expect(await pollQueue(sqs, q.group, fn.group)).toBeUndefined();
  }, 240_000);
});
