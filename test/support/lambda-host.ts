// Runs built function bundles like Lambda does (own process, own environment, no node_modules) and feeds them events.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { REPO_ROOT, esbuildOptions } from '../../infra/function.ts';
import { FUNCTION_DATA, type FunctionName } from '../../infra/stack.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/**
 * Bundles `functions/<name>.ts` into `<dir>/<name>/index.mjs` with the options RoundupFunction hands to CDK
 * (test/unit/infra.test.ts proves the two produce byte-identical bundles).
 */
export async function buildFunction(name: FunctionName, dir: string): Promise<string> {
  const outfile = join(dir, name, 'index.mjs');
  mkdirSync(dirname(outfile), { recursive: true });
  await build({ ...esbuildOptions(join(REPO_ROOT, 'functions', `${name}.ts`), outfile), logLevel: 'warning' });
  // The data the construct copies into the asset (the group function's lexicon), so the bundle runs as deployed.
  for (const d of FUNCTION_DATA[name]) cpSync(join(REPO_ROOT, d.from), join(dirname(outfile), d.to), { recursive: true });
  return outfile;
}

/** What one invocation returned, or how it failed (an error thrown by the handler, or the timeout). */
export type Invocation<T> = { result: T; error?: undefined } | { result?: undefined; error: { name: string; message: string } };

// The runtime side: imports the bundle once (the init phase), then runs one event per IPC message.
const RUNTIME = `
const { handler } = await import(process.env.ROUNDUP_TEST_BUNDLE_URL);
process.on('message', async ({ id, event, timeoutMs }) => {
  const started = Date.now();
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const context = {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:${REGION}:${ACCOUNT}:function:' + name,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/' + name,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done() {}, fail() {}, succeed() {},
  };
  try {
    process.send({ id, result: await handler(event, context) });
  } catch (err) {
    process.send({ id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } });
  }
});
process.send({ ready: true });
`;

/** One function running in its own process, like a Lambda execution environment kept warm between invocations. */
export class LambdaHost {
  /** Every line the function wrote to stdout/stderr (its CloudWatch log stream), across restarts. */
  readonly lines: string[] = [];
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private pending = new Map<string, (msg: Invocation<unknown>) => void>();

  constructor(
    readonly name: string,
    private readonly bundle: string,
    private readonly env: Record<string, string>,
    /** The function's configured timeout (ms): `getRemainingTimeInMillis` counts down from it. */
    readonly timeoutMs: number,
  ) {}

  /** JSON log lines (Powertools logs and EMF metrics), parsed. */
  json(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => {
      try {
        const v = JSON.parse(l) as unknown;
        return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** Invokes the handler with `event`; a run longer than the timeout kills the environment, as Lambda does. */
  async invoke<T>(event: unknown): Promise<Invocation<T>> {
    await this.start();
    const id = randomUUID();
    const child = this.child!;
    return new Promise<Invocation<T>>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.stopNow();
        resolve({ error: { name: 'Sandbox.Timedout', message: `Task timed out after ${this.timeoutMs} ms` } });
      }, this.timeoutMs + 2_000);
      this.pending.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg as Invocation<T>);
      });
      child.send({ id, event, timeoutMs: this.timeoutMs });
    });
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', RUNTIME], {
      cwd: dirname(this.bundle),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
        AWS_SECRET_ACCESS_KEY: 'local-secret',
        AWS_SESSION_TOKEN: 'local-session',
        AWS_LAMBDA_FUNCTION_NAME: this.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
        AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, '')}`,
        NODE_OPTIONS: '--enable-source-maps',
        ROUNDUP_TEST_BUNDLE_URL: pathToFileURL(this.bundle).href,
        ...this.env,
      },
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        this.lines.push(...parts.filter((p) => p.trim() !== ''));
      });
    }
    this.ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${this.name} exited during init (${code}): ${this.lines.slice(-5).join('\n')}`)));
      child.on('message', (msg: { ready?: boolean; id?: string } & Invocation<unknown>) => {
        if (msg.ready) return resolve();
        const done = msg.id ? this.pending.get(msg.id) : undefined;
        if (done) {
          this.pending.delete(msg.id!);
          done(msg);
        }
      });
    });
    return this.ready;
  }

  private stopNow(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    this.ready = undefined;
  }

  /** Ends the environment. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    this.stopNow();
    await exited;
  }
}

/** An EventBridge scheduled event, as the schedule rule delivers it. */
export function scheduledEvent(ruleName: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

/** A Lambda Function URL request (payload format 2.0). */
export function functionUrlEvent(path: string, opts: { method?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const method = opts.method ?? 'GET';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'abc123.lambda-url.us-east-1.on.aws', 'x-forwarded-proto': 'https', 'user-agent': 'roundup-e2e', ...opts.headers },
    ...(rawQueryString ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'roundup-e2e' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

/** The SQS event Lambda's event source mapping builds from received messages. */
export function sqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? ACCOUNT,
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
        ...(m.Attributes?.MessageDeduplicationId ? { MessageDeduplicationId: m.Attributes.MessageDeduplicationId } : {}),
        ...(m.Attributes?.SequenceNumber ? { SequenceNumber: m.Attributes.SequenceNumber } : {}),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: REGION,
    })),
  };
}

/** What one poll of {@link pollQueue} did. */
export interface Poll {
  event: SQSEvent;
  invocation: Invocation<SQSBatchResponse>;
  /** Message ids deleted (processed) and returned to the queue (failed). */
  deleted: string[];
  failed: string[];
}

/**
 * One round of Lambda's SQS event source mapping with `ReportBatchItemFailures`: receive up to `batchSize`
 * messages, invoke the function, delete the ones not reported failed (all of them fail when the invocation
 * failed). Failed messages are made visible again at once, standing in for their visibility timeout running
 * out; the queue's redrive policy then moves a message to its dead-letter queue after maxReceiveCount receives.
 * Undefined when the queue had nothing to deliver.
 */
export async function pollQueue(sqs: SQSClient, queue: { url: string; arn: string }, fn: LambdaHost, batchSize = 10): Promise<Poll | undefined> {
  const r = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: batchSize, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 60 }),
  );
  const messages = r.Messages ?? [];
  if (messages.length === 0) return undefined;
  const event = sqsEvent(messages, queue.arn);
  const invocation = await fn.invoke<SQSBatchResponse>(event);
  const failedIds = new Set(
    invocation.error ? messages.map((m) => m.MessageId!) : (invocation.result?.batchItemFailures ?? []).map((f) => f.itemIdentifier),
  );
  const done = messages.filter((m) => !failedIds.has(m.MessageId!));
  const back = messages.filter((m) => failedIds.has(m.MessageId!));
  if (done.length) {
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  if (back.length) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: back.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return { event, invocation, deleted: done.map((m) => m.MessageId!), failed: back.map((m) => m.MessageId!) };
}

/** Invokes the API function with a Function URL request and returns its response. */
export async function httpGet(api: LambdaHost, path: string, headers?: Record<string, string>): Promise<APIGatewayProxyResultV2 & { statusCode: number; headers: Record<string, string>; body: string }> {
  const r = await api.invoke<APIGatewayProxyResultV2>(functionUrlEvent(path, { headers }));
  if (r.error) throw new Error(`${api.name} failed: ${r.error.name}: ${r.error.message}`);
  const res = r.result as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean };
  return { ...res, body: res.isBase64Encoded ? Buffer.from(res.body, 'base64').toString('utf8') : res.body };
}
