// Pure feed-state transitions: next due time after success or failure, with capped exponential backoff.
import type { FeedState } from '../types.ts';

const DAY_MS = 86_400_000;

/** State after a successful fetch (200 or 304): health reset, next poll one interval later. */
export function nextStateAfterSuccess(
  state: FeedState,
  r: { now: string; status: number; pollMinutes: number; etag?: string; lastModified?: string; itemsSeen?: number },
): FeedState {
  const next: FeedState = {
    ...state,
    lastAttemptAt: r.now,
    lastSuccessAt: r.now,
    httpStatus: r.status,
    consecutiveFailures: 0,
    nextDueAt: new Date(Date.parse(r.now) + r.pollMinutes * 60_000).toISOString(),
    etag: r.etag ?? (r.status === 304 ? state.etag : undefined),
    lastModified: r.lastModified ?? (r.status === 304 ? state.lastModified : undefined),
    itemsSeen: r.itemsSeen ?? state.itemsSeen,
  };
  delete next.errorClass;
  delete next.errorMessage;
  return next;
}

/**
 * State after a failed attempt: exponential backoff with full jitter, capped at one day; an error's own
 * `retryAfterMs` (from Retry-After) wins when longer; `gone` errors (HTTP 410) stop polling for good.
 */
export function nextStateAfterFailure(
  state: FeedState,
  r: { now: string; error: unknown; pollMinutes: number; random?: () => number },
): FeedState {
  const err = r.error as (Error & { status?: number; retryAfterMs?: number; gone?: boolean }) | undefined;
  const failures = state.consecutiveFailures + 1;
  const base = r.pollMinutes * 60_000;
  const backoff = Math.min(DAY_MS, base * 2 ** (failures - 1));
  const rand = r.random ?? Math.random;
  // Full jitter between the poll interval and the backoff, so failing feeds don't retry in lockstep.
  let delay = Math.min(DAY_MS, base + rand() * Math.max(0, backoff - base));
  if (err?.retryAfterMs !== undefined) delay = Math.min(DAY_MS, Math.max(delay, err.retryAfterMs));
  const gone = err?.gone === true || err?.status === 410;
  return {
    ...state,
    lastAttemptAt: r.now,
    httpStatus: err?.status,
    errorClass: err instanceof Error ? err.name : 'Error',
    errorMessage: err instanceof Error ? err.message : String(err),
    consecutiveFailures: failures,
    nextDueAt: new Date(Date.parse(r.now) + delay).toISOString(),
    ...(gone ? { gone: true } : {}),
  };
}
