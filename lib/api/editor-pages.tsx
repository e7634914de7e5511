// Editor desk web pages under /editor: cookie session (HttpOnly, SameSite=Strict) with CSRF-checked form posts.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { csrfOk, csrfToken, type Actor } from '../editor/auth.ts';
import type { StoryPatch } from '../editor/actions.ts';
import { loadReviewQueue, parseQueueFilters, queueQuery } from '../editor/review.ts';
import { loadSuggestions } from '../editor/suggestions.ts';
import { DESK_SCRIPT, DESK_SCRIPT_PATH } from '../editor/pages/enhance.ts';
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

  // The pages run one same-origin script (and work without it), so the policy forbids inline and foreign scripts,
  // frames and foreign form targets.
  const headers = createMiddleware(async (c, next) => {
    await next();
    if (c.req.path.startsWith('/editor/api/')) return;
    c.header(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
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
    try {
      const filters = parseQueueFilters(new URL(c.req.url).searchParams);
      const queue = await loadReviewQueue(deps.store, svc.reviewOptions, filters);
      return c.html(
        <QueuePage
          actor={actor}
          csrf={c.get('csrf')}
          queue={queue.entries}
          suggestions={queue.suggestions}
          filters={filters}
          languages={queue.languages}
          flash={c.req.query('msg')}
        />,
      );
    } catch (err) {
      return fail(c, err, '/editor');
    }
  });

  // The script is public and the same for everyone; its URL changes with its content.
  app.get('/editor/assets/desk.js', (c) =>
    c.body(DESK_SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': c.req.url.endsWith(DESK_SCRIPT_PATH.slice(DESK_SCRIPT_PATH.indexOf('?'))) ? 'public, max-age=31536000, immutable' : 'no-cache',
    }),
  );

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
      const outletMap = new Map(outlets.map((o) => [o.id, o]));
      const suggestions = await loadSuggestions(deps.store, { outlets: outletMap, involving: id });
      return c.html(
        <StoryPage
          actor={c.get('actor')}
          csrf={c.get('csrf')}
          story={view.story}
          items={view.items}
          outlets={outletMap}
          history={history}
          isPublic={isPublic(view.story, deps.publish)}
          suggestions={suggestions}
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

  /**
   * Runs one action on a suggested pair. A plain form post redirects back (post/redirect/get); the desk script asks
   * for JSON (`Accept: application/json`) and gets `{ message, … }` or `{ message }` with the error status.
   */
  const pairAction = (
    name: 'merge' | 'dismiss',
    run: (c: Context<Env>, a: string, b: string, form: Record<string, string | string[]>) => Promise<{ msg: string; to?: string; json: object }>,
  ) =>
    app.post(`/editor/review/suggestions/:a/:b/${name}`, async (c) => {
      const json = (c.req.header('accept') ?? '').includes('application/json');
      const form = (await c.req.parseBody({ all: true })) as Record<string, string | string[]>;
      const back = backTo(form.back);
      try {
        const r = await run(c, c.req.param('a'), c.req.param('b'), form);
        if (json) return c.json({ message: r.msg, ...r.json });
        return c.redirect(withMessage(r.to ?? back, r.msg), 303);
      } catch (err) {
        if (!json) return fail(c, err, back);
        const status = statusOf(err);
        if (status >= 500) throw err;
        return c.json({ message: (err as Error).message }, status as 400);
      }
    });

  pairAction('merge', async (c, a, b, form) => {
    const version = (k: string) => (typeof form[k] === 'string' && /^\d+$/.test(form[k] as string) ? Number(form[k]) : undefined);
    const into = typeof form.into === 'string' && form.into ? form.into : undefined;
    const r = await svc.actions.mergeSuggestion(a, b, c.get('actor'), { into, expectedVersion: version('version'), sourceVersion: version('sourceVersion') });
    const back = backTo(form.back);
    return {
      msg: `Merged “${r.absorbed.label}” (${r.absorbed.id}) into “${r.story.label}” (${r.story.id})`,
      // Back to a story page that no longer exists on its own: go to the survivor instead.
      to: back === `/editor/stories/${r.absorbed.id}` ? `/editor/stories/${r.story.id}` : undefined,
      json: { story: { id: r.story.id, version: r.story.version }, absorbed: r.absorbed.id },
    };
  });

  pairAction('dismiss', async (c, a, b) => {
    const r = await svc.actions.dismissSuggestion(a, b, c.get('actor'));
    const [x, y] = r.stories.map((s) => `“${s.label}”`);
    const msg = r.created ? `Marked ${x} and ${y} as not the same story` : `${x} and ${y} were already marked as not the same story`;
    return { msg, json: { pair: { a: r.pair.a, b: r.pair.b }, created: r.created } };
  });

  return app;
}

/** Where a pair action returns: the queue with its filters, or a story page; anything else is the plain queue. */
function backTo(raw: unknown): string {
  if (typeof raw !== 'string') return '/editor';
  const story = /^\/editor\/stories\/([A-Za-z0-9_.:-]+)$/.exec(raw);
  if (story) return `/editor/stories/${story[1]}`;
  const queue = /^\/editor(\?.*)?$/.exec(raw);
  if (!queue) return '/editor';
  try {
    return `/editor${queueQuery(parseQueueFilters(new URLSearchParams(queue[1] ?? '')))}`;
  } catch {
    return '/editor';
  }
}

const withMessage = (path: string, msg: string) => `${path}${path.includes('?') ? '&' : '?'}msg=${encodeURIComponent(msg)}`;
