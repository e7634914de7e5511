// The reader site over HTTP on both databases: front page filters and pages, story pages, redirects, errors, caching.
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/api/app.ts';
import { storyDetailSchema } from '../../lib/api/schemas.ts';
import { silentLogger } from '../../lib/log.ts';
import type { Store } from '../../lib/store/store.ts';
import type { Item, Outlet, Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { outletRecord, storeStory, storyOf } from '../support/records.ts';

const outlet = outletRecord;

const OUTLETS: Outlet[] = [
  outlet('le-devoir', 'Le Devoir', 'Montreal', 'CA', 'americas', ['fr']),
  outlet('cbc', 'CBC News', 'Toronto', 'CA', 'americas', ['en']),
  outlet('le-monde', 'Le Monde', 'Paris', 'FR', 'europe', ['fr']),
  outlet('bbc', 'BBC News', 'London', 'GB', 'europe', ['en']),
  outlet('al-jazeera', 'Al Jazeera', 'Doha', 'QA', 'middle-east', ['en', 'ar'], ['Al Jazeera English — All news', 'الجزيرة نت — أخبار']),
];

const t = (minutes: number) => new Date(Date.UTC(2026, 11, 4, 8, 0) + minutes * 60_000).toISOString();

let seq = 0;
function mkItem(outletId: string, over: Partial<Item> = {}): Item {
  const o = OUTLETS.find((x) => x.id === outletId)!;
  const id = `i${seq++}`;
  return {
    id,
    feedId: o.feeds[0]!.id,
    outletId,
    url: `https://${outletId}.example/a/${id}`,
    title: `${o.name} report ${id}`,
    summary: `What ${o.name} wrote in ${id}.`,
    language: o.languages[0]!,
    publishedAt: t(seq),
    firstSeenAt: t(seq),
    contentHash: `h-${id}`,
    ...over,
  };
}

async function seed(store: Store, s: Partial<Story> & { id: string; updatedAt: string }, items: Item[]): Promise<void> {
  await storeStory(store, storyOf({ label: `Story ${s.id}`, headline: `Headline of ${s.id}`, ...s }, items), items);
}

const ARABIC = 'أعلنت وزارة القوات المسلحة الفرنسية مغادرة آخر العسكريين الفرنسيين الأراضي المالية.';
const FILLERS = 21;

describe.each(BACKENDS)('reader site on $name', (backend) => {
  let db: TestDb;
  let app: Hono;
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.request(path, { headers, method });
  const html = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(path, headers);
    return { res, body: await res.text() };
  };
  const count = (s: string, needle: string) => s.split(needle).length - 1;
  // Page bodies are long: a failure names what was looked for, not the whole page.
  const contains = (body: string, needle: string) => expect(body.includes(needle), `page should contain ${needle}`).toBe(true);
  const lacks = (body: string, needle: string) => expect(body.includes(needle), `page should not contain ${needle}`).toBe(false);

  beforeAll(async () => {
    db = await openTestDb(backend);
    await db.store.putOutlets(OUTLETS);
    await seed(
      db.store,
      // Headline and standfirst written at the desk: they are the desk language's (English) headline.
      { id: 'mali', updatedAt: t(9000), label: 'Mali withdrawal', headline: 'France completes its withdrawal from Mali', summary: 'The last French troops left Bamako.', headlineByEditor: true },
      [
        mkItem('le-devoir', { author: 'François Brousseau', title: 'Le Mali, ou la fin d’une illusion française', summary: 'Treize ans après Serval, le retrait laisse un Sahel plus instable.' }),
        mkItem('al-jazeera', { author: 'Al Jazeera Staff', title: 'France completes military withdrawal from Mali', summary: 'The last French troops have left Mali.' }),
        mkItem('al-jazeera', { feedId: 'al-jazeera/1', author: 'الجزيرة نت', title: 'فرنسا تسحب آخر جنودها من مالي', summary: ARABIC, language: 'ar' }),
        mkItem('bbc', { author: 'BBC News', title: 'Last French troops leave Mali', summary: 'France has withdrawn its final military personnel from Mali, the defence ministry says.' }),
        mkItem('le-monde', { title: 'Mali : la France plie bagage, et après ?', summary: undefined }),
      ],
    );
    // The engine headlines a story with its central item's title (here CBC's, the story's English article).
    await seed(db.store, { id: 'quebec', updatedAt: t(8990), label: 'Quebec budget', headline: 'Quebec tables its budget' }, [mkItem('le-devoir'), mkItem('cbc', { title: 'Quebec tables its budget' })]);
    await seed(db.store, { id: 'merged', updatedAt: t(8980), mergedInto: 'mali' }, [mkItem('bbc'), mkItem('cbc')]);
    await seed(db.store, { id: 'hidden', updatedAt: t(8970), hidden: true }, [mkItem('bbc'), mkItem('le-monde')]);
    for (let i = 0; i < FILLERS; i++) {
      await seed(db.store, { id: `f${String(i).padStart(2, '0')}`, updatedAt: t(8000 - i) }, [mkItem('bbc'), mkItem('le-monde')]);
    }
    app = createApp({
      store: db.store,
      config: { publish: { mode: 'outlets', minOutlets: 2 }, stage: 'test' },
      log: silentLogger,
      cache: false,
      publicUrl: 'https://site.test',
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('serves the front page as cacheable HTML with a strict policy, ETag, 304 and HEAD', async () => {
    const { res, body } = await html('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=300, stale-while-revalidate=600');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'sha256-[\w+/=]+'/);
    expect(body.startsWith('<!doctype html>\n<html lang="en" dir="ltr">')).toBe(true);
    const etag = res.headers.get('etag')!;
    expect((await get('/', { 'if-none-match': etag })).status).toBe(304);
    const head = await get('/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    // Tracking parameters change nothing: same page, same validator.
    expect((await get('/?utm_source=newsletter&fbclid=x')).headers.get('etag')).toBe(etag);
    contains(body, '<link rel="canonical" href="https://site.test/"/>');
    contains(body, '<link rel="alternate" type="application/feed+json" title="Roundup (JSON Feed)" href="/feed.json"/>');
    contains(body, '<meta name="viewport" content="width=device-width, initial-scale=1"/>');
  });

  it('lists the latest stories twenty at a time, newest first, with outlets and cities, then the older ones', async () => {
    const { body } = await html('/');
    expect(count(body, '<li class="card">')).toBe(20);
    expect(body.indexOf('France completes its withdrawal from Mali')).toBeLessThan(body.indexOf('Quebec tables its budget'));
    contains(body, 'href="/s/mali/mali-withdrawal"');
    contains(body, 'Covered by Le Devoir (Montreal), Al Jazeera (Doha), BBC News (London) and Le Monde (Paris)');
    lacks(body, 'Headline of merged');
    lacks(body, 'Headline of hidden');
    const next = /<a href="(\/\?cursor=[\w-]+)" rel="next">/.exec(body)?.[1];
    expect(next).toBeDefined();
    const page2 = await html(next!);
    expect(count(page2.body, '<li class="card">')).toBe(FILLERS + 2 - 20);
    contains(page2.body, 'Back to the latest stories');
    lacks(page2.body, 'rel="next"');
  });

  it('filters by region, language and text, and says so', async () => {
    const me = await html('/?region=middle-east');
    expect(count(me.body, '<li class="card">')).toBe(1);
    contains(me.body, 'Stories from outlets in the Middle East');
    contains(me.body, '<option value="middle-east" selected="">Middle East</option>');
    // The page's feeds carry its filters.
    contains(me.body, 'href="/feed.xml?region=middle-east"');
    const ar = await html('/?lang=ar');
    expect(count(ar.body, '<li class="card">')).toBe(1);
    contains(ar.body, 'href="/s/mali/mali-withdrawal?lang=ar"');
    const q = await html('/?q=quebec&region=');
    expect(count(q.body, '<li class="card">')).toBe(1);
    contains(q.body, 'Quebec tables its budget');
    const none = await html('/?region=oceania');
    expect(none.res.status).toBe(200);
    contains(none.body, 'No published story matches these filters yet.');
  });

  it('answers bad filters with an HTML error page that says what is wrong', async () => {
    const { res, body } = await html('/?region=mars');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    contains(body, 'region: Outlet regions');
    contains(body, '<meta name="robots" content="noindex"/>');
  });

  it('prints the roundup: headline, standfirst, every outlet with its city, verbatim quotes and attribution', async () => {
    const { res, body } = await html('/s/mali/mali-withdrawal');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, s-maxage=900, stale-while-revalidate=3600');
    // Written at the desk, so in the desk's language, and marked as such.
    contains(body, '<h1 id="story-title" lang="en" dir="ltr">France completes its withdrawal from Mali</h1>');
    contains(body, 'The last French troops left Bamako.');
    for (const where of ['Montreal, Canada', 'Doha, Qatar', 'London, United Kingdom', 'Paris, France']) contains(body, where);
    contains(body, 
      '“<span class="q" lang="fr" dir="ltr">Treize ans après Serval, le retrait laisse un Sahel plus instable</span>,” said <span class="person">François Brousseau</span> in <cite>Le Devoir</cite> (Montreal).',
    );
    // House bylines: the outlet reported, never "said BBC News in BBC News".
    contains(body, ', the defence ministry says</span>,” <cite>BBC News</cite> (London) reported.');
    contains(body, 'The last French troops have left Mali</span>,” <cite>Al Jazeera</cite> (Doha) reported.');
    lacks(body, 'said <span class="person">BBC News');
    // The Arabic article is quoted right to left, credited to the outlet (its Arabic name is a feed title's).
    contains(body, `“<span class="q" lang="ar" dir="rtl">${ARABIC.slice(0, -1)}</span>,” <cite>Al Jazeera</cite> (Doha) reported.`);
    contains(body, 'lang="ar" dir="rtl">فرنسا تسحب آخر جنودها من مالي</a>');
    // Without a summary the title is the quote, its question mark kept and no comma added.
    contains(body, '“<span class="q" lang="fr" dir="ltr">Mali : la France plie bagage, et après ?</span>” <cite>Le Monde</cite> (Paris) reported.');
    contains(body, 'Read at Le Monde</a>');
    contains(body, 'Covered from 3 regions.');
  });

  it('describes the page for search engines and link previews', async () => {
    const { body } = await html('/s/mali');
    contains(body, '<link rel="canonical" href="https://site.test/s/mali/mali-withdrawal"/>');
    contains(body, '<meta property="og:type" content="article"/>');
    contains(body, '<meta property="og:url" content="https://site.test/s/mali/mali-withdrawal"/>');
    contains(body, '<meta property="article:published_time" content="');
    contains(body, '<link rel="alternate" type="application/json" href="/stories/mali"/>');
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!) as Record<string, any>;
    expect(ld).toMatchObject({ '@type': 'NewsArticle', headline: 'France completes its withdrawal from Mali', url: 'https://site.test/s/mali/mali-withdrawal' });
    expect(ld.citation).toHaveLength(5);
    expect(ld.citation[0]).toMatchObject({
      author: { '@type': 'Person', name: 'François Brousseau' },
      publisher: { '@type': 'NewsMediaOrganization', name: 'Le Devoir', address: { addressLocality: 'Montreal', addressCountry: 'CA' } },
      inLanguage: 'fr',
    });
    const front = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec((await html('/')).body)![1]!) as Record<string, any>;
    expect(front['@type']).toBe('ItemList');
    expect(front.itemListElement[0]).toEqual({ '@type': 'ListItem', position: 1, url: 'https://site.test/s/mali/mali-withdrawal', name: 'France completes its withdrawal from Mali' });
  });

  it('serves the same page under any slug, in French with hl=fr, and keeps the JSON contract of /stories/{id}', async () => {
    const a = await get('/s/mali/mali-withdrawal');
    const b = await get('/s/mali/an-old-label');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    const fr = await html('/s/mali?hl=fr');
    contains(fr.body, '<html lang="fr" dir="ltr">');
    contains(fr.body, 'a déclaré <span class="person">François Brousseau</span> dans <cite>Le Devoir</cite> (Montréal).');
    contains(fr.body, 'a rapporté <cite>BBC News</cite> (Londres).');
    contains(fr.body, 'Ce qu’en disent les médias');
    contains(fr.body, '<link rel="canonical" href="https://site.test/s/mali/mali-withdrawal?hl=fr"/>');
    const json = await get('/stories/mali');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const detail = storyDetailSchema.parse(await json.json());
    const aj = detail.perspectives.find((p) => p.outlet.id === 'al-jazeera')!;
    expect(aj.items.map((i) => [i.language, i.author, i.byline])).toEqual([
      ['en', 'Al Jazeera Staff', null],
      ['ar', 'الجزيرة نت', null],
    ]);
  });

  it('flags a blindspot at a glance', async () => {
    const { body } = await html('/s/quebec');
    contains(body, 'Blindspot: only outlets in the Americas covered this story.');
    contains(body, '<span class="badge">Blindspot</span>');
  });

  it('redirects a merged story to the surviving page and answers 404 pages for the rest', async () => {
    const merged = await get('/s/merged/old-slug?hl=fr');
    expect(merged.status).toBe(308);
    expect(merged.headers.get('location')).toBe('/s/mali?hl=fr');
    for (const path of ['/s/hidden', '/s/nope/slug', '/s/bad%20id']) {
      const { res, body } = await html(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      contains(body, '<h1 id="error-title">Page not found</h1>');
    }
    const badLang = await get('/s/mali?lang=not-a-language');
    expect(badLang.status).toBe(400);
  });

  it('shows browsers the 404 page for unknown addresses, and programs problem+json', async () => {
    const browser = await html('/about-us', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(browser.res.status).toBe(404);
    contains(browser.body, '<h1 id="error-title">Page not found</h1>');
    const program = await get('/about-us');
    expect(program.status).toBe(404);
    expect(program.headers.get('content-type')).toBe('application/problem+json');
  });
});
