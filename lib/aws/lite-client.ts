// Minimal AWS JSON 1.0 client with the SDK clients' `send(command)` shape, so Lambda bundles skip the SDK runtime.
import { AwsV4Signer } from 'aws4fetch';
import { ConfigError } from '../errors.ts';

/** Static AWS credentials (in Lambda: the execution role's keys from the function's environment). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How one AWS JSON 1.0 service is addressed and which SDK command classes it accepts. */
export interface JsonProtocol {
  /** `X-Amz-Target` prefix, e.g. `DynamoDB_20120810` or `AmazonSQS`. */
  targetPrefix: string;
  /** SigV4 service name, e.g. `dynamodb`, `sqs`. */
  signingName: string;
  /** First label of the regional host name, e.g. `dynamodb` in `dynamodb.eu-west-1.amazonaws.com`. */
  endpointPrefix: string;
  /**
   * Command class → operation name. Matched with `instanceof`, because bundles are minified and class names
   * (`constructor.name`) are not reliable there.
   */
  operations: ReadonlyArray<readonly [abstract new (...args: never[]) => unknown, string]>;
}

/** Options of {@link LiteAwsClient}. */
export interface LiteClientOptions {
  region: string;
  credentials: AwsCredentials;
  /** Custom endpoint (DynamoDB Local, dynalite, a proxy); default `https://<prefix>.<region>.amazonaws.com`. */
  endpoint?: string;
  /** Attempts per call for throttling, 5xx and network errors, the first included. @default 3 */
  maxAttempts?: number;
  /** Full-jitter backoff base and cap in ms. @default 25 and 1000 */
  baseDelayMs?: number;
  capDelayMs?: number;
  /** Per-attempt timeout in ms. @default 10000 */
  timeoutMs?: number;
  /** Test seams. */
  fetch?: typeof fetch;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Metadata attached to outputs and errors, shaped like the SDK's `$metadata`. */
export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
  totalRetryDelay: number;
}

/**
 * An error response from the service, shaped like the SDK's ServiceException: `name` is the short error type
 * (`ConditionalCheckFailedException`, `ThrottlingException`, …), `$metadata.httpStatusCode` is set, and extra
 * body fields (e.g. `Item` of a conditional failure with `ReturnValuesOnConditionCheckFailure: ALL_OLD`,
 * `CancellationReasons`) are copied onto the error as the SDK does.
 */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: ResponseMetadata;
  /** Set on throttling and transient failures, like the SDK's mark; lib/store/retry.ts honours it. */
  $retryable?: { throttling?: boolean };
  [field: string]: unknown;

  constructor(name: string, message: string, metadata: ResponseMetadata, fields: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    Object.assign(this, fields);
    this.name = name;
    this.$fault = (metadata.httpStatusCode ?? 500) >= 500 ? 'server' : 'client';
    this.$metadata = metadata;
  }
}

/** The request never got an HTTP response (connection reset, DNS, timeout); safe to retry like the SDK does. */
export class AwsNetworkError extends Error {
  /** errno-style code of the underlying failure (`ECONNRESET`, …) when there is one. */
  readonly code?: string;
  readonly $metadata: ResponseMetadata;
  readonly $retryable = {};

  constructor(message: string, metadata: ResponseMetadata, options: { cause: unknown; code?: string; name?: string }) {
    super(message, { cause: options.cause });
    this.name = options.name ?? 'AwsNetworkError';
    this.code = options.code;
    this.$metadata = metadata;
  }
}

// Error types the services use for "slow down": retried with backoff, and marked `$retryable.throttling`.
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'LimitExceededException',
]);

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` or `X:http://…` → the short type. */
export function shortErrorType(raw: string): string {
  return raw.split('#').pop()!.split(':')[0]!.trim();
}

/**
 * Signs one request with SigV4 (aws4fetch, WebCrypto). `content-type` is left out of the signed headers, as
 * aws4fetch does; AWS accepts any subset that includes `host` and `x-amz-date`.
 * @param datetime `YYYYMMDDTHHMMSSZ`; the current time when omitted
 * @returns the headers to send (including `authorization`, `x-amz-date` and, with a session token, `x-amz-security-token`)
 */
export async function signRequest(req: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  credentials: AwsCredentials;
  region: string;
  service: string;
  datetime?: string;
}): Promise<Headers> {
  const signer = new AwsV4Signer({
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: req.body,
    accessKeyId: req.credentials.accessKeyId,
    secretAccessKey: req.credentials.secretAccessKey,
    sessionToken: req.credentials.sessionToken,
    service: req.service,
    region: req.region,
    datetime: req.datetime,
  });
  return (await signer.sign()).headers;
}

/** `YYYYMMDDTHHMMSSZ` as SigV4 wants it. */
const amzDate = (d: Date) => d.toISOString().replace(/[:-]|\.\d{3}/g, '');

// Binary attribute values travel as base64 in AWS JSON; the SDK hands them out as Uint8Array. Roundup stores
// none today, but keeping the SDK's shape means a future `B` attribute does not silently turn into a string.
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  return value;
}
function reviver(key: string, value: unknown): unknown {
  // Inside attribute maps every value is an object, so a string (or string list) under B/BS is binary.
  if (key === 'B' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map((v: string) => new Uint8Array(Buffer.from(v, 'base64')));
  }
  return value;
}

/** Default regional endpoint of a service (`.amazonaws.com.cn` in the China partition). */
export function regionalEndpoint(endpointPrefix: string, region: string): string {
  return `https://${endpointPrefix}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * A small client for AWS JSON 1.0 services (DynamoDB, SQS) that accepts the SDK's own command objects, so the
 * code that builds commands stays the same while the bundle carries neither the Smithy runtime nor the
 * credential provider chain. It POSTs `command.input` as JSON, signs with SigV4, parses the JSON output,
 * maps error bodies to {@link AwsServiceError} and retries throttling, 5xx and network errors with capped
 * full-jitter backoff. Not implemented, because Roundup needs none of it: credential refresh, clock-skew
 * correction, endpoint discovery, response CRC32 checks (TLS already protects the body).
 */
export class LiteAwsClient {
  private readonly endpoint: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly capDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(
    private readonly protocol: JsonProtocol,
    private readonly opts: LiteClientOptions,
  ) {
    if (!opts.credentials?.accessKeyId || !opts.credentials.secretAccessKey) {
      throw new ConfigError(`${protocol.signingName}: credentials need an access key id and a secret access key`);
    }
    this.endpoint = opts.endpoint ?? regionalEndpoint(protocol.endpointPrefix, opts.region);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.baseDelayMs = opts.baseDelayMs ?? 25;
    this.capDelayMs = opts.capDelayMs ?? 1_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    // Looked up per client, not at import, so tests can stub the global.
    this.fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? (() => new Date());
  }

  /** Operation name of a command, e.g. `GetItem`. @throws TypeError for a command this client does not know */
  operationOf(command: unknown): string {
    for (const [ctor, name] of this.protocol.operations) if (command instanceof ctor) return name;
    throw new TypeError(`${this.protocol.signingName} lite client: unsupported command ${(command as object)?.constructor?.name ?? typeof command}`);
  }

  /**
   * Sends an SDK command object and resolves with the parsed output plus `$metadata`.
   * @throws AwsServiceError for an error response (after retries when retryable)
   * @throws AwsNetworkError when no response arrived in `maxAttempts` attempts
   */
  async send(command: { input: object }, _options?: unknown): Promise<any> {
    const op = this.operationOf(command);
    const body = JSON.stringify(command.input, replacer);
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      let err: AwsServiceError | AwsNetworkError;
      try {
        const res = await this.attempt(op, body);
        const text = await res.text();
        const meta: ResponseMetadata = {
          httpStatusCode: res.status,
          requestId: res.headers.get('x-amzn-requestid') ?? undefined,
          attempts: attempt,
          totalRetryDelay,
        };
        if (res.ok) return { ...(text ? (JSON.parse(text, reviver) as object) : {}), $metadata: meta };
        err = this.serviceError(res, text, meta);
      } catch (e) {
        err = this.networkError(e, op, { attempts: attempt, totalRetryDelay });
      }
      if (!this.isRetryable(err) || attempt >= this.maxAttempts) throw err;
      const delay = this.random() * Math.min(this.capDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      totalRetryDelay += delay;
      await this.sleep(delay);
    }
  }

  /** One signed POST. */
  private async attempt(op: string, body: string): Promise<Response> {
    const url = new URL(this.endpoint);
    const headers = await signRequest({
      method: 'POST',
      url: url.href,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${this.protocol.targetPrefix}.${op}` },
      body,
      credentials: this.opts.credentials,
      region: this.opts.region,
      service: this.protocol.signingName,
      datetime: amzDate(this.now()),
    });
    return this.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
  }

  private serviceError(res: Response, text: string, meta: ResponseMetadata): AwsServiceError {
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text, reviver) as Record<string, unknown>) : {};
    } catch {
      // A proxy or load balancer page rather than a service error; the status still says what happened.
    }
    const { __type, message, Message, code, ...fields } = parsed;
    const rawType = res.headers.get('x-amzn-errortype') ?? (typeof __type === 'string' ? __type : typeof code === 'string' ? code : '');
    const name = rawType ? shortErrorType(rawType) : res.status >= 500 ? 'ServiceUnavailable' : `Http${res.status}Error`;
    const msg = typeof message === 'string' ? message : typeof Message === 'string' ? Message : `${name} (HTTP ${res.status})`;
    const err = new AwsServiceError(name, msg, meta, fields);
    if (THROTTLING.has(name) || res.status === 429) err.$retryable = { throttling: true };
    return err;
  }

  private networkError(e: unknown, op: string, meta: ResponseMetadata): AwsNetworkError {
    const cause = e as { name?: string; message?: string; cause?: { code?: string } } | undefined;
    // undici reports `TypeError: fetch failed` with the socket error as its cause; AbortSignal.timeout a TimeoutError.
    const code = cause?.cause?.code;
    const name = cause?.name === 'TimeoutError' ? 'TimeoutError' : code && /^E[A-Z]+$/.test(code) ? code : undefined;
    return new AwsNetworkError(`${this.protocol.signingName} ${op}: no response (${code ?? cause?.message ?? String(e)})`, meta, {
      cause: e,
      code,
      name,
    });
  }

  private isRetryable(err: AwsServiceError | AwsNetworkError): boolean {
    if (err instanceof AwsNetworkError) return true;
    return err.$retryable !== undefined || (err.$metadata.httpStatusCode ?? 0) >= 500;
  }

  /** No sockets of its own to release (fetch pools them); present so callers can treat it like an SDK client. */
  destroy(): void {}
}

/**
 * Credentials from a Lambda-style environment map (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`). The edge passes `process.env`; lib code never reads it.
 * @throws ConfigError when the key id or secret is missing
 */
export function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (Lambda sets them from the execution role)');
  }
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}
