// The AWS SDK clients of every process (Lambda, CLI, local stack, tests), built with the one retry policy.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { UnavailableError } from '../errors.ts';
import { deadlineSignal } from './deadline.ts';
import { RETRY_BUDGETS, isUnavailable, type RetryBudget } from './retry.ts';

/** Options shared by the client factories. */
export interface ClientOptions {
  region: string;
  /** Custom endpoint (dynalite, DynamoDB Local, an SQS emulator); gets dummy credentials when set. */
  endpoint?: string;
  /** Retry budget (default: `local`). */
  budget?: RetryBudget;
  /** Overrides `budget.maxAttempts` (tests that inject faults per attempt). */
  maxAttempts?: number;
}

/**
 * Outermost middleware of every client: once the SDK has spent its retries (or the deadline cut them short), a
 * failure that says the service is unavailable becomes an {@link UnavailableError} naming the service and the
 * operation, from the SDK's own command name (a string, unlike `constructor.name`, which minification renames).
 * Other errors (conditional check failures, validation) pass through untouched for callers to branch on.
 */
function unavailableMiddleware(service: string) {
  return (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown): Promise<unknown> => {
      try {
        return await next(args);
      } catch (err) {
        if (!isUnavailable(err) || err instanceof UnavailableError) throw err;
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const e = err as Error & { code?: string; $metadata?: { attempts?: number } };
        const attempts = e.$metadata?.attempts;
        const why = e.name === 'AbortError' ? 'deadline reached' : `${e.name}${e.code && e.code !== e.name ? ` ${e.code}` : ''}: ${e.message}`;
        throw new UnavailableError(service, operation, `${service} ${operation} unavailable after ${attempts ?? 1} attempt(s) (${why})`, {
          cause: err,
          attempts,
        });
      }
    };
}

/** The client shape both SDK clients share, as far as this module touches it. */
interface SdkClient {
  send(command: never, options?: never): Promise<unknown>;
  middlewareStack: { add(mw: never, opts: { step: 'initialize'; priority: 'high'; name: string }): void };
}

/**
 * Adds the deadline and the error mapping to a client: each `send` outside an explicit `abortSignal` gets the
 * current deadline's signal, which the SDK honours in the attempt in flight and in the backoff between retries.
 */
function harden<C extends SdkClient>(client: C, service: string): C {
  client.middlewareStack.add(unavailableMiddleware(service) as never, { step: 'initialize', priority: 'high', name: 'roundupUnavailable' });
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  client.send = ((command: unknown, options?: { abortSignal?: AbortSignal }) => {
    const signal = typeof options === 'function' || options?.abortSignal ? undefined : deadlineSignal();
    return send(command, signal ? { ...options, abortSignal: signal } : options);
  }) as C['send'];
  return client;
}

/** The SDK configuration a budget stands for (shared by both clients). */
function sdkConfig(opts: ClientOptions) {
  const budget = opts.budget ?? RETRY_BUDGETS.local;
  return {
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? budget.maxAttempts,
    retryMode: budget.mode,
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      // Without it this SDK only logs a warning when an attempt runs over requestTimeout, and keeps waiting.
      throwOnRequestTimeout: true,
    },
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}

/** A DynamoDB client with the given retry budget (Lambda: credentials and region from the execution role). */
export function createDynamoClient(opts: ClientOptions): DynamoDBClient {
  return harden(new DynamoDBClient(sdkConfig(opts)), 'DynamoDB');
}

/**
 * An SQS client with the given retry budget. Without an endpoint, requests go to the host of each call's queue
 * URL (the SDK's `useQueueUrlAsEndpoint`), as on AWS; emulators whose queue URLs name no reachable host
 * (fauxqs: `sqs.<region>.localhost`) need the endpoint.
 */
export function createSqsClient(opts: ClientOptions): SQSClient {
  return harden(new SQSClient(sdkConfig(opts)), 'SQS');
}
