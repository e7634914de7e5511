// Explicit retry with full-jitter backoff around every store call, so throttling never reaches the stages.
import { RoundupError } from '../errors.ts';

/** Error names DynamoDB uses for "slow down / try again": safe to retry because nothing was applied. */
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Retry policy of store calls. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseMs: number;
  capMs: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Default: 10 attempts, 25 ms base, 3 s cap (≈ 10 s worst case), enough to ride out bursts of throttling. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseMs: 25, capMs: 3_000 };

/** Raised when a retryable failure persisted through every attempt; `cause` is the last failure. */
export class StoreRetryExhaustedError extends RoundupError {
  readonly attempts: number;
  constructor(operation: string, attempts: number, options: { cause: unknown }) {
    super('store_unavailable', `${operation} still failing after ${attempts} attempts`, options);
    this.attempts = attempts;
  }
}

/** True for throttling and transient server/network errors (including the SDK's own `$retryable` mark). */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e) return false;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_NAMES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/** Full-jitter exponential backoff delay before retry number `attempt` (0-based). */
export const backoffMs = (attempt: number, p: RetryPolicy): number =>
  (p.random ?? Math.random)() * Math.min(p.capMs, p.baseMs * 2 ** attempt);

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits the backoff before retry number `attempt` with the policy's own sleep (tests pass a fake one). */
export const backoff = (attempt: number, p: RetryPolicy): Promise<void> => (p.sleep ?? defaultSleep)(backoffMs(attempt, p));

/**
 * Runs `fn`, retrying retryable failures with jittered backoff. Non-retryable errors (conditional check
 * failures, validation) pass through untouched so callers can branch on them.
 * @throws StoreRetryExhaustedError after `policy.attempts` retryable failures
 */
export async function withRetry<T>(operation: string, fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt + 1 >= policy.attempts) throw new StoreRetryExhaustedError(operation, attempt + 1, { cause: err });
      await backoff(attempt, policy);
    }
  }
}
