// Charset decoding: BOM → HTTP charset → XML declaration → UTF-8 if valid → statistical guess → windows-1252; legacy encodings via iconv-lite.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../lib/ingest/decode.ts';
import { DecodeError } from '../../lib/ingest/errors.ts';
import { parseFeed } from '../../lib/ingest/parse.ts';

const doc = (title: string, decl?: string) =>
  `${decl ? `<?xml version="1.0" encoding="${decl}"?>` : ''}<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

describe('decodeBody', () => {
  it('prefers a BOM over everything else', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc('Zürich', 'iso-8859-1'))]);
    const d = decodeBody(bytes, 'text/xml; charset=windows-1252');
    expect(d).toMatchObject({ encoding: 'utf-8', source: 'bom' });
    expect(d.text.startsWith('<?xml')).toBe(true); // BOM stripped
    expect(d.text).toContain('Zürich');
  });

  it('decodes UTF-16 LE and BE from their BOMs', () => {
    for (const [enc, bom] of [
      ['utf-16le', [0xff, 0xfe]],
      ['utf-16be', [0xfe, 0xff]],
    ] as const) {
      const body = Buffer.concat([Buffer.from(bom), iconv.encode(doc('Ελληνικά', 'utf-16'), enc)]);
      const d = decodeBody(body);
      expect(d.encoding).toBe(enc);
      expect(d.text).toContain('Ελληνικά');
    }
  });

  it('sniffs BOM-less UTF-16 from the byte pattern of "<?xml"', () => {
    const d = decodeBody(iconv.encode(doc('日本語', 'utf-16'), 'utf-16be'));
    expect(d).toMatchObject({ encoding: 'utf-16be' });
    expect(d.text).toContain('日本語');
  });

  it('uses the HTTP charset over the XML declaration', () => {
    const bytes = iconv.encode(doc('Привет', 'utf-8'), 'koi8-r');
    const d = decodeBody(bytes, 'application/rss+xml; charset="KOI8-R"');
    expect(d).toMatchObject({ encoding: 'koi8-r', source: 'http' });
    expect(d.text).toContain('Привет');
  });

  it.each([
    ['shift_jis', 'ニュース速報'],
    ['big5', '新聞快報'],
    ['gb2312', '新闻快讯'],
    ['euc-kr', '속보 뉴스'],
    ['koi8-r', 'Новости'],
    ['iso-8859-1', 'Café résumé'],
    ['windows-1252', '“Quoted” – dash €'],
  ])('decodes %s from the XML declaration', (enc, text) => {
    const d = decodeBody(iconv.encode(doc(text, enc), enc));
    expect(d.source).toBe('xml');
    expect(d.text).toContain(text);
  });

  it('ignores an unknown charset label and falls back', () => {
    const d = decodeBody(Buffer.from(doc('plain ascii')), 'text/xml; charset=x-bogus');
    expect(d).toMatchObject({ encoding: 'utf-8', source: 'fallback' });
  });

  it('falls back to windows-1252 when undeclared bytes are not UTF-8', () => {
    const d = decodeBody(iconv.encode(doc('Crème brûlée “chef”'), 'windows-1252'));
    expect(d).toMatchObject({ encoding: 'windows-1252', source: 'fallback' });
    expect(d.text).toContain('Crème brûlée “chef”');
  });

  it.each([
    ['koi8-r', 'Правительство России объявило о новых мерах поддержки экономики. Министр финансов заявил, что бюджет будет исполнен.'],
    ['windows-1251', 'Правительство России объявило о новых мерах поддержки экономики. Министр финансов заявил, что бюджет будет исполнен.'],
    ['shift_jis', '東京都は新しい防災計画を発表しました。地震や台風に備えて、住民への情報提供を強化します。'],
    ['big5', '台北市政府今天宣布新的交通政策，將在明年實施。市長表示，這項政策將改善市民的生活品質。'],
    ['euc-kr', '서울시는 오늘 새로운 교통 정책을 발표했습니다. 시장은 이 정책이 시민들의 삶의 질을 개선할 것이라고 말했습니다.'],
  ])('detects undeclared %s statistically', (enc, text) => {
    const d = decodeBody(iconv.encode(`<rss version="2.0"><channel><title>${text}</title><item><description>${text}</description></item></channel></rss>`, enc));
    expect(d).toMatchObject({ encoding: enc, source: 'detect' });
    expect(d.text).toContain(text);
  });

  it.each([
    'Le gouvernement français a annoncé mercredi le retrait des troupes du Mali, après neuf années de présence.',
    'El gobierno español anunció el miércoles una reforma de las pensiones que afectará a millones de jubilados.',
    'Die Bundesregierung hat am Mittwoch ein neues Gesetz für größere Windparks beschlossen, berichtet die Zeitung.',
    'O governo português anunciou na quarta-feira um plano de habitação para as famílias com rendimentos baixos.',
    'Crème brûlée, à la carte – “très” bien',
  ])('keeps undeclared Western European text as windows-1252: %s', (text) => {
    const d = decodeBody(iconv.encode(`<rss><channel><title>${text}</title></channel></rss>`, 'windows-1252'));
    expect(d.encoding).toBe('windows-1252');
    expect(d.text).toContain(text);
  });

  it('handles invalid UTF-8 in a UTF-8 document without crashing', () => {
    // Mostly UTF-8 with one stray byte: keep UTF-8, replace the byte.
    const mixed = Buffer.concat([Buffer.from('<rss version="2.0"><channel><title>Zoë – naïve '), Buffer.from([0xff]), Buffer.from(' ok</title></channel></rss>')]);
    const d = decodeBody(mixed, 'text/xml; charset=utf-8');
    expect(d).toMatchObject({ encoding: 'utf-8', lossy: true });
    expect(d.text).toContain('Zoë – naïve \ufffd ok');
    // Latin-1 bytes labelled UTF-8: read as windows-1252.
    const latin = Buffer.concat([Buffer.from('<rss><channel><title>Caf'), Buffer.from([0xe9]), Buffer.from('</title></channel></rss>')]);
    expect(decodeBody(latin, 'text/xml; charset=utf-8').text).toContain('Café');
    // Truncated multi-byte sequence at the very end.
    expect(() => decodeBody(Buffer.from([0x3c, 0x61, 0x3e, 0xe2, 0x82]))).not.toThrow();
  });

  it('maps C1 controls to windows-1252 punctuation', () => {
    expect(decodeBody(Buffer.from('<a>don\u0092t</a>', 'utf8')).text).toBe('<a>don’t</a>');
  });

  it('refuses an empty or binary body with DecodeError', () => {
    expect(() => decodeBody(Buffer.alloc(0))).toThrow(DecodeError);
    expect(() => decodeBody(Buffer.from([0x89, 0x50, 0x4e, 0x47, ...Array.from({ length: 200 }, (_, i) => i % 9)]))).toThrow(/binary/);
  });

  it('feeds decoded text to the parser (ISO-8859-1 feed end to end)', async () => {
    const feed = await parseFeed(iconv.encode(doc('Éditions spéciales', 'ISO-8859-1'), 'latin1'));
    expect(feed.title).toBe('Éditions spéciales');
    expect(feed.encoding).toBe('windows-1252');
  });
});
