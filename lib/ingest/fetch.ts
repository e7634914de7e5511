// Fetches one feed with conditional GET (first version: plain fetch; hardened by the ingestion layer).
import type { FeedState } from '../types.ts';

/** What one fetch attempt produced. */
export type FetchResult =
  | { kind: 'not-modified'; status: 304; url: string }
  | {
      kind: 'ok';
      status: number;
      url: string;
      body: Buffer;
      contentType?: string;
      etag?: string;
      lastModified?: string;
    };

/** Options of a fetch attempt. */
export interface FetchOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  allowPrivateNetwork: boolean;
}

/** Error raised for a fetch that failed; `status` is the HTTP status when there was one. */
export class FetchError extends Error {
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FetchError';
  }
}

/** Fetches a feed, sending the stored validators so unchanged feeds cost a 304. */
export async function fetchFeed(state: FeedState, opts: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = { 'user-agent': opts.userAgent, accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8' };
  if (state.etag) headers['if-none-match'] = state.etag;
  if (state.lastModified) headers['if-modified-since'] = state.lastModified;
  const res = await fetch(state.url, { headers, signal: AbortSignal.timeout(opts.timeoutMs) });
  if (res.status === 304) return { kind: 'not-modified', status: 304, url: state.url };
  if (!res.ok) throw new FetchError(`HTTP ${res.status}`, res.status);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > opts.maxBytes) throw new FetchError(`Body larger than ${opts.maxBytes} bytes`, res.status);
  return {
    kind: 'ok',
    status: res.status,
    url: res.url || state.url,
    body,
    contentType: res.headers.get('content-type') ?? undefined,
    etag: res.headers.get('etag') ?? undefined,
    lastModified: res.headers.get('last-modified') ?? undefined,
  };
}
