// The Hono application: public story API (and, mounted by later layers, the editor desk).
import { Hono } from 'hono';
import type { Config } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { problemResponse } from './problem.ts';

/** What the API needs from the outside world. */
export interface AppDeps {
  store: Store;
  config: Pick<Config, 'publish' | 'stage'>;
  log: Logger;
  now?: () => Date;
}

/** Creates the API app; the same app runs in Lambda (hono/aws-lambda) and in `npm start` (@hono/node-server). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => problemResponse(c, err, deps.log));
  app.notFound((c) => problemResponse(c, new NotFoundError(`No route for ${c.req.method} ${c.req.path}`), deps.log));

  app.get('/healthz', (c) => c.json({ status: 'ok', stage: deps.config.stage }));

  app.get('/stories', async (c) => {
    const page = await deps.store.listStories({ limit: 50, cursor: c.req.query('cursor') });
    return c.json({ stories: page.items, nextCursor: page.cursor ?? null });
  });

  app.get('/stories/:id', async (c) => {
    const story = await deps.store.getStory(c.req.param('id'));
    if (!story) throw new NotFoundError(`Story ${c.req.param('id')} not found`);
    if (story.mergedInto) return c.redirect(`/stories/${story.mergedInto}`, 308);
    const items = await deps.store.getItems(story.itemIds);
    return c.json({ ...story, items });
  });

  app.get('/feeds', async (c) => c.json({ feeds: await deps.store.listFeeds() }));
  app.get('/outlets', async (c) => c.json({ outlets: await deps.store.listOutlets() }));
  return app;
}
