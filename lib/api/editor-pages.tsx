// Editor desk web pages under /editor: cookie session (HttpOnly, SameSite=Strict) with CSRF-checked form posts.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { csrfOk, csrfToken, type Actor } from '../editor/auth.ts';
import type { StoryPatch } from '../editor/actions.ts';
import { loadReviewQueue } from '../editor/review.ts';
import { ErrorPage, QueuePage, SignInPage, StoryPage } from '../editor/pages/views.tsx';
import { statusOf } from './problem.ts';
import { isPublic } from './publication.ts';
import type { EditorServices } from './editor.ts';

/** Name of the session cookie; it holds the key itself, which is why it is HttpOnly and Strict. */
export const SESSION_COOKIE = 'roundup_editor';

type Env = { Variables: { actor: Actor; key: string; csrf: string } };

/** Form routes and pages; every POST except sign-in needs the session's CSRF token and a same-origin request. */
export function editorPages(svc: EditorServices): Hono<Env> {
  const { deps } = svc;
  const app = new Hono<Env>();

  // The pages run no script at all, so the policy can forbid every script, frame and foreign form target.
  const headers = createMiddleware(async (c, next) => {
    await next();
    if (c.req.path.startsWith('/editor/api/')) return;
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
  });
  app.use('/editor', headers);
  app.use('/editor/*', headers);

  /** Rejects cross-site posts even before the token check (defence in depth when a token leaks). */
  const sameOrigin = (c: Context) => {
    const site = c.req.header('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') throw new ForbiddenError('Cross-site form posts are refused');
    const origin = c.req.header('origin');
    if (origin && origin !== 'null' && new URL(origin).host !== c.req.header('host')) {
      throw new ForbiddenError('Cross-origin form posts are refused');
    }
  };

  const session = async (c: Context<Env>): Promise<Actor | undefined> => {
    const key = getCookie(c, SESSION_COOKIE);
    if (!key) return undefined;
    try {
      const actor = await svc.authenticate(key);
      c.set('actor', actor);
      c.set('key', key);
      c.set('csrf', csrfToken(key, deps.pepper));
      return actor;
    } catch {
      return undefined; // revoked or stale cookie: show the sign-in page
    }
  };

  /** Renders failures of page actions as HTML with the problem's status code. */
  const fail = (c: Context<Env>, err: unknown, back: string) => {
    const status = statusOf(err);
    if (status >= 500) throw err;
    return c.html(<ErrorPage actor={c.get('actor')} csrf={c.get('csrf')} status={status} message={(err as Error).message} back={back} />, status as 400);
  };

  app.get('/editor', async (c) => {
    c.header('cache-control', 'no-store');
    const actor = await session(c);
    if (!actor) return c.html(<SignInPage />, getCookie(c, SESSION_COOKIE) ? 401 : 200);
    const queue = await loadReviewQueue(deps.store, svc.reviewOptions);
    return c.html(<QueuePage actor={actor} csrf={c.get('csrf')} queue={queue.entries} flash={c.req.query('msg')} />);
  });

  app.post('/editor/sign-in', async (c) => {
    try {
      sameOrigin(c);
    } catch (err) {
      return fail(c, err, '/editor');
    }
    const form = await c.req.parseBody();
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    try {
      const actor = await svc.authenticate(key);
      setCookie(c, SESSION_COOKIE, key, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: new URL(c.req.url).protocol === 'https:',
        path: '/editor',
        maxAge: 12 * 3600,
      });
      deps.log.info('editor signed in', { keyId: actor.keyId });
      return c.redirect('/editor', 303);
    } catch {
      return c.html(<SignInPage error="That key is not valid." />, 401);
    }
  });

  app.get('/editor/go', (c) => c.redirect(`/editor/stories/${encodeURIComponent(c.req.query('id')?.trim() ?? '')}`, 303));

  // Everything below needs a session; POSTs also need the CSRF token.
  app.use('/editor/*', async (c, next) => {
    // The JSON API under /editor/api is bearer-only: unmatched paths there are 404s, not sign-in redirects.
    if (c.req.path === '/editor/sign-in' || c.req.path.startsWith('/editor/api/')) return next();
    const actor = await session(c);
    if (!actor) {
      if (c.req.method === 'GET') return c.redirect('/editor', 303);
      return c.html(<SignInPage error="Please sign in again." />, 401);
    }
    if (c.req.method === 'POST') {
      try {
        sameOrigin(c);
        const form = await c.req.parseBody({ all: true });
        const token = typeof form.csrf === 'string' ? form.csrf : undefined;
        if (!csrfOk(c.get('key'), deps.pepper, token)) throw new ForbiddenError('Missing or wrong CSRF token; reload the page');
      } catch (err) {
        return fail(c, err, '/editor');
      }
    }
    c.header('cache-control', 'no-store');
    await next();
  });

  app.post('/editor/sign-out', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/editor' });
    return c.redirect('/editor', 303);
  });

  app.get('/editor/stories/:id', async (c) => {
    const id = c.req.param('id');
    try {
      const view = await svc.storyView(id);
      if (view.story.mergedInto) return c.redirect(`/editor/stories/${view.story.mergedInto}?msg=${encodeURIComponent(`${id} was merged into this story`)}`, 303);
      const [history, outlets] = await Promise.all([deps.editorStore.history(id), deps.store.listOutlets()]);
      return c.html(
        <StoryPage
          actor={c.get('actor')}
          csrf={c.get('csrf')}
          story={view.story}
          items={view.items}
          outlets={new Map(outlets.map((o) => [o.id, o]))}
          history={history}
          isPublic={isPublic(view.story, deps.publish)}
          flash={c.req.query('msg')}
        />,
      );
    } catch (err) {
      return fail(c, err, '/editor');
    }
  });

  app.get('/editor/stories/:id/digest.md', async (c) => {
    try {
      const md = await svc.digest(c.req.param('id'), c.req.query('lang'));
      return c.body(md, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    } catch (err) {
      return fail(c, err, `/editor/stories/${c.req.param('id')}`);
    }
  });

  /** Runs one form action and redirects back to a story page with a message (post/redirect/get). */
  const action = (name: string, run: (c: Context<Env>, id: string, form: Record<string, string | string[]>, version: number | undefined) => Promise<{ to?: string; msg: string }>) =>
    app.post(`/editor/stories/:id/${name}`, async (c) => {
      const id = c.req.param('id');
      try {
        const form = (await c.req.parseBody({ all: true })) as Record<string, string | string[]>;
        const v = typeof form.version === 'string' && /^\d+$/.test(form.version) ? Number(form.version) : undefined;
        const r = await run(c, id, form, v);
        return c.redirect(`/editor/stories/${r.to ?? id}?msg=${encodeURIComponent(r.msg)}`, 303);
      } catch (err) {
        return fail(c, err, `/editor/stories/${id}`);
      }
    });

  const text = (form: Record<string, string | string[]>, k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : undefined);
  const list = (form: Record<string, string | string[]>, k: string) => {
    const v = form[k];
    return (Array.isArray(v) ? v : v ? [v] : []).flatMap((x) => x.split(/[\s,]+/)).filter(Boolean);
  };

  action('edit', async (c, id, form, v) => {
    const current = await svc.actions.liveStory(id);
    // Only fields the editor actually changed count: an untouched label must not become an "editor label".
    const patch: StoryPatch = {};
    const label = text(form, 'label');
    const headline = text(form, 'headline');
    const standfirst = text(form, 'standfirst');
    if (label !== undefined && label !== current.label) patch.label = label;
    if (headline !== undefined && headline !== current.headline) patch.headline = headline;
    if (standfirst !== undefined && standfirst !== (current.summary ?? '')) patch.standfirst = standfirst;
    if (patch.label === '' || patch.headline === '') throw new ValidationError('Label and headline cannot be empty', ['label', 'headline']);
    if (Object.keys(patch).length === 0) return { msg: 'Nothing changed' };
    await svc.actions.update(id, patch, c.get('actor'), v);
    return { msg: 'Saved' };
  });

  const OPS: Record<string, StoryPatch> = {
    approve: { status: 'approved' },
    unpublish: { status: 'unpublished' },
    reset: { status: 'auto' },
    pin: { pinned: true },
    unpin: { pinned: false },
    hide: { hidden: true },
    unhide: { hidden: false },
    lock: { locked: true },
    unlock: { locked: false },
  };
  action('status', async (c, id, form, v) => {
    const op = text(form, 'op') ?? '';
    const patch = OPS[op];
    if (!patch) throw new ValidationError(`Unknown operation "${op}"`, ['op']);
    await svc.actions.update(id, patch, c.get('actor'), v);
    return { msg: `Done: ${op}` };
  });

  action('merge', async (c, id, form, v) => {
    const sources = list(form, 'sources');
    if (sources.length === 0) throw new ValidationError('Give the ids of the stories to merge into this one', ['sources']);
    await svc.actions.merge(id, sources, c.get('actor'), v);
    return { msg: `Merged ${sources.join(', ')} into this story` };
  });

  action('split', async (c, id, form, v) => {
    const itemIds = list(form, 'itemIds');
    if (itemIds.length === 0) throw new ValidationError('Tick the items to split off', ['itemIds']);
    const r = await svc.actions.split(id, itemIds, c.get('actor'), { expectedVersion: v, label: text(form, 'label') || undefined });
    return { msg: `Split ${itemIds.length} item(s) into new story ${r.created.id}` };
  });

  action('move', async (c, id, form, v) => {
    const itemId = text(form, 'itemId');
    const to = text(form, 'to');
    if (!itemId || !to) throw new ValidationError('Give the item and the target story id', ['itemId', 'to']);
    await svc.actions.moveItem(id, itemId, to, c.get('actor'), v);
    return { msg: `Moved the item to ${to}` };
  });

  action('remove', async (c, id, form, v) => {
    const itemId = text(form, 'itemId');
    if (!itemId) throw new ValidationError('Give the item to remove', ['itemId']);
    await svc.actions.removeItem(id, itemId, c.get('actor'), v);
    return { msg: 'Removed the item' };
  });

  return app;
}
