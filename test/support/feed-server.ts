// A reusable local HTTP fixture server for feed tests: a table of routes to handlers, with request logging.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles one request; may write the response asynchronously (slow or endless bodies). */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

/** A running fixture server. */
export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  url(path: string): string;
  /** Adds or replaces a route (exact path including query string; `*` suffix matches a prefix). */
  route(path: string, handler: Handler): void;
  requests: SeenRequest[];
  /** Requests seen for one path. */
  hits(path: string): number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with the given routes; unknown paths answer 404. */
export async function startFeedServer(routes: Record<string, Handler> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    let handler = table.get(path);
    if (!handler) {
      for (const [k, h] of table) if (k.endsWith('*') && path.startsWith(k.slice(0, -1))) handler = h;
    }
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    port,
    url: (path) => `${baseUrl}${path}`,
    route: (path, handler) => void table.set(path, handler),
    requests,
    hits: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler answering a fixed body with status and headers. */
export function send(body: string | Buffer, opts: { status?: number; headers?: Record<string, string> } = {}): Handler {
  return (_req, res) => {
    res.writeHead(opts.status ?? 200, { 'content-type': 'application/rss+xml; charset=utf-8', ...opts.headers });
    res.end(body);
  };
}

/** A handler answering a redirect. */
export function redirect(location: string, status = 302): Handler {
  return (_req, res) => void res.writeHead(status, { location }).end();
}

/**
 * A handler that honours If-None-Match: 304 when the client sends the current ETag, else the body.
 * `etag` is read on every request so tests can change the feed between polls.
 */
export function conditional(get: () => { body: string; etag: string; contentType?: string }): Handler {
  return (req, res) => {
    const { body, etag, contentType } = get();
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType ?? 'application/rss+xml; charset=utf-8', etag });
    res.end(body);
  };
}

/** Minimal RSS 2.0 document builder for tests. */
export function rss(opts: {
  title?: string;
  link?: string;
  language?: string;
  items: { title: string; link?: string; guid?: string; description?: string; pubDate?: string; author?: string; extra?: string }[];
}): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const items = opts.items
    .map(
      (i) =>
        `<item><title>${esc(i.title)}</title>` +
        (i.link ? `<link>${esc(i.link)}</link>` : '') +
        (i.guid ? `<guid>${esc(i.guid)}</guid>` : '') +
        (i.description ? `<description>${esc(i.description)}</description>` : '') +
        (i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : '') +
        (i.author ? `<author>${esc(i.author)}</author>` : '') +
        (i.extra ?? '') +
        '</item>',
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${esc(opts.title ?? 'Test feed')}</title>` +
    `<link>${esc(opts.link ?? 'https://news.example/')}</link>` +
    (opts.language ? `<language>${opts.language}</language>` : '') +
    `\n${items}\n</channel></rss>\n`
  );
}
