// A flood of near-identical items: local outlets whose feeds all serve variations of one headline (a runaway story).
import type { Outlet } from '../../lib/types.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';

/** A running flood: the outlets to register, and how many items each feed serves (raise it between runs). */
export interface Flood {
  server: FeedServer;
  outlets: Outlet[];
  /** Items each feed serves, newest first; changing it changes every feed's body. */
  perFeed: number;
  close(): Promise<void>;
}

/**
 * Starts `outlets` outlets with one RSS feed each, serving `perFeed` items about the same event, one every
 * few minutes before `newest`, with the small differences live-blog updates have.
 */
export async function startFlood(opts: { outlets: number; perFeed: number; newest: Date }): Promise<Flood> {
  const server = await startFeedServer();
  const flood: Flood = { server, outlets: [], perFeed: opts.perFeed, close: () => server.close() };
  for (let o = 0; o < opts.outlets; o++) {
    const id = `flood-${String(o).padStart(2, '0')}`;
    const path = `/${id}.xml`;
    server.route(path, (_req, res) => {
      const items: string[] = [];
      for (let k = flood.perFeed - 1; k >= 0; k--) {
        const at = new Date(opts.newest.getTime() - (flood.perFeed - k) * 47_000 - o * 1_000).toUTCString();
        items.push(
          `<item><title>Mali: French troops leave Gao base as withdrawal from the Sahel nears its end (update ${k})</title>` +
            `<link>${server.baseUrl}/${id}/${k}</link><guid>${id}-${k}</guid><pubDate>${at}</pubDate>` +
            `<description>The last French soldiers left the Gao base on update ${k}, ending the withdrawal from Mali.</description></item>`,
        );
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>${id}</title><link>${server.baseUrl}/</link>${items.join('')}</channel></rss>`);
    });
    flood.outlets.push({
      id,
      name: `Flood ${o}`,
      city: 'Paris',
      country: 'FR',
      region: 'europe',
      languages: ['en'],
      homepage: `${server.baseUrl}/`,
      feeds: [{ id: `${id}/news`, url: server.url(path) }],
    });
  }
  return flood;
}
