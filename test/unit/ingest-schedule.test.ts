// Feed-state transitions: backoff with jitter capped at a day, Retry-After, 410, moved feeds after 3 sightings.
import { describe, expect, it } from 'vitest';
import { HttpStatusError, ParseError } from '../../lib/ingest/errors.ts';
import { nextStateAfterFailure, nextStateAfterSuccess, REDIRECT_SIGHTINGS_TO_MOVE } from '../../lib/pipeline/schedule.ts';
import type { FeedState } from '../../lib/types.ts';

const NOW = '2026-11-26T10:00:00.000Z';
const base: FeedState = { feedId: 'o/f', outletId: 'o', url: 'https://old.example/rss', consecutiveFailures: 0, nextDueAt: NOW, itemsSeen: 0 };
const due = (s: FeedState) => Date.parse(s.nextDueAt) - Date.parse(NOW);
const MIN = 60_000;
const DAY = 86_400_000;

describe('failure backoff', () => {
  it('grows exponentially with full jitter between the poll interval and the backoff, capped at one day', () => {
    let s = base;
    for (let n = 1; n <= 12; n++) {
      const lo = nextStateAfterFailure(s, { now: NOW, error: new ParseError('x'), pollMinutes: 15, random: () => 0 });
      const hi = nextStateAfterFailure(s, { now: NOW, error: new ParseError('x'), pollMinutes: 15, random: () => 0.999999 });
      expect(due(lo)).toBe(15 * MIN);
      expect(due(hi)).toBeCloseTo(Math.min(DAY, 15 * MIN * 2 ** (n - 1)), -3);
      expect(hi.consecutiveFailures).toBe(n);
      s = hi;
    }
    expect(due(s)).toBeLessThanOrEqual(DAY);
    expect(s.gone).toBeUndefined(); // never disabled for ordinary errors
    expect(s).toMatchObject({ errorClass: 'ParseError', errorMessage: 'x', lastAttemptAt: NOW });
  });

  it('honours Retry-After when longer, still capped at a day', () => {
    const e = new HttpStatusError(429, 'slow down', { retryAfterMs: 3 * 3_600_000 });
    const s = nextStateAfterFailure(base, { now: NOW, error: e, pollMinutes: 15, random: () => 0 });
    expect(due(s)).toBe(3 * 3_600_000);
    expect(s.httpStatus).toBe(429);
    const far = nextStateAfterFailure(base, { now: NOW, error: new HttpStatusError(503, 'x', { retryAfterMs: 9 * DAY }), pollMinutes: 15 });
    expect(due(far)).toBe(DAY);
  });

  it('marks a feed gone on 410 only', () => {
    const s = nextStateAfterFailure(base, { now: NOW, error: new HttpStatusError(410, 'gone'), pollMinutes: 15 });
    expect(s).toMatchObject({ gone: true, httpStatus: 410, errorClass: 'HttpStatusError' });
    expect(nextStateAfterFailure(base, { now: NOW, error: new HttpStatusError(404, 'nf'), pollMinutes: 15 }).gone).toBeUndefined();
  });
});

describe('success', () => {
  it('resets health, stores validators, keeps them on 304', () => {
    const failing = nextStateAfterFailure(base, { now: NOW, error: new ParseError('x'), pollMinutes: 15 });
    const ok = nextStateAfterSuccess(failing, { now: NOW, status: 200, pollMinutes: 15, etag: '"v1"', lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT', itemsSeen: 7 });
    expect(ok).toMatchObject({ consecutiveFailures: 0, httpStatus: 200, etag: '"v1"', itemsSeen: 7, lastSuccessAt: NOW });
    expect(ok.errorClass).toBeUndefined();
    expect(due(ok)).toBe(15 * MIN);
    const nm = nextStateAfterSuccess(ok, { now: NOW, status: 304, pollMinutes: 15 });
    expect(nm).toMatchObject({ etag: '"v1"', lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT', itemsSeen: 7, httpStatus: 304 });
    expect(nextStateAfterSuccess(ok, { now: NOW, status: 200, pollMinutes: 15 }).etag).toBeUndefined();
  });

  it(`moves the feed after ${REDIRECT_SIGHTINGS_TO_MOVE} consecutive sightings of the same permanent redirect`, () => {
    const target = 'https://new.example/rss';
    let s = base;
    for (let i = 1; i < REDIRECT_SIGHTINGS_TO_MOVE; i++) {
      s = nextStateAfterSuccess(s, { now: NOW, status: 200, pollMinutes: 15, permanentRedirect: target });
      expect(s).toMatchObject({ url: base.url, pendingRedirect: { url: target, count: i } });
    }
    // An attempt without the redirect resets the count.
    const reset = nextStateAfterSuccess(s, { now: NOW, status: 200, pollMinutes: 15 });
    expect(reset.pendingRedirect).toBeUndefined();
    // A different target restarts it.
    expect(nextStateAfterSuccess(s, { now: NOW, status: 200, pollMinutes: 15, permanentRedirect: 'https://x.example/' }).pendingRedirect).toEqual({ url: 'https://x.example/', count: 1 });
    // A failing attempt that still saw the redirect counts too.
    s = nextStateAfterFailure(s, { now: NOW, error: new ParseError('x'), pollMinutes: 15, permanentRedirect: target });
    expect(s.url).toBe(target);
    expect(s.pendingRedirect).toBeUndefined();
  });
});
