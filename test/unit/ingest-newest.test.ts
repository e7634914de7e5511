// The item cap: newest entries kept in document order; the text cut before parsing agrees with a parse-everything model.
import { describe, expect, it } from 'vitest';
import { cutXmlToNewest, newestIndexes } from '../../lib/ingest/newest.ts';
import { parseFeedDate } from '../../lib/ingest/dates.ts';
import { DEFAULT_MAX_ITEMS, parseFeed } from '../../lib/ingest/parse.ts';

/** Small deterministic PRNG (mulberry32), so a failing case can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('newestIndexes', () => {
  it('keeps the newest by date, undated after dated, ties in document order, result in document order', () => {
    const dates = [5, undefined, 9, 5, 1, undefined, 9];
    expect(newestIndexes(dates.length, 3, (i) => dates[i])).toEqual([0, 2, 6]);
    expect(newestIndexes(dates.length, 5, (i) => dates[i])).toEqual([0, 2, 3, 4, 6]);
    expect(newestIndexes(3, 10, () => undefined)).toEqual([0, 1, 2]);
  });
});

describe('cutXmlToNewest', () => {
  it('leaves documents at or under the cap, and documents whose item tags do not balance, unchanged', () => {
    const doc = '<rss><channel><item><title>a</title></item><item><title>b</title></item></channel></rss>';
    expect(cutXmlToNewest(doc, 'item', 2)).toBe(doc);
    const broken = '<rss><channel><item><title>a</title></item><item><title>b</title></channel></rss>';
    expect(cutXmlToNewest(broken, 'item', 1)).toBe(broken);
  });

  it('agrees with parsing everything then keeping the newest, on random RSS and Atom feeds', async () => {
    const random = rng(42);
    for (let run = 0; run < 60; run++) {
      const atom = run % 2 === 1;
      const n = 1 + Math.floor(random() * 40);
      const max = 1 + Math.floor(random() * 12);
      const entries = Array.from({ length: n }, (_, i) => {
        const r = random();
        // Dated (some repeated), undated, or with a date only in a hiding place (CDATA, comment).
        const day = 1 + Math.floor(random() * 20);
        const date = r < 0.7 ? `2026-11-${String(day).padStart(2, '0')}T10:00:00Z` : undefined;
        const decoy = r > 0.85 ? `<![CDATA[<${atom ? 'entry' : 'item'}><pubDate>2030-01-01T00:00:00Z</pubDate>]]>` : '';
        const comment = r > 0.9 ? `<!-- <${atom ? 'entry' : 'item'}> -->` : '';
        return atom
          ? `<entry><title>e${i}</title><id>urn:${i}</id>${date ? `<updated>${date}</updated>` : ''}<summary>${decoy}</summary>${comment}</entry>`
          : `<item><title>i${i}</title>${date ? `<pubDate>${date}</pubDate>` : ''}<description>${decoy}</description>${comment}</item>`;
      });
      const doc = atom
        ? `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>${entries.join('\n')}</feed>`
        : `<rss version="2.0"><channel><title>F</title>${entries.join('\n')}</channel></rss>`;
      const full = await parseFeed(doc, { maxItems: Infinity });
      // Reference model: every entry parsed, then the newest `max` by the parsed date, document order kept.
      const keep = newestIndexes(full.entries.length, max, (i) => parseFeedDate(full.entries[i]!.date ?? full.entries[i]!.updated));
      const expected = keep.map((i) => full.entries[i]!.title);
      const cut = await parseFeed(cutXmlToNewest(doc, atom ? 'entry' : 'item', max), { maxItems: Infinity });
      expect(cut.entries.map((e) => e.title), `run ${run}`).toEqual(expected);
      expect((await parseFeed(doc, { maxItems: max })).entries.map((e) => e.title), `run ${run}`).toEqual(expected);
    }
  });
});

describe('parseFeed item cap', () => {
  it('keeps DEFAULT_MAX_ITEMS newest by default, for XML and JSON Feed alike', async () => {
    const n = DEFAULT_MAX_ITEMS + 50;
    const date = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
    const rss = `<rss version="2.0"><channel><title>Many</title>${Array.from({ length: n }, (_, i) => `<item><title>t${i}</title><pubDate>${date(i)}</pubDate></item>`).join('')}</channel></rss>`;
    const fromRss = await parseFeed(rss);
    expect(fromRss.entries).toHaveLength(DEFAULT_MAX_ITEMS);
    expect(fromRss.entries[0]!.title).toBe('t50'); // oldest 50 dropped, document order kept
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: Array.from({ length: n }, (_, i) => ({ id: String(i), title: `j${i}`, date_published: date(n - i) })) });
    const fromJson = await parseFeed(json, { maxItems: 10 });
    expect(fromJson.entries.map((e) => e.title)).toEqual(Array.from({ length: 10 }, (_, i) => `j${i}`));
  });
});
