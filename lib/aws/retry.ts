// The one retry policy of AWS calls: each function's budget, what counts as unavailable, and unprocessed batch items.
import { UnavailableError } from '../errors.ts';
import { remainingMs } from './deadline.ts';

/**
 * How hard one process retries AWS calls. It is the only retry layer: the SDK's own retry strategy is
 * configured from it, nothing retries around the SDK (except items a batch call leaves unprocessed, which the
 * SDK cannot see; see `Table.batchGet` in lib/store/db.ts), and an invocation's deadline (lib/aws/deadline.ts) cuts every call short.
 */
export interface RetryBudget {
  /**
   * SDK retry mode. `standard`: exponential backoff with full jitter (50 ms base, 1 s after throttling, capped at
   * 20 s) and a retry quota shared by the client. `adaptive`: the same plus client-side rate limiting once
   * DynamoDB throttles, for the stages that write in bursts.
   */
  mode: 'standard' | 'adaptive';
  /** Attempts per call, the first included (the SDK's `maxAttempts`). */
  maxAttempts: number;
  /** TCP connect timeout of one attempt (ms). */
  connectionTimeoutMs: number;
  /** Timeout of one attempt once connected (ms); an attempt that runs over fails and may be retried. */
  requestTimeoutMs: number;
  /**
   * Lambda only: time kept free before the function's timeout. The invocation's deadline is the remaining time
   * minus this, so the handler still has time to answer (a 503, partial batch failures) and flush its logs.
   */
  reserveMs: number;
}

/** Where a client runs: one of the four functions, or a long-lived process (CLI, `npm start`, tests, benches). */
export type RetryProfile = 'api' | 'scheduler' | 'fetch' | 'group' | 'local';

/**
 * The retry budget of each function (docs/infra.md "Retries and deadlines" explains the figures). The API
 * answers readers, so it gives up early and says 503; the queue consumers can wait longer, and under
 * throttling slow down instead of hammering the table.
 */
export const RETRY_BUDGETS: Readonly<Record<RetryProfile, RetryBudget>> = {
  // 10 s Lambda timeout: 3 attempts of ≤ 2 s each, all inside a deadline 1.5 s before the timeout.
  api: { mode: 'standard', maxAttempts: 3, connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, reserveMs: 1_500 },
  // 60 s timeout: claims and sends for every due feed.
  scheduler: { mode: 'adaptive', maxAttempts: 5, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, reserveMs: 5_000 },
  // 120 s timeouts: a batch of feeds, or one grouping pass.
  fetch: { mode: 'adaptive', maxAttempts: 5, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, reserveMs: 10_000 },
  group: { mode: 'adaptive', maxAttempts: 5, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, reserveMs: 10_000 },
  // No deadline: a person or a test waits. Local databases can be slow on a busy machine, never throttled.
  local: { mode: 'standard', maxAttempts: 5, connectionTimeoutMs: 2_000, requestTimeoutMs: 15_000, reserveMs: 0 },
};

/** Error names and socket codes that mean "not reachable or too busy now", after the SDK gave up retrying. */
const UNAVAILABLE_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
]);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** True for throttling, 5xx, network failures and timeouts: the service, not the request, is the problem. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e instanceof UnavailableError) return true;
  if ((e.name && UNAVAILABLE_NAMES.has(e.name)) || (e.code && UNAVAILABLE_CODES.has(e.code)) || e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** Backoff of {@link drainUnprocessed}: full jitter, like the SDK's standard mode. */
export interface UnprocessedBackoff {
  baseMs: number;
  capMs: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_BACKOFF: UnprocessedBackoff = { baseMs: 50, capMs: 2_000 };

/**
 * The one loop outside the SDK: DynamoDB's BatchGetItem/BatchWriteItem and SQS's SendMessageBatch answer 200
 * with the items they did not process (UnprocessedKeys, UnprocessedItems, Failed), which the SDK returns as
 * a success and cannot retry. `call` sends a batch and returns what is left; this resends the rest with
 * jittered backoff, within the same attempts as the SDK (`budget.maxAttempts`) and the same deadline.
 * @throws UnavailableError when items remain after the last attempt, or the next wait would cross the deadline
 */
export async function drainUnprocessed<T>(
  service: string,
  operation: string,
  items: T[],
  call: (batch: T[]) => Promise<T[]>,
  budget: Pick<RetryBudget, 'maxAttempts'>,
  backoff: UnprocessedBackoff = DEFAULT_BACKOFF,
): Promise<void> {
  let pending = items;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= budget.maxAttempts) {
      throw new UnavailableError(service, operation, `${service} ${operation} left ${pending.length} item(s) unprocessed after ${attempt} attempts`, {
        attempts: attempt,
      });
    }
    if (attempt > 0) {
      const delay = (backoff.random ?? Math.random)() * Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1));
      const left = remainingMs();
      if (left !== undefined && left <= delay) {
        throw new UnavailableError(service, operation, `${service} ${operation} left ${pending.length} item(s) unprocessed (deadline reached after ${attempt} attempts)`, {
          attempts: attempt,
        });
      }
      await (backoff.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(delay);
    }
    pending = await call(pending);
  }
}
