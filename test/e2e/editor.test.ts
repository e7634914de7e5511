// Editor desk end to end in headless Chromium: sign in, merge, split, rename, approve, possible same stories, queue filters.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
import { seedDesk, seedPairs } from '../integration/editor-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const PEPPER = 'e2e-pepper-0123456789abcdef';
/** Folder to save page screenshots in, for looking at the desk by eye (`ROUNDUP_E2E_SCREENSHOTS=dir`); none when unset. */
const SHOTS = process.env.ROUNDUP_E2E_SCREENSHOTS;

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
    await seedPairs(db.store);
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

  const shot = async (p: Page, name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

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
  describe('possible same story and queue filters', () => {
    /** A row of the "possible same story" section. */
    const row = (p: Page, a: string, b: string) => p.locator(`[data-suggestion][data-a="${a}"][data-b="${b}"]`);

    it('shows pairs side by side with outlets, cities, languages and evidence; a pair merged by hand is gone', async () => {
      await page.goto(`${base}/editor`);
      await shot(page, 'queue');
      const pairs = await page.$$eval('[data-suggestion]', (els) => els.map((e) => `${e.getAttribute('data-a')}+${e.getAttribute('data-b')}`));
      // Chile and its aftershock were merged from the story page above: their suggestion left with the merge.
      expect(pairs).toEqual(['s_cable_ar+s_cable_en', 's_quake_ar+s_quake_en', 's_debt_en+s_debt_es']);
      const quake = row(page, 's_quake_ar', 's_quake_en');
      const left = quake.locator('[data-side="a"]');
      const right = quake.locator('[data-side="b"]');
      expect(await left.locator('.pair-label').textContent()).toBe('زلزال اليابان');
      expect(await left.textContent()).toContain('Al Jazeera · Doha');
      expect(await left.locator('.tag.lang').allTextContents()).toEqual(['ar']);
      expect(await right.textContent()).toContain('The Guardian · London');
      expect(await right.textContent()).toContain('Bravo News · London');
      expect(await right.textContent()).toContain('kept on merge');
      const evidence = (await quake.locator('.evidence').textContent()) ?? '';
      for (const e of ['Shared names', 'Japan', 'Noto', 'Translated', 'زلزال → earthquake', 'Numbers', '7.5']) expect(evidence).toContain(e);
      expect(await quake.locator('.score').textContent()).toContain('score 0.41 / threshold 0.45');
      expect(await quake.locator('.tag.cross').textContent()).toBe('cross-lingual');
      // Arabic reads right to left inside the left-to-right page.
      expect(await left.locator('.pair-label').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
      // "source → pivot" keeps that order on screen, Arabic source or not.
      const [source, pivot] = await quake.locator('.tag.translated').first().locator('bdi').all();
      expect(await source!.textContent()).toBe('زلزال');
      expect((await source!.boundingBox())!.x).toBeLessThan((await pivot!.boundingBox())!.x);
      // The story table names the languages too.
      expect(await page.locator('#queue tr[data-story-id="s_debt_es"] .tag.lang').allTextContents()).toEqual(['es']);

      // On a phone the two stories stack and nothing runs off the side.
      await page.setViewportSize({ width: 400, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
      const [boxA, boxB] = [await left.boundingBox(), await right.boundingBox()];
      expect(boxB!.y).toBeGreaterThan(boxA!.y + boxA!.height - 1);
      await shot(page, 'queue-narrow');
      await page.setViewportSize({ width: 1200, height: 1000 });

      // A story's page shows the pairs it is in, with the same actions.
      await page.goto(`${base}/editor/stories/s_debt_es`);
      expect(await page.textContent('#suggestions-title')).toContain('Possible same story as this one (1)');
      expect(await row(page, 's_debt_en', 's_debt_es').getByRole('button', { name: 'Not the same story' }).count()).toBe(1);
      await shot(page, 'story-page-pair');
    });

    it('dismisses a pair with a plain form when the browser runs no script', async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 1000 } });
      await ctx.addCookies([{ name: 'roundup_editor', value: key, domain: '127.0.0.1', path: '/editor', httpOnly: true, sameSite: 'Strict' }]);
      const plain = await ctx.newPage();
      await plain.goto(`${base}/editor?kind=possible-same-story`);
      await Promise.all([plain.waitForNavigation(), row(plain, 's_cable_ar', 's_cable_en').getByRole('button', { name: 'Not the same story' }).click()]);
      // Back on the same filtered queue, with the message, and the pair gone.
      expect(new URL(plain.url()).searchParams.get('kind')).toBe('possible-same-story');
      expect(await plain.textContent('#flash')).toContain('not the same story');
      expect(await row(plain, 's_cable_ar', 's_cable_en').count()).toBe(0);
      expect(await plain.locator('#queue').count()).toBe(0);
      await shot(plain, 'dismissed-without-script');
      await ctx.close();
      expect(await db.store.getPair('s_cable_ar', 's_cable_en')).toMatchObject({ dismissed: { dismissedBy: { name: 'Eve Editor' } } });
      const history = (await db.store.getStory('s_cable_ar'))!;
      expect(history.version).toBe(1);
    });

    it('merges a pair in place with the script: no reload, the row leaves, the message is announced', async () => {
      await page.goto(`${base}/editor`);
      let navigated = false;
      page.once('framenavigated', () => (navigated = true));
      const quake = row(page, 's_quake_ar', 's_quake_en');
      await quake.getByRole('button', { name: 'Merge' }).click();
      await quake.waitFor({ state: 'detached' });
      expect(navigated).toBe(false);
      expect(await page.textContent('#flash')).toContain('Merged “زلزال اليابان” (s_quake_ar) into “Japan earthquake” (s_quake_en)');
      expect(await page.textContent('#suggestion-count')).toBe('1');
      // The absorbed story's row left the table as well.
      expect(await page.locator('#queue tr[data-story-id="s_quake_ar"]').count()).toBe(0);
      await shot(page, 'merged-with-script');
      expect(await db.store.getStory('s_quake_ar')).toMatchObject({ mergedInto: 's_quake_en' });
      const moved = await settled('/stories/s_quake_ar', (r) => r.status !== 200);
      expect(moved.location).toMatch(/s_quake_en$/);
      // Reloaded, the queue agrees.
      await page.reload();
      expect(await row(page, 's_quake_ar', 's_quake_en').count()).toBe(0);
    });

    it('shows a failure in the row when the story changed meanwhile, and merges after a reload', async () => {
      await page.goto(`${base}/editor`);
      // Another editor edits the English story after this page was rendered.
      const en = (await db.store.getStory('s_debt_en'))!;
      await db.store.putStory({ ...en, summary: 'Edited elsewhere.', version: en.version + 1, updatedAt: new Date().toISOString() }, en);
      const debt = row(page, 's_debt_en', 's_debt_es');
      await debt.getByRole('button', { name: 'Merge' }).click();
      await debt.locator('.pair-error').waitFor({ state: 'visible' });
      expect(await debt.locator('.pair-error').textContent()).toContain('reload and retry');
      expect(await debt.getByRole('button', { name: 'Merge' }).isEnabled()).toBe(true);
      await page.reload();
      await row(page, 's_debt_en', 's_debt_es').getByRole('button', { name: 'Merge' }).click();
      await row(page, 's_debt_en', 's_debt_es').waitFor({ state: 'detached' });
      expect(await page.isVisible('#no-suggestions')).toBe(true);
    });

    it('filters the queue by language, status, single outlet and kind, from the form and the URL', async () => {
      await page.goto(`${base}/editor`);
      await page.selectOption('select[name=language]', 'ar');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()]);
      expect(new URL(page.url()).search).toBe('?kind=&status=&language=ar');
      const arabic = await page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-story-id')));
      // The English quake story holds the Arabic item it absorbed above.
      expect(arabic.sort()).toEqual(['s_cable_ar', 's_quake_en']);
      await shot(page, 'filtered-arabic');

      await page.goto(`${base}/editor`);
      await page.check('input[name=single-outlet]');
      await page.selectOption('select[name=kind]', 'story');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()]);
      const single = await page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-story-id')));
      expect(single).toEqual(expect.arrayContaining(['s_cable_ar', 's_cable_en']));
      expect(single).not.toContain('s_kenya');
      expect(await page.locator('#suggestions').count()).toBe(0);
      expect(await page.isChecked('input[name=single-outlet]')).toBe(true);
      await shot(page, 'filtered-single-outlet');

      // A shared link applies the same filters; Clear filters goes back to everything.
      await page.goto(`${base}/editor?status=auto&language=en`);
      expect(await page.inputValue('select[name=status]')).toBe('auto');
      const auto = await page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-story-id')));
      expect(auto.length).toBeGreaterThan(1);
      for (const id of auto) expect((await db.store.getStory(id!))!.status).toBe('auto');
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Clear filters' }).click()]);
      expect(new URL(page.url()).search).toBe('');
      const bad = await page.goto(`${base}/editor?language=arabic`);
      expect(bad?.status()).toBe(400);
      expect(await page.textContent('#error')).toContain('language');
    });
  });
});
