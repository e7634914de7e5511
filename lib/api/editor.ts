// Editor desk HTTP routes: bearer-authenticated JSON API for story corrections, review, history, digest, keys, OPML import.
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { FeedStore, ItemStore, OutletStore, SearchStore, StoryFailureStore, StoryStore, SuggestionStore } from '../store/store.ts';
import type { Item, Membership, Story } from '../types.ts';
import type { AddressPolicy } from '../addresses.ts';
import type { StoryPatch } from '../editor/actions.ts';
import { outletsForImport } from '../outlets/import.ts';
import { registerOutlets } from '../outlets/register.ts';
import { EditorActions } from '../editor/actions.ts';
import type { SuggestionRef } from '../editor/audit.ts';
import { bearerKey, newEditorKey, parseKey, requireRole, verifyKey, type Actor, type EditorKeyRecord, type EditorRole } from '../editor/auth.ts';
import { renderDigest } from '../editor/digest.ts';
import { DEFAULT_REVIEW_OPTIONS, loadReviewQueue, parseQueueFilters, type ReviewEntry, type ReviewOptions } from '../editor/review.ts';
import type { PairSide, SuggestionEntry } from '../editor/suggestions.ts';
import type { EditorStore } from '../editor/store.ts';
import { AuthError } from '../errors.ts';
import { idSchema } from './params.ts';
import { problemResponse } from './problem.ts';
import type { PublicationPolicy } from './publication.ts';
import { editorPages } from './editor-pages.tsx';

/** What the editor routes need; built once at the edge (the pepper comes from Secrets Manager on AWS). */
export interface EditorDeps {
  /** Stories and their items, outlets (OPML import registers them and their feeds). */
  store: StoryStore &
    Pick<StoryFailureStore, 'listStoryFailures'> &
    Pick<ItemStore, 'getItems'> &
    Pick<SearchStore, 'putSearchEntries'> &
    OutletStore &
    Pick<FeedStore, 'ensureFeeds'> &
    Pick<SuggestionStore, 'listSuggestions' | 'getPair' | 'removeSuggestion' | 'dismissPair' | 'listDismissed'>;
  editorStore: EditorStore;
  /** Server pepper for key hashes and CSRF tokens. */
  pepper: string;
  log: Logger;
  publish: PublicationPolicy;
  now?: () => Date;
  review?: Partial<ReviewOptions>;
  /** Which feed hosts an OPML import may register (default: public addresses only). */
  importAddresses?: AddressPolicy;
}

/** Shared services of the API and page routes. */
export interface EditorServices {
  deps: EditorDeps & { now: () => Date };
  actions: EditorActions;
  reviewOptions: ReviewOptions;
  /** Resolves a presented key to its actor. @throws AuthError */
  authenticate(key: string | undefined): Promise<Actor>;
  /** Story with items and memberships for the editor view (any status). @throws NotFoundError */
  storyView(id: string): Promise<StoryView>;
  /** The draft digest; `lang` (`en` default, `fr`) is the language of the prose around the quotes. */
  digest(id: string, lang?: string): Promise<string>;
  /** Creates a key and returns it once. */
  createKey(name: string, role: EditorRole): Promise<{ key: string; record: PublicKey }>;
}

/** A key record without its hash. */
export type PublicKey = Omit<EditorKeyRecord, 'hash'>;

/** An item as the editor sees it: with the reason it is in the story. */
export interface ItemView extends Item {
  membership?: Pick<Membership, 'score' | 'matched' | 'by' | 'at'>;
}

/** The editor's view of a story. */
export interface StoryView {
  story: Story;
  items: ItemView[];
}

// zod/mini (tree-shakable) like the public API's schemas: classic zod would put ~375 KB into the API bundle.
const id = idSchema;
const version = z.optional(z.number().check(z.int(), z.minimum(1)));
const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

/** The fields an editor can set on a story, with their limits. */
const patchFields = z.strictObject({
  label: z.optional(text(1, 120)),
  labels: z.optional(
    z.record(z.string().check(z.regex(/^[a-z]{2,3}$/, 'must be a language code such as en or fr')), text(0, 120)).check(
      z.refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 20, { message: 'one to 20 languages' }),
    ),
  ),
  headline: z.optional(text(1, 300)),
  standfirst: z.optional(text(0, 1000)),
  pinned: z.optional(z.boolean()),
  hidden: z.optional(z.boolean()),
  locked: z.optional(z.boolean()),
  status: z.optional(z.enum(['auto', 'approved', 'unpublished'])),
});

/** PATCH body: the fields an editor can set on a story. */
export const patchSchema = z
  .strictObject({ ...patchFields.shape, expectedVersion: version })
  .check(z.refine((b) => Object.keys(b).some((k) => k !== 'expectedVersion'), { message: 'Nothing to change' }));

/** POST /stories/:id/merge body. */
export const mergeSchema = z.strictObject({ sources: z.array(id).check(z.minLength(1), z.maxLength(50)), expectedVersion: version });
/** POST /stories/:id/split body. */
export const splitSchema = z.strictObject({
  itemIds: z.array(id).check(z.minLength(1), z.maxLength(500)),
  label: z.optional(text(1, 120)),
  expectedVersion: version,
});
/** POST /stories/:id/items/:itemId/move body. */
export const moveSchema = z.strictObject({ to: id, expectedVersion: version });
/** POST /review/suggestions/:a/:b/merge body (optional): the survivor and the versions the editor saw. */
export const pairMergeSchema = z.strictObject({ into: z.optional(id), expectedVersion: version, sourceVersion: version });
/** POST /editor/api/keys body. */
export const keySchema = z.strictObject({ name: text(1, 80), role: z.enum(['editor', 'admin']) });


/** Per-parse English messages (zod/mini ships none), without touching zod's global configuration. */
const english = en().localeError;

/** Validates with zod and turns failures into one ValidationError listing every issue. */
export function validate<T>(schema: z.ZodMiniType<T>, input: unknown): T {
  const r = schema.safeParse(input, { error: english });
  if (!r.success) {
    const issues = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    throw new ValidationError(`Invalid request: ${issues.join('; ')}`, issues);
  }
  return r.data;
}

/** Reads a JSON body; an unreadable body is a 400, not a 500. `optional`: an empty body reads as `{}`. */
async function jsonBody(c: Context, opts: { optional?: boolean } = {}): Promise<unknown> {
  try {
    if (opts.optional) {
      const text = await c.req.text();
      return text.trim() ? JSON.parse(text) : {};
    }
    return await c.req.json();
  } catch (err) {
    throw new ValidationError('The request body must be JSON', ['body'], { cause: err });
  }
}

/** A queue row as the JSON API answers it. */
export const storyRow = (e: ReviewEntry) => ({ kind: 'story' as const, ...e.story, reasons: e.reasons, cohesion: e.cohesion ?? null, languages: e.languages });

/** One story of a suggested pair, as the JSON API answers it. */
const pairSide = (p: PairSide) => ({
  id: p.story.id,
  label: p.story.label,
  headline: p.story.headline,
  status: p.story.status,
  version: p.story.version,
  itemCount: p.story.itemCount ?? p.story.itemIds.length,
  outlets: p.outlets,
  languages: p.languages,
});

/** A "possible same story" row as the JSON API answers it, with its action URLs under `base`. */
export function suggestionRow(e: SuggestionEntry, base: string) {
  const { a, b, ...s } = e.suggestion;
  const path = `${base}/review/suggestions/${a}/${b}`;
  return { kind: e.kind, a: pairSide(e.a), b: pairSide(e.b), ...s, into: e.into, links: { merge: `${path}/merge`, dismiss: `${path}/dismiss` } };
}

/**
 * The expected story version from `If-Match` (`"3"`, `W/"3"` or `3`) and/or `expectedVersion` in the body.
 * @throws ValidationError when the header is malformed or disagrees with the body
 */
export function expectedVersionOf(ifMatch: string | undefined, fromBody: number | undefined): number | undefined {
  let header: number | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const m = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(ifMatch);
    if (!m) throw new ValidationError('If-Match must be a story version such as "3"', ['If-Match']);
    header = Number(m[1]);
  }
  if (header !== undefined && fromBody !== undefined && header !== fromBody) {
    throw new ValidationError('If-Match and expectedVersion disagree', ['If-Match', 'expectedVersion']);
  }
  return header ?? fromBody;
}

/**
 * Validates an id from a path or form before it reaches the table (a key of several kilobytes is a database error).
 * @throws ValidationError naming the parameter
 */
export function checkId(name: string, value: string): string {
  const r = idSchema.safeParse(value, { error: english });
  if (r.success) return value;
  const shown = value.length > 40 ? `${value.slice(0, 40)}… (${value.length} characters)` : value;
  throw new ValidationError(`Invalid ${name}: ${r.error.issues[0]?.message ?? 'not an id'} (got ${JSON.stringify(shown)})`, [name]);
}

/**
 * The editor actions with their inputs validated, whoever calls them (the JSON API or the desk's forms): ids are ids,
 * text fields have their lengths, lists their sizes — the same rules as the JSON API's body schemas.
 */
export class CheckedActions extends EditorActions {
  // Async, so a bad id rejects like a missing story: callers that read two stories with Promise.all then see one
  // rejection, never a throw that leaves the other read's rejection unhandled.
  override async liveStory(id: string): Promise<Story> {
    return super.liveStory(checkId('story id', id));
  }

  override update(id: string, patch: StoryPatch, actor: Actor, expectedVersion?: number): Promise<Story> {
    return super.update(checkId('story id', id), validate(patchFields, patch), actor, expectedVersion);
  }

  override merge(targetId: string, sourceIds: string[], actor: Actor, expectedVersion?: number, suggestion?: SuggestionRef): Promise<Story> {
    const { sources } = validate(mergeSchema, { sources: sourceIds });
    return super.merge(checkId('story id', targetId), sources, actor, expectedVersion, suggestion);
  }

  // Its pair is read before either story: the ids are checked here, not only by liveStory.
  override mergeSuggestion(x: string, y: string, actor: Actor, opts: { into?: string; expectedVersion?: number; sourceVersion?: number } = {}) {
    return super.mergeSuggestion(checkId('story id', x), checkId('story id', y), actor, opts);
  }

  override split(sourceId: string, itemIds: string[], actor: Actor, opts: { expectedVersion?: number; label?: string } = {}) {
    const body = validate(splitSchema, { itemIds, ...(opts.label !== undefined ? { label: opts.label } : {}) });
    return super.split(checkId('story id', sourceId), body.itemIds, actor, { ...opts, label: body.label });
  }

  override moveItem(sourceId: string, itemId: string, targetId: string, actor: Actor, expectedVersion?: number) {
    return super.moveItem(checkId('story id', sourceId), checkId('item id', itemId), checkId('target story id', targetId), actor, expectedVersion);
  }

  override removeItem(storyId: string, itemId: string, actor: Actor, expectedVersion?: number): Promise<Story> {
    return super.removeItem(checkId('story id', storyId), checkId('item id', itemId), actor, expectedVersion);
  }
}

/** Builds the services shared by API and pages. */
export function editorServices(deps: EditorDeps): EditorServices {
  const full = { ...deps, now: deps.now ?? (() => new Date()) };
  const actions = new CheckedActions({ store: deps.store, editorStore: deps.editorStore, log: deps.log, now: full.now });
  return {
    deps: full,
    actions,
    reviewOptions: { ...DEFAULT_REVIEW_OPTIONS, ...deps.review },
    async authenticate(key) {
      if (!key) throw new AuthError('An editor key is required: send Authorization: Bearer <key>');
      const parsed = parseKey(key);
      const record = parsed ? await deps.editorStore.getKey(parsed.id) : undefined;
      return verifyKey(key, record, deps.pepper);
    },
    async storyView(storyId) {
      const story = await deps.store.getStory(checkId('story id', storyId));
      if (!story) throw new NotFoundError(`Story ${storyId} not found`);
      const [items, memberships] = await Promise.all([deps.store.getItems(story.itemIds), deps.store.getMemberships(story.id)]);
      const why = new Map(memberships.map((m) => [m.itemId, m]));
      return {
        story,
        items: items.map((it) => {
          const m = why.get(it.id);
          return m ? { ...it, membership: { score: m.score, matched: m.matched, by: m.by, at: m.at } } : it;
        }),
      };
    },
    async digest(storyId, lang) {
      const story = await deps.store.getStory(checkId('story id', storyId));
      if (!story) throw new NotFoundError(`Story ${storyId} not found`);
      if (story.mergedInto) return this.digest(story.mergedInto, lang);
      const [items, outlets] = await Promise.all([deps.store.getItems(story.itemIds), deps.store.listOutlets()]);
      return renderDigest(story, items, outlets, { lang });
    },
    async createKey(name, role) {
      const { key, record } = newEditorKey(name, role, deps.pepper, full.now().toISOString());
      await deps.editorStore.putKey(record);
      deps.log.info('editor key created', { keyId: record.id, role });
      return { key, record: publicKey(record) };
    },
  };
}

/** A key record without its hash, for listings. */
export function publicKey(r: EditorKeyRecord): PublicKey {
  const { hash: _hash, ...rest } = r;
  return rest;
}

/** Hono environment of the editor routes: the authenticated actor of the request. */
export type EditorEnv = { Variables: { actor: Actor } };
type Env = EditorEnv;

/**
 * Editor routes, mounted at `/` by the API app. JSON routes take `Authorization: Bearer <key>` only (never the
 * cookie, so they need no CSRF defence); the pages under `/editor` use the cookie session (see editor-pages.tsx).
 */
export function editorRoutes(deps: EditorDeps): Hono<EditorEnv> {
  const svc = editorServices(deps);
  const app = new Hono<Env>();
  app.onError((err, c) => problemResponse(c, err, deps.log));
  // Story routes answer both at the root (`/stories/:id/history`, …) and under `/editor/api` (`/editor/api/review`,
  // …): the prefixed form is what a CDN can route uncached with the Authorization header forwarded in one rule.
  const stories = new Hono<Env>();
  stories.onError((err, c) => problemResponse(c, err, deps.log));
  const desk = new Hono<Env>();
  desk.onError((err, c) => problemResponse(c, err, deps.log));

  const auth = (role: EditorRole) =>
    createMiddleware<Env>(async (c, next) => {
      const actor = await svc.authenticate(bearerKey(c.req.header('authorization')));
      requireRole(actor, role);
      c.set('actor', actor);
      await next();
      // Answers depend on the caller and change with every edit: never cached by browsers or CDNs.
      c.header('cache-control', 'no-store');
      c.header('vary', 'Authorization');
    });
  const editor = auth('editor');
  const admin = auth('admin');
  const withTag = (c: Context, story: Story, status: 200 | 201 = 200) => {
    c.header('etag', `"${story.version}"`);
    c.header('cache-control', 'no-store');
    return c.json(story, status);
  };

  stories.get('/review', editor, async (c) => {
    const filters = parseQueueFilters(new URL(c.req.url).searchParams);
    const queue = await loadReviewQueue(deps.store, svc.reviewOptions, filters);
    const base = c.req.path.startsWith('/editor/api/') ? '/editor/api' : '';
    return c.json({
      filters,
      stories: queue.entries.map(storyRow),
      suggestions: queue.suggestions.map((e) => suggestionRow(e, base)),
      languages: queue.languages,
      thresholds: svc.reviewOptions,
      writeFailures: queue.failures,
    });
  });

  // Dismissed pairs, newest first: what editors ruled out (a merge from a story page still overrides one).
  stories.get('/review/dismissed', editor, async (c) => c.json({ pairs: (await deps.store.listDismissed()).reverse() }));

  stories.post('/review/suggestions/:a/:b/merge', editor, async (c) => {
    const body = validate(pairMergeSchema, await jsonBody(c, { optional: true }));
    const ev = expectedVersionOf(c.req.header('if-match'), body.expectedVersion);
    const r = await svc.actions.mergeSuggestion(c.req.param('a'), c.req.param('b'), c.get('actor'), {
      into: body.into,
      expectedVersion: ev,
      sourceVersion: body.sourceVersion,
    });
    return withTag(c, r.story);
  });

  stories.post('/review/suggestions/:a/:b/dismiss', editor, async (c) => {
    validate(z.strictObject({}), await jsonBody(c, { optional: true }));
    const r = await svc.actions.dismissSuggestion(c.req.param('a'), c.req.param('b'), c.get('actor'));
    return c.json({ ...r.pair, created: r.created });
  });

  stories.get('/stories/:id/history', editor, async (c) => {
    const storyId = checkId('story id', c.req.param('id'));
    const story = await deps.store.getStory(storyId);
    if (!story) throw new NotFoundError(`Story ${storyId} not found`);
    return c.json({ storyId, mergedInto: story.mergedInto ?? null, entries: await deps.editorStore.history(storyId) });
  });

  stories.get('/stories/:id/digest.md', editor, async (c) => {
    const md = await svc.digest(c.req.param('id'), c.req.query('lang'));
    return c.body(md, 200, { 'content-type': 'text/markdown; charset=utf-8', 'cache-control': 'no-store' });
  });

  stories.patch('/stories/:id', editor, async (c) => {
    const body = validate(patchSchema, await jsonBody(c));
    const { expectedVersion, ...patch } = body;
    const ev = expectedVersionOf(c.req.header('if-match'), expectedVersion);
    return withTag(c, await svc.actions.update(c.req.param('id'), patch, c.get('actor'), ev));
  });

  stories.post('/stories/:id/merge', editor, async (c) => {
    const body = validate(mergeSchema, await jsonBody(c));
    const ev = expectedVersionOf(c.req.header('if-match'), body.expectedVersion);
    return withTag(c, await svc.actions.merge(c.req.param('id'), body.sources, c.get('actor'), ev));
  });

  stories.post('/stories/:id/split', editor, async (c) => {
    const body = validate(splitSchema, await jsonBody(c));
    const ev = expectedVersionOf(c.req.header('if-match'), body.expectedVersion);
    const r = await svc.actions.split(c.req.param('id'), body.itemIds, c.get('actor'), { expectedVersion: ev, label: body.label });
    c.header('location', `/stories/${r.created.id}`);
    return c.json(r, 201);
  });

  stories.post('/stories/:id/items/:itemId/move', editor, async (c) => {
    const body = validate(moveSchema, await jsonBody(c));
    const ev = expectedVersionOf(c.req.header('if-match'), body.expectedVersion);
    return c.json(await svc.actions.moveItem(c.req.param('id'), c.req.param('itemId'), body.to, c.get('actor'), ev));
  });

  stories.delete('/stories/:id/items/:itemId', editor, async (c) => {
    const ev = expectedVersionOf(c.req.header('if-match'), undefined);
    return withTag(c, await svc.actions.removeItem(c.req.param('id'), c.req.param('itemId'), c.get('actor'), ev));
  });

  desk.get('/me', editor, (c) => c.json(c.get('actor')));

  desk.get('/stories/:id', editor, async (c) => {
    const view = await svc.storyView(c.req.param('id'));
    c.header('etag', `"${view.story.version}"`);
    return c.json(view);
  });

  desk.get('/keys', admin, async (c) => c.json({ keys: (await deps.editorStore.listKeys()).map(publicKey) }));

  desk.post('/keys', admin, async (c) => {
    const body = validate(keySchema, await jsonBody(c));
    return c.json(await svc.createKey(body.name, body.role), 201);
  });

  desk.delete('/keys/:keyId', admin, async (c) => {
    const keyId = checkId('key id', c.req.param('keyId'));
    const record = await deps.editorStore.revokeKey(keyId, svc.deps.now().toISOString());
    deps.log.info('editor key revoked', { keyId, by: c.get('actor').keyId });
    return c.json(publicKey(record));
  });

  // OPML import (admin): registers outlets with their metadata and feeds; the next ingest picks the feeds up.
  desk.post('/outlets', admin, async (c) => {
    const text = await c.req.text();
    if (!text.trim()) throw new ValidationError('Send an OPML document as the request body', ['body']);
    // Checked whole before anything is written: feed URLs (http/https, no private hosts), ids, homepages.
    const outlets = outletsForImport(text, deps.importAddresses ?? { allowPrivateNetwork: false });
    const written = await registerOutlets(deps.store, outlets, svc.deps.now().toISOString());
    deps.log.info('outlets imported', { outlets: outlets.length, outletsWritten: written.outlets, feedsAdded: written.feeds, by: c.get('actor').keyId });
    return c.json({ outlets: outlets.length, feeds: outlets.reduce((n, o) => n + o.feeds.length, 0), outletsWritten: written.outlets, feedsAdded: written.feeds });
  });

  // The desk's forms: a body that cannot be read as a form is the client's mistake, answered before any page runs.
  app.use('/editor/*', async (c, next) => {
    if (c.req.method === 'POST' && !c.req.path.startsWith('/editor/api/')) {
      try {
        await c.req.parseBody();
      } catch (err) {
        throw new ValidationError(`The form could not be read: ${(err as Error).message}`, ['body'], { cause: err });
      }
    }
    await next();
  });

  app.route('/', stories);
  app.route('/editor/api', stories);
  app.route('/editor/api', desk);
  app.route('/', editorPages(svc));
  return app;
}

