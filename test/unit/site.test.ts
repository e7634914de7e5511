// Reader-site rendering without I/O: slugs and URLs, headline and label choice from whatever the story data carries,
// right-to-left markup, metadata escaping, and the feed-entry HTML.
import { describe, expect, it } from 'vitest';
import type { Perspective } from '../../lib/api/views.ts';
import { headlineFor, roundupHtml, type SiteStory } from '../../lib/site/components.tsx';
import { renderErrorPage, renderFrontPage, renderStoryPage } from '../../lib/site/pages.tsx';
import { CSS, CSS_HASH } from '../../lib/site/style.ts';
import { frontQuery, slugOf, storyPagePath, storyPageUrl } from '../../lib/site/urls.ts';
import { createHash } from 'node:crypto';

const perspectives: Perspective[] = [
  {
    outlet: { id: 'le-devoir', name: 'Le Devoir', city: 'Montreal', country: 'CA', region: 'americas', homepage: 'https://www.ledevoir.com' },
    language: 'fr',
    items: [
      {
        id: 'i1',
        title: 'Le Mali, ou la fin d’une illusion française',
        author: 'François Brousseau',
        byline: 'François Brousseau',
        link: 'https://www.ledevoir.com/monde/1',
        excerpt: 'Treize ans après Serval, le retrait laisse un Sahel plus instable.',
        language: 'fr',
        publishedAt: '2026-12-04T17:06:00.000Z',
      },
    ],
  },
  {
    outlet: { id: 'al-jazeera', name: 'Al Jazeera', city: 'Doha', country: 'QA', region: 'middle-east', homepage: null },
    language: 'en',
    items: [
      {
        id: 'i2',
        title: 'فرنسا تسحب آخر جنودها من مالي',
        author: 'الجزيرة نت',
        byline: null,
        link: 'https://www.aljazeera.net/news/1',
        excerpt: 'أعلنت وزارة القوات المسلحة الفرنسية مغادرة آخر العسكريين الفرنسيين.',
        language: 'ar',
        publishedAt: '2026-12-04T12:11:00.000Z',
      },
    ],
  },
];

const story = (over: Partial<SiteStory> = {}): SiteStory => ({
  id: 's_1',
  url: 'https://site.test/stories/s_1',
  label: 'Mali withdrawal',
  labels: {},
  headline: 'Le Mali, ou la fin d’une illusion française',
  summary: 'Treize ans après Serval.',
  firstSeenAt: '2026-12-04T10:41:00.000Z',
  lastSeenAt: '2026-12-04T18:56:00.000Z',
  updatedAt: '2026-12-05T04:34:34.313Z',
  version: 3,
  pinned: false,
  counts: { items: 2, outlets: 2, countries: 2, languages: 2 },
  countries: ['CA', 'QA'],
  regions: ['americas', 'middle-east'],
  languages: ['ar', 'fr'],
  blindspot: false,
  perspectives,
  coverage: {
    countries: [
      { key: 'CA', outlets: 1, items: 1 },
      { key: 'QA', outlets: 1, items: 1 },
    ],
    regions: [
      { key: 'americas', outlets: 1, items: 1 },
      { key: 'middle-east', outlets: 1, items: 1 },
    ],
    languages: [
      { key: 'ar', outlets: 1, items: 1 },
      { key: 'fr', outlets: 1, items: 1 },
    ],
    blindspot: false,
  },
  ...over,
});

const headlines = {
  en: { headline: 'France completes its withdrawal from Mali', standfirst: 'The last French troops left Bamako.' },
  fr: { headline: 'Le Mali, ou la fin d’une illusion française', standfirst: 'Treize ans après Serval.' },
  ar: { headline: 'فرنسا تسحب آخر جنودها من مالي', standfirst: null },
};

describe('slugs and URLs', () => {
  it('makes readable ASCII slugs from labels, bounded, and none from labels without Latin letters', () => {
    expect(slugOf('Mali withdrawal')).toBe('mali-withdrawal');
    expect(slugOf('Élections au Québec : le PQ en tête')).toBe('elections-au-quebec-le-pq-en-tete');
    expect(slugOf('انسحاب فرنسا من مالي')).toBe('');
    const long = slugOf('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(72);
    expect(long.endsWith('word')).toBe(true);
    expect(storyPagePath('s_1', 'انسحاب')).toBe('/s/s_1');
    expect(storyPageUrl('https://site.test', 's:1', 'Mali withdrawal', 'fr')).toBe('https://site.test/s/s%3A1/mali-withdrawal?lang=fr');
  });

  it('writes front-page queries in one order so equal filters give equal URLs', () => {
    expect(frontQuery({ cursor: 'c', q: 'mali', lang: ['fr', 'en'], region: ['africa'], hl: 'fr' })).toBe('?region=africa&lang=fr%2Cen&q=mali&hl=fr&cursor=c');
    expect(frontQuery({})).toBe('');
  });
});

describe('headline choice', () => {
  it('takes the wanted language from the headlines map, else the story headline with its known language', () => {
    expect(headlineFor(story({ headlines }), ['en'])).toEqual({ headline: headlines.en.headline, standfirst: headlines.en.standfirst, lang: 'en' });
    expect(headlineFor(story({ headlines }), ['de', 'ar'])).toMatchObject({ headline: headlines.ar.headline, lang: 'ar' });
    expect(headlineFor(story(), ['en'], 'fr')).toEqual({ headline: story().headline, standfirst: 'Treize ans après Serval.', lang: 'fr' });
    expect(headlineFor(story({ headlineLanguage: 'fr' }), ['en'])).toMatchObject({ lang: 'fr' });
  });
});

describe('story page', () => {
  it('headlines in the reader language and lists the other languages with lang and dir', async () => {
    const html = await renderStoryPage({ ui: 'en', base: 'https://site.test', story: story({ headlines }), want: [], query: '' });
    expect(html).toContain('<h1 id="story-title" lang="en" dir="ltr">France completes its withdrawal from Mali</h1>');
    expect(html).toContain('<span class="lname">Arabic</span><span lang="ar" dir="rtl">فرنسا تسحب آخر جنودها من مالي</span>');
    expect(html).toContain('<span class="lname">French</span><span lang="fr" dir="ltr">Le Mali, ou la fin d’une illusion française</span>');
    // The Arabic quote reads right to left inside the English sentence.
    expect(html).toContain('“<span class="q" lang="ar" dir="rtl">أعلنت وزارة القوات المسلحة الفرنسية مغادرة آخر العسكريين الفرنسيين</span>,” <cite>Al Jazeera</cite> (Doha) reported.');
  });

  it("falls back to the story's own headline, in its founding article's language, without a headlines map", async () => {
    const html = await renderStoryPage({ ui: 'en', base: 'https://site.test', story: story(), want: ['en'], query: '?lang=en' });
    expect(html).toContain('<h1 id="story-title" lang="fr" dir="ltr">Le Mali, ou la fin d’une illusion française</h1>');
    expect(html).not.toContain('class="other-headlines"');
    expect(html).toContain('<link rel="canonical" href="https://site.test/s/s_1/mali-withdrawal?lang=en"/>');
  });

  it('uses the label in the page language when the story has one, and French words and city names', async () => {
    const html = await renderStoryPage({ ui: 'fr', base: 'https://site.test', story: story({ headlines, labels: { en: 'Mali withdrawal', fr: 'Retrait du Mali' } }), want: ['fr'], query: '?lang=fr' });
    expect(html).toContain('<p class="kicker">Retrait du Mali</p>');
    expect(html).toContain('<span class="where">Montréal, Canada</span>');
    expect(html).toContain('a déclaré <span class="person">François Brousseau</span> dans <cite>Le Devoir</cite> (Montréal).');
    // The switch to English drops the French-only parameters.
    expect(html).toContain('<a class="lang-switch" href="/s/s_1/mali-withdrawal" hreflang="en" lang="en">English</a>');
  });

  it('keeps JSON-LD inert whatever the text says', async () => {
    const html = await renderStoryPage({ ui: 'en', base: 'https://site.test', story: story({ headline: 'Bad </script><script>alert(1)</script>', summary: null }), want: [], query: '' });
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!;
    expect(ld).not.toContain('<');
    expect(JSON.parse(ld).headline).toBe('Bad </script><script>alert(1)</script>');
    expect(html.match(/<script/g)).toHaveLength(1);
  });
});

describe('front page and error pages', () => {
  it('marks a headline in a right-to-left language and tells an empty site from an empty filter', async () => {
    const { perspectives: _p, coverage: _c, ...summary } = story({ headlineLanguage: 'ar', headline: 'فرنسا تسحب آخر جنودها من مالي', summary: null });
    const html = await renderFrontPage({ ui: 'en', base: 'https://site.test', filters: {}, stories: [{ summary, outlets: [{ name: 'Al Jazeera', city: 'Doha' }] }], nextCursor: null });
    expect(html).toContain('<h2 id="h-s_1" lang="ar" dir="rtl"><a href="/s/s_1/mali-withdrawal">فرنسا تسحب آخر جنودها من مالي</a></h2>');
    const none = await renderFrontPage({ ui: 'en', base: 'https://site.test', filters: {}, stories: [], nextCursor: null });
    expect(none).toContain('No story has been published yet.');
    const filtered = await renderFrontPage({ ui: 'en', base: 'https://site.test', filters: { region: ['oceania'] }, stories: [], nextCursor: null });
    expect(filtered).toContain('No published story matches these filters yet.');
  });

  it('renders error pages that search engines skip', async () => {
    const html = await renderErrorPage({ ui: 'fr', base: 'https://site.test', status: 404, path: '/s/x' });
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).toContain('<h1 id="error-title">Page introuvable</h1>');
  });
});

describe('stylesheet and feed HTML', () => {
  it('allows exactly the inline stylesheet by its hash', () => {
    expect(CSS_HASH).toBe(`'sha256-${createHash('sha256').update(CSS).digest('base64')}'`);
    expect(CSS).toContain('prefers-color-scheme:dark');
    expect(CSS).toContain('@media print');
  });

  it('renders the roundup for feed readers with attribution, country and visible separators', () => {
    const html = roundupHtml({ summary: { summary: 'Treize ans après Serval.', counts: story().counts }, perspectives }, 'https://site.test/s/s_1', 'en');
    expect(html).toContain('said <span class="person">François Brousseau</span> in <cite>Le Devoir</cite> (Montreal).');
    expect(html).toContain('Canada, <time datetime="2026-12-04T17:06:00.000Z">4 Dec 2026, 17:06 UTC</time>');
    expect(html).toContain('<span class="sep" aria-hidden="true"> · </span>');
    expect(html).toContain('<a href="https://site.test/s/s_1">What the outlets said — Roundup</a>');
  });
});
