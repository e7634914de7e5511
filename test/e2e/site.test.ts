// The reader site in headless Chromium on the bundled sample day: pages render and link up, the Mali story shows every
// outlet with its city, Arabic reads right to left, and axe-core finds no serious or critical accessibility violation
// on desktop and mobile. Screenshots and axe reports go to test/e2e/screenshots/ (gitignored).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config.ts';
import { startLocalStack, type LocalStack } from '../../lib/local/stack.ts';
import { silentLogger } from '../../lib/log.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
/** Time a browser test may take: pages render and axe runs in seconds, but on a busy shared machine in tens. */
const BROWSER_MS = 120_000;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const VIEWPORTS: Record<'desktop' | 'mobile', BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  mobile: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (WCAG 2.1 A/AA and best practices) and returns its violations. */
async function axe(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's script-free CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

// Skipped only outside CI when Debian's chromium is not installed; CI installs it, so a missing browser fails there.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('reader site in a browser (sample day)', { timeout: BROWSER_MS }, () => {
  let dir: string;
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let mali: { id: string; cities: string[] };
  /** Console errors per page (a CSP refusal of our own stylesheet would show here). */
  const consoleErrors: string[] = [];

  const open = async (kind: keyof typeof VIEWPORTS, path: string, scheme: 'light' | 'dark' = 'light'): Promise<Page> => {
    const ctx = await browser.newContext({ ...VIEWPORTS[kind], colorScheme: scheme });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('console', (m) => {
      // An error page's own status is logged by Chromium as a failed load; anything else is a real error.
      if (m.type() === 'error' && !(path.startsWith('/s/no-such-story') && m.text().includes('status of 404'))) consoleErrors.push(`${path}: ${m.text()}`);
    });
    const res = await page.goto(`${stack.apiUrl}${path}`);
    expect(res, path).not.toBeNull();
    return page;
  };

  /** Screenshot and axe report of a page; fails on serious or critical violations. */
  const check = async (page: Page, name: string) => {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const violations = await axe(page);
    writeFileSync(join(SHOTS, `${name}.axe.json`), JSON.stringify(violations, null, 2));
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), name).toEqual([]);
    // The page's own stylesheet applied under its CSP (an unstyled page would still pass axe).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.brand')!).fontWeight)).toBe('700');
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'roundup-site-e2e-'));
    const config = parseConfig({ PORT: '0', ROUNDUP_LOG_LEVEL: 'silent', ROUNDUP_TABLE: 'site-e2e' });
    stack = await startLocalStack({ config, log: silentLogger, dataDir: join(dir, 'data'), feeds: 'sample', noSchedule: true });
    await stack.ingestNow();
    const list = (await (await fetch(`${stack.apiUrl}/stories?q=mali`)).json()) as { stories: { id: string }[] };
    expect(list.stories.length).toBeGreaterThan(0);
    const detail = (await (await fetch(`${stack.apiUrl}/stories/${list.stories[0]!.id}`)).json()) as { id: string; perspectives: { outlet: { city: string } }[] };
    mali = { id: detail.id, cities: detail.perspectives.map((p) => p.outlet.city) };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  }, 180_000);

  // Each test's pages close with it: a dozen open contexts would hold a dozen renderers.
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the latest stories, the Mali story among them, and its link opens the roundup', async () => {
    const page = await open('desktop', '/');
    expect(await page.title()).toBe('Roundup — The news, and what each outlet said');
    const cards = page.locator('li.card');
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    const card = cards.filter({ hasText: /Mali/ }).first();
    await expect.poll(() => card.count()).toBe(1);
    await Promise.all([page.waitForURL(new RegExp(`/s/${mali.id}/`)), card.locator('h2 a').click()]);
    expect(await page.locator('h1').textContent()).toMatch(/Mali/);
    // Back to the list by the page's own link.
    await Promise.all([page.waitForURL(`${stack.apiUrl}/`), page.getByRole('link', { name: /All stories/ }).click()]);
    expect(await page.locator('li.card').count()).toBeGreaterThanOrEqual(5);
  });

  it('prints every outlet of the Mali story with its city and country, and its Arabic quote right to left', async () => {
    const page = await open('desktop', `/s/${mali.id}`);
    const where = await page.locator('.outlet-head .where').allTextContents();
    expect(where.map((w) => w.split(',')[0])).toEqual(mali.cities);
    expect(where.every((w) => w.includes(', '))).toBe(true);
    expect(mali.cities).toEqual(expect.arrayContaining(['Montreal', 'Ouagadougou', 'Doha', 'Paris']));
    // Attribution as the seed prints it.
    const text = (await page.locator('article.story').textContent()) ?? '';
    expect(text).toContain('said François Brousseau in Le Devoir (Montreal).');
    expect(text).toContain('BBC News (London) reported.');
    expect(text).not.toMatch(/said BBC News in BBC News/);
    const arabic = page.locator('.said .q[lang="ar"]').first();
    expect(await arabic.getAttribute('dir')).toBe('rtl');
    expect(await arabic.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    // Outlet links leave for the original article.
    const out = await page.locator('.said .source a').first().getAttribute('href');
    expect(out).toMatch(/^https:\/\//);
  });

  it('filters with the form, without any script', async () => {
    const page = await open('desktop', '/');
    await page.selectOption('select[name=region]', 'africa');
    await Promise.all([page.waitForURL(/region=africa/), page.getByRole('button', { name: 'Show stories' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Stories from outlets in Africa');
    const cards = await page.locator('li.card').allTextContents();
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) expect(c).toMatch(/Ouagadougou/);
    expect(await page.evaluate(() => document.scripts.length)).toBe(1); // the JSON-LD block, which runs nothing
    expect(await page.locator('script:not([type="application/ld+json"])').count()).toBe(0);
  });

  it('reaches the content from the keyboard first', async () => {
    const page = await open('desktop', '/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  });

  // One test per page and viewport: each loads Chromium pages and runs axe.
  for (const kind of ['desktop', 'mobile'] as const) {
    it(`passes axe on the front page (${kind})`, async () => {
      await check(await open(kind, '/'), `front-${kind}`);
    });

    it(`passes axe on the Mali story with its Arabic perspective (${kind})`, async () => {
      const story = await open(kind, `/s/${mali.id}`);
      expect(await story.locator('.said .q[lang="ar"][dir="rtl"]').count()).toBeGreaterThan(0);
      await check(story, `story-${kind}`);
    });

    it(`passes axe on an empty list (${kind})`, async () => {
      const empty = await open(kind, '/?q=zzzqqxx');
      expect(await empty.locator('.empty').textContent()).toContain('No published story matches');
      await check(empty, `empty-${kind}`);
    });

    it(`passes axe on the 404 page (${kind})`, async () => {
      const missing = await open(kind, '/s/no-such-story');
      expect(await missing.locator('h1').textContent()).toBe('Page not found');
      await check(missing, `not-found-${kind}`);
    });
  }

  it('passes axe on the story in dark mode', async () => {
    const dark = await open('desktop', `/s/${mali.id}`, 'dark');
    expect(await dark.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 20, 19)');
    await check(dark, 'story-desktop-dark');
  });

  it('passes axe on the front page in dark mode (mobile)', async () => {
    await check(await open('mobile', '/', 'dark'), 'front-mobile-dark');
  });

  it('passes axe on the story in French, with French attribution', async () => {
    const fr = await open('desktop', `/s/${mali.id}?hl=fr`);
    expect(await fr.locator('html').getAttribute('lang')).toBe('fr');
    expect(await fr.locator('article.story').textContent()).toContain('a déclaré François Brousseau dans Le Devoir (Montréal).');
    await check(fr, 'story-desktop-fr');
  });

  it('has an accessibility check that does fail: a planted image without text is reported', async () => {
    const page = await open('desktop', '/s/no-such-story');
    await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('img'), { src: 'data:,' })));
    expect((await axe(page)).map((v) => v.id)).toContain('image-alt');
  });

  it('logged no console errors (no CSP refusal, no missing resource)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
