// The in-memory search index: words and writer-given stems, every query word required, relevance then recency.
import { describe, expect, it } from 'vitest';
import { searchEntriesOf, storyCopyEntry } from '../../lib/search/entries.ts';
import { WordIndex } from '../../lib/search/word-index.ts';
import { searchWords, splitTerm, term } from '../../lib/search/words.ts';
import { stem } from '../../lib/text/stem.ts';
import { item, story } from '../support/records.ts';

/** Indexes texts as the grouping writer would: one story per text, in its language. */
function indexOf(stories: { id: string; lang: string; text: string; at?: string }[]): WordIndex {
  const index = new WordIndex();
  for (const s of stories) index.add(s.id, s.lang, searchWords(s.text).map((w) => term(w, stem(w, s.lang))), s.at ?? '2026-11-25T10:00:00.000Z');
  return index;
}
const ids = (index: WordIndex, q: string) => index.search(q).map((h) => h.storyId);

describe('search words and terms', () => {
  it('folds case and accents and pairs the characters of unspaced scripts', () => {
    expect(searchWords('Malí: RETRAIT, Québec!')).toEqual(['mali', 'retrait', 'quebec']);
    expect(searchWords('東京都')).toEqual(['東京', '京都']);
    expect(term('soldats', 'soldat')).toBe('soldats>6');
    expect(splitTerm(term('soldats', 'soldat'))).toEqual({ word: 'soldats', stem: 'soldat' });
    expect(splitTerm(term('happy', 'happi'))).toEqual({ word: 'happy', stem: 'happi' });
    expect(splitTerm(term('2026', '2026'))).toEqual({ word: '2026', stem: '2026' });
    expect(splitTerm(term('soldat', 'soldat'))).toEqual({ word: 'soldat', stem: 'soldat' });
    expect(splitTerm(term('mali'))).toEqual({ word: 'mali' });
  });

  it('writes the words of joined items per language with their stems, and the copy only when it changed', () => {
    const items = new Map([
      ['a', item('a', { title: 'Les soldats quittent Gao', summary: undefined, language: 'fr' })],
      ['b', item('b', { title: 'Troops leave', summary: undefined, language: 'en' })],
    ]);
    const entries = searchEntriesOf({ id: 's', updatedAt: 't' }, ['a', 'b', 'gone'], items, { stem });
    expect(entries.map((e) => [e.lang, e.words])).toEqual([
      ['fr', ['les>2', 'soldats>6', 'quittent>', 'gao>']],
      ['en', ['troops>5', 'leave>4']],
    ]);
    const s = story('s', '2026-11-25T10:00:00.000Z');
    expect(storyCopyEntry(s, undefined)?.words).toEqual(['mali', 'withdrawal', 'france', 'completes', 'its', 'from']);
    expect(storyCopyEntry({ ...s, version: 2 }, s)).toBeUndefined();
  });
});

describe('WordIndex', () => {
  const index = indexOf([
    { id: 'mali', lang: 'fr', text: 'Les derniers soldats français ont quitté Bamako' },
    { id: 'mali-en', lang: 'en', text: 'France completes military withdrawal from Mali' },
    { id: 'malware', lang: 'en', text: 'Malicious software hits banks' },
    { id: 'solo', lang: 'es', text: 'Un concierto en solo de piano' },
  ]);

  it('matches a word as written, and other forms through the stems the writer gave', () => {
    expect(ids(index, 'bamako')).toEqual(['mali']);
    expect(ids(index, 'SOLDAT')).toEqual(['mali']); // only "soldats" is indexed
    expect(ids(index, 'withdrawals')).toEqual(['mali-en']);
    // No cross-language or prefix accidents: "mali" is not "malicious", "soldat" is not Spanish "solo".
    expect(ids(index, 'mali')).toEqual(['mali-en']);
    expect(ids(index, 'sol')).toEqual([]);
  });

  it('requires every word, leaves out words most stories have, and ranks rare and exact matches first', () => {
    expect(ids(index, 'france bamako')).toEqual([]);
    const common = indexOf([
      { id: 'a', lang: 'en', text: 'the ceasefire in Gaza' },
      { id: 'b', lang: 'en', text: 'the election' },
      { id: 'c', lang: 'en', text: 'the markets' },
    ]);
    expect(ids(common, 'the ceasefire')).toEqual(['a']);
    expect(ids(common, 'the')).toEqual(['a', 'b', 'c']); // alone, a common word still answers
    const ranked = indexOf([
      { id: 'stem-only', lang: 'en', text: 'strikes spread', at: '2026-11-25T12:00:00.000Z' },
      { id: 'exact-old', lang: 'en', text: 'strike called', at: '2026-11-25T09:00:00.000Z' },
      { id: 'exact-new', lang: 'en', text: 'strike ends', at: '2026-11-25T11:00:00.000Z' },
    ]);
    expect(ids(ranked, 'strike')).toEqual(['exact-new', 'exact-old', 'stem-only']);
  });
});
