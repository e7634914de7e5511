// Unit tests for the outlet registry, its validation, and OPML import/export.
import { describe, expect, it } from 'vitest';
import type { Outlet } from '../../lib/types.ts';
import { DEFAULT_OUTLETS, REGIONS, feedsOf, findOutlet, validateOutlets } from '../../lib/outlets/registry.ts';
import { fromOpml, OpmlError, toOpml } from '../../lib/outlets/opml.ts';
import countries from 'i18n-iso-countries';
import { outletsForImport } from '../../lib/outlets/import.ts';
import { COUNTRY_CODES } from '../../lib/outlets/validate.ts';
import { ValidationError } from '../../lib/errors.ts';

const clone = (o: Outlet[]): Outlet[] => structuredClone(o);

describe('DEFAULT_OUTLETS', () => {
  it('is broad: many outlets, languages and regions', () => {
    expect(DEFAULT_OUTLETS.length).toBeGreaterThanOrEqual(40);
    const languages = new Set(DEFAULT_OUTLETS.flatMap((o) => [...o.languages, ...o.feeds.flatMap((f) => f.language ?? [])]));
    expect(languages.size).toBeGreaterThanOrEqual(6);
    for (const l of ['en', 'fr', 'es', 'de', 'pt', 'it', 'ar']) expect(languages).toContain(l);
    const regions = new Set(DEFAULT_OUTLETS.map((o) => o.region));
    expect(regions.size).toBeGreaterThanOrEqual(5);
    for (const r of regions) expect(REGIONS).toContain(r);
  });

  it.each([
    ['le-devoir', 'Le Devoir', 'Montreal', 'CA'],
    ['lobservateur-paalga', "L'Observateur Paalga", 'Ouagadougou', 'BF'],
    ['al-jazeera', 'Al Jazeera', 'Doha', 'QA'],
    ['le-point', 'Le Point', 'Paris', 'FR'],
    ['wsj', 'The Wall Street Journal', 'New York', 'US'],
  ])('includes %s with the right city', (id, name, city, country) => {
    const o = findOutlet(id);
    expect(o).toMatchObject({ name, city, country });
    expect(o!.feeds.length).toBeGreaterThan(0);
  });

  it('has English and Arabic Al Jazeera feeds and the lobservateur.bf domain', () => {
    const aj = findOutlet('al-jazeera')!;
    expect(aj.feeds.map((f) => f.language ?? aj.languages[0])).toEqual(expect.arrayContaining(['en', 'ar']));
    expect(findOutlet('lobservateur-paalga')!.homepage).toContain('lobservateur.bf');
  });

  it('validates cleanly', () => {
    expect(validateOutlets(DEFAULT_OUTLETS)).toEqual([]);
  });

  it('only sets a feed language when it differs from the outlet’s first language', () => {
    for (const { feed, outlet } of feedsOf(DEFAULT_OUTLETS)) expect(feed.language).not.toBe(outlet.languages[0]);
  });
});

describe('findOutlet / feedsOf', () => {
  it('finds by id and returns undefined for unknown ids', () => {
    expect(findOutlet('le-monde')?.name).toBe('Le Monde');
    expect(findOutlet('nope')).toBeUndefined();
  });

  it('flattens every feed with its outlet', () => {
    const flat = feedsOf(DEFAULT_OUTLETS);
    expect(flat.length).toBe(DEFAULT_OUTLETS.reduce((n, o) => n + o.feeds.length, 0));
    for (const { feed, outlet } of flat) expect(feed.id.startsWith(`${outlet.id}/`)).toBe(true);
  });
});

describe('validateOutlets', () => {
  it('catches duplicate ids, bad countries, bad URLs and unknown regions', () => {
    const bad = clone(DEFAULT_OUTLETS.slice(0, 3));
    bad[1] = { ...clone(DEFAULT_OUTLETS.slice(0, 1))[0]! }; // duplicate outlet and feed ids
    bad[0]!.country = 'XX';
    bad[0]!.region = 'atlantis';
    bad[0]!.feeds[0]!.url = 'javascript:alert(1)';
    bad[2]!.homepage = 'not a url';
    const problems = validateOutlets(bad).join('\n');
    expect(problems).toMatch(/duplicate outlet id/);
    expect(problems).toMatch(/duplicate feed id/);
    expect(problems).toMatch(/country/);
    expect(problems).toMatch(/region/);
    expect(problems).toMatch(/feeds\.0\.url/);
    expect(problems).toMatch(/homepage/);
  });

  it('rejects malformed ids and languages', () => {
    const [o] = clone(DEFAULT_OUTLETS.slice(0, 1));
    o!.id = 'Le Devoir';
    o!.languages = ['French'];
    const problems = validateOutlets([o!]).join('\n');
    expect(problems).toMatch(/kebab-case/);
    expect(problems).toMatch(/languages/);
    expect(problems).toMatch(/feed id must be/);
  });

  it('accepts ZZ/unknown only when asked to', () => {
    const imported = fromOpml(
      '<opml version="2.0"><body><outline text="Example" xmlUrl="https://example.org/feed.xml"/></body></opml>',
    );
    expect(validateOutlets(imported)).not.toEqual([]);
    expect(validateOutlets(imported, { allowUnknown: true })).toEqual([]);
  });
});

describe('OPML', () => {
  it('round-trips every outlet with all metadata', () => {
    const xml = toOpml(DEFAULT_OUTLETS);
    expect(xml).toContain('xmlns:roundup="https://roundup.news/ns/opml"');
    expect(xml).toContain('roundup:city="Ouagadougou"');
    expect(xml).toContain('htmlUrl="https://www.ledevoir.com"');
    expect(fromOpml(xml)).toEqual(DEFAULT_OUTLETS);
  });

  it('escapes attributes and survives awkward characters', () => {
    const tricky: Outlet[] = [
      {
        id: 'tricky',
        name: 'Rock & "Roll" <Times> l\'été',
        city: 'Saint-Jean\tsur\nRichelieu',
        country: 'CA',
        region: 'americas',
        languages: ['fr', 'en'],
        homepage: 'https://example.com/?a=1&b=2',
        feeds: [
          { id: 'tricky/main', url: 'https://example.com/rss?x=1&y="2"', title: 'A <b>bold</b> & brave feed' },
          { id: 'tricky/en', url: 'https://example.com/en.rss', language: 'en' },
        ],
      },
    ];
    const xml = toOpml(tricky);
    expect(xml).not.toMatch(/="[^"]*<[^"]*"/); // no raw '<' inside an attribute value
    expect(xml).toContain('&amp;b=2');
    expect(fromOpml(xml)).toEqual(tricky);
  });

  it('puts a language on every feed outline for third-party readers', () => {
    const xml = toOpml([findOutlet('al-jazeera')!]);
    expect(xml).toMatch(/xmlUrl="https:\/\/www\.aljazeera\.com\/xml\/rss\/all\.xml"[^>]*language="en"/);
    expect(xml).toMatch(/language="ar"/);
  });

  it('reads the roundup namespace whatever prefix it is bound to', () => {
    const xml = toOpml([findOutlet('le-point')!]).replaceAll('roundup:', 'r:').replace('xmlns:roundup=', 'xmlns:r=');
    expect(fromOpml(xml)).toEqual([findOutlet('le-point')]);
  });

  it('imports plain third-party OPML, flat and nested', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions from SomeReader</title></head>
  <body>
    <outline text="News" title="News">
      <outline type="rss" text="BBC News - World" title="BBC News - World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml" htmlUrl="https://www.bbc.co.uk/news/world"/>
      <outline type="rss" text="BBC Sport" xmlUrl="https://feeds.bbci.co.uk/sport/rss.xml" htmlUrl="https://www.bbc.co.uk/sport" language="en-GB"/>
      <outline text="Deeper">
        <outline type="rss" text="Le Monde" xmlUrl="https://www.lemonde.fr/rss/une.xml" language="fr"/>
      </outline>
    </outline>
    <outline type="rss" title="Spiegel" xmlUrl="https://www.spiegel.de/schlagzeilen/index.rss"/>
    <outline type="rss" text="Not a web feed" xmlUrl="file:///etc/passwd"/>
    <outline text="Empty folder"/>
  </body>
</opml>`;
    const outlets = fromOpml(xml);
    expect(outlets.map((o) => o.id)).toEqual(['bbc-co-uk', 'lemonde-fr', 'spiegel-de']);
    const bbc = outlets[0]!;
    expect(bbc).toMatchObject({ country: 'ZZ', region: 'unknown', city: '', homepage: 'https://www.bbc.co.uk/', languages: ['en'] });
    expect(bbc.feeds.map((f) => f.id)).toEqual(['bbc-co-uk/news-world', 'bbc-co-uk/sport']);
    expect(bbc.feeds[0]).toMatchObject({ url: 'https://feeds.bbci.co.uk/news/world/rss.xml', title: 'BBC News - World' });
    expect(outlets[1]).toMatchObject({ name: 'Le Monde', languages: ['fr'], homepage: 'https://www.lemonde.fr/' });
    expect(outlets[2]!.languages).toEqual(['und']);
    expect(validateOutlets(outlets, { allowUnknown: true })).toEqual([]);
    // Derived ids are stable: importing again gives the same result.
    expect(fromOpml(xml)).toEqual(outlets);
  });

  it('does not expand DOCTYPE entities (XXE, billion laughs)', () => {
    const hostile = `<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<opml version="2.0"><body>
  <outline type="rss" text="Evil &xxe; &lol3;" xmlUrl="https://evil.example/feed.xml"/>
</body></opml>`;
    const [outlet] = fromOpml(hostile);
    expect(outlet!.name).toBe('Evil &xxe; &lol3;');
    expect(outlet!.name).not.toMatch(/root:|lollol/);
  });

  it('decodes the predefined and numeric entities', () => {
    const [o] = fromOpml(
      '<opml version="2.0"><body><outline text="A &amp; B &#233;t&#xE9; &lt;3" xmlUrl="https://ab.example/rss"/></body></opml>',
    );
    expect(o!.name).toBe('A & B été <3');
  });

  it('rejects documents that are not OPML', () => {
    expect(() => fromOpml('<rss version="2.0"><channel/></rss>')).toThrow(OpmlError);
    expect(() => fromOpml('not xml at all')).toThrow(OpmlError);
  });
});

describe('outletsForImport', () => {
  const closed = { allowPrivateNetwork: false };
  const group = (attrs: string, feeds: string) =>
    `<opml version="2.0" xmlns:roundup="https://roundup.news/ns/opml"><body><outline text="Gazette" ${attrs}>${feeds}</outline></body></opml>`;
  const feed = (url: string, id = 'gazette/news') => `<outline type="rss" text="News" xmlUrl="${url}" roundup:id="${id}"/>`;
  const refusal = (xml: string, policy = closed): ValidationError => {
    try {
      outletsForImport(xml, policy);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return err as ValidationError;
    }
    throw new Error('accepted');
  };

  it('accepts the registry export and plain third-party OPML', () => {
    expect(outletsForImport(toOpml(DEFAULT_OUTLETS), closed)).toEqual(DEFAULT_OUTLETS);
    const plain = '<opml version="1.0"><body><outline type="rss" title="Spiegel" xmlUrl="https://www.spiegel.de/schlagzeilen/index.rss"/></body></opml>';
    expect(outletsForImport(plain, closed)).toMatchObject([{ id: 'spiegel-de', homepage: 'https://www.spiegel.de/' }]);
  });

  it('refuses private, loopback and link-local feed hosts unless allowed', () => {
    const xml = group('roundup:id="gazette" roundup:homepage="https://gazette.example"', feed('http://169.254.169.254/latest/meta-data') + feed('http://localhost:6379/', 'gazette/cache'));
    const err = refusal(xml);
    expect(err.message).toMatch(/^The OPML document has 2 problems, nothing was imported: gazette: feeds\.0\.url: linkLocal address 169\.254\.169\.254/);
    expect(err.issues).toEqual([expect.stringMatching(/feeds\.0\.url: linkLocal address/), expect.stringMatching(/feeds\.1\.url: localhost is a local network name/)]);
    expect(outletsForImport(xml, { allowPrivateNetwork: true }).map((o) => o.feeds.length)).toEqual([2]);
  });

  it('refuses non-http feed URLs rather than dropping them, and non-http homepages', () => {
    const err = refusal(group('roundup:id="gazette" roundup:homepage="javascript:alert(1)"', feed('https://gazette.example/rss') + '<outline type="rss" text="Secrets" xmlUrl="file:///etc/passwd"/>'));
    expect(err.issues).toEqual([
      'feed "Secrets": xmlUrl "file:///etc/passwd" is not an http(s) URL',
      'gazette: homepage: not an http(s) URL with a dotted host name',
    ]);
  });

  it('refuses malformed and oversized ids, quoting them cut short', () => {
    expect(refusal(group('roundup:id="Bad Id!"', feed('https://gazette.example/rss', 'Bad Id!/news'))).issues[0]).toMatch(/^Bad Id!: outlet id: not a kebab-case slug/);
    const long = 'a'.repeat(5000);
    const err = refusal(group(`roundup:id="${long}"`, feed('https://gazette.example/rss', `${long}/news`)));
    expect(err.message.length).toBeLessThan(400);
    expect(err.issues.every((i) => i.length < 400)).toBe(true);
  });

  it('says so when the document is not OPML or lists no feeds', () => {
    expect(refusal('<rss version="2.0"><channel/></rss>').message).toMatch(/^Not a readable OPML document: root element is <rss>/);
    expect(refusal('<opml version="2.0"><body/></opml>').message).toBe('The OPML document lists no feeds');
  });
});

describe('COUNTRY_CODES', () => {
  it('is exactly the ISO 3166-1 alpha-2 list of i18n-iso-countries', () => {
    expect([...COUNTRY_CODES].sort()).toEqual(Object.keys(countries.getAlpha2Codes()).sort());
  });
});
