// Draft digest: roundup-style Markdown whose quotes are always verbatim feed text, with attribution and links.
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, quoteFor, renderDigest } from '../../lib/editor/digest.ts';
import type { Item, Story } from '../../lib/types.ts';

const item = (id: string, over: Partial<Item>): Item => ({
  id,
  feedId: `${over.outletId ?? 'x'}/main`,
  outletId: 'x',
  title: `Title ${id}`,
  language: 'en',
  publishedAt: '2026-11-26T08:00:00.000Z',
  firstSeenAt: '2026-11-26T08:00:00.000Z',
  contentHash: id,
  ...over,
});

const story: Story = {
  id: 's_1',
  label: 'Chile quake',
  headline: 'Earthquake strikes central Chile',
  summary: 'A magnitude 7.8 earthquake hit near Valparaiso.',
  firstSeenAt: '2026-11-26T08:00:00.000Z',
  updatedAt: '2026-11-26T09:00:00.000Z',
  lastItemAt: '2026-11-26T09:00:00.000Z',
  itemIds: ['1', '2', '3'],
  outletIds: ['lemonde', 'bbc'],
  version: 4,
  status: 'approved',
};

const outlets = [
  { id: 'lemonde', name: 'Le Monde', city: 'Paris' },
  { id: 'bbc', name: 'BBC News', city: 'London' },
];

/** Undoes escapeMarkdown, i.e. what a Markdown renderer shows. */
const unescape = (s: string) => s.replace(/\\([\\`*_[\]<>#|~])/g, '$1');

describe('quoteFor', () => {
  it('quotes the first summary sentence verbatim when it is a usable length', () => {
    const summary = 'Rescuers searched the rubble through the night. The toll is expected to rise.';
    expect(quoteFor({ title: 'T', summary })).toBe('Rescuers searched the rubble through the night.');
    expect(summary).toContain(quoteFor({ title: 'T', summary }));
  });

  it('falls back to the title when the summary is missing, too short or one huge sentence', () => {
    expect(quoteFor({ title: ' Quake hits Chile ' })).toBe('Quake hits Chile');
    expect(quoteFor({ title: 'Quake hits Chile', summary: 'Updated.' })).toBe('Quake hits Chile');
    expect(quoteFor({ title: 'Quake hits Chile', summary: 'x'.repeat(400) })).toBe('Quake hits Chile');
  });

  it('does not cut at the dot of a number or abbreviation without a following space', () => {
    const summary = 'A magnitude 7.8 quake struck near the coast of Valparaiso today. More soon.';
    expect(quoteFor({ title: 'T', summary })).toBe('A magnitude 7.8 quake struck near the coast of Valparaiso today.');
  });
});

describe('renderDigest', () => {
  const items = [
    item('1', { outletId: 'bbc', author: 'By Jane Doe', url: 'https://bbc.co.uk/1', title: 'Chile hit by 7.8 quake', summary: 'A powerful earthquake has struck central Chile, officials say. More follows.', publishedAt: '2026-11-26T08:10:00.000Z' }),
    item('2', { outletId: 'lemonde', url: 'https://lemonde.fr/2', title: 'Séisme au Chili : *au moins* 12 morts', publishedAt: '2026-11-26T08:05:00.000Z' }),
    item('3', { outletId: 'bbc', url: 'https://bbc.co.uk/3', title: 'Chile quake: what we know', publishedAt: '2026-11-26T09:00:00.000Z' }),
  ];
  const md = renderDigest(story, items, outlets);

  it('starts with the headline and the standfirst', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Earthquake strikes central Chile');
    expect(lines[2]).toBe('A magnitude 7.8 earthquake hit near Valparaiso.');
  });

  it('writes one paragraph per outlet, earliest outlet first, with attribution and link', () => {
    const paras = md.split('\n\n').filter((p) => p.startsWith('“'));
    expect(paras).toHaveLength(2);
    // No author: the outlet speaks for itself; the title's own full stop never doubles the punctuation.
    expect(paras[0]).toBe('“Séisme au Chili : \\*au moins\\* 12 morts,” Le Monde (Paris) reported. [Read at Le Monde](https://lemonde.fr/2)');
    expect(paras[0]).toContain('(https://lemonde.fr/2)');
    expect(paras[1]).toContain('“A powerful earthquake has struck central Chile, officials say,” said Jane Doe in BBC News (London).');
    expect(paras[1]).toContain('(https://bbc.co.uk/1)');
    expect(paras[1]).toContain('Also: [Chile quake: what we know](https://bbc.co.uk/3)');
  });

  it('quotes only verbatim feed text: every quoted span is a title or a substring of a summary', () => {
    // The comma before the closing mark is punctuation of the sentence, not of the quote (it replaces the full stop).
    const quotes = [...md.matchAll(/“([^”]*),”/g)].map((m) => unescape(m[1]!));
    expect(quotes).toEqual(['Séisme au Chili : *au moins* 12 morts', 'A powerful earthquake has struck central Chile, officials say']);
    for (const q of quotes) expect(items.some((i) => i.title === q || i.summary?.includes(q))).toBe(true);
  });

  it('escapes Markdown so the rendered text is the feed text', () => {
    expect(md).toContain('Séisme au Chili : \\*au moins\\* 12 morts');
    expect(escapeMarkdown('a_b [c]')).toBe('a\\_b \\[c\\]');
  });

  it('writes French prose around the same verbatim quotes', () => {
    const fr = renderDigest(story, items, outlets, { lang: 'fr' });
    expect(fr).toContain('«\u202fSéisme au Chili : \\*au moins\\* 12 morts\u202f», a rapporté Le Monde (Paris). [Lire dans Le Monde](https://lemonde.fr/2)');
    expect(fr).toContain('«\u202fA powerful earthquake has struck central Chile, officials say\u202f», a déclaré Jane Doe dans BBC News (Londres).');
    expect(fr).toContain('Aussi\u00a0: [Chile quake: what we know](https://bbc.co.uk/3)');
  });

  it('omits the standfirst when there is none and still renders items without links', () => {
    const out = renderDigest({ ...story, summary: undefined }, [item('9', { outletId: 'bbc', title: 'No link here' })], outlets);
    expect(out.split('\n').slice(0, 3)).toEqual(['# Earthquake strikes central Chile', '', '“No link here,” BBC News (London) reported.']);
  });
});
