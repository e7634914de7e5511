// Attribution in the seed's style: who said it (person or outlet), where from, and quotes punctuated per language.
import { describe, expect, it } from 'vitest';
import {
  attribution,
  authorName,
  bylineOf,
  cityName,
  isRtl,
  proseLanguage,
  quotedParts,
  quotedText,
  textDirection,
} from '../../lib/text/attribution.ts';
import { fromOpml } from '../../lib/outlets/opml.ts';
import { readFileSync } from 'node:fs';

const devoir = { name: 'Le Devoir', city: 'Montreal' };
const aljazeera = {
  name: 'Al Jazeera',
  city: 'Doha',
  feeds: [
    { id: 'al-jazeera/news-en', url: 'https://x/en', title: 'Al Jazeera English — All news' },
    { id: 'al-jazeera/news-ar', url: 'https://x/ar', title: 'الجزيرة نت — أخبار' },
  ],
};

describe('authorName', () => {
  it('cleans bylines and refuses bare e-mail addresses', () => {
    expect(authorName('By Jane Doe')).toBe('Jane Doe');
    expect(authorName('Par Jeanne Dupont')).toBe('Jeanne Dupont');
    expect(authorName('news@bbc.co.uk (Jane Doe)')).toBe('Jane Doe');
    expect(authorName('news@bbc.co.uk')).toBeUndefined();
    expect(authorName('  ')).toBeUndefined();
    expect(authorName(null)).toBeUndefined();
  });
});

describe('bylineOf', () => {
  it('keeps a person', () => {
    expect(bylineOf('François Brousseau', devoir)).toBe('François Brousseau');
    expect(bylineOf('By Margaux Bellamy', { name: 'The Wall Street Journal' })).toBe('Margaux Bellamy');
    // A wire agency is credited like a person: it wrote the piece, the outlet ran it.
    expect(bylineOf('Reuters', { name: 'The Guardian' })).toBe('Reuters');
  });

  it('recognises house bylines: the outlet, its staff, desks and agency credits', () => {
    expect(bylineOf('BBC News', { name: 'BBC News' })).toBeUndefined();
    expect(bylineOf('BBC Sport', { name: 'BBC News' })).toBeUndefined();
    expect(bylineOf('Al Jazeera Staff', aljazeera)).toBeUndefined();
    expect(bylineOf('Al Jazeera and news agencies', aljazeera)).toBeUndefined();
    expect(bylineOf('Le Monde avec AFP', { name: 'Le Monde' })).toBeUndefined();
    expect(bylineOf('Staff', { name: 'Le Monde' })).toBeUndefined();
  });

  it("recognises the outlet's name in another script from its feed titles", () => {
    expect(bylineOf('الجزيرة نت', aljazeera)).toBeUndefined();
    expect(bylineOf('الجزيرة + وكالات', aljazeera)).toBeUndefined();
    // Without the feed titles the Arabic name is not known to be the outlet's: it is kept as given.
    expect(bylineOf('الجزيرة نت', { name: 'Al Jazeera' })).toBe('الجزيرة نت');
  });

  it('reads every author of the bundled sample day as the seed would', () => {
    const opml = readFileSync(new URL('../../lib/samples/sample.opml', import.meta.url), 'utf8').replaceAll('{{BASE}}', 'http://127.0.0.1:1');
    const outlets = new Map(fromOpml(opml).map((o) => [o.id, o]));
    expect(bylineOf('BBC News', outlets.get('bbc')!)).toBeUndefined();
    expect(bylineOf('الجزيرة نت', outlets.get('al-jazeera')!)).toBeUndefined();
    expect(bylineOf('François Brousseau', outlets.get('le-devoir')!)).toBe('François Brousseau');
  });
});

describe('attribution', () => {
  it('says PERSON in OUTLET (CITY), or OUTLET (CITY) reported', () => {
    expect(attribution({ byline: 'François Brousseau', outlet: devoir })).toBe('said François Brousseau in Le Devoir (Montreal)');
    expect(attribution({ outlet: aljazeera })).toBe('Al Jazeera (Doha) reported');
    expect(attribution({ byline: null, outlet: { name: 'Mystery', city: '' } })).toBe('Mystery reported');
  });

  it('writes French with French city names', () => {
    expect(attribution({ byline: 'François Brousseau', outlet: devoir }, 'fr')).toBe('a déclaré François Brousseau dans Le Devoir (Montréal)');
    expect(attribution({ outlet: aljazeera }, 'fr')).toBe('a rapporté Al Jazeera (Doha)');
    expect(cityName('London', 'fr')).toBe('Londres');
    expect(cityName('Ouagadougou', 'fr')).toBe('Ouagadougou');
    expect(cityName('London', 'en')).toBe('London');
  });

  it('falls back to English prose for languages Roundup does not write', () => {
    expect(proseLanguage('fr-CA')).toBe('fr');
    expect(proseLanguage('ar')).toBe('en');
    expect(proseLanguage(undefined)).toBe('en');
  });
});

describe('quotedText', () => {
  const brousseau = { byline: 'François Brousseau', outlet: devoir };

  it('turns the closing full stop into the comma inside the quotation marks (no “….”, said)', () => {
    expect(quotedText('Treize ans de présence militaire au Mali.', brousseau)).toBe(
      '“Treize ans de présence militaire au Mali,” said François Brousseau in Le Devoir (Montreal).',
    );
  });

  it('keeps question marks, exclamation marks and ellipses, without a comma', () => {
    expect(quotedText('Mali : la France plie bagage, et après ?', { outlet: { name: 'Le Point', city: 'Paris' } })).toBe(
      '“Mali : la France plie bagage, et après ?” Le Point (Paris) reported.',
    );
    expect(quotedText('Moscou et les groupes…', brousseau)).toBe('“Moscou et les groupes…” said François Brousseau in Le Devoir (Montreal).');
    expect(quotedText('Wait...', brousseau)).toBe('“Wait...” said François Brousseau in Le Devoir (Montreal).');
  });

  it('nests quotation marks inside the quote', () => {
    expect(quotedText('It called the departure a “restoration of sovereignty.”', { outlet: aljazeera })).toBe(
      '“It called the departure a ‘restoration of sovereignty’,” Al Jazeera (Doha) reported.',
    );
    expect(quotedText('He said "no" twice.', { outlet: aljazeera })).toBe('“He said ‘no’ twice,” Al Jazeera (Doha) reported.');
  });

  it('prints French guillemets with narrow no-break spaces and the comma outside', () => {
    expect(quotedText('Une page se tourne au Sahel.', brousseau, 'fr')).toBe(
      '«\u202fUne page se tourne au Sahel\u202f», a déclaré François Brousseau dans Le Devoir (Montréal).',
    );
    expect(quotedText('Et après ?', brousseau, 'fr')).toBe('«\u202fEt après ?\u202f» a déclaré François Brousseau dans Le Devoir (Montréal).');
    expect(quotedText('Il parle d’une «\u00a0victoire\u00a0».', brousseau, 'fr')).toContain('Il parle d’une “victoire”');
  });

  it('isolates a right-to-left quote so the English sentence keeps its order', () => {
    const ar = 'فرنسا تسحب آخر جنودها من مالي.';
    const text = quotedText(ar, { outlet: aljazeera }, 'en', 'ar');
    expect(text).toBe('“\u2068فرنسا تسحب آخر جنودها من مالي\u2069,” Al Jazeera (Doha) reported.');
  });

  it('marks the quote, the person and the outlet for renderers', () => {
    const parts = quotedParts('Les derniers soldats sont partis.', brousseau);
    expect(parts.filter((p) => p.kind !== 'text')).toEqual([
      { kind: 'quote', text: 'Les derniers soldats sont partis' },
      { kind: 'person', text: 'François Brousseau' },
      { kind: 'outlet', text: 'Le Devoir' },
    ]);
  });
});

describe('text direction', () => {
  it('knows right-to-left languages', () => {
    expect(isRtl('ar')).toBe(true);
    expect(isRtl('he-IL')).toBe(true);
    expect(isRtl('fr')).toBe(false);
    expect(textDirection('fa')).toBe('rtl');
    expect(textDirection(undefined)).toBe('ltr');
  });
});
