// Headlines in the reader's language on the bundled sample day: ingested and grouped as `npm start` does, then read
// back through the API with `lang`, Accept-Language and the desk's language, on both DynamoDB backends.
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../lib/api/app.ts';
import { jsonFeedSchema, storyDetailSchema, storyListSchema } from '../../lib/api/schemas.ts';
import { parseConfig } from '../../lib/config.ts';
import { standfirstOf } from '../../lib/group/headlines.ts';
import { silentLogger } from '../../lib/log.ts';
import { fromOpml } from '../../lib/outlets/opml.ts';
import { registerOutlets, runIngest } from '../../lib/pipeline/ingest.ts';
import { startSampleServer, type SampleServer } from '../../lib/samples/server.ts';
import type { Item, Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';

const MALI = /\bmali\b|malí|مالي/i;

describe.each(BACKENDS)('headlines per language on the sample day ($name)', (backend) => {
  let db: TestDb;
  let sample: SampleServer;
  let app: Hono;
  let mali: Story;
  let items: Map<string, Item>;
  const publish = { mode: 'outlets' as const, minOutlets: 2 };

  beforeAll(async () => {
    db = await openTestDb(backend);
    sample = await startSampleServer();
    const config = parseConfig({ ROUNDUP_ALLOW_PRIVATE_NETWORK: 'true' });
    const now = () => new Date();
    await registerOutlets(db.store, fromOpml(sample.opml), now().toISOString());
    await runIngest(
      { store: db.store, log: silentLogger, now, fetch: config.fetch, pollMinutes: 15, windowHours: 72, concurrency: 8, owner: 'headlines-test' },
      { all: true },
    );
    const stories = (await db.store.listStories({ limit: 100 })).items.filter((s) => !s.mergedInto);
    const found = stories.filter((s) => MALI.test(`${s.label} ${s.headline}`) && s.outletIds.length >= 5);
    expect(found, stories.map((s) => s.headline).join('\n')).toHaveLength(1);
    mali = found[0]!;
    items = new Map((await db.store.getItems(mali.itemIds)).map((i) => [i.id, i]));
    app = createApp({ store: db.store, config: { publish, stage: 'test' }, log: silentLogger });
  }, 120_000);
  afterAll(async () => {
    await sample?.close();
    await db?.close();
  });

  const detail = async (query: string, headers: Record<string, string> = {}) => {
    const res = await app.request(`/stories/${mali.id}${query}`, { headers });
    expect(res.status).toBe(200);
    return { res, body: storyDetailSchema.parse(await res.json()) };
  };

  it('stores one headline per language from a member item in that language', () => {
    const langs = new Set([...items.values()].map((i) => i.language));
    expect(Object.keys(mali.headlines ?? {}).sort()).toEqual([...langs].filter((l) => l !== 'und').sort());
    for (const [lang, h] of Object.entries(mali.headlines!)) {
      const item = items.get(h.itemId)!;
      expect(item, lang).toBeDefined();
      expect(item.language).toBe(lang);
      expect(h.headline).toBe(item.title);
    }
    expect(Object.keys(mali.headlines!)).toEqual(expect.arrayContaining(['en', 'fr']));
  });

  it('answers an English headline for lang=en and a French one for lang=fr', async () => {
    const en = (await detail('?lang=en')).body;
    const fr = (await detail('?lang=fr')).body;
    expect(en.headlineLanguage).toBe('en');
    expect(fr.headlineLanguage).toBe('fr');
    expect([...items.values()].filter((i) => i.language === 'en').map((i) => i.title)).toContain(en.headline);
    expect([...items.values()].filter((i) => i.language === 'fr').map((i) => i.title)).toContain(fr.headline);
    expect(en.headline).not.toBe(fr.headline);
    // The standfirst is the summary of the article the headline comes from.
    expect(en.summary).toBe(standfirstOf(items.get(mali.headlines!.en!.itemId)!.summary) ?? null);
    // Every language's headline is in the body, keyed by language.
    expect(Object.keys(en.headlines).sort()).toEqual(Object.keys(mali.headlines!).sort());
    expect(en.headlines.fr).toEqual({ headline: fr.headline, standfirst: fr.summary, itemId: mali.headlines!.fr!.itemId });
    // The list, both feeds and the detail agree.
    const list = storyListSchema.parse(await (await app.request('/stories?lang=fr&limit=100')).json());
    const listed = list.stories.find((s) => s.id === mali.id)!;
    expect(listed).toMatchObject({ headline: fr.headline, summary: fr.summary, headlineLanguage: 'fr' });
    // Listings name every language's headline without its standfirst (the story's own answer has them).
    expect(listed.headlines).toEqual(Object.fromEntries(Object.entries(en.headlines).map(([l, h]) => [l, { headline: h.headline, itemId: h.itemId }])));
    const feed = jsonFeedSchema.parse(await (await app.request('/feed.json?lang=fr&limit=100')).json());
    expect(feed.items.find((i) => i.id === mali.id)).toMatchObject({ title: fr.headline, language: 'fr' });
    const rss = await new Parser().parseString(await (await app.request('/feed.xml?limit=100', { headers: { 'accept-language': 'fr' } })).text());
    expect(rss.items.find((i) => i.guid?.endsWith(mali.id))?.title).toBe(fr.headline);
    // The reader site's story page and front page headline the story the same way.
    const h1 = async (path: string) => /<h1 id="story-title" lang="(\w+)"[^>]*>([^<]*)<\/h1>/.exec(await (await app.request(path)).text())?.slice(1);
    const escaped = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    expect(await h1(`/s/${mali.id}?lang=en`)).toEqual(['en', escaped(en.headline)]);
    expect(await h1(`/s/${mali.id}?lang=fr`)).toEqual(['fr', escaped(fr.headline)]);
    expect(await (await app.request('/?lang=fr')).text()).toContain(escaped(fr.headline));
  });

  it('follows Accept-Language when there is no lang, then the desk language, varying the cached answer', async () => {
    const fr = await detail('', { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.8' });
    expect(fr.body.headlineLanguage).toBe('fr');
    expect(fr.res.headers.get('vary')).toBe('Accept-Encoding, Accept-Language');
    const de = await detail('', { 'accept-language': 'de-DE, es;q=0.5' });
    expect(de.body.headlineLanguage).toBe('es');
    const none = await detail('');
    expect(none.body.headlineLanguage).toBe('en');
    // One cached entry per language list: answers differ, and so do their validators.
    expect(new Set([fr, de, none].map((x) => x.res.headers.get('etag'))).size).toBe(3);
    const again = await app.request(`/stories/${mali.id}`, { headers: { 'accept-language': 'fr', 'if-none-match': fr.res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await app.request(`/stories/${mali.id}`, { headers: { 'if-none-match': fr.res.headers.get('etag')! } })).status).toBe(200);
    // A feed read in French links to the story pages in French and writes its attributions in French.
    const feed = jsonFeedSchema.parse(await (await app.request('/feed.json?limit=100', { headers: { 'accept-language': 'fr-CA,fr;q=0.9' } })).json());
    const entry = feed.items.find((i) => i.id === mali.id)!;
    expect(entry).toMatchObject({ title: fr.body.headline, language: 'fr' });
    expect(entry.url).toMatch(new RegExp(`/s/${mali.id}/[a-z0-9-]+\\?lang=fr$`));
    expect(entry.content_text).toMatch(/a (déclaré|rapporté)/);
    const english = jsonFeedSchema.parse(await (await app.request('/feed.json?limit=100')).json()).items.find((i) => i.id === mali.id)!;
    expect(english.url).not.toContain('?lang=');
    expect(english.content_text).not.toMatch(/a (déclaré|rapporté)/);
    // An explicit lang wins over Accept-Language, and then the answer does not vary with it.
    const explicit = await detail('?lang=en', { 'accept-language': 'fr' });
    expect(explicit.body.headlineLanguage).toBe('en');
    expect(explicit.res.headers.get('vary')).toBe('Accept-Encoding');
  });

  it('uses the configured desk language by default, and an editor headline wins for it', async () => {
    const frDesk = createApp({ store: db.store, config: { publish, stage: 'test', deskLanguage: 'fr' }, log: silentLogger, cache: false });
    const body = storyDetailSchema.parse(await (await frDesk.request(`/stories/${mali.id}`)).json());
    expect(body.headlineLanguage).toBe('fr');
    const edited: Story = { ...mali, headline: 'France leaves Mali', summary: 'Written at the desk.', headlineByEditor: true, version: mali.version + 1 };
    await db.store.putStory(edited, mali);
    const enDesk = createApp({ store: db.store, config: { publish, stage: 'test' }, log: silentLogger, cache: false });
    const en = storyDetailSchema.parse(await (await enDesk.request(`/stories/${mali.id}`)).json());
    expect(en).toMatchObject({ headline: 'France leaves Mali', summary: 'Written at the desk.', headlineLanguage: 'en' });
    expect(en.headlines.en).toEqual({ headline: 'France leaves Mali', standfirst: 'Written at the desk.', itemId: null });
    const fr = storyDetailSchema.parse(await (await enDesk.request(`/stories/${mali.id}?lang=fr`)).json());
    expect(fr.headline).toBe(mali.headlines!.fr!.headline);
  });
});
