// Editor API for "possible same story" and queue filters on both backends: listing with evidence, merge, dismiss, auth, audit, conflicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { csrfToken, newEditorKey } from '../../lib/editor/auth.ts';
import type { EditorStore } from '../../lib/editor/store.ts';
import { silentLogger } from '../../lib/log.ts';
import { newSuggestionMemo, syncSuggestions } from '../../lib/pipeline/suggestions.ts';
import type { Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { suggestion } from '../support/suggestions.ts';
import { deskApp, seedDesk, seedPairs, type DeskCall, type SeededPairs } from './editor-fixtures.ts';

const PEPPER = 'integration-pepper-0123456789';

/** A "possible same story" row of GET /review. */
interface Row {
  kind: string;
  a: { id: string; label: string; version: number; status: string; itemCount: number; outlets: { name: string; city: string }[]; languages: string[] };
  b: Row['a'];
  score: number;
  threshold: number;
  crossLingual: boolean;
  evidence: { entities: string[]; terms: string[]; translated: string[]; numbers: string[] };
  into: string;
  links: { merge: string; dismiss: string };
}
interface Queue {
  filters: Record<string, unknown>;
  stories: (Story & { kind: string; reasons: string[]; languages: string[]; cohesion: number | null })[];
  suggestions: Row[];
  languages: string[];
}
interface Entry {
  action: string;
  actor: { name: string; keyId: string };
  related?: { storyIds?: string[] };
  suggestion?: { score: number; threshold: number; crossLingual: boolean; evidence: { translated: string[] } };
  version: number;
}

describe.each(BACKENDS)('editor API: possible same story and queue filters on $name', (backend) => {
  let db: TestDb;
  let app: Hono;
  let editorStore: EditorStore;
  let editorKey: string;
  let adminKey: string;
  let revokedKey: string;
  let pairs: SeededPairs;

  let call: DeskCall;
  const queue = async (query = '', key = editorKey): Promise<Queue> => {
    const res = await call('GET', `/review${query}`, { key });
    expect(res.status).toBe(200);
    return (await res.json()) as Queue;
  };
  const pairIds = (q: Queue) => q.suggestions.map((s) => `${s.a.id}+${s.b.id}`);
  const stored = async (id: string) => (await db.store.getStory(id))!;
  const history = async (id: string) => ((await (await call('GET', `/stories/${id}/history`, { key: editorKey })).json()) as { entries: Entry[] }).entries;

  beforeAll(async () => {
    db = await openTestDb(backend);
    await seedDesk(db.store);
    pairs = await seedPairs(db.store);
    ({ app, editorStore, call } = deskApp(db, PEPPER));
    const now = new Date().toISOString();
    const e = newEditorKey('Eve Editor', 'editor', PEPPER, now);
    const a = newEditorKey('Ada Admin', 'admin', PEPPER, now);
    const r = newEditorKey('Rex Revoked', 'editor', PEPPER, now);
    for (const k of [e, a, r]) await editorStore.putKey(k.record);
    await editorStore.revokeKey(r.record.id, now);
    [editorKey, adminKey, revokedKey] = [e.key, a.key, r.key];
  });
  afterAll(async () => db?.close());

  it('lists possible same stories with both stories, their outlets and languages, and the evidence', async () => {
    const q = await queue();
    // Cross-lingual pairs first, nearest the threshold first; the same-language pair last.
    expect(pairIds(q)).toEqual(['s_cable_ar+s_cable_en', 's_quake_ar+s_quake_en', 's_debt_en+s_debt_es', 's_after+s_chile']);
    const quake = q.suggestions.find((s) => s.a.id === 's_quake_ar')!;
    expect(quake).toMatchObject({
      kind: 'possible-same-story',
      score: 0.41,
      threshold: 0.45,
      crossLingual: true,
      a: { label: 'زلزال اليابان', version: 1, status: 'auto', itemCount: 1, outlets: [{ name: 'Al Jazeera', city: 'Doha' }], languages: ['ar'] },
      b: { id: 's_quake_en', itemCount: 2, languages: ['en'] },
      evidence: { entities: ['Japan', 'Noto'], translated: ['زلزال → earthquake', 'تسونامي → tsunami'], numbers: ['7.5'] },
      // The wider coverage survives a one-click merge.
      into: 's_quake_en',
      links: { merge: '/review/suggestions/s_quake_ar/s_quake_en/merge', dismiss: '/review/suggestions/s_quake_ar/s_quake_en/dismiss' },
    });
    expect(quake.b.outlets.map((o) => `${o.name} (${o.city})`)).toEqual(['The Guardian (London)', 'Bravo News (London)']);
    // Story rows say what they are and which languages they are told in.
    expect(q.stories.find((s) => s.id === 's_debt_es')).toMatchObject({ kind: 'story', languages: ['es'], reasons: ['new'] });
    expect(q.languages).toEqual(['ar', 'en', 'es']);
    // Under /editor/api the action links keep the prefix.
    const prefixed = (await (await call('GET', '/editor/api/review', { key: editorKey })).json()) as Queue;
    expect(prefixed.suggestions[0]!.links.merge).toMatch(/^\/editor\/api\/review\/suggestions\//);
  });

  it('filters the queue by kind, language, status, single outlet and low cohesion', async () => {
    const onlyPairs = await queue('?kind=possible-same-story');
    expect(onlyPairs.stories).toEqual([]);
    expect(onlyPairs.suggestions).toHaveLength(4);
    const onlyStories = await queue('?kind=story');
    expect(onlyStories.suggestions).toEqual([]);
    expect(onlyStories.stories.length).toBeGreaterThan(4);

    const spanish = await queue('?language=es');
    expect(spanish.stories.map((s) => s.id)).toEqual(['s_debt_es']);
    expect(pairIds(spanish)).toEqual(['s_debt_en+s_debt_es']);
    // Lists: comma separated or repeated.
    const arOrEs = await queue('?language=ar&language=es');
    expect(arOrEs.stories.map((s) => s.id).sort()).toEqual(['s_cable_ar', 's_debt_es', 's_quake_ar']);
    expect((await queue('?language=ar,es')).stories.map((s) => s.id).sort()).toEqual(['s_cable_ar', 's_debt_es', 's_quake_ar']);

    // Single outlet: lone items included (the perspectives coverage never publishes), and the pairs they are in.
    const single = await queue('?single-outlet=true');
    expect(single.stories.every((s) => s.outletIds.length === 1)).toBe(true);
    expect(single.stories.map((s) => s.id)).toEqual(expect.arrayContaining(['s_quake_ar', 's_debt_es', 's_cable_ar', 's_cable_en', 's_lagos']));
    expect(pairIds(single)).toEqual(['s_cable_ar+s_cable_en', 's_quake_ar+s_quake_en', 's_debt_en+s_debt_es']);

    // Low cohesion: Kenya's engine placements average 0.43 (0.66, 0.32, 0.31); the aftershock's 0.35.
    const loose = await queue('?low-cohesion=true');
    expect(loose.stories.map((s) => s.id)).toEqual(['s_after']);
    expect(loose.stories[0]!.cohesion).toBe(0.35);
    expect(pairIds(loose)).toEqual(['s_after+s_chile']);

    // Filters combine; status applies to either story of a pair.
    await call('PATCH', '/stories/s_debt_en', { key: editorKey, body: { status: 'approved' } });
    const approved = await queue('?status=approved&kind=possible-same-story');
    expect(pairIds(approved)).toEqual(['s_debt_en+s_debt_es']);
    expect((await queue('?status=approved&language=ar')).suggestions).toEqual([]);
    expect((await queue('?single-outlet=false')).stories.length).toBe((await queue()).stories.length);
  });

  it('rejects unknown filter values with every problem listed', async () => {
    const res = await call('GET', '/review?kind=pairs&status=draft&language=arabic&low-cohesion=maybe', { key: editorKey });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: string[] };
    expect(problem.errors.map((e) => e.split(':')[0])).toEqual(['kind', 'status', 'low-cohesion', 'language']);
  });

  it('needs a valid, unrevoked key for every suggestion route, and changes nothing without one', async () => {
    const path = '/review/suggestions/s_quake_ar/s_quake_en';
    expect((await call('GET', '/review')).status).toBe(401);
    expect((await call('GET', '/review', { key: revokedKey })).status).toBe(401);
    expect((await call('POST', `${path}/dismiss`)).status).toBe(401);
    expect((await call('POST', `${path}/merge`, { key: revokedKey })).status).toBe(401);
    expect((await call('POST', `${path}/merge`, { key: 'rk_000000000000_nothing' })).status).toBe(401);
    expect(await db.store.getPair('s_quake_ar', 's_quake_en')).toMatchObject({ suggestion: { score: 0.41 } });
    expect((await stored('s_quake_ar')).mergedInto).toBeUndefined();
    // Both roles may use the desk.
    expect((await queue('', adminKey)).suggestions.length).toBeGreaterThan(0);
  });

  it('dismisses a pair: audited on both stories, gone from the queue, never stored again, dismissing twice changes nothing', async () => {
    const res = await call('POST', '/review/suggestions/s_cable_en/s_cable_ar/dismiss', { key: editorKey });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ a: 's_cable_ar', b: 's_cable_en', created: true, dismissedBy: { name: 'Eve Editor' } });
    expect(pairIds(await queue())).not.toContain('s_cable_ar+s_cable_en');
    for (const [id, other] of [['s_cable_ar', 's_cable_en'], ['s_cable_en', 's_cable_ar']] as const) {
      const entries = await history(id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'dismiss-suggestion',
        actor: { name: 'Eve Editor' },
        related: { storyIds: [other] },
        version: 1,
        suggestion: { score: 0.43, threshold: 0.45, crossLingual: true, evidence: { translated: ['كابلات → cables', 'الإنترنت → internet'] } },
      });
    }
    // Dismissing writes no story.
    expect((await stored('s_cable_ar')).version).toBe(1);

    // Again (another editor, the other order, under the prefix): the first dismissal stands, no new audit.
    const again = await call('POST', '/editor/api/review/suggestions/s_cable_ar/s_cable_en/dismiss', { key: adminKey, body: {} });
    expect(await again.json()).toMatchObject({ created: false, dismissedBy: { name: 'Eve Editor' } });
    expect(await history('s_cable_ar')).toHaveLength(1);

    // The grouping writer, even warm and unaware of the dismissal, cannot put it back.
    const rescored = pairs.suggestions.map((s) => (s.a === 's_cable_ar' ? { ...s, score: 0.44 } : s));
    expect(await syncSuggestions(db.store, rescored, newSuggestionMemo(), new Map(), silentLogger)).toMatchObject({ written: 0, removed: 0 });
    expect(pairIds(await queue())).not.toContain('s_cable_ar+s_cable_en');
    // A one-click merge of a dismissed pair is refused; the dismissed list shows it.
    const merge = await call('POST', '/review/suggestions/s_cable_ar/s_cable_en/merge', { key: editorKey });
    expect(merge.status).toBe(409);
    expect(((await merge.json()) as { detail: string }).detail).toContain('not the same story');
    const dismissed = (await (await call('GET', '/review/dismissed', { key: editorKey })).json()) as { pairs: { a: string; b: string }[] };
    expect(dismissed.pairs.map((p) => `${p.a}+${p.b}`)).toContain('s_cable_ar+s_cable_en');
  });

  it('refuses bad pair actions: unknown story 404, same story 400, extra body fields 400', async () => {
    expect((await call('POST', '/review/suggestions/s_quake_ar/s_nothing/dismiss', { key: editorKey })).status).toBe(404);
    expect((await call('POST', '/review/suggestions/s_quake_ar/s_quake_ar/merge', { key: editorKey })).status).toBe(400);
    expect((await call('POST', '/review/suggestions/s_quake_ar/s_quake_en/dismiss', { key: editorKey, body: { reason: 'x' } })).status).toBe(400);
    expect((await call('POST', '/review/suggestions/s_quake_ar/s_quake_en/merge', { key: editorKey, body: { into: 's_lagos' } })).status).toBe(400);
    expect((await call('POST', '/review/suggestions/s_quake_ar/s_quake_en/merge', { key: editorKey, body: 'not json' })).status).toBe(400);
  });

  it('merges a pair in one click with If-Match versions: stale versions are 409 and write nothing', async () => {
    const path = '/review/suggestions/s_quake_en/s_quake_ar/merge';
    const stale = await call('POST', path, { key: editorKey, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(409);
    expect((await call('POST', path, { key: editorKey, body: { sourceVersion: 3 } })).status).toBe(409);
    expect((await call('POST', path, { key: editorKey, body: { expectedVersion: 2 }, headers: { 'if-match': '"1"' } })).status).toBe(400);
    expect((await stored('s_quake_ar')).mergedInto).toBeUndefined();
    expect((await stored('s_quake_en')).version).toBe(1);

    const res = await call('POST', path, { key: editorKey, body: { sourceVersion: 1 }, headers: { 'if-match': '"1"' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    const survivor = (await res.json()) as Story;
    expect(survivor).toMatchObject({ id: 's_quake_en', version: 2 });
    expect(survivor.itemIds.sort()).toEqual(['i_quake_aja', 'i_quake_b', 'i_quake_gdn']);
    expect(survivor.outletIds.sort()).toEqual(['aja', 'b', 'gdn']);
    expect(await stored('s_quake_ar')).toMatchObject({ mergedInto: 's_quake_en', itemIds: [] });
    // The suggestion is gone, from the queue and from the table.
    expect(pairIds(await queue())).not.toContain('s_quake_ar+s_quake_en');
    expect(await db.store.getPair('s_quake_ar', 's_quake_en')).toBeUndefined();
    // Audited as the existing merge, with the suggestion that prompted it.
    const [merge] = await history('s_quake_en');
    expect(merge).toMatchObject({ action: 'merge', related: { storyIds: ['s_quake_ar'] }, version: 2, suggestion: { score: 0.41, crossLingual: true } });
    expect((await history('s_quake_ar'))[0]).toMatchObject({ action: 'merged-into', related: { storyIds: ['s_quake_en'] } });
    // The absorbed story now redirects publicly; merging again is a conflict.
    expect([301, 302, 307, 308]).toContain((await call('GET', '/stories/s_quake_ar')).status);
    expect((await call('POST', path, { key: editorKey })).status).toBe(409);
  });

  it('merges into the story the editor picks, and drops suggestions whose story was merged elsewhere or expired', async () => {
    const res = await call('POST', '/editor/api/review/suggestions/s_debt_es/s_debt_en/merge', { key: editorKey, body: { into: 's_debt_es', expectedVersion: 1 } });
    expect(res.status).toBe(200);
    expect(await stored('s_debt_en')).toMatchObject({ mergedInto: 's_debt_es' });

    // Chile/aftershock: the aftershock is merged by hand from a story page; the pair leaves the queue at once.
    expect(pairIds(await queue())).toContain('s_after+s_chile');
    expect((await call('POST', '/stories/s_chile/merge', { key: editorKey, body: { sources: ['s_after'] } })).status).toBe(200);
    // A suggestion naming a story that no longer exists (expired) is not listed either.
    await db.store.putSuggestion(suggestion('s_kenya', 's_gone'));
    expect((await db.store.listSuggestions()).some((s) => s.b === 's_kenya')).toBe(true);
    expect((await queue()).suggestions).toEqual([]);
  });

  it('answers the page forms: redirect back to the filtered queue without script, JSON with it, CSRF always checked', async () => {
    await db.store.putSuggestion(suggestion('s_kenya', 's_lagos', { crossLingual: false, languages: { a: ['en'], b: ['en'] } }));
    const cookie = `roundup_editor=${editorKey}`;
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields) });
    const csrf = csrfToken(editorKey, PEPPER);

    expect((await post('/editor/review/suggestions/s_kenya/s_lagos/dismiss', { back: '/editor' })).status).toBe(403);
    const json = await post('/editor/review/suggestions/s_kenya/s_lagos/merge', { csrf, into: 's_kenya', version: '9' }, { accept: 'application/json' });
    expect(json.status).toBe(409);
    expect(((await json.json()) as { message: string }).message).toContain('version');

    const plain = await post('/editor/review/suggestions/s_kenya/s_lagos/dismiss', { csrf, back: '/editor?language=en&kind=possible-same-story&evil=1' });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toMatch(/^\/editor\?kind=possible-same-story&language=en&msg=Marked/);
    const outside = await post('/editor/review/suggestions/s_kenya/s_lagos/dismiss', { csrf, back: 'https://evil.example/editor' }, { accept: 'application/json' });
    expect(await outside.json()).toMatchObject({ created: false, message: expect.stringContaining('already') });
    expect((await post('/editor/review/suggestions/s_kenya/s_lagos/dismiss', { csrf, back: '//evil.example' })).headers.get('location')).toMatch(/^\/editor\?msg=/);
  });
});
