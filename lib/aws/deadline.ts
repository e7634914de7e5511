// A per-invocation deadline carried through async calls, so every AWS call of one invocation stops in time.
import { AsyncLocalStorage } from 'node:async_hooks';

interface Deadline {
  /** Epoch ms. */
  at: number;
  /** Aborts at `at`; made on first use. */
  signal?: AbortSignal;
}

const current = new AsyncLocalStorage<Deadline>();

/**
 * Runs `fn` with a deadline (epoch ms) that every AWS call made inside it, however deep, stops at: the SDK
 * clients of lib/aws/clients.ts pass its abort signal to each request, which ends the attempt in flight and any
 * backoff between retries. A Lambda handler derives it from `context.getRemainingTimeInMillis()`.
 */
export function withDeadline<T>(at: number, fn: () => Promise<T>): Promise<T> {
  return current.run({ at }, fn);
}

/** Milliseconds left before the current deadline; undefined outside {@link withDeadline}. */
export function remainingMs(now = Date.now()): number | undefined {
  const d = current.getStore();
  return d ? d.at - now : undefined;
}

/** An AbortSignal that fires at the current deadline; undefined outside {@link withDeadline}. */
export function deadlineSignal(): AbortSignal | undefined {
  const d = current.getStore();
  if (!d) return undefined;
  // AbortSignal.timeout's timer does not keep the process alive.
  d.signal ??= AbortSignal.timeout(Math.max(0, d.at - Date.now()));
  return d.signal;
}

/**
 * Runs `fn` under a deadline and stops waiting for it at that deadline: `{ done: false }` then, while `fn` may
 * still be finishing (its AWS calls fail fast from then on). Lambda handlers use it to answer with partial batch
 * failures before the function's timeout, instead of being killed and having the whole batch redelivered.
 */
export async function settleBy<T>(at: number, fn: () => Promise<T>): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, at - Date.now()));
  });
  try {
    return await Promise.race([withDeadline(at, fn).then((value) => ({ done: true as const, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
