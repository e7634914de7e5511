// Public story API through app.request() on dynalite: publication, filters, paging, detail, feeds, HTTP semantics.
import { gunzipSync } from 'node:zlib';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp, type AppDeps } from '../../lib/api/app.ts';
import { OutletCatalog } from '../../lib/api/catalog.ts';
import { FacetCache, listPublicStories } from '../../lib/api/queries.ts';
import { isPublic } from '../../lib/api/publication.ts';
import { listQuerySchema } from '../../lib/api/params.ts';
import {
  feedListSchema,
  healthSchema,
  jsonFeedSchema,
  outletListSchema,
  problemSchema,
  storyDetailSchema,
  storyListSchema,
} from '../../lib/api/schemas.ts';
import { standfirstOf } from '../../lib/group/headlines.ts';
import { silentLogger } from '../../lib/log.ts';
import { StorySearch } from '../../lib/search/story-search.ts';
import { storyPagePath } from '../../lib/site/urls.ts';
import type { Store } from '../../lib/store/store.ts';
import type { Item, Outlet, Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { outletRecord, storeStory, storyOf } from '../support/records.ts';
import { validateJsonFeed } from '../support/jsonfeed.ts';

const dynalite = BACKENDS.find((b) => b.name === 'dynalite')!;

const outlet = outletRecord;

const OUTLETS: Outlet[] = [
  outlet('le-devoir', 'Le Devoir', 'Montreal', 'CA', 'americas', ['fr']),
  outlet('cbc', 'CBC News', 'Toronto', 'CA', 'americas', ['en']),
  outlet('le-monde', 'Le Monde', 'Paris', 'FR', 'europe', ['fr', 'en']),
  outlet('bbc', 'BBC News', 'London', 'GB', 'europe', ['en']),
  outlet('al-jazeera', 'Al Jazeera', 'Doha', 'QA', 'middle-east', ['ar', 'en']),
  outlet('clarin', 'Clarín', 'Buenos Aires', 'AR', 'americas', ['es']),
];

const LONG_SUMMARY =
  'Les derniers soldats français ont quitté la base de Gao lundi, mettant fin à neuf ans de présence militaire au Mali. ' +
  'Le retrait, annoncé en février, s’est déroulé sans incident selon l’état-major, qui insiste sur la coordination avec les partenaires européens. ' +
  'À Bamako, la junte a salué un « jour historique », tandis que des habitants de Gao disent craindre un vide sécuritaire dans la région.';

const t = (minutes: number) => new Date(Date.UTC(2026, 10, 25, 0, 0) + minutes * 60_000).toISOString();

let seq = 0;
function mkItem(storyKey: string, outletId: string, over: Partial<Item> = {}): Item {
  const o = OUTLETS.find((x) => x.id === outletId)!;
  const id = `${storyKey}-${outletId}-${seq++}`;
  return {
    id,
    feedId: o.feeds[0]!.id,
    outletId,
    url: `https://${outletId}.example/a/${id}`,
    title: `${o.name} on ${storyKey}`,
    summary: `Summary by ${o.name} about ${storyKey}.`,
    author: `Reporter ${outletId}`,
    language: o.languages[0]!,
    publishedAt: t(seq),
    firstSeenAt: t(seq),
    contentHash: `h-${id}`,
    ...over,
  };
}

interface Seeded {
  stories: Story[];
  items: Map<string, Item[]>;
}

async function seedStory(store: Store, s: Partial<Story> & { id: string; updatedAt: string }, items: Item[], out: Seeded): Promise<Story> {
  const story = storyOf(s, items);
  await storeStory(store, story, items);
  out.stories.push(story);
  out.items.set(story.id, items);
  return story;
}

const POLICY = { mode: 'outlets' as const, minOutlets: 2 };

describe('public API on dynalite', () => {
  let db: TestDb;
  let app: Hono;
  const seeded: Seeded = { stories: [], items: new Map() };
  const deps = (over: Partial<AppDeps> = {}): AppDeps => ({
    store: db.store,
    config: { publish: POLICY, stage: 'test' },
    log: silentLogger,
    cache: false,
    publicUrl: 'https://api.roundup.test',
    ...over,
  });
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  beforeAll(async () => {
    db = await openTestDb(dynalite);
    await db.store.putOutlets(OUTLETS);
    const s = db.store;
    await seedStory(
      s,
      { id: 'mali', updatedAt: t(5000), label: 'Retrait du Mali', headline: 'France completes its withdrawal from Mali', summary: 'French troops leave Gao.' },
      [
        mkItem('mali', 'le-devoir', { author: 'François Brousseau', summary: LONG_SUMMARY, title: 'La France quitte le Mali', publishedAt: t(10) }),
        mkItem('mali', 'le-monde', { publishedAt: t(20), title: 'Le dernier soldat français a quitté le Mali' }),
        mkItem('mali', 'le-monde', { publishedAt: t(30), title: 'Mali : ce que laisse Barkhane', author: undefined, language: 'und' }),
        mkItem('mali', 'bbc', { publishedAt: t(25) }),
      ],
      seeded,
    );
    await seedStory(s, { id: 'solo', updatedAt: t(4990) }, [mkItem('solo', 'cbc')], seeded);
    await seedStory(s, { id: 'solo-approved', updatedAt: t(4980), status: 'approved' }, [mkItem('solo-approved', 'clarin')], seeded);
    await seedStory(s, { id: 'hidden', updatedAt: t(4970), hidden: true }, [mkItem('hidden', 'bbc'), mkItem('hidden', 'cbc')], seeded);
    await seedStory(s, { id: 'unpub', updatedAt: t(4960), status: 'unpublished' }, [mkItem('unpub', 'bbc'), mkItem('unpub', 'le-monde')], seeded);
    await seedStory(s, { id: 'merged', updatedAt: t(4950), mergedInto: 'mali' }, [mkItem('merged', 'bbc'), mkItem('merged', 'cbc')], seeded);
    await seedStory(
      s,
      { id: 'quebec', updatedAt: t(4940), label: 'Élections au Québec', headline: 'Quebec votes', summary: 'Le Québec élit son gouvernement.' },
      [mkItem('quebec', 'le-devoir'), mkItem('quebec', 'cbc')],
      seeded,
    );
    // Filler: a mix of public (2–3 outlets) and non-public (1 outlet) stories, so filters and pages cross store pages.
    const rota = ['le-devoir', 'cbc', 'le-monde', 'bbc', 'al-jazeera', 'clarin'];
    for (let i = 0; i < 60; i++) {
      const n = i % 3 === 0 ? 1 : 2 + (i % 2);
      const outs = Array.from({ length: n }, (_, k) => rota[(i + k * 2) % rota.length]!);
      await seedStory(s, { id: `f${String(i).padStart(2, '0')}`, updatedAt: t(4000 - i * 10) }, outs.map((o) => mkItem(`f${i}`, o)), seeded);
    }
    app = createApp(deps());
  });
  afterAll(async () => db?.close());

  const expectedPublic = (pred: (s: Story) => boolean = () => true) =>
    seeded.stories
      .filter((s) => isPublic(s, POLICY) && pred(s))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((s) => s.id);

  async function pageAll(query: string, limit: number): Promise<{ ids: string[]; pages: number; midPageCuts: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let midPageCuts = 0;
    do {
      const res = await get(`/stories?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const body = storyListSchema.parse(await res.json());
      expect(body.stories.length).toBeLessThanOrEqual(limit);
      ids.push(...body.stories.map((x) => x.id));
      cursor = body.nextCursor;
      // White-box: count cursors that resume inside a store page (the path that must not skip or repeat stories).
      if (cursor && (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { k?: number }).k) midPageCuts++;
      pages++;
    } while (cursor && pages < 50);
    return { ids, pages, midPageCuts };
  }

  it('lists only public stories, most recently updated first, with counts', async () => {
    const res = await get('/stories?limit=100');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = storyListSchema.parse(await res.json());
    expect(body.stories.map((s) => s.id)).toEqual(expectedPublic());
    const ids = body.stories.map((s) => s.id);
    expect(ids).toContain('solo-approved');
    for (const hidden of ['solo', 'hidden', 'unpub', 'merged']) expect(ids).not.toContain(hidden);
    const mali = body.stories[0]!;
    expect(mali).toMatchObject({
      id: 'mali',
      url: 'https://api.roundup.test/stories/mali',
      label: 'Retrait du Mali',
      firstSeenAt: seeded.items.get('mali')![0]!.firstSeenAt,
      counts: { items: 4, outlets: 3, countries: 3, languages: 2 },
      countries: ['CA', 'FR', 'GB'],
      regions: ['americas', 'europe'],
      languages: ['en', 'fr'],
      blindspot: false,
    });
    expect(body.nextCursor).toBeNull();
  });

  it('pages with an opaque cursor that resumes exactly, also when filtering cuts store pages', async () => {
    let cuts = 0;
    for (const [query, pred] of [
      ['', () => true],
      ['&country=FR', (s: Story) => s.outletIds.includes('le-monde')],
      ['&region=middle-east,americas', (s: Story) => s.outletIds.some((o) => ['al-jazeera', 'le-devoir', 'cbc', 'clarin'].includes(o))],
      ['&outlet=bbc', (s: Story) => s.outletIds.includes('bbc')],
      ['&minOutlets=3', (s: Story) => s.outletIds.length >= 3],
    ] as const) {
      const { ids, pages, midPageCuts } = await pageAll(query, 7);
      expect(ids, query).toEqual(expectedPublic(pred));
      expect(pages).toBeGreaterThan(1);
      cuts += midPageCuts;
    }
    expect(cuts).toBeGreaterThan(0);
  });

  it('filters by language from the articles, with "und" counted under the outlet language', async () => {
    const body = storyListSchema.parse(await (await get('/stories?limit=100&lang=ar')).json());
    expect(body.stories.map((s) => s.id)).toEqual(expectedPublic((s) => s.outletIds.includes('al-jazeera')));
    const es = storyListSchema.parse(await (await get('/stories?limit=100&lang=es,ar')).json());
    expect(es.stories.map((s) => s.id)).toEqual(expectedPublic((s) => s.outletIds.includes('al-jazeera') || s.outletIds.includes('clarin')));
  });

  it('searches label, headline and summary ignoring case and accents, all words required', async () => {
    const ids = async (q: string) => storyListSchema.parse(await (await get(`/stories?q=${encodeURIComponent(q)}`)).json()).stories.map((s) => s.id);
    expect(await ids('quebec')).toEqual(['quebec']);
    expect(await ids('ÉLECTIONS québec')).toEqual(['quebec']);
    expect(await ids('mali gao')).toEqual(['mali']);
    // Every word is required.
    expect(await ids('mali zanzibar')).toEqual([]);
  });

  it('searches every item of a story, by word or stem in its language, and pages the hits', async () => {
    const ids = async (q: string) => storyListSchema.parse(await (await get(`/stories?q=${encodeURIComponent(q)}`)).json()).stories.map((s) => s.id);
    // Only in one member's title (Le Monde, language undetermined), and only in one member's summary (French).
    expect(await ids('barkhane')).toEqual(['mali']);
    expect(await ids('junte')).toEqual(['mali']);
    // A French stem: "soldat" finds "soldats" and "soldat" of the members.
    expect(await ids('SOLDAT')).toEqual(['mali']);
    // Stories that are not public never come back: "solo" (one outlet) is left out, "solo-approved" (approved) is
    // found; a merged story's words count for the story that absorbed it.
    expect(await ids('solo')).toEqual(['solo-approved']);
    expect(await ids('merged')).toEqual(['mali']);
    // Ranked by relevance, then recency; the cursor resumes after the last hit of the page.
    const first = storyListSchema.parse(await (await get('/stories?q=summary&limit=5')).json());
    expect(first.stories).toHaveLength(5);
    const second = storyListSchema.parse(await (await get(`/stories?q=summary&limit=5&cursor=${first.nextCursor}`)).json());
    const all = expectedPublic();
    expect([...first.stories, ...second.stories].map((s) => s.id)).toEqual(all.slice(0, 10));
  });

  it('syncs incrementally with updatedSince and reports stories withdrawn since then', async () => {
    const res = await get(`/stories?updatedSince=${encodeURIComponent('2026-11-28T10:50:00+02:00')}`);
    const body = storyListSchema.parse(await res.json());
    const since = new Date('2026-11-28T10:50:00+02:00').toISOString();
    expect(body.stories.map((s) => s.id)).toEqual(expectedPublic((s) => s.updatedAt >= since));
    expect(body.stories.length).toBeGreaterThan(0);
    expect(body.removed).toEqual([
      { id: 'hidden', mergedInto: null },
      { id: 'unpub', mergedInto: null },
      { id: 'merged', mergedInto: 'mali' },
    ]);
    const all = storyListSchema.parse(await (await get('/stories')).json());
    expect(all.removed).toEqual([]);
  });

  it('stops at the scan budget with a short page and a cursor that resumes where it stopped', async () => {
    const deps = { store: db.store, catalog: new OutletCatalog(db.store, silentLogger), policy: POLICY, facets: new FacetCache(), search: new StorySearch(db.store) };
    const q = listQuerySchema.parse({ limit: '50', lang: 'ar' });
    const first = await listPublicStories(deps, q, { budget: 10 });
    expect(first.examined).toBeLessThanOrEqual(10);
    expect(first.stories.length).toBeLessThan(expectedPublic((s) => s.outletIds.includes('al-jazeera')).length);
    expect(first.nextCursor).not.toBeNull();
    const ids = first.stories.map((s) => s.story.id);
    let cursor = first.nextCursor;
    for (let i = 0; cursor && i < 30; i++) {
      const next = await listPublicStories(deps, { ...q, cursor }, { budget: 10 });
      ids.push(...next.stories.map((s) => s.story.id));
      cursor = next.nextCursor;
    }
    expect(ids).toEqual(expectedPublic((s) => s.outletIds.includes('al-jazeera')));
  });

  it('rejects bad, unknown and repeated parameters with problem+json listing what is allowed', async () => {
    for (const [path, needle] of [
      ['/stories?limit=0', 'limit'],
      ['/stories?limit=101', 'limit'],
      ['/stories?limit=abc', 'limit'],
      ['/stories?updatedSince=yesterday', 'updatedSince'],
      ['/stories?region=mars', 'region'],
      ['/stories?lang=French', 'lang'],
      ['/stories?country=FRA', 'country'],
      ['/stories?minOutlets=0', 'minOutlets'],
      ['/stories?sort=new', 'allowed: cursor, limit, updatedSince, lang, country, region, outlet, q, minOutlets'],
      ['/stories?limit=5&limit=6', 'more than once'],
      ['/stories?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['/outlets?x=1', 'allowed: none'],
      ['/stories/mali?verbose=1', 'Unknown parameter verbose'],
      ['/feed.json?limit=1000', 'limit'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const problem = problemSchema.parse(await res.json());
      expect(problem.status).toBe(400);
      expect(JSON.stringify(problem.errors), path).toContain(needle);
    }
  });

  it('refuses a cursor made for other filters', async () => {
    const first = storyListSchema.parse(await (await get('/stories?limit=2&country=FR')).json());
    expect(first.nextCursor).toBeTruthy();
    const res = await get(`/stories?limit=2&country=GB&cursor=${first.nextCursor}`);
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/other filters/);
    // Same filters, other page size: the cursor still applies.
    expect((await get(`/stories?limit=3&country=FR&cursor=${first.nextCursor}`)).status).toBe(200);
  });

  it('shows one story with perspectives grouped by outlet, verbatim excerpts and coverage', async () => {
    const res = await get('/stories/mali');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, s-maxage=900, stale-while-revalidate=3600');
    const body = storyDetailSchema.parse(await res.json());
    expect(body.perspectives.map((p) => p.outlet.name)).toEqual(['Le Devoir', 'Le Monde', 'BBC News']);
    const devoir = body.perspectives[0]!;
    expect(devoir.outlet).toEqual({ id: 'le-devoir', name: 'Le Devoir', city: 'Montreal', country: 'CA', region: 'americas', homepage: 'https://le-devoir.example' });
    const it0 = devoir.items[0]!;
    expect(it0).toMatchObject({ author: 'François Brousseau', title: 'La France quitte le Mali', language: 'fr', link: expect.stringMatching(/^https:\/\/le-devoir\.example\/a\//) });
    expect(it0.excerpt!.endsWith('…')).toBe(true);
    const cut = it0.excerpt!.slice(0, -1);
    expect(LONG_SUMMARY.startsWith(cut)).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(280);
    expect(LONG_SUMMARY[cut.length]).toMatch(/[\s,.;:]/);
    const monde = body.perspectives[1]!;
    expect(monde.items.map((i) => i.title)).toEqual(['Le dernier soldat français a quitté le Mali', 'Mali : ce que laisse Barkhane']);
    expect(monde.items[1]).toMatchObject({ author: null, language: 'fr' });
    expect(body.coverage).toEqual({
      countries: [
        { key: 'FR', outlets: 1, items: 2 },
        { key: 'CA', outlets: 1, items: 1 },
        { key: 'GB', outlets: 1, items: 1 },
      ],
      regions: [
        { key: 'europe', outlets: 2, items: 3 },
        { key: 'americas', outlets: 1, items: 1 },
      ],
      languages: [
        { key: 'fr', outlets: 2, items: 3 },
        { key: 'en', outlets: 1, items: 1 },
      ],
      blindspot: false,
    });
    expect(body.counts).toEqual({ items: 4, outlets: 3, countries: 3, languages: 2 });
  });

  it('flags a blindspot when every outlet is from one region', async () => {
    const body = storyDetailSchema.parse(await (await get('/stories/quebec')).json());
    expect(body.coverage.regions).toEqual([{ key: 'americas', outlets: 2, items: 2 }]);
    expect(body.coverage.blindspot).toBe(true);
    expect(body.blindspot).toBe(true);
  });

  it('redirects a merged story to the one that absorbed it and hides withheld stories as not found', async () => {
    const res = await get('/stories/merged');
    expect(res.status).toBe(308);
    expect(new URL(res.headers.get('location')!, 'https://api.roundup.test/stories/merged').pathname).toBe('/stories/mali');
    const bodies = new Set<string>();
    for (const id of ['hidden', 'unpub', 'solo', 'does-not-exist']) {
      const r = await get(`/stories/${id}`);
      expect(r.status, id).toBe(404);
      expect(r.headers.get('cache-control')).toBe('no-store');
      const p = problemSchema.parse(await r.json());
      bodies.add(JSON.stringify({ ...p, detail: p.detail!.replace(id, 'ID'), instance: undefined }));
    }
    expect(bodies.size).toBe(1);
    expect((await get('/stories/solo-approved')).status).toBe(200);
  });

  it('builds links from X-Forwarded-Host only when told to, and never shares cached bodies across hosts', async () => {
    const behindCloudFront = createApp(deps({ publicUrl: undefined, trustForwardedHost: true, cache: {} }));
    const urlOf = async (a: Hono, headers: Record<string, string>) =>
      (storyListSchema.parse(await (await a.request('http://abc.lambda-url.test/stories?limit=1', { headers })).json()).stories[0]!.url);
    expect(await urlOf(behindCloudFront, { 'x-forwarded-host': 'news.example.org' })).toBe('https://news.example.org/stories/mali');
    // A direct caller forging the header gets its own entry; the reader's host is not poisoned.
    expect(await urlOf(behindCloudFront, { 'x-forwarded-host': 'evil.example' })).toBe('https://evil.example/stories/mali');
    expect(await urlOf(behindCloudFront, { 'x-forwarded-host': 'news.example.org' })).toBe('https://news.example.org/stories/mali');
    // Not a host: ignored, the request's own origin is used.
    expect(await urlOf(behindCloudFront, { 'x-forwarded-host': 'a b/<c>' })).toBe('http://abc.lambda-url.test/stories/mali');
    // Untrusted (the local server): the header changes nothing; a configured public URL always wins.
    const local = createApp(deps({ publicUrl: undefined }));
    expect(await urlOf(local, { 'x-forwarded-host': 'news.example.org' })).toBe('http://abc.lambda-url.test/stories/mali');
    const configured = createApp(deps({ trustForwardedHost: true }));
    expect(await urlOf(configured, { 'x-forwarded-host': 'news.example.org' })).toBe('https://api.roundup.test/stories/mali');
  });

  it('in editor mode publishes approved stories only', async () => {
    const editorApp = createApp(deps({ config: { publish: { mode: 'editor', minOutlets: 2 }, stage: 'test' } }));
    const body = storyListSchema.parse(await (await editorApp.request('/stories?limit=100')).json());
    expect(body.stories.map((s) => s.id)).toEqual(['solo-approved']);
    expect((await editorApp.request('/stories/mali')).status).toBe(404);
  });

  it('answers 304 to a matching If-None-Match, also across compression', async () => {
    const res = await get('/stories?limit=5');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=300, stale-while-revalidate=600');
    expect(res.headers.get('vary')).toMatch(/Accept-Encoding/i);
    const again = await get('/stories?limit=5', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await get('/stories?limit=5', { 'if-none-match': '"other", ' + etag.slice(2) })).status).toBe(304);
    expect((await get('/stories?limit=6', { 'if-none-match': etag })).status).toBe(200);

    const gz = await get('/stories?limit=50', { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const plain = await get('/stories?limit=50');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(await plain.text());
    expect(gz.headers.get('etag')).toBe(plain.headers.get('etag'));
    expect((await get('/stories?limit=50', { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.get('etag')! })).status).toBe(304);
    // Public answers come in gzip or identity: a deflate-only client, or one refusing gzip, gets identity.
    const deflate = await get('/stories?limit=50', { 'accept-encoding': 'deflate' });
    expect(deflate.headers.get('content-encoding')).toBeNull();
    expect(await deflate.text()).toBe(await (await get('/stories?limit=50')).text());
    expect((await get('/stories?limit=50', { 'accept-encoding': 'gzip;q=0, identity' })).headers.get('content-encoding')).toBeNull();
    // Small bodies are not worth compressing.
    expect((await get('/stories?q=nothing-matches', { 'accept-encoding': 'gzip' })).headers.get('content-encoding')).toBeNull();
  });

  it('answers HEAD like GET without a body and refuses other methods with 405', async () => {
    const head = await app.request('/stories/mali', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBeTruthy();
    expect(await head.text()).toBe('');
    const post = await app.request('/stories', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await app.request('/nope')).status).toBe(404);
    expect((await app.request('/stories/')).status).toBe(404);
  });

  it('lets browser apps read responses and errors (CORS) and preflight If-None-Match', async () => {
    const origin = { origin: 'https://app.example' };
    const ok = await get('/stories', origin);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    const bad = await get('/stories?limit=0', origin);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await app.request('/stories/mali', {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,HEAD,OPTIONS');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-none-match');
  });

  it('lists outlets with their feeds and feed health', async () => {
    await db.store.ensureFeeds(
      OUTLETS.map((o) => ({ feedId: o.feeds[0]!.id, outletId: o.id, url: o.feeds[0]!.url, consecutiveFailures: 0, nextDueAt: t(0), itemsSeen: 0 })),
    );
    const bbc = (await db.store.getFeed('bbc/main'))!;
    await db.store.saveFeed({ ...bbc, lastAttemptAt: t(100), httpStatus: 503, errorClass: 'FetchHttpError', errorMessage: 'HTTP 503', consecutiveFailures: 2 });
    const cbc = (await db.store.getFeed('cbc/main'))!;
    await db.store.saveFeed({ ...cbc, lastAttemptAt: t(100), lastSuccessAt: t(100), httpStatus: 200, itemsSeen: 12, etag: '"abc"' });

    const outlets = outletListSchema.parse(await (await get('/outlets')).json());
    expect(outlets.outlets.map((o) => o.id)).toEqual([...OUTLETS.map((o) => o.id)].sort());
    expect(outlets.outlets.find((o) => o.id === 'le-monde')).toEqual({
      id: 'le-monde',
      name: 'Le Monde',
      city: 'Paris',
      country: 'FR',
      region: 'europe',
      languages: ['fr', 'en'],
      homepage: 'https://le-monde.example',
      feeds: [{ id: 'le-monde/main', url: 'https://le-monde.example/rss', title: 'Le Monde — main', language: 'fr' }],
    });

    const res = await get('/feeds');
    expect(res.headers.get('cache-control')).toBe('public, max-age=30, s-maxage=60');
    const feeds = feedListSchema.parse(await res.json()).feeds;
    expect(feeds.find((f) => f.feedId === 'bbc/main')).toMatchObject({ status: 'failing', httpStatus: 503, errorClass: 'FetchHttpError', consecutiveFailures: 2 });
    expect(feeds.find((f) => f.feedId === 'cbc/main')).toMatchObject({ status: 'ok', itemsSeen: 12, lastSuccessAt: t(100) });
    expect(feeds.find((f) => f.feedId === 'clarin/main')).toMatchObject({ status: 'pending', lastAttemptAt: null });
    expect(JSON.stringify(feeds)).not.toContain('abc');
  });

  it('reports health, and 503 problem+json when the table is unreachable', async () => {
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(healthSchema.parse(await ok.json()).stage).toBe('test');
    const broken = createApp(deps({ store: { ...db.store, getStory: async () => Promise.reject(new Error("ECONNREFUSED")) } }));
    const res = await broken.request('/healthz');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('30');
    expect(problemSchema.parse(await res.json())).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });

  it('serves a valid JSON Feed 1.1 with perspectives in the _roundup extension', async () => {
    const res = await get('/feed.json?limit=10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const doc = await res.json();
    expect(validateJsonFeed(doc)).toEqual([]);
    const feed = jsonFeedSchema.parse(doc);
    expect(feed.items.map((i) => i.id)).toEqual(expectedPublic().slice(0, 10));
    expect(feed.feed_url).toBe('https://api.roundup.test/feed.json?limit=10');
    expect(feed.next_url).toMatch(/^https:\/\/api\.roundup\.test\/feed\.json\?limit=10&cursor=/);
    const mali = feed.items[0]!;
    expect(mali._roundup.perspectives.map((p) => p.outlet.name)).toEqual(['Le Devoir', 'Le Monde', 'BBC News']);
    // Entries open the story page on the reader site; the API URL stays under _roundup.
    expect(feed.home_page_url).toBe('https://api.roundup.test/');
    expect(mali.url).toBe('https://api.roundup.test/s/mali/retrait-du-mali');
    expect(mali._roundup.apiUrl).toBe('https://api.roundup.test/stories/mali');
    // The roundup as the seed prints it, in text and in HTML.
    expect(mali.content_text).toContain('” said François Brousseau in Le Devoir (Montreal).\nLa France quitte le Mali — Le Devoir (Montreal, CA): https://le-devoir.example/');
    expect(mali.content_text).toContain('“Summary by BBC News about mali,” said Reporter bbc in BBC News (London).');
    expect(mali.content_html).toContain('said <span class="person">François Brousseau</span> in <cite>Le Devoir</cite> (Montreal).');
    expect(mali.content_html).toContain('<span class="q" lang="fr" dir="ltr">Les derniers soldats français');
    expect(mali.authors.map((a) => a.name)).toEqual(['Le Devoir', 'Le Monde', 'BBC News']);
    // The desk's language (English) by default: the story has an English article, so its title leads the entry.
    expect(mali.language).toBe('en');
    expect(mali.title).toBe('BBC News on mali');
    const fr = jsonFeedSchema.parse(await (await get('/feed.json?limit=10&lang=fr')).json()).items[0]!;
    // The standfirst: the article's summary in whole sentences up to 300 characters.
    expect(fr).toMatchObject({ id: 'mali', title: 'La France quitte le Mali', language: 'fr', summary: standfirstOf(LONG_SUMMARY) });
    expect(fr.summary!.length).toBeLessThanOrEqual(300);
    expect(LONG_SUMMARY.startsWith(fr.summary!)).toBe(true);
    const next = await get(feed.next_url!.replace('https://api.roundup.test', ''));
    const page2 = jsonFeedSchema.parse(await next.json());
    expect(page2.items.map((i) => i.id)).toEqual(expectedPublic().slice(10, 20));
    const filtered = jsonFeedSchema.parse(await (await get('/feed.json?lang=ar')).json());
    expect(filtered.language).toBe('ar');
    expect(filtered.home_page_url).toBe('https://api.roundup.test/?lang=ar');
    for (const it of filtered.items) expect(it.url).toMatch(/^https:\/\/api\.roundup\.test\/s\/[\w-]+\/[\w-]+\?lang=ar$/);
    expect(filtered.items.map((i) => i.id)).toEqual(expectedPublic((s) => s.outletIds.includes('al-jazeera')).slice(0, 20));
  });

  it('serves RSS 2.0 that parses, with hostile text escaped', async () => {
    const hostileItems = [
      mkItem('hostile', 'bbc', { title: 'Tom & Jerry <script>alert(1)</script>', summary: 'Quotes "double" and \'single\' ]]> \u0001 end' }),
      mkItem('hostile', 'le-monde'),
    ];
    await seedStory(db.store, { id: 'hostile', updatedAt: t(6000), headline: 'A <b>bold</b> & "quoted" claim]]>\u0007', headlineByEditor: true, label: 'x & y' }, hostileItems, seeded);
    const res = await get('/feed.xml?limit=5');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const xml = await res.text();
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toContain('\u0007');
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('Roundup');
    expect(feed.items[0]!.title).toBe('A <b>bold</b> & "quoted" claim]]>');
    expect(feed.items[0]!.guid).toBe('https://api.roundup.test/stories/hostile');
    // The description is HTML: hostile text arrives escaped inside it, and reads back as the text it was.
    expect(feed.items[0]!.content).not.toContain('<script>');
    expect(feed.items[0]!.content).toContain('Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(feed.items[0]!.contentSnippet).toContain('Tom & Jerry <script>alert(1)</script>');
    const labels = new Map(seeded.stories.map((s) => [s.id, s.label]));
    expect(feed.items.map((i) => i.link)).toEqual(expectedPublic().slice(0, 5).map((id) => `https://api.roundup.test${storyPagePath(id, labels.get(id)!)}`));
    const json = await get('/feed.json?limit=1');
    expect(validateJsonFeed(await json.json())).toEqual([]);
  });
});
