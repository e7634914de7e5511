// Tests of the grouping engine's text layer: folding, multilingual stems and stop words, cross-lingual entities.
import { describe, expect, it } from 'vitest';
import { analyze, slugText, type TextOptions } from '../../lib/group/features.ts';
import { foldText, foldToken } from '../../lib/text/fold.ts';
import { detectLanguage, languageOf } from '../../lib/text/language.ts';
import { stem } from '../../lib/text/stem.ts';
import { countryOfAbbreviation, countryOfPhrase, countryOfToken } from '../../lib/group/entities.ts';

const OPTS: TextOptions = {
  titleWeight: 2, entityBoost: 1.5, countryBoost: 1.5, numberBoost: 1, maxSummaryTokens: 60, cognateWeight: 1,
};
const keys = (title: string, lang?: string, summary?: string): string[] =>
  [...analyze({ title, summary, lang }, OPTS).features.keys()];

describe('accent folding', () => {
  it('folds accents, case and ligatures the same way for accented and stripped text', () => {
    expect(foldToken('Bébé')).toBe('bebe');
    expect(foldToken('bebe')).toBe('bebe');
    expect(foldToken('Straße')).toBe('strasse');
    expect(foldToken('œuvre')).toBe('oeuvre');
    expect(foldToken('ÉTATS')).toBe('etats');
  });

  it('gives identical features to "le sexe de leur bébé dévoilé" and its accent-stripped copy', () => {
    expect(keys('Carla Moreau : le sexe de leur bébé dévoilé', 'fr').sort()).toEqual(
      keys('Carla Moreau : le sexe de leur bebe devoile', 'fr').sort(),
    );
  });
});

describe('multilingual tokens', () => {
  it('stems with the language stemmer and drops that language’s stop words', () => {
    expect(keys('Les troupes et soldats français quittent le Mali', 'fr')).toEqual(expect.arrayContaining(['troup', 'soldat', '^FR', '^ML']));
    expect(keys('Les troupes françaises quittent le Mali', 'fr')).not.toContain('les');
    expect(keys('Troops are withdrawing from Mali', 'en')).toEqual(expect.arrayContaining(['troop', 'withdraw']));
    expect(stem('retirada', 'es')).toBe(stem('retiradas', 'es'));
    expect(stem('truppen', 'de')).toBe(stem('truppe', 'de'));
    expect(stem('ritiro', 'it')).toBe(stem('ritiri', 'it'));
    expect(stem('retiradas', 'pt')).toBe(stem('retirada', 'pt'));
    expect(stem('الانسحاب', 'ar')).not.toBe('الانسحاب');
  });

  it('falls back to a prefix stem for languages without a stemmer and detects a missing language', () => {
    expect(stem('withdrawals', 'xx')).toBe('withdr');
    expect(detectLanguage('Le président annonce le retrait des soldats français du pays')).toBe('fr');
    expect(detectLanguage('The president announces the withdrawal of the soldiers from the country')).toBe('en');
    expect(languageOf('anything', 'fr-CA')).toBe('fr');
    expect(languageOf('The president announces the withdrawal of the soldiers', 'eng')).toBe('en');
    expect(languageOf('Mali', undefined)).toBe('und');
    expect(detectLanguage('انسحاب القوات الفرنسية من مالي', { candidates: ['en', 'fr', 'ar'] })).toBe('ar');
  });

  it('folds running text as it folds tokens, keeping punctuation', () => {
    expect(foldText('Retrait du Mali: l’armée française, Straße — بِسْمِ')).toBe('retrait du mali: l’armee francaise, strasse — بسم');
  });

  it('keeps numbers and entities as their own signals', () => {
    const k = keys('President Macron says 2,400 troops will leave Mali by 2022', 'en');
    expect(k).toEqual(expect.arrayContaining(['#2022', '#2400', '@macron', '^ML']));
  });
});

describe('cross-lingual country entities', () => {
  it('maps country names in many languages and their demonyms to one ISO code', () => {
    for (const t of ['russie', 'russia', 'rusia', 'russland', 'russe', 'russian', 'ruso']) {
      expect(countryOfToken(t), t).toBe('RU');
    }
    for (const t of ['allemagne', 'germany', 'alemania', 'deutschland', 'german', 'germania']) {
      expect(countryOfToken(t), t).toBe('DE');
    }
    expect(countryOfToken('malien')).toBe('ML');
    expect(countryOfToken('francais')).toBe('FR');
    expect(countryOfToken('روسيا')).toBe('RU');
    expect(countryOfToken('malin')).toBeUndefined();
    expect(countryOfPhrase(['etats', 'unis'])).toBe('US');
    expect(countryOfPhrase(['united', 'states'])).toBe('US');
    expect(countryOfPhrase(['estados', 'unidos'])).toBe('US');
    expect(countryOfAbbreviation('U.S.')).toBe('US');
  });

  it('knows the everyday names and irregular adjectives CLDR leaves out', () => {
    for (const t of ['britain', 'britannique', 'britanniques', 'britanicas', 'britisch', 'بريطانيا', 'england', 'angleterre', 'inglaterra', 'انجلترا']) {
      expect(countryOfToken(foldToken(t)), t).toBe('GB');
    }
    expect(countryOfPhrase(['grande', 'bretagne'])).toBe('GB');
    expect(countryOfPhrase(['gran', 'bretana'])).toBe('GB');
    for (const t of ['allemand', 'allemandes', 'tedesco']) expect(countryOfToken(t), t).toBe('DE');
    for (const t of ['estadounidense', 'estadounidenses', 'americain', 'americaines']) expect(countryOfToken(t), t).toBe('US');
    expect(countryOfToken('ruso')).toBe('RU');
    expect(countryOfToken('marroqui')).toBe('MA');
    // Brittany, gales (storms) and America (a continent) are not the United Kingdom or the United States.
    expect(countryOfToken('bretagne')).toBeUndefined();
    expect(countryOfToken('gales')).toBeUndefined();
    expect(countryOfToken('america')).toBeUndefined();
  });

  it('gives French, English and Spanish headlines the same country features', () => {
    expect(keys('Les États-Unis et la Russie discutent', 'fr')).toEqual(expect.arrayContaining(['^US', '^RU']));
    expect(keys('United States and Russia hold talks', 'en')).toEqual(expect.arrayContaining(['^US', '^RU']));
    expect(keys('Estados Unidos y Rusia dialogan', 'es')).toEqual(expect.arrayContaining(['^US', '^RU']));
    // "us" the pronoun is not the United States; "US" in capitals is.
    expect(keys('Tell us what happened', 'en')).not.toContain('^US');
    expect(keys('US sanctions hit Moscow', 'en')).toContain('^US');
  });
});

describe('link slugs', () => {
  it('keeps the topic words of a slug, without host, ids, dates, numbers and file extensions', () => {
    expect(slugText('http://www.marketwatch.com/story/feds-plosser-taper-pace-may-be-too-slow-2014-03-10?reflink=MW')).toBe(
      'feds plosser taper pace may be too slow',
    );
    expect(slugText('http://www.sfgate.com/business/bloomberg/article/Noyer-Says-Stronger-Euro-5303368.php')).toBe(
      'noyer says stronger euro',
    );
    // Section folders and opaque ids are no slug.
    expect(slugText('http://stream.wsj.com/story/latest-headlines/SS-2-63399/SS-2-475446/')).toBe('');
    expect(slugText('not a url')).toBe('');
  });

  it('adds slug words as extra, down-weighted features only when asked to', () => {
    const url = 'https://example.com/2019/06/28/ornikar-raises-funds-for-europe.html';
    const off = analyze({ title: 'Ornikar lève 35 millions', lang: 'fr', url }, OPTS).features;
    const on = analyze({ title: 'Ornikar lève 35 millions', lang: 'fr', url }, { ...OPTS, slugWeight: 0.5 }).features;
    expect([...off.keys()]).not.toContain('europ');
    expect(on.get('europ')?.weight).toBe(0.5);
  });
});

describe('abbreviation pre-check', () => {
  // The U.S. → US rewrite is skipped unless the text has "X.Y."; it must still fire wherever the regex would.
  it('still joins dotted abbreviations, also after a leading dot or other dots', () => {
    expect(keys('U.S. troops leave', 'en')).toContain('^US');
    expect(keys('.U.S. troops leave', 'en')).toContain('^US');
    expect(keys('Talks end. Then U.S. troops leave', 'en')).toContain('^US');
    expect(keys('Talks... and the U.K. agrees', 'en')).toContain('^GB');
    expect(keys('Talks end. Troops leave', 'en')).not.toContain('^US');
  });
});

describe('token memo', () => {
  // Token facts are memoized under a 32-bit hash of the token (FNV-1a over UTF-16 units); these pairs have
  // equal hashes and lengths, short (compared inline) and long (compared with the stored token).
  it('tells apart tokens whose hashes collide', () => {
    for (const [a, b] of [['yaczfaa', 'glbppaa'], ['yaczfaaaaaaa', 'glbppaaaaaaa']]) {
      const k = keys(`${a} ${b} ${a}`, 'xx').filter((key) => !key.startsWith('~'));
      expect(k).toEqual([a!.slice(0, 6), b!.slice(0, 6)]);
    }
  });
});
