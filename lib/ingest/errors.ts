// Typed ingestion errors; each class name is stored as `errorClass` on the feed, so names must stay stable.
import { RoundupError } from '../errors.ts';

/** Base of every error a feed fetch or parse can end with; `code` is stable and machine-readable. */
export class IngestError extends RoundupError {}

/** The whole fetch (all redirect hops, headers and body) took longer than the configured timeout. */
export class FetchTimeoutError extends IngestError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('fetch_timeout', `Fetch did not complete within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The body (compressed on the wire, or once decompressed) exceeded the configured cap. */
export class BodyTooLargeError extends IngestError {
  readonly maxBytes: number;
  constructor(maxBytes: number, what: 'body' | 'decompressed body' = 'body', options?: { cause?: unknown }) {
    super('body_too_large', `Feed ${what} larger than ${maxBytes} bytes`, options);
    this.maxBytes = maxBytes;
  }
}

/** The host resolved to (or is) an address we never connect to: loopback, private, link-local, … */
export class BlockedAddressError extends IngestError {
  readonly address: string;
  constructor(address: string, message: string, options?: { cause?: unknown }) {
    super('blocked_address', message, options);
    this.address = address;
  }
}

/** The URL is unusable: not http(s), malformed, or carries credentials. */
export class InvalidUrlError extends IngestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_url', message, options);
  }
}

/** More redirect hops than allowed, or a redirect back to a URL already visited. */
export class TooManyRedirectsError extends IngestError {
  readonly chain: string[];
  constructor(message: string, chain: string[], options?: { cause?: unknown }) {
    super('too_many_redirects', message, options);
    this.chain = chain;
  }
}

/** The server answered with a status we cannot use; carries Retry-After and 410 semantics for scheduling. */
export class HttpStatusError extends IngestError {
  readonly status: number;
  /** Delay asked for by a Retry-After header (429/503), in milliseconds. */
  readonly retryAfterMs?: number;
  /** True for 410 Gone: the feed is never polled again. */
  readonly gone: boolean;
  constructor(status: number, message: string, opts: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(status === 410 ? 'gone' : 'http_status', message, { cause: opts.cause });
    this.status = status;
    this.retryAfterMs = opts.retryAfterMs;
    this.gone = status === 410;
  }
}

/** A network-level failure: DNS, connection refused/reset, TLS, malformed HTTP, bad content encoding. */
export class NetworkError extends IngestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('network', message, options);
  }
}

/** The body's bytes could not be turned into text (unknown charset that cannot be guessed, empty body). */
export class DecodeError extends IngestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('decode', message, options);
  }
}

/** The text is not a feed we can read (HTML page, broken XML, unknown format). */
export class ParseError extends IngestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('parse', message, options);
  }
}
