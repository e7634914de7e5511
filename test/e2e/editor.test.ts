// Editor desk end to end in headless Chromium: sign in, merge, split, rename, approve; the public API shows each change.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/api/app.ts';
import { editorRoutes } from '../../lib/api/editor.ts';
import { newEditorKey } from '../../lib/editor/auth.ts';
import { createEditorStore } from '../../lib/editor/store.ts';
import { silentLogger } from '../../lib/log.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { seedDesk } from '../integration/editor-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const PEPPER = 'e2e-pepper-0123456789abcdef';

// Skipped only outside CI when Debian's chromium is not installed; CI installs it, so a missing browser fails there.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('editor desk in a browser', () => {
  let db: TestDb;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let page: Page;
  let key: string;

  /** Public API call (no credentials), not following redirects. */
  const pub = async (path: string) => {
    const res = await fetch(base + path, { redirect: 'manual' });
    const body = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
    return { status: res.status, location: res.headers.get('location'), body: body as Record<string, any> };
  };

  /** The public answer once it satisfies `ok` (the public response cache converges a moment after a write). */
  const settled = async (path: string, ok: (r: Awaited<ReturnType<typeof pub>>) => boolean) => {
    let r = await pub(path);
    for (let i = 0; i < 40 && !ok(r); i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await pub(path);
    }
    return r;
  };

  beforeAll(async () => {
    db = await openTestDb(BACKENDS[0]!);
    await seedDesk(db.store);
    const editorStore = createEditorStore({ client: db.client, table: db.table });
    const made = newEditorKey('Eve Editor', 'editor', PEPPER, new Date().toISOString());
    await editorStore.putKey(made.record);
    key = made.key;
    const publish = { mode: 'outlets' as const, minOutlets: 2 };
    const app = createApp({
      store: db.store,
      config: { publish, stage: 'e2e' },
      log: silentLogger,
      // The public cache re-reads its change marker in the background, so answers converge one request after a
      // write; markerMs 0 keeps that to milliseconds and `settled` below waits for it.
      cache: { markerMs: 0 },
      editor: editorRoutes({ store: db.store, editorStore, pepper: PEPPER, log: silentLogger, publish }),
    });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await db?.close();
  });

  const submit = async (button: string) => {
    // Every form posts and redirects (or renders an error page): wait for that navigation, not just the click.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
  };

  it('refuses a wrong key, then signs in and keeps the key in an HttpOnly, SameSite=Strict cookie', async () => {
    const first = await page.goto(`${base}/editor`);
    expect(first?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.fill('#key', 'rk_000000000000_wrongwrongwrongwrongwrong');
    await submit('Sign in');
    expect(await page.textContent('.error')).toContain('not valid');

    await page.fill('#key', key);
    await submit('Sign in');
    expect(await page.textContent('h1')).toBe('Review queue');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'roundup_editor');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/editor' });
    // The queue lists the seeded stories with their reasons, widest coverage first.
    const rows = await page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-story-id')));
    expect(rows[0]).toBe('s_kenya');
    expect(rows).toEqual(expect.arrayContaining(['s_chile', 's_after', 's_lagos']));
  });

  it('shows a story with its perspectives and why each item is there', async () => {
    await page.click('a[href="/editor/stories/s_kenya"]');
    await page.waitForURL(/s_kenya/);
    expect(await page.$$eval('section.outlet', (s) => s.length)).toBe(4);
    const why = await page.textContent('[data-item-id="i_kenya_b"]');
    expect(why).toContain('score 0.66');
    expect(why).toContain('Nairobi');
    expect(await page.textContent('[data-item-id="i_kenya_a"]')).toContain('founded the story');
  });

  it('merges two stories; the absorbed one redirects in the public API', async () => {
    await page.goto(`${base}/editor/stories/s_chile`);
    await page.fill('#sources', 's_after');
    await submit('Merge into this story');
    expect(await page.textContent('#flash')).toContain('Merged s_after');
    const moved = await settled('/stories/s_after', (r) => r.status !== 200);
    expect([301, 302, 307, 308]).toContain(moved.status);
    expect(moved.location).toMatch(/s_chile$/);
    const chile = await settled('/stories/s_chile', (r) => r.body?.counts?.items === 4);
    expect(chile.body.counts).toMatchObject({ items: 4, outlets: 4 });
  });

  it('renames a story; the public API shows the new label', async () => {
    await page.fill('#label', 'Chile quake and aftershock');
    await submit('Save text');
    expect(await page.textContent('#story-label')).toBe('Chile quake and aftershock');
    expect((await settled('/stories/s_chile', (r) => r.body?.label !== 'Chile earthquake')).body.label).toBe('Chile quake and aftershock');
    const list = await settled('/stories', (r) => r.body?.stories?.some((s: { label: string }) => s.label === 'Chile quake and aftershock'));
    expect(list.body.stories.find((s: { id: string }) => s.id === 's_chile')?.label).toBe('Chile quake and aftershock');
    expect(list.body.stories.map((s: { id: string }) => s.id)).not.toContain('s_after');
  });

  it('splits ticked items into a new story that the public API lists', async () => {
    await page.goto(`${base}/editor/stories/s_kenya`);
    await page.check('[data-item-id="i_kenya_c"] input[type=checkbox]');
    await page.check('[data-item-id="i_kenya_d"] input[type=checkbox]');
    await page.fill('#split-label', 'Kenya shilling slides');
    await submit('Split ticked items');
    const flash = (await page.textContent('#flash')) ?? '';
    const newId = /new story (s_[0-9a-f]+)/.exec(flash)?.[1];
    expect(newId).toBeDefined();
    expect((await settled('/stories/s_kenya', (r) => r.body?.counts?.items !== 4)).body.counts).toMatchObject({ items: 2 });
    const created = await settled(`/stories/${newId}`, (r) => r.status === 200);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ label: 'Kenya shilling slides', counts: { items: 2, outlets: 2 } });
    const listed = await settled('/stories', (r) => r.body?.stories?.some((s: { id: string }) => s.id === newId));
    expect(listed.body.stories.map((s: { id: string }) => s.id)).toContain(newId);
  });

  it('approves a single-outlet story, which makes it public', async () => {
    expect((await pub('/stories/s_lagos')).status).toBe(404);
    await page.goto(`${base}/editor/stories/s_lagos`);
    await submit('Approve');
    expect(await page.textContent('#story-status')).toBe('approved');
    expect((await settled('/stories/s_lagos', (r) => r.status === 200)).status).toBe(200);
    const listed = await settled('/stories', (r) => r.body?.stories?.some((s: { id: string }) => s.id === 's_lagos'));
    expect(listed.body.stories.map((s: { id: string }) => s.id)).toContain('s_lagos');
  });

  it('shows the history and the digest, and refuses form posts without the CSRF token', async () => {
    await page.goto(`${base}/editor/stories/s_chile`);
    const history = (await page.textContent('#history')) ?? '';
    expect(history).toContain('rename by Eve Editor');
    expect(history).toContain('merge by Eve Editor');

    const digest = await page.context().request.get(`${base}/editor/stories/s_chile/digest.md`);
    expect(digest.headers()['content-type']).toContain('text/markdown');
    expect(await digest.text()).toContain('said Ana Torres in Daily Alpha (Paris)');

    const before = (await db.store.getStory('s_chile'))!.version;
    const forged = await page.context().request.post(`${base}/editor/stories/s_chile/status`, { form: { op: 'hide' } });
    expect(forged.status()).toBe(403);
    const crossSite = await page.context().request.post(`${base}/editor/stories/s_chile/status`, {
      form: { op: 'hide', csrf: 'x' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status()).toBe(403);
    expect((await db.store.getStory('s_chile'))!.version).toBe(before);
  });
});
