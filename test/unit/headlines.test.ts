// Per-language headline picking (lib/group/headlines.ts) and what readers get of them (lib/api/views.ts, languages.ts).
import { describe, expect, it } from 'vitest';
import { acceptedLanguages, chooseHeadline, readerHeadlines, readerLanguages } from '../../lib/api/languages.ts';
import { storyFacets } from '../../lib/api/views.ts';
import { STANDFIRST_MAX, pickHeadlines, standfirstOf, updateHeadlines, type HeadlineCandidate } from '../../lib/group/headlines.ts';
import type { Item, Story } from '../../lib/types.ts';

const at = (h: number) => new Date(Date.UTC(2026, 11, 4, h)).toISOString();
const cand = (itemId: string, language: string, title: string, over: Partial<HeadlineCandidate> = {}): HeadlineCandidate => ({
  itemId,
  title,
  summarized: true,
  language,
  score: 0.4,
  publishedAt: at(Number(itemId.replace(/\D/g, '')) || 0),
  ...over,
});

describe('pickHeadlines', () => {
  it('picks one headline per language from an item in that language, never from an undetected one', () => {
    const picked = pickHeadlines([
      cand('i1', 'fr', 'Au Mali, les derniers militaires français ont quitté Bamako'),
      cand('i2', 'en', 'France completes military withdrawal from Mali after 13 years'),
      cand('i3', 'und', 'Mali withdrawal complete as last troops leave'),
      cand('i4', 'ar', 'فرنسا تسحب آخر جنودها من مالي بعد 13 عاما'),
    ]);
    expect(Object.keys(picked)).toEqual(['ar', 'en', 'fr']);
    expect(picked.en).toEqual({ headline: 'France completes military withdrawal from Mali after 13 years', itemId: 'i2', summarized: true, score: 0.4, publishedAt: at(2) });
    expect(pickHeadlines([cand('i1', 'fr', 'Au Mali, les militaires français partent', { summarized: false })]).fr).toEqual({
      headline: 'Au Mali, les militaires français partent',
      itemId: 'i1',
      score: 0.4,
      publishedAt: at(1),
    });
  });

  it('prefers the central item, then a headline-like title, then one with a standfirst, then the earliest report', () => {
    const en = (cs: HeadlineCandidate[], central?: string) => pickHeadlines(cs, { central }).en!.itemId;
    const report = cand('i5', 'en', 'France completes military withdrawal from Mali');
    expect(en([report, cand('i9', 'en', 'Mali, as Russia extends its reach in the Sahel region')], 'i9')).toBe('i9');
    expect(en([cand('i1', 'en', 'Mali'), report])).toBe('i5');
    expect(en([cand('i1', 'en', 'What does the French withdrawal mean for Mali?'), report])).toBe('i5');
    expect(en([cand('i1', 'en', 'Last French troops leave Mali today', { summarized: false }), report])).toBe('i5');
    expect(en([report, cand('i7', 'en', 'Last French troops leave Mali, ending a decade', { score: 0.9 })])).toBe('i5');
    expect(en([cand('i5', 'en', 'Last French troops leave Mali, ending a decade', { score: 0.9 }), report])).toBe('i5');
  });

  it('does not depend on the order of its input', () => {
    const cs = Array.from({ length: 12 }, (_, i) => cand(`i${i % 4}`, ['en', 'fr', 'es'][i % 3]!, `Title number ${i} about the story`, { itemId: `i${i}`, score: (i * 7) % 5 / 10, publishedAt: at(i % 3) }));
    const expected = pickHeadlines(cs, { central: 'i4' });
    for (let k = 0; k < 20; k++) {
      const shuffled = [...cs].sort(() => Math.random() - 0.5);
      expect(pickHeadlines(shuffled, { central: 'i4' })).toEqual(expected);
    }
  });
});

describe('updateHeadlines', () => {
  const item = (id: string, language: string, title: string, hour: number): Item => ({
    id,
    feedId: 'f',
    outletId: 'o',
    title,
    summary: `About ${title}.`,
    language,
    publishedAt: at(hour),
    firstSeenAt: at(hour),
    contentHash: id,
  });

  it('keeps earlier picks as the story grows, adds new languages, and drops picks of items that left', () => {
    const first = updateHeadlines(undefined, ['a', 'b'], [item('a', 'fr', 'Au Mali, les militaires français partent', 1), item('b', 'en', 'France leaves Mali after thirteen years', 2)], () => 0.3)!;
    expect(Object.fromEntries(Object.entries(first).map(([l, h]) => [l, h.itemId]))).toEqual({ en: 'b', fr: 'a' });
    const grown = updateHeadlines(first, ['a', 'b', 'c', 'd'], [item('c', 'en', 'Last French troops leave Mali, ending a mission', 3), item('d', 'es', 'Francia retira sus últimos militares de Malí', 4)], () => 0.9)!;
    expect(Object.fromEntries(Object.entries(grown).map(([l, h]) => [l, h.itemId]))).toEqual({ en: 'b', es: 'd', fr: 'a' });
    // Item b was split off: English has no pick until an English item joins again (readers get one derived
    // from the items meanwhile); the others stay.
    const after = updateHeadlines(grown, ['a', 'c', 'd', 'e'], [item('e', 'fr', 'Retrait du Mali : une page se tourne au Sahel', 5)], () => 0.5)!;
    expect(Object.fromEntries(Object.entries(after).map(([l, h]) => [l, h.itemId]))).toEqual({ es: 'd', fr: 'a' });
    expect(updateHeadlines(after, ['a', 'c', 'd', 'e', 'f'], [item('f', 'en', 'Mali: France ends its military mission', 6)], () => 0.5)!.en!.itemId).toBe('f');
    // Items of the pass that are not members (they went to another story) are not candidates.
    expect(updateHeadlines(undefined, ['a'], [item('z', 'de', 'Frankreich verlässt Mali endgültig heute', 1)], () => 1)).toBeUndefined();
  });

  it('round-trips stored picks unchanged, and keeps preferring a pick with a summary over a later one without', () => {
    const once = updateHeadlines(undefined, ['a'], [item('a', 'en', 'France completes military withdrawal from Mali', 1)], () => 0.3)!;
    expect(updateHeadlines(once, ['a'], [], () => 0)).toEqual(once);
    const bare = { ...item('b', 'en', 'Last French troops leave Mali for good', 0), summary: undefined };
    expect(updateHeadlines(once, ['a', 'b'], [bare], () => 0.9)!.en!.itemId).toBe('a');
    const first = updateHeadlines(undefined, ['b'], [bare], () => 0.9)!;
    expect(first.en!.summarized).toBeUndefined();
    expect(updateHeadlines(first, ['a', 'b'], [item('a', 'en', 'France completes military withdrawal from Mali', 1)], () => 0.3)!.en!.itemId).toBe('a');
  });
});

describe('standfirstOf', () => {
  it('keeps whole sentences up to the limit, cuts a single long sentence at a word with an ellipsis', () => {
    const s = 'The last French soldiers left Gao on Monday. '.repeat(30);
    const cut = standfirstOf(s)!;
    expect(cut.length).toBeLessThanOrEqual(STANDFIRST_MAX);
    expect(cut.endsWith('Monday.')).toBe(true);
    expect(s.startsWith(cut)).toBe(true);
    const one = `${'word '.repeat(200)}end`;
    const c1 = standfirstOf(one)!;
    expect(c1.endsWith('word…')).toBe(true);
    expect(c1.length).toBeLessThanOrEqual(STANDFIRST_MAX);
    expect(standfirstOf('  Short   summary.  ')).toBe('Short summary.');
    expect(standfirstOf('Same as the title', 'Same as the title')).toBeUndefined();
    expect(standfirstOf('   ')).toBeUndefined();
  });
});

describe('reader languages', () => {
  it('reads Accept-Language by q, primary subtags, skipping wildcards, q=0 and junk', () => {
    expect(acceptedLanguages('fr-CA,fr;q=0.9,en;q=0.8,*;q=0.5')).toEqual(['fr', 'en']);
    expect(acceptedLanguages('en;q=0.2, de, ar;q=0.9')).toEqual(['de', 'ar', 'en']);
    expect(acceptedLanguages('es;q=0, pt-BR;q=1.5, x-klingon, 123, it;q=abc, ja')).toEqual(['ja']);
    expect(acceptedLanguages(`${'fr,'.repeat(5000)}en`)).toEqual(['fr']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  it('puts an explicit lang before Accept-Language, and the desk language last', () => {
    expect(readerLanguages(['fr', 'ar'], 'de', 'en')).toEqual(['fr', 'ar', 'en']);
    expect(readerLanguages(undefined, 'de, en;q=0.5', 'en')).toEqual(['de', 'en']);
    expect(readerLanguages(undefined, undefined, 'fr')).toEqual(['fr']);
  });

  it("serves the record's picks with their items' summaries as standfirsts, picking from the items for the rest", () => {
    const mk = (id: string, language: string, title: string, summary?: string): Item => ({
      id, feedId: 'f', outletId: language === 'und' ? 'le-monde' : 'o', title, summary, language, publishedAt: at(Number(id.slice(1))), firstSeenAt: at(0), contentHash: id,
    });
    const items = [
      mk('i1', 'fr', 'Au Mali, les derniers militaires français ont quitté Bamako', `${'Le retrait est terminé. '.repeat(30)}`),
      mk('i2', 'en', 'France leaves Mali'),
      mk('i3', 'und', 'Mali : ce que laisse Barkhane derrière elle', 'Analyse.'),
      mk('i4', 'es', 'Francia retira sus últimos militares de Malí', 'La salida.'),
    ];
    const story = {
      id: 's',
      headline: items[0]!.title,
      itemIds: ['i1', 'i2', 'i3', 'i4'],
      outletIds: ['o', 'le-monde'],
      headlines: {
        en: { headline: 'France leaves Mali', itemId: 'i2', score: 0.3, publishedAt: at(2) },
        de: { headline: 'Frankreich verlässt Mali', itemId: 'gone', score: 0.3, publishedAt: at(2) },
        fr: { headline: items[0]!.title, itemId: 'i1', summarized: true, score: 0, publishedAt: at(1) },
      },
    } as unknown as Story;
    const outlets = new Map([['le-monde', { id: 'le-monde', languages: ['fr'] } as never]]);
    const hs = storyFacets(story, items, outlets).headlines;
    expect(Object.keys(hs)).toEqual(['en', 'es', 'fr']);
    expect(hs.en).toEqual({ headline: 'France leaves Mali', standfirst: null, itemId: 'i2' });
    expect(hs.es).toEqual({ headline: 'Francia retira sus últimos militares de Malí', standfirst: 'La salida.', itemId: 'i4' });
    expect(hs.fr!.standfirst!.length).toBeLessThanOrEqual(300);
    expect(hs.fr!.standfirst!.startsWith('Le retrait est terminé.')).toBe(true);
  });

  it('chooses the first language the story has, else its own headline, and lets the editor win for the desk', () => {
    const story = { id: 's', headline: 'Au Mali, les derniers militaires français ont quitté Bamako', summary: 'Le retrait.' } as unknown as Story;
    const own = {
      en: { headline: 'France leaves Mali', standfirst: null, itemId: 'b' },
      fr: { headline: story.headline, standfirst: 'Le retrait.', itemId: 'a' },
    };
    const hs = readerHeadlines(story, own, 'en');
    expect(chooseHeadline(story, hs, ['de', 'en'])).toEqual({ headline: 'France leaves Mali', standfirst: null, itemId: 'b', language: 'en' });
    expect(chooseHeadline(story, hs, ['ja'])).toMatchObject({ headline: story.headline, language: 'fr', itemId: 'a' });
    const edited = { ...story, headline: 'France pulls out of Mali', summary: 'Desk copy.', headlineByEditor: true } as Story;
    const eh = readerHeadlines(edited, own, 'en');
    expect(eh.en).toEqual({ headline: 'France pulls out of Mali', standfirst: 'Desk copy.', itemId: null });
    expect(chooseHeadline(edited, eh, ['fr', 'en']).headline).toBe('Au Mali, les derniers militaires français ont quitté Bamako');
    expect(chooseHeadline(edited, eh, ['ja', 'en']).headline).toBe('France pulls out of Mali');
    // A French desk's editor writes French: English readers keep the English article's headline.
    expect(chooseHeadline(edited, readerHeadlines(edited, own, 'fr'), ['en']).headline).toBe('France leaves Mali');
  });
});
