// Cross-lingual lexicon: pivot terms, lemmas, entity keys, numbers and dates on real news vocabulary.
import { describe, expect, it } from 'vitest';
import { foldToken } from '../../lib/text/fold.ts';
import {
  cldrKey,
  entityKey,
  findDates,
  findNumbers,
  lemma,
  lemmas,
  matchEntities,
  monthOf,
  nameSkeleton,
  normaliseNumber,
  LEXICON_LANGUAGES,
  MAX_SEGMENT,
  pivotTerms,
  preloadLexicon,
  segmentCjk,
  type CjkSegment,
} from '../../lib/lexicon/index.ts';
import { isLoaded, languageTable } from '../../lib/lexicon/tables.ts';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arabicKeys, normaliseArabic } from '../../lib/lexicon/arabic.ts';
import { decodeForm, encodeForm, formatTable, parseTable } from '../../lib/lexicon/format.ts';
import { pivotWords } from '../../lib/lexicon/pivot-words.ts';

/** Pivot terms of a word as written (folded first, as the grouping engine's tokens are). */
const pivots = (word: string, lang: string): readonly string[] => pivotTerms(foldToken(word), lang);

describe('pivotTerms', () => {
  it.each([
    ['retrait', 'fr', 'withdrawal'],
    ['retirada', 'es', 'withdrawal'],
    ['retirada', 'pt', 'withdrawal'],
    ['Rückzug', 'de', 'withdrawal'],
    ['انسحاب', 'ar', 'withdrawal'],
    ['séisme', 'fr', 'earthquake'],
    ['terremoto', 'es', 'earthquake'],
    ['terremoto', 'it', 'earthquake'],
    ['terremoto', 'pt', 'quake'],
    ['Erdbeben', 'de', 'earthquake'],
    ['زلزال', 'ar', 'earthquake'],
    ['câble', 'fr', 'cable'],
    ['cavo', 'it', 'cable'],
    ['élections', 'fr', 'election'],
    ['municipales', 'fr', 'municipal'],
    ['elecciones', 'es', 'election'],
    ['eleições', 'pt', 'election'],
    ['elezioni', 'it', 'election'],
    ['Kommunalwahlen', 'de', 'municipal'],
    ['Wahlen', 'de', 'election'],
    ['انتخابات', 'ar', 'election'],
    ['بلدية', 'ar', 'municipality'],
    ['deprem', 'tr', 'earthquake'],
  ])('%s (%s) → %s', (word, lang, english) => {
    expect(pivots(word, lang)).toContain(english);
  });

  it('reaches inflected forms through the analyser: French verb forms and plural adjectives', () => {
    expect(pivots('retirent', 'fr')).toContain('withdraw');
    expect(pivots('retirés', 'fr')).toContain('withdraw');
    expect(pivots('séismes', 'fr')).toContain('earthquake');
    expect(pivots('câbles', 'fr')).toContain('cable');
  });

  it('reaches Arabic words written with clitics and plural endings', () => {
    expect(pivots('الانسحاب', 'ar')).toContain('withdrawal');
    expect(pivots('والانتخابات', 'ar')).toContain('election');
    expect(pivots('الزلزال', 'ar')).toContain('earthquake');
  });

  it("puts the news sense of an Arabic word first, from Roundup's own table before the dictionaries", () => {
    // FreeDict leads with rare senses (رئيس "boss", شرطة "backslash", الغاز "conundrums") or lacks the word (إضراب).
    expect(pivots('رئيس', 'ar')[0]).toBe('president');
    expect(pivots('الشرطة', 'ar')[0]).toBe('police');
    expect(pivots('إضراب', 'ar')[0]).toBe('strike');
    expect(pivots('الإضراب', 'ar')[0]).toBe('strike');
    expect(pivots('الغاز', 'ar')[0]).toBe('gas');
    // The dictionaries' senses follow.
    expect(pivots('رئيس', 'ar')).toContain('chief');
  });

  it("keeps the news table's keys as the Arabic look-up reads them", () => {
    const text = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../data/lexicon/ar.news.tsv'), 'utf8');
    const keys: string[] = [];
    parseTable(text, (key, ps) => {
      keys.push(key);
      expect(ps.split(' ').length, key).toBeGreaterThan(0);
    });
    expect(keys.length).toBeGreaterThan(50);
    // Folded and normalised (hamza seats, taa marbuta, alef maqsura); the definite article only where the bare
    // word would be another one (الغاز, gas, is not غاز's plural of riddle).
    for (const key of keys) expect(normaliseArabic(foldToken(key)), key).toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives accent-stripped text the same terms as accented text', () => {
    expect(pivotTerms('seisme', 'fr')).toEqual(pivots('séisme', 'fr'));
    expect(pivotTerms('elecciones', 'es')).toEqual(pivots('elecciones', 'es'));
  });

  it('maps English words to their lemma, so every language meets on the same terms', () => {
    expect(pivotTerms('elections', 'en')).toEqual(['election']);
    expect(pivotTerms('withdrawals', 'en')).toEqual(['withdrawal']);
    expect(pivotTerms('earthquake', 'en')).toEqual(['earthquake']);
  });

  it('falls back to a word with the same stem for forms the analyser lacks', () => {
    // Not in the French analyser nor the dictionary as written; its stem class is.
    expect(pivotTerms('retraitee', 'fr').length).toBeGreaterThan(0);
  });

  it('translates German compounds by their parts', () => {
    expect(pivotTerms('kommunalwahlen', 'de')).toEqual(expect.arrayContaining(['election', 'municipal']));
  });

  it('returns nothing for names and for languages without tables', () => {
    expect(pivotTerms('barkhane', 'fr')).toEqual([]);
    expect(pivotTerms('רעידת', 'he')).toEqual([]);
  });

  it('returns at most six terms, best first', () => {
    for (const [w, l] of [['retirer', 'fr'], ['abzug', 'de'], ['انسحاب', 'ar']] as const) {
      const p = pivotTerms(w, l);
      expect(p.length).toBeGreaterThan(0);
      expect(p.length).toBeLessThanOrEqual(6);
      expect(new Set(p).size).toBe(p.length);
    }
  });
});

describe('lemma', () => {
  it.each([
    ['retirés', 'fr', 'retirer'],
    ['municipales', 'fr', 'municipal'],
    ['retirent', 'fr', 'retirer'],
    ['elecciones', 'es', 'eleccion'],
    ['eleições', 'pt', 'eleicao'],
    ['elezioni', 'it', 'elezione'],
    ['withdrawals', 'en', 'withdrawal'],
  ])('%s (%s) → %s', (word, lang, expected) => {
    expect(lemma(foldToken(word), lang)).toBe(expected);
  });

  it('keeps every reading of an ambiguous form', () => {
    expect(lemmas('retraits', 'fr')).toEqual(expect.arrayContaining(['retrait']));
  });

  it('gives the token itself where no analyser exists or the word is unknown', () => {
    expect(lemma('erdbeben', 'de')).toBe('erdbeben');
    expect(lemma('barkhane', 'fr')).toBe('barkhane');
  });
});

describe('entityKey', () => {
  it.each([
    ['Tokyo', 'en', '@tokyo'],
    ['طوكيو', 'ar', '@tokyo'],
    ['Tokio', 'es', '@tokyo'],
    ['Japon', 'fr', '^JP'],
    ['Japan', 'en', '^JP'],
    ['اليابان', 'ar', '^JP'],
    ['واليابان', 'ar', '^JP'],
    ['Afrique du Sud', 'fr', '^ZA'],
    ['جنوب أفريقيا', 'ar', '^ZA'],
    ['South Africa', 'en', '^ZA'],
    ['Москва', 'ru', '@moscow'],
    ['Chiles', 'de', '^CL'],
    ['Moscou', 'fr', '@moscow'],
    ['French', 'en', '%fr'],
    ['françaises', 'fr', '%fr'],
    ['الفرنسية', 'ar', '%fr'],
  ])('%s (%s) → %s', (surface, lang, key) => {
    expect(entityKey(surface, lang)).toBe(key);
  });

  it('matches people across scripts by their consonant skeleton', () => {
    expect(entityKey('Macron', 'fr')).toBe('~mkrn');
    expect(entityKey('ماكرون', 'ar')).toBe('~mkrn');
    expect(entityKey('Putin', 'en')).toBe(entityKey('بوتين', 'ar'));
    expect(entityKey('Путин', 'ru')).toBe(entityKey('Putin', 'en'));
    expect(entityKey('Zelensky', 'en')).toBe(entityKey('زيلينسكي', 'ar'));
    expect(entityKey('Trump', 'en')).toBe(entityKey('ترامب', 'ar'));
  });

  it('keeps different names apart', () => {
    expect(entityKey('Macron', 'fr')).not.toBe(entityKey('Merkel', 'de'));
    expect(nameSkeleton('Biden')).not.toBe(nameSkeleton('Putin'));
  });

  it('does not read lower-case words or Arabic stop words as names', () => {
    expect(entityKey('male', 'en')).toBeUndefined();
    expect(entityKey('retrait', 'fr')).toBeUndefined();
    expect(entityKey('في', 'ar')).toBeUndefined();
  });

  it('cldrKey is its CLDR rule alone: the same place and language keys, no skeletons', () => {
    const cases = [['Tokyo', 'en'], ['طوكيو', 'ar'], ['Japon', 'fr'], ['Afrique du Sud', 'fr'], ['French', 'en'], ['françaises', 'fr'],
      ['Male', 'en'], ['male', 'en'], ['Macron', 'fr'], ['ماكرون', 'ar'], ['retrait', 'fr'], ['في', 'ar']] as const;
    for (const [surface, lang] of cases) {
      const key = entityKey(surface, lang);
      expect(cldrKey(surface, lang), surface).toBe(key?.startsWith('~') ? undefined : key);
    }
    expect(cldrKey('Japon', 'fr')).toBe('^JP');
    expect(cldrKey('Macron', 'fr')).toBeUndefined();
  });
});

describe('matchEntities', () => {
  it('finds multi-word names, longest first', () => {
    const tokens = ['Afrique', 'du', 'Sud', ':', 'des', 'élections', 'municipales'];
    expect(matchEntities(tokens, 'fr')).toEqual([{ start: 0, end: 3, key: '^ZA' }]);
    const ar = ['زلزال', 'يضرب', 'شمال', 'شرقي', 'اليابان'];
    expect(matchEntities(ar, 'ar').map((m) => m.key)).toContain('^JP');
  });
});

describe('numbers', () => {
  it.each([
    ['2 400', '2400'],
    ['2\u202f400', '2400'],
    ['2,400', '2400'],
    ['2.400', '2400'],
    ['٢٤٠٠', '2400'],
    ['7,1', '7.1'],
    ['7.1', '7.1'],
    ['٧٫١', '7.1'],
    ['1.250.000', '1250000'],
    ['2,400.50', '2400.5'],
    ['2.400,50', '2400.5'],
    ['13', '13'],
    ['007', '7'],
  ])('%s → %s', (written, value) => {
    expect(normaliseNumber(written)).toBe(value);
  });

  it('reads a dot before three digits as a decimal point in English', () => {
    expect(normaliseNumber('1.250', 'en')).toBe('1.25');
    expect(normaliseNumber('1.250', 'de')).toBe('1250');
  });

  it('rejects what is not a number', () => {
    expect(normaliseNumber('G20')).toBeUndefined();
    expect(normaliseNumber('')).toBeUndefined();
  });

  it('finds numbers in running text with their separators', () => {
    expect(findNumbers('un bilan de 2 400 morts et 13 blessés').map((m) => m.value)).toEqual(['2400', '13']);
    expect(findNumbers('زلزال بقوة ٧٫١ درجات').map((m) => m.value)).toEqual(['7.1']);
    expect(findNumbers('زلزال بقوة 7.1 درجات').map((m) => m.value)).toEqual(['7.1']);
  });
});

describe('dates', () => {
  it('names months in every language from CLDR', () => {
    expect(monthOf('fevrier', 'fr')).toBe(2);
    expect(monthOf('february', 'en')).toBe(2);
    expect(monthOf('febrero', 'es')).toBe(2);
    expect(monthOf('februar', 'de')).toBe(2);
    expect(monthOf('فبراير', 'ar')).toBe(2);
    expect(monthOf('retrait', 'fr')).toBeUndefined();
  });

  it('finds day-month dates in either order', () => {
    expect(findDates('Retrait le 17 février', 'fr')).toEqual(['02-17']);
    expect(findDates('Troops leave on February 17', 'en')).toEqual(['02-17']);
    expect(findDates('el 17 de febrero', 'es')).toEqual(['02-17']);
    expect(findDates('في 17 فبراير', 'ar')).toEqual(['02-17']);
    expect(findDates('Budget 2027 : le Sénat adopte', 'fr')).toEqual([]);
  });
});

describe('helpers', () => {
  it('peels Arabic clitics and endings without going below three letters', () => {
    expect(arabicKeys('والانتخابات')).toEqual(['والانتخابات', 'انتخابات', 'انتخاب']);
    expect(arabicKeys('كابلات')[1]).toBe('كابل');
    expect(arabicKeys('بلد')).toEqual(['بلد']);
  });

  it('keeps translations that are terms and drops glosses', () => {
    expect(pivotWords('Withdraw')).toEqual(['withdraw']);
    expect(pivotWords('withdraw (troops)')).toEqual(['withdraw']);
    expect(pivotWords('municipal elections')).toEqual(['municipal', 'elections']);
    expect(pivotWords('the act of drawing troops back from a position')).toEqual([]);
  });

  it('round-trips the table format', () => {
    expect(decodeForm('retirer', encodeForm('retirer', 'retira')!)).toBe('retira');
    expect(decodeForm('retirer', encodeForm('retirer', 'retirerez')!)).toBe('retirerez');
    const text = formatTable(['test'], [
      { key: 'retirer', pivots: ['withdraw', 'remove'], forms: ['retire', 'retirent'], stem: 'retir' },
      { key: 'cable', pivots: ['cable'], forms: [] },
    ]);
    const seen: unknown[] = [];
    parseTable(text, (key, p, forms, stem) => seen.push([key, p, forms, stem]));
    expect(seen).toEqual([
      ['cable', 'cable', [], ''],
      ['retirer', 'withdraw remove', ['retire', 'retirent'], 'retir'],
    ]);
    expect(() => parseTable('key\tvalue\n', () => {})).toThrow(/not a lexicon table/);
  });
});

describe('Japanese and Chinese', () => {
  /** A segment as `text:pivot1/pivot2` or `text:key`. */
  const show = (s: CjkSegment): string => `${s.text}:${s.kind === 'word' ? s.pivots.slice(0, 2).join('/') : s.key}`;

  it('translates common news words, written as they are (not folded: ガス is gas, カス dregs)', () => {
    expect(LEXICON_LANGUAGES).toEqual(expect.arrayContaining(['ja', 'zh']));
    expect(pivotTerms('地震', 'ja')[0]).toBe('earthquake');
    expect(pivotTerms('選挙', 'ja')[0]).toBe('election');
    expect(pivotTerms('撤退', 'ja')).toContain('withdrawal');
    expect(pivotTerms('ストライキ', 'ja')[0]).toBe('strike');
    expect(pivotTerms('大統領', 'ja')[0]).toBe('president');
    expect(pivotTerms('ガス', 'ja')[0]).toBe('gas');
    expect(pivotTerms('地震', 'zh')[0]).toBe('earthquake');
    expect(pivotTerms('选举', 'zh')).toContain('election');
    expect(pivotTerms('選舉', 'zh')).toContain('election'); // traditional
    expect(pivotTerms('罢工', 'zh')).toContain('strike');
    expect(pivotTerms('总统', 'zh')[0]).toBe('president');
    expect(pivotTerms('马克龙', 'zh')).toContain('macron'); // names keep their English spelling
    // Hiragana-only words (particles, endings) are not in the table: the segmenter would find them everywhere.
    expect(pivotTerms('から', 'ja')).toEqual([]);
  });

  it('cuts unspaced text into dictionary words, CLDR places, numbers and dates', () => {
    expect(segmentCjk('能登半島で地震、死者100人超', 'ja').map(show)).toEqual(['半島:peninsula', '地震:earthquake', '死者:deceased/casualty', '100:100']);
    expect(segmentCjk('日本石川县发生7.6级地震', 'zh').map(show)).toEqual(['日本:^JP', '石川:ishikawa', '发生:happen/occur', '7.6:7.6', '地震:earthquake']);
    // Longest match: 選挙戦 (election campaign) is one word, not 選挙 + 戦; a place inside a longer word is kept.
    expect(segmentCjk('選挙戦', 'ja').map(show)).toEqual(['選挙戦:campaign/election']);
    expect(segmentCjk('日本人', 'ja').map(show)).toEqual(['日本:^JP', '日本人:japanese/person']);
    expect(segmentCjk('東京とパリ', 'ja').map(show)).toEqual(['東京:@tokyo', 'パリ:@paris']);
    expect(segmentCjk('台灣總統選舉', 'zh').map(show)).toEqual(['台灣:^TW', '總統:president', '選舉:elect/election']);
    // Numbers with 万/億, dates; a lone digit says nothing.
    expect(segmentCjk('1万2000人が避難', 'ja').flatMap((s) => (s.kind === 'number' ? [s.key] : []))).toEqual(['12000']);
    expect(segmentCjk('3.5億円', 'ja').flatMap((s) => (s.kind === 'number' ? [s.key] : []))).toEqual(['350000000']);
    expect(segmentCjk('2月17日に投票', 'ja').map(show)).toEqual(['2月17日:02-17', '投票:vote/poll']);
    expect(segmentCjk('震度7', 'ja').map((s) => s.kind)).toEqual(['word']);
    // Offsets point into the text; text in other scripts is left to the tokenizer; other languages get nothing.
    const s = segmentCjk('NHK: 東京で地震', 'ja');
    expect(s.map((x) => [x.text, x.start])).toEqual([['東京', 5], ['地震', 8]]);
    expect(segmentCjk('Erdbeben in Tokio', 'ja')).toEqual([]);
    expect(segmentCjk('東京で地震', 'en')).toEqual([]);
  });

  it('keeps headwords within the segmenter bound and loads with the other tables', () => {
    preloadLexicon(['ja', 'zh']);
    expect(isLoaded('ja') && isLoaded('zh')).toBe(true);
    for (const lang of ['ja', 'zh']) {
      const t = languageTable(lang);
      expect(t.pivots.size, lang).toBeGreaterThan(30_000);
      for (const key of t.pivots.keys()) expect(key.length <= MAX_SEGMENT && key.length >= 2, key).toBe(true);
    }
  });
});
