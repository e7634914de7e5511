// Pure feed-state transitions: next due time, capped exponential backoff, Retry-After, 410, moved feeds.
import type { FeedState } from '../types.ts';

const DAY_MS = 86_400_000;

/** Consecutive sightings of the same permanent redirect before the stored URL is changed. */
export const REDIRECT_SIGHTINGS_TO_MOVE = 3;

/**
 * Redirect bookkeeping shared by success and failure: a 301/308 for the stored URL counts a sighting of
 * its target; after {@link REDIRECT_SIGHTINGS_TO_MOVE} consecutive sightings the feed moves there. An
 * attempt that answered without a permanent redirect resets the count (publishers flip-flop; one
 * misconfigured deploy must not move a feed for good).
 */
function applyRedirect(state: FeedState, permanentRedirect: string | undefined): Pick<FeedState, 'url' | 'pendingRedirect' | 'etag' | 'lastModified'> {
  if (!permanentRedirect || permanentRedirect === state.url) return { url: state.url, pendingRedirect: undefined, etag: state.etag, lastModified: state.lastModified };
  const count = state.pendingRedirect?.url === permanentRedirect ? state.pendingRedirect.count + 1 : 1;
  if (count >= REDIRECT_SIGHTINGS_TO_MOVE) return { url: permanentRedirect, pendingRedirect: undefined, etag: state.etag, lastModified: state.lastModified };
  return { url: state.url, pendingRedirect: { url: permanentRedirect, count }, etag: state.etag, lastModified: state.lastModified };
}

function withoutUndefined(s: FeedState): FeedState {
  for (const k of Object.keys(s) as (keyof FeedState)[]) if (s[k] === undefined) delete s[k];
  return s;
}

/** State after a successful fetch (200 or 304): health reset, next poll one interval later. */
export function nextStateAfterSuccess(
  state: FeedState,
  r: {
    now: string;
    status: number;
    pollMinutes: number;
    etag?: string;
    lastModified?: string;
    itemsSeen?: number;
    /** Recoverable problem of this fetch; a 304 keeps the previous one, a clean 200 clears it. */
    warning?: string;
    /** Target of a 301/308 answered for the stored URL during this attempt. */
    permanentRedirect?: string;
  },
): FeedState {
  const next: FeedState = {
    ...state,
    ...applyRedirect(state, r.permanentRedirect),
    lastAttemptAt: r.now,
    lastSuccessAt: r.now,
    httpStatus: r.status,
    consecutiveFailures: 0,
    nextDueAt: new Date(Date.parse(r.now) + r.pollMinutes * 60_000).toISOString(),
    // A 304 keeps the validators it matched; a 200 replaces them (absent ones must not be resent).
    etag: r.etag ?? (r.status === 304 ? state.etag : undefined),
    lastModified: r.lastModified ?? (r.status === 304 ? state.lastModified : undefined),
    itemsSeen: r.itemsSeen ?? state.itemsSeen,
    warning: r.status === 304 ? state.warning : r.warning,
  };
  delete next.errorClass;
  delete next.errorMessage;
  return withoutUndefined(next);
}

/**
 * State after a failed attempt: exponential backoff with full jitter, capped at one day; an error's own
 * `retryAfterMs` (from Retry-After) wins when longer (still capped at a day); HTTP 410 stops polling for
 * good — the only permanent state. Other errors never disable a feed: it keeps being retried daily at worst.
 */
export function nextStateAfterFailure(
  state: FeedState,
  r: { now: string; error: unknown; pollMinutes: number; random?: () => number; permanentRedirect?: string },
): FeedState {
  const err = r.error as (Error & { status?: number; retryAfterMs?: number; gone?: boolean }) | undefined;
  const failures = state.consecutiveFailures + 1;
  const base = r.pollMinutes * 60_000;
  const backoff = Math.min(DAY_MS, base * 2 ** Math.min(failures - 1, 30));
  const rand = r.random ?? Math.random;
  // Full jitter between the poll interval and the backoff, so failing feeds don't retry in lockstep.
  let delay = Math.min(DAY_MS, base + rand() * Math.max(0, backoff - base));
  if (typeof err?.retryAfterMs === 'number' && Number.isFinite(err.retryAfterMs)) delay = Math.min(DAY_MS, Math.max(delay, err.retryAfterMs));
  const gone = err?.gone === true || err?.status === 410;
  const next: FeedState = {
    ...state,
    ...(r.permanentRedirect ? applyRedirect(state, r.permanentRedirect) : {}),
    lastAttemptAt: r.now,
    httpStatus: typeof err?.status === 'number' ? err.status : undefined,
    errorClass: err instanceof Error ? err.name : 'Error',
    errorMessage: (err instanceof Error ? err.message : String(err)).slice(0, 1000),
    consecutiveFailures: failures,
    nextDueAt: new Date(Date.parse(r.now) + delay).toISOString(),
    ...(gone ? { gone: true } : {}),
  };
  return withoutUndefined(next);
}
