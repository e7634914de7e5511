// Editor API over a real table: auth and roles, validation, optimistic locking, actions, audit, review, digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { newEditorKey } from '../../lib/editor/auth.ts';
import type { Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { deskApp, seedDesk, type DeskCall } from './editor-fixtures.ts';

const PEPPER = 'integration-pepper-0123456789';

describe('editor API (dynalite)', () => {
  let db: TestDb;
  let app: Hono;
  let editorKey: string;
  let adminKey: string;

  let call: DeskCall;
  const stored = async (id: string): Promise<Story> => (await db.store.getStory(id))!;

  beforeAll(async () => {
    db = await openTestDb(BACKENDS[0]!);
    await seedDesk(db.store);
    const desk = deskApp(db, PEPPER);
    ({ app, call } = desk);
    const editorStore = desk.editorStore;
    const now = new Date().toISOString();
    const e = newEditorKey('Eve Editor', 'editor', PEPPER, now);
    const a = newEditorKey('Ada Admin', 'admin', PEPPER, now);
    await editorStore.putKey(e.record);
    await editorStore.putKey(a.record);
    editorKey = e.key;
    adminKey = a.key;
  });
  afterAll(async () => db?.close());

  describe('outlets as OPML', () => {
    const opml = `<?xml version="1.0"?><opml version="2.0" xmlns:roundup="https://roundup.news/ns/opml"><head><title>t</title></head><body>
      <outline text="Le Faso" htmlUrl="https://lefaso.net" roundup:id="lefaso" roundup:city="Ouagadougou" roundup:country="BF" roundup:region="africa" roundup:languages="fr">
        <outline type="rss" text="Le Faso — Actualités" xmlUrl="https://lefaso.net/spip.php?page=backend" language="fr"/>
      </outline></body></opml>`;

    it('imports OPML for admins only, keeping the outlet metadata, then exports it publicly', async () => {
      expect((await call('POST', '/editor/api/outlets', { body: opml })).status).toBe(401);
      expect((await call('POST', '/editor/api/outlets', { key: editorKey, body: opml })).status).toBe(403);
      expect((await db.store.listOutlets()).some((o) => o.id === 'lefaso')).toBe(false);
      const res = await call('POST', '/editor/api/outlets', { key: adminKey, body: opml, headers: { 'content-type': 'text/x-opml' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ outlets: 1, feeds: 1, outletsWritten: 1, feedsAdded: 1 });
      const again = await call('POST', '/editor/api/outlets', { key: adminKey, body: opml, headers: { 'content-type': 'text/x-opml' } });
      expect(await again.json()).toMatchObject({ outletsWritten: 0, feedsAdded: 0 });
      const outlet = (await db.store.listOutlets()).find((o) => o.id === 'lefaso');
      expect(outlet).toMatchObject({ city: 'Ouagadougou', country: 'BF', region: 'africa', languages: ['fr'] });
      expect((await db.store.listFeeds()).some((f) => f.url === 'https://lefaso.net/spip.php?page=backend')).toBe(true);

      const exported = await call('GET', '/outlets.opml');
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toContain('text/x-opml');
      const text = await exported.text();
      expect(text).toContain('roundup:city="Ouagadougou"');
      expect(text).toContain('xmlUrl="https://lefaso.net/spip.php?page=backend"');
    });

    it('refuses private and link-local feed hosts, bad ids and non-http homepages before writing anything', async () => {
      const hostile = `<opml version="2.0" xmlns:roundup="https://roundup.news/ns/opml"><body>
        <outline text="Evil" roundup:id="evil" roundup:homepage="javascript:alert(1)" roundup:country="BF" roundup:region="africa" roundup:languages="fr">
          <outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
          <outline type="rss" text="Cache" xmlUrl="http://localhost:6379/"/>
        </outline>
        <outline text="Bad id" roundup:id="${'x'.repeat(4000)}"><outline type="rss" xmlUrl="https://bad.example/rss"/></outline>
        <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
      </body></opml>`;
      const res = await call('POST', '/editor/api/outlets', { key: adminKey, body: hostile, headers: { 'content-type': 'text/x-opml' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { detail: string; errors: string[] };
      expect(problem.detail).toMatch(/^The OPML document has 6 problems, nothing was imported: feed "Local file": xmlUrl "file:\/\/\/etc\/passwd" is not an http\(s\) URL$/);
      expect(problem.errors).toEqual([
        expect.stringMatching(/^feed "Local file"/),
        'evil: homepage: not an http(s) URL with a dotted host name',
        expect.stringMatching(/^evil: feeds\.0\.url: linkLocal address 169\.254\.169\.254/),
        expect.stringMatching(/^evil: feeds\.1\.url: localhost is a local network name/),
        expect.stringMatching(/^x{80}…: outlet id: Too big/),
        expect.stringMatching(/^x{80}…: feed id \(feed 1\): Too big/),
      ]);
      expect(JSON.stringify(problem).length).toBeLessThan(2000);
      expect((await db.store.listOutlets()).some((o) => o.id === 'evil')).toBe(false);
      expect((await db.store.listFeeds()).some((f) => f.url.includes('169.254'))).toBe(false);
    });

    it('rejects a body that is not OPML with a problem', async () => {
      const res = await call('POST', '/editor/api/outlets', { key: adminKey, body: '<html><body>no</body></html>', headers: { 'content-type': 'text/html' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  describe('authentication and roles', () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/review'],
      ['GET', '/stories/s_chile/history'],
      ['GET', '/stories/s_chile/digest.md'],
      ['PATCH', '/stories/s_chile', { label: 'Hacked' }],
      ['POST', '/stories/s_chile/merge', { sources: ['s_after'] }],
      ['POST', '/stories/s_kenya/split', { itemIds: ['i_kenya_c'] }],
      ['POST', '/stories/s_kenya/items/i_kenya_c/move', { to: 's_chile' }],
      ['DELETE', '/stories/s_kenya/items/i_kenya_c'],
      ['GET', '/editor/api/keys'],
    ];

    it('answers 401 problem+json without a key or with a wrong/malformed key, and changes nothing', async () => {
      const before = await Promise.all(['s_chile', 's_after', 's_kenya'].map(stored));
      for (const [method, path, body] of routes) {
        for (const key of [undefined, 'rk_000000000000_wrongwrongwrongwrongwrong', editorKey.slice(0, -2) + 'zz', 'not-a-key']) {
          const res = await call(method, path, { key, body });
          expect(res.status, `${method} ${path} with ${key}`).toBe(401);
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          expect(res.headers.get('www-authenticate')).toContain('Bearer');
        }
      }
      expect(await Promise.all(['s_chile', 's_after', 's_kenya'].map(stored))).toEqual(before);
    });

    it('keeps key management for admins: 403 for editors, create/list/revoke for admins', async () => {
      expect((await call('GET', '/editor/api/keys', { key: editorKey })).status).toBe(403);
      expect((await call('POST', '/editor/api/keys', { key: editorKey, body: { name: 'X', role: 'admin' } })).status).toBe(403);
      expect((await call('GET', '/editor/api/keys', { key: editorKey })).headers.get('content-type')).toContain('problem+json');

      const created = await call('POST', '/editor/api/keys', { key: adminKey, body: { name: 'Temp', role: 'editor' } });
      expect(created.status).toBe(201);
      const { key, record } = (await created.json()) as { key: string; record: { id: string; hash?: string } };
      expect(record.hash).toBeUndefined();
      expect((await call('GET', '/editor/api/me', { key })).status).toBe(200);

      const list = (await (await call('GET', '/editor/api/keys', { key: adminKey })).json()) as { keys: { id: string; hash?: string }[] };
      expect(list.keys.map((k) => k.id)).toContain(record.id);
      expect(list.keys.every((k) => k.hash === undefined)).toBe(true);

      expect((await call('DELETE', `/editor/api/keys/${record.id}`, { key: adminKey })).status).toBe(200);
      expect((await call('GET', '/editor/api/me', { key })).status).toBe(401);
      expect((await call('DELETE', '/editor/api/keys/ffffffffffff', { key: adminKey })).status).toBe(404);
    });
  });

  describe('validation and optimistic locking', () => {
    it('rejects bad bodies with 400 and every issue listed', async () => {
      const bad = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { label: '', colour: 'red' } });
      expect(bad.status).toBe(400);
      const problem = (await bad.json()) as { errors: string[] };
      expect(problem.errors.join(' ')).toMatch(/label/);
      expect(problem.errors.join(' ')).toMatch(/colour/);
      expect((await call('PATCH', '/stories/s_chile', { key: editorKey, body: {} })).status).toBe(400);
      expect((await call('PATCH', '/stories/s_chile', { key: editorKey, body: '{not json' })).status).toBe(400);
      expect((await call('POST', '/stories/s_chile/merge', { key: editorKey, body: { sources: [] } })).status).toBe(400);
      expect((await call('PATCH', '/stories/s_chile', { key: editorKey, body: { status: 'published' } })).status).toBe(400);
      expect((await call('PATCH', '/stories/s_chile', { key: editorKey, body: { pinned: true }, headers: { 'if-match': 'abc' } })).status).toBe(400);
    });

    it('answers 404 for unknown stories and items', async () => {
      expect((await call('PATCH', '/stories/s_nope', { key: editorKey, body: { pinned: true } })).status).toBe(404);
      expect((await call('GET', '/stories/s_nope/history', { key: editorKey })).status).toBe(404);
      expect((await call('POST', '/stories/s_kenya/items/i_nope/move', { key: editorKey, body: { to: 's_chile' } })).status).toBe(404);
      expect((await call('POST', '/stories/s_kenya/items/i_kenya_c/move', { key: editorKey, body: { to: 's_nope' } })).status).toBe(404);
      expect((await call('POST', '/stories/s_kenya/split', { key: editorKey, body: { itemIds: ['i_chile_a'] } })).status).toBe(404);
    });

    it('answers 409 to a stale If-Match or expectedVersion and writes nothing', async () => {
      const s = await stored('s_chile');
      const stale = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { label: 'Stale' }, headers: { 'if-match': `"${s.version + 5}"` } });
      expect(stale.status).toBe(409);
      const staleBody = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { label: 'Stale', expectedVersion: s.version + 5 } });
      expect(staleBody.status).toBe(409);
      expect(await stored('s_chile')).toEqual(s);
    });
  });

  describe('actions', () => {
    it('renames with If-Match, returns the new ETag, and the public API shows the label', async () => {
      const s = await stored('s_chile');
      const res = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { label: 'Chile quake' }, headers: { 'if-match': `"${s.version}"` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(`"${s.version + 1}"`);
      const after = await stored('s_chile');
      expect(after).toMatchObject({ label: 'Chile quake', labelByEditor: true, version: s.version + 1 });
      const pub = (await (await call('GET', '/stories/s_chile')).json()) as { label: string };
      expect(pub.label).toBe('Chile quake');
    });

    it('sets a per-language label that the public API shows, and refuses labels keyed by anything but a language code', async () => {
      const res = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { labels: { es: 'Terremoto en Chile' } } });
      expect(res.status).toBe(200);
      expect(await stored('s_chile')).toMatchObject({ labels: { es: 'Terremoto en Chile' }, labelsByEditor: ['es'] });
      const pub = (await (await call('GET', '/stories/s_chile')).json()) as { labels: Record<string, string> };
      expect(pub.labels.es).toBe('Terremoto en Chile');
      expect((await call('PATCH', '/stories/s_chile', { key: editorKey, body: { labels: { Spanish: 'x' } } })).status).toBe(400);
      expect((await call('PATCH', '/stories/s_chile', { key: editorKey, body: { labels: {} } })).status).toBe(400);
    });

    it('writes headline and standfirst, pins, approves (clearing review) and unpublishes', async () => {
      let res = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { headline: 'Deadly quake hits Chile', standfirst: 'Dozens dead near Valparaiso.' } });
      expect(res.status).toBe(200);
      expect(await stored('s_chile')).toMatchObject({ headline: 'Deadly quake hits Chile', headlineByEditor: true, summary: 'Dozens dead near Valparaiso.' });
      res = await call('PATCH', '/stories/s_chile', { key: editorKey, body: { pinned: true, status: 'approved' } });
      const approved = await stored('s_chile');
      expect(approved).toMatchObject({ pinned: true, status: 'approved' });
      expect(approved.reviewedAt).toBe(approved.updatedAt);
      const pub = (await (await call('GET', '/stories/s_chile')).json()) as { headline: string; pinned: boolean };
      expect(pub).toMatchObject({ headline: 'Deadly quake hits Chile', pinned: true });
      // Single-outlet Lagos is not public by coverage; approving publishes it, unpublishing withdraws it.
      expect((await call('GET', '/stories/s_lagos')).status).toBe(404);
      expect((await call('PATCH', '/stories/s_lagos', { key: editorKey, body: { status: 'approved' } })).status).toBe(200);
      expect((await call('GET', '/stories/s_lagos')).status).toBe(200);
      expect((await call('PATCH', '/stories/s_lagos', { key: editorKey, body: { status: 'unpublished' } })).status).toBe(200);
      expect((await call('GET', '/stories/s_lagos')).status).toBe(404);
    });

    it('hides and unhides: hidden stories leave the public listing', async () => {
      const listed = async () => ((await (await call('GET', '/stories')).json()) as { stories: { id: string }[] }).stories.map((s) => s.id);
      expect(await listed()).toContain('s_kenya');
      await call('PATCH', '/stories/s_kenya', { key: editorKey, body: { hidden: true } });
      expect(await listed()).not.toContain('s_kenya');
      await call('PATCH', '/stories/s_kenya', { key: editorKey, body: { hidden: false } });
      expect(await listed()).toContain('s_kenya');
    });

    it('merges: the survivor gains the items, the absorbed story redirects publicly and both histories record it', async () => {
      const res = await call('POST', '/stories/s_chile/merge', { key: editorKey, body: { sources: ['s_after'] } });
      expect(res.status).toBe(200);
      const chile = await stored('s_chile');
      expect(chile.itemIds).toEqual(expect.arrayContaining(['i_chile_a', 'i_chile_b', 'i_after_c', 'i_after_d']));
      expect(chile.outletIds.sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await stored('s_after')).toMatchObject({ mergedInto: 's_chile', itemIds: [] });
      const redirect = await call('GET', '/stories/s_after');
      expect([301, 302, 307, 308]).toContain(redirect.status);
      expect(redirect.headers.get('location')).toMatch(/s_chile$/);
      const ms = await db.store.getMemberships('s_chile');
      expect(ms.find((m) => m.itemId === 'i_after_d')).toMatchObject({ storyId: 's_chile', by: 'editor', score: 0.35 });
      // Merging again is refused (already absorbed elsewhere is a conflict; into the same target is a no-op).
      expect((await call('POST', '/stories/s_kenya/merge', { key: editorKey, body: { sources: ['s_after'] } })).status).toBe(409);
      expect((await call('POST', '/stories/s_chile/merge', { key: editorKey, body: { sources: ['s_after'] } })).status).toBe(200);
      expect((await call('PATCH', '/stories/s_after', { key: editorKey, body: { label: 'x' } })).status).toBe(409);
      const hist = (await (await call('GET', '/stories/s_after/history', { key: editorKey })).json()) as { entries: { action: string }[] };
      expect(hist.entries.map((e) => e.action)).toEqual(['merged-into']);
    });

    it('splits chosen items into a new public story and the source remembers them as excluded', async () => {
      const res = await call('POST', '/stories/s_kenya/split', { key: editorKey, body: { itemIds: ['i_kenya_c', 'i_kenya_d'], label: 'Kenya shilling' } });
      expect(res.status).toBe(201);
      const { created, source } = (await res.json()) as { created: Story; source: Story };
      expect(res.headers.get('location')).toBe(`/stories/${created.id}`);
      expect(created).toMatchObject({ label: 'Kenya shilling', labelByEditor: true, itemIds: ['i_kenya_c', 'i_kenya_d'] });
      expect(source.itemIds).toEqual(['i_kenya_a', 'i_kenya_b']);
      expect(source.excludedItemIds).toEqual(['i_kenya_c', 'i_kenya_d']);
      const pub = (await (await call('GET', '/stories')).json()) as { stories: { id: string }[] };
      expect(pub.stories.map((s) => s.id)).toContain(created.id);
      // Refuse to empty the story.
      expect((await call('POST', '/stories/s_kenya/split', { key: editorKey, body: { itemIds: ['i_kenya_a', 'i_kenya_b'] } })).status).toBe(400);
    });

    it('moves an item (target first, then source) and removes another', async () => {
      const res = await call('POST', '/stories/s_chile/items/i_after_d/move', { key: editorKey, body: { to: 's_kenya' } });
      expect(res.status).toBe(200);
      expect((await stored('s_kenya')).itemIds).toContain('i_after_d');
      const chile = await stored('s_chile');
      expect(chile.itemIds).not.toContain('i_after_d');
      expect(chile.excludedItemIds).toContain('i_after_d');
      const del = await call('DELETE', '/stories/s_chile/items/i_after_c', { key: editorKey, headers: { 'if-match': `"${chile.version}"` } });
      expect(del.status).toBe(200);
      expect((await stored('s_chile')).itemIds).not.toContain('i_after_c');
    });
  });

  describe('the /editor/api prefix', () => {
    it('serves the same story routes for CDNs that route /editor/api/* uncached, never cacheable', async () => {
      const s = await stored('s_kenya');
      const res = await call('PATCH', '/editor/api/stories/s_kenya', { key: editorKey, body: { standfirst: 'Count continues.' }, headers: { 'if-match': `"${s.version}"` } });
      expect(res.status).toBe(200);
      expect((await stored('s_kenya')).summary).toBe('Count continues.');
      const view = await call('GET', '/editor/api/stories/s_kenya', { key: editorKey });
      expect(view.status).toBe(200);
      const body = (await view.json()) as { story: Story; items: { id: string; membership?: { score: number; matched: string[] } }[] };
      expect(body.items.find((i) => i.id === 'i_kenya_b')?.membership).toMatchObject({ score: 0.66, matched: ['Kenya', 'Nairobi', 'election'] });
      const hist = await call('GET', '/editor/api/stories/s_kenya/history', { key: editorKey });
      expect(hist.status).toBe(200);
      expect(hist.headers.get('cache-control')).toBe('no-store');
      expect((await call('GET', '/editor/api/review')).status).toBe(401);
      expect((await call('GET', '/editor/api/nothing-here', { key: editorKey })).status).toBe(404);
    });
  });

  describe('audit, review queue and digest', () => {
    it('records who, when, what and before/after for every action', async () => {
      const res = await call('GET', '/stories/s_chile/history', { key: editorKey });
      expect(res.status).toBe(200);
      const { entries } = (await res.json()) as { entries: { action: string; actor: { keyId: string; name: string }; at: string; before: Record<string, unknown>; after: Record<string, unknown> }[] };
      expect(entries.map((e) => e.action)).toEqual(['rename', 'rename', 'edit-copy', 'edit', 'merge', 'move-out', 'remove-item']);
      const rename = entries[0]!;
      expect(rename.actor).toMatchObject({ name: 'Eve Editor' });
      expect(rename.actor.keyId).toMatch(/^[0-9a-f]{12}$/);
      expect(rename.before).toEqual({ label: 'Chile earthquake', labelByEditor: null });
      expect(rename.after).toEqual({ label: 'Chile quake', labelByEditor: true });
      expect(Date.parse(rename.at)).not.toBeNaN();
      expect(entries[1]!.after).toEqual({ labels: { es: 'Terremoto en Chile' }, labelsByEditor: ['es'] });
      expect(entries[3]!.after).toMatchObject({ pinned: true, status: 'approved' });
    });

    it('lists new, changed and suspicious stories with reasons, widest coverage first', async () => {
      const res = await call('GET', '/review', { key: editorKey });
      expect(res.status).toBe(200);
      const { stories } = (await res.json()) as { stories: (Story & { reasons: string[] })[] };
      const ids = stories.map((s) => s.id);
      expect(ids).not.toContain('s_after');
      expect(ids).not.toContain('s_lagos'); // unpublished = reviewed, single item
      const kenya = stories.find((s) => s.id === 's_kenya')!;
      expect(kenya.reasons).toContain('new');
      const counts = stories.map((s) => s.outletIds.length);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      // Chile was approved, then changed by the merge, move and removal.
      expect(stories.find((s) => s.id === 's_chile')?.reasons).toContain('changed');
    });

    it('exports a Markdown digest with verbatim quotes and attribution', async () => {
      const res = await call('GET', '/stories/s_chile/digest.md', { key: editorKey });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/markdown');
      const md = await res.text();
      expect(md.startsWith('# Deadly quake hits Chile\n\nDozens dead near Valparaiso.\n')).toBe(true);
      expect(md).toContain('“A powerful earthquake hit central Chile near Valparaiso on Thursday, officials said,” said Ana Torres in Daily Alpha (Paris).');
      expect(md).toContain('Bravo News (London) reported.');
      expect(md).toContain('(https://a.example/news/i_chile_a)');
      const fr = await (await call('GET', '/stories/s_chile/digest.md?lang=fr', { key: editorKey })).text();
      expect(fr).toContain('«\u202fA powerful earthquake hit central Chile near Valparaiso on Thursday, officials said\u202f», a déclaré Ana Torres dans Daily Alpha (Paris).');
      expect(fr).toContain('a rapporté Bravo News (Londres).');
    });
  });
});
