// The one mapping from errors to RFC 9457 problem+json responses, used by the API's onError.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AuthError, ConflictError, ForbiddenError, NotFoundError, RoundupError, UnavailableError, ValidationError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';

/** RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: string[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A path that exists, asked with a method it does not take: answered 405 with the methods it takes in `Allow`. */
export class MethodNotAllowedError extends HTTPException {
  constructor(
    readonly allow: readonly string[],
    method: string,
    path: string,
  ) {
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    super(405, { message: `${method.slice(0, 20)} is not allowed on ${shown}; use ${allow.join(', ')}` });
  }
}

/** Status code for a domain error. */
export function statusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof AuthError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof UnavailableError) return 503;
  if (err instanceof HTTPException) return err.status;
  return 500;
}

/** Builds the problem+json response for any thrown value; 5xx details are logged, never sent. */
export function problemResponse(c: Context, err: unknown, log: Logger): Response {
  const status = statusOf(err);
  const problem: Problem = {
    type: err instanceof RoundupError ? `https://roundup.news/problems/${err.code}` : 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    instance: c.req.path,
  };
  // Our own HTTPExceptions (405, 503) carry messages written for clients; other 5xx details could leak internals.
  if (status < 500 || err instanceof HTTPException) problem.detail = (err as Error).message;
  // The store gave up within the request's deadline: say when to come back, not which call failed.
  else if (err instanceof UnavailableError) problem.detail = 'The story database is not answering right now; retry after the Retry-After delay';
  if (err instanceof ValidationError && err.issues.length) problem.errors = err.issues;
  if (status >= 500) log.error('request failed', { path: c.req.path, ...errorFields(err) });
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="roundup-editor"';
  if (err instanceof MethodNotAllowedError) headers.allow = err.allow.join(', ');
  if (status === 503) headers['retry-after'] = '30';
  // The rest of a refused body is never read: the connection cannot carry another request after it.
  if (status === 413) headers.connection = 'close';
  return c.body(JSON.stringify(problem), status as ContentfulStatusCode, headers);
}
