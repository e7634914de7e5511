// Every route under hostile requests, on both DynamoDB backends: no 500 anywhere, 4xx problem+json with a useful detail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp, MAX_BODY_BYTES } from '../../lib/api/app.ts';
import { editorRoutes } from '../../lib/api/editor.ts';
import { SESSION_COOKIE } from '../../lib/api/editor-pages.tsx';
import { problemSchema } from '../../lib/api/schemas.ts';
import { csrfToken, newEditorKey } from '../../lib/editor/auth.ts';
import { createEditorStore } from '../../lib/editor/store.ts';
import { silentLogger } from '../../lib/log.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { seedDesk } from './editor-fixtures.ts';

const PEPPER = 'hostile-pepper-0123456789';
const HUGE_ID = 'x'.repeat(5000);

/** One request of the suite. */
interface Probe {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

describe.each(BACKENDS)('API under hostile requests ($name)', (backend) => {
  let db: TestDb;
  let app: Hono;
  let adminKey: string;
  /** Every (method, pattern) the app routes, editor desk included. */
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    db = await openTestDb(backend);
    await seedDesk(db.store);
    const editorStore = createEditorStore({ client: db.client, table: db.table });
    const admin = newEditorKey('Ada Admin', 'admin', PEPPER, new Date().toISOString());
    await editorStore.putKey(admin.record);
    adminKey = admin.key;
    const publish = { mode: 'outlets' as const, minOutlets: 2 };
    app = createApp({
      store: db.store,
      config: { publish, stage: 'test' },
      log: silentLogger,
      editor: editorRoutes({ store: db.store, editorStore, pepper: PEPPER, log: silentLogger, publish }),
    });
    const seen = new Set<string>();
    routes = app.routes
      .filter((r) => r.method !== 'ALL')
      .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
  });
  afterAll(async () => db?.close());

  /** Authenticated, well-formed request for a route, which the probes then spoil one way at a time. */
  function wellFormed(method: string, pattern: string, params: Record<string, string> = {}): Probe {
    const path = pattern.replace(/:(\w+)/g, (_, name: string) => params[name] ?? { id: 's_kenya', itemId: 'i_kenya_c', keyId: 'ffffffffffff' }[name] ?? 'x');
    const page = pattern.startsWith('/editor') && !pattern.startsWith('/editor/api');
    const headers: Record<string, string> = page
      ? { cookie: `${SESSION_COOKIE}=${adminKey}`, 'sec-fetch-site': 'same-origin' }
      : { authorization: `Bearer ${adminKey}` };
    let body: string | undefined;
    if (method !== 'GET' && method !== 'DELETE') {
      if (page) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams({ csrf: csrfToken(adminKey, PEPPER), key: adminKey, op: 'pin', label: 'L', itemId: 'i_kenya_c', to: 's_chile' }).toString();
      } else if (pattern.endsWith('/outlets')) {
        headers['content-type'] = 'text/x-opml';
        body = opml('lefaso', 'lefaso/main');
      } else {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(pattern.endsWith('/keys') ? { name: 'N', role: 'editor' } : { label: 'L', expectedVersion: 999 });
      }
    }
    return { label: `${method} ${pattern}`, method, path, headers, body };
  }

  async function send(p: Probe): Promise<Response> {
    return app.request(p.path, { method: p.method, headers: p.headers, body: p.body as BodyInit | undefined });
  }

  /** Runs probes and returns those answered 5xx, or 4xx without a problem document that says what was wrong. */
  async function failures(probes: Probe[], expectStatus?: number): Promise<string[]> {
    const bad: string[] = [];
    for (const p of probes) {
      const res = await send(p);
      const type = res.headers.get('content-type') ?? '';
      const text = await res.text();
      if (res.status >= 500 || (expectStatus !== undefined && res.status !== expectStatus)) {
        bad.push(`${p.label} (${p.path.slice(0, 60)}): ${res.status} ${text.slice(0, 200)}`);
        continue;
      }
      if (res.status < 400) continue;
      // The desk's pages answer errors as HTML pages; every other route with problem+json.
      if (type.startsWith('text/html')) continue;
      const problem = problemSchema.safeParse(type.startsWith('application/problem+json') ? JSON.parse(text) : undefined);
      if (!problem.success || !problem.data.detail || problem.data.status !== res.status) {
        bad.push(`${p.label}: ${res.status} without a problem detail (${type}: ${text.slice(0, 120)})`);
      }
    }
    return bad;
  }

  const opml = (outletId: string, feedId: string, extra = '') =>
    `<?xml version="1.0"?><opml version="2.0" xmlns:roundup="https://roundup.news/ns/opml"><head><title>t</title></head><body>` +
    `<outline text="Le Faso" htmlUrl="https://lefaso.net" roundup:id="${outletId}" roundup:country="BF" roundup:region="africa" roundup:languages="fr"${extra}>` +
    `<outline type="rss" text="Actualités" xmlUrl="https://lefaso.net/rss" roundup:id="${feedId}"/></outline></body></opml>`;

  it('answers ids of several KB in every path parameter with a 4xx', async () => {
    const probes = routes
      .filter((r) => r.path.includes('/:'))
      .flatMap((r) =>
        [...r.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ ...wellFormed(r.method, r.path, { [name!]: HUGE_ID }), label: `${r.method} ${r.path} with a 5,000-character ${name}` })),
      );
    expect(probes.length).toBeGreaterThan(15);
    expect(await failures(probes)).toEqual([]);
    const res = await send(wellFormed('PATCH', '/stories/:id', { id: HUGE_ID }));
    expect(res.status).toBe(400);
    expect(problemSchema.parse(await res.json()).detail).toMatch(/story id.*5000 characters/);
  });

  it('answers ids with odd characters and broken percent-encoding with a 4xx', async () => {
    const odd = ['a%00b', '%E0%A4%A', '..', 'a#b', '%F0%9F%98%80', 'a%2Fb'];
    const probes = routes
      .filter((r) => r.path.includes('/:'))
      .flatMap((r) => odd.map((v) => ({ ...wellFormed(r.method, r.path, { id: v, itemId: v, keyId: v }), label: `${r.method} ${r.path} with ${v}` })));
    expect(await failures(probes)).toEqual([]);
  });

  it('refuses a malformed Origin header on every route that changes something, and never fails on one', async () => {
    const origins = ['http://[::1', '://', 'https://exa mple.org', '\u00ff\u00fe', 'null'];
    const probes = routes.flatMap((r) =>
      origins.map((origin) => {
        const p = wellFormed(r.method, r.path, { id: 's_nope' });
        return { ...p, headers: { ...p.headers, origin }, label: `${r.method} ${r.path} with Origin ${origin}` };
      }),
    );
    expect(await failures(probes)).toEqual([]);
    const res = await send({ ...wellFormed('POST', '/editor/sign-in'), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://[::1' } });
    expect(res.status).toBe(400);
    expect(problemSchema.parse(await res.json()).detail).toMatch(/Origin header is not an origin/);
    // Public reads ignore it (CORS is open).
    expect((await app.request('/stories', { headers: { origin: 'http://[::1' } })).status).toBe(200);
  });

  it('answers a body over 6 MiB with 413 on every route that takes one, declared or streamed', async () => {
    const big = new Uint8Array(MAX_BODY_BYTES + 1).fill(0x61);
    const probes = routes
      .filter((r) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(r.method))
      .flatMap((r) => {
        const p = wellFormed(r.method, r.path);
        return [
          { ...p, body: big, label: `${r.method} ${r.path} with a streamed 6 MiB + 1 body` },
          { ...p, body: 'x', headers: { ...p.headers, 'content-length': String(MAX_BODY_BYTES + 1) }, label: `${r.method} ${r.path} declaring 6 MiB + 1` },
        ];
      });
    expect(await failures(probes, 413)).toEqual([]);
    const res = await send({ ...wellFormed('PATCH', '/stories/:id'), body: big });
    expect(problemSchema.parse(await res.json())).toMatchObject({ status: 413, title: 'Content Too Large', detail: expect.stringMatching(/6 MiB/) });
  });

  it('answers unreadable bodies and hostile form fields with a 4xx', async () => {
    const bodies: [string, string, string][] = [
      ['malformed JSON', 'application/json', '{"label":'],
      ['a JSON array', 'application/json', '[1,2,3]'],
      ['a JSON string', 'application/json', '"label"'],
      ['deep JSON', 'application/json', '['.repeat(100_000) + ']'.repeat(100_000)],
      ['a multipart body without parts', 'multipart/form-data; boundary=zzz', 'garbage'],
      ['multipart without a boundary', 'multipart/form-data', '--x\r\n'],
      ['a form with a 1 MB label', 'application/x-www-form-urlencoded', `label=${'L'.repeat(1_000_000)}&headline=${'H'.repeat(1_000_000)}&standfirst=S&op=pin`],
      ['a form with 5,000-character ids', 'application/x-www-form-urlencoded', `sources=${HUGE_ID}&itemIds=${HUGE_ID}&itemId=${HUGE_ID}&to=${HUGE_ID}&op=merge`],
      ['a form with 10,000 ids', 'application/x-www-form-urlencoded', `sources=${Array.from({ length: 10_000 }, (_, i) => `s${i}`).join(',')}&itemIds=${Array.from({ length: 10_000 }, (_, i) => `i${i}`).join(',')}`],
      ['a form with a 5,000-character key', 'application/x-www-form-urlencoded', `key=${HUGE_ID}`],
    ];
    const probes = routes
      .filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method))
      .flatMap((r) =>
        bodies.map(([what, type, body]) => {
          const p = wellFormed(r.method, r.path);
          const form = type.startsWith('application/x-www') && p.body?.toString().includes('csrf=') ? `${body}&csrf=${csrfToken(adminKey, PEPPER)}` : body;
          return { ...p, headers: { ...p.headers, 'content-type': type }, body: form, label: `${r.method} ${r.path} with ${what}` };
        }),
      );
    expect(await failures(probes)).toEqual([]);
  });

  it('answers hostile query strings with a 400 naming the parameter', async () => {
    const queries = ['limit=0x10', 'limit=1e1', 'limit=%2010', 'limit=10.0', 'limit=-5', 'limit=+5', 'limit=', 'minOutlets=0x3', 'minOutlets=Infinity', `q=${'q'.repeat(300)}`, `cursor=${'c'.repeat(2000)}`, 'lang=%FF', '%FF=1', `${'k'.repeat(5000)}=1`];
    for (const path of ['/stories', '/feed.json', '/feed.xml']) {
      for (const q of queries) {
        const res = await app.request(`${path}?${q}`);
        expect(res.status, `${path}?${q.slice(0, 40)}`).toBe(400);
        const problem = problemSchema.parse(await res.json());
        expect(problem.detail!.length, q.slice(0, 40)).toBeLessThan(2000);
        const name = /^(\w+)=/.exec(q)?.[1];
        if (name && name.length < 20) expect(problem.detail, q).toContain(name);
      }
    }
    const many = await app.request(`/stories?${Array.from({ length: 5000 }, (_, i) => `p${i}=1&limit=${i}`).join('&')}`);
    expect(many.status).toBe(400);
    expect(problemSchema.parse(await many.json()).detail!.length).toBeLessThan(2000);
    const res = await app.request('/stories?limit=0x10');
    expect(problemSchema.parse(await res.json()).detail).toBe('Invalid query: limit: Stories per page, 1–100. (got "0x10")');
  });

  it('answers hostile queries on the reader pages with an HTML page, never a 500', async () => {
    // The pages are routed like the API, from their documentation.
    expect(routes.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(expect.arrayContaining(['/', '/s/:id', '/s/:id/:slug']));
    const bogusCursor = Buffer.from(JSON.stringify({ s: Buffer.from('{"pk":{"N":"x"}}').toString('base64url'), f: 'x' })).toString('base64url');
    const queries = [
      `q=${'q'.repeat(300)}`,
      `cursor=${'c'.repeat(2000)}`,
      `cursor=${bogusCursor}`,
      'region=mars',
      'lang=%FF',
      'lang=EN',
      `lang=${'fr,'.repeat(30)}en`,
      'hl=de',
      '%FF=1',
      `${'k'.repeat(5000)}=1`,
      'region=europe&region=africa',
      Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&'),
    ];
    const bad: string[] = [];
    for (const path of ['/', '/s/s_kenya', '/s/s_kenya/slug']) {
      for (const q of queries) {
        const res = await app.request(`${path}?${q}`, { headers: { accept: 'text/html' } });
        const body = await res.text();
        const ok = res.status === 200 || (res.status === 400 && body.includes('<h1 id="error-title">'));
        if (!ok || !res.headers.get('content-type')?.startsWith('text/html')) bad.push(`${path}?${q.slice(0, 40)}: ${res.status} ${body.slice(0, 100)}`);
      }
    }
    expect(bad).toEqual([]);
    // What was wrong is said on the page, cut short.
    const res = await app.request(`/?region=mars`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('region: Outlet regions');
  });

  it('treats a hostile Accept-Language as a hint, never an error, and refuses a malformed lang', async () => {
    const values = [`${'fr-FR,'.repeat(2000)}en`, '*;q=abc', 'ü-ß, äö;q=0.5', ';;;,,,q=1', `${'x'.repeat(8000)}`, 'en;q=1e309, fr;q=-1, de;q=NaN'];
    for (const path of ['/stories', '/stories/s_kenya', '/feed.json', '/feed.xml']) {
      for (const v of values) {
        const res = await app.request(path, { headers: { 'accept-language': v } });
        expect(res.status, `${path} ${v.slice(0, 30)}`).toBe(200);
        expect(res.headers.get('vary')).toBe('Accept-Encoding, Accept-Language');
        await res.arrayBuffer();
      }
    }
    for (const q of ['lang=EN', 'lang=fr,,en', `lang=${'fr,'.repeat(30)}en`, 'lang=fr&lang=en']) {
      const res = await app.request(`/stories/s_kenya?${q}`);
      expect(res.status, q).toBe(400);
      expect(problemSchema.parse(await res.json()).detail).toContain('lang');
    }
  });

  it('answers an unknown method with 405 and every method the path takes in Allow', async () => {
    const allow = async (method: string, path: string) => {
      const res = await app.request(path, { method, headers: { authorization: `Bearer ${adminKey}` } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(problemSchema.parse(await res.json()).detail).toContain(method);
      return res.headers.get('allow');
    };
    expect(await allow('POST', '/stories/s_kenya')).toBe('GET, HEAD, OPTIONS, PATCH');
    expect(await allow('PUT', '/stories')).toBe('GET, HEAD, OPTIONS');
    expect(await allow('GET', '/stories/s_kenya/merge')).toBe('POST');
    expect(await allow('PATCH', '/stories/s_kenya/items/i_kenya_c')).toBe('DELETE');
    expect(await allow('DELETE', '/editor/api/keys')).toBe('GET, HEAD, POST');
    expect(await allow('PURGE', '/feed.json')).toBe('GET, HEAD, OPTIONS');
    // Every routed path: any method it does not take is a 405 listing those it takes, never a 404 or a 500.
    const bad: string[] = [];
    for (const r of routes) {
      const path = wellFormed(r.method, r.path).path;
      const res = await app.request(path, { method: 'PUT', headers: { ...wellFormed(r.method, r.path).headers, 'content-type': 'application/json' }, body: '{}' });
      if (r.method === 'PUT') continue;
      const listed = res.headers.get('allow')?.split(', ') ?? [];
      if (res.status !== 405 || !listed.includes(r.method)) bad.push(`PUT ${path}: ${res.status} Allow ${listed.join(',')}`);
    }
    expect(bad).toEqual([]);
    expect((await app.request('/nowhere', { method: 'POST' })).status).toBe(404);
  });

  it('refuses OPML outlets whose ids or fields cannot be stored, naming each', async () => {
    const post = (body: string) =>
      app.request('/editor/api/outlets', { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/x-opml' }, body });
    const cases: [string, string, RegExp][] = [
      ['a 5,000-character outlet id', opml(HUGE_ID, `${HUGE_ID}/main`), /outlet id/],
      ['an outlet id with a key separator', opml('le#faso', 'le#faso/main'), /outlet id/],
      ['a 5,000-character feed id', opml('lefaso', `lefaso/${HUGE_ID}`), /feed id/],
      ['a homepage that is not http(s)', opml('lefaso', 'lefaso/main', ' roundup:homepage="javascript:alert(1)"'), /homepage/],
      ['a 300,000-character city', opml('lefaso', 'lefaso/main', ` roundup:city="${'C'.repeat(300_000)}"`), /city/],
    ];
    const before = await db.store.listOutlets();
    for (const [what, body, detail] of cases) {
      const res = await post(body);
      expect(res.status, what).toBe(400);
      expect(problemSchema.parse(await res.json()).detail, what).toMatch(detail);
    }
    expect(await db.store.listOutlets()).toEqual(before);
  });
});
