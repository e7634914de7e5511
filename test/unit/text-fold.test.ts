// Folding: the generated Latin table spells every Latin letter and digit exactly as any-ascii does.
import anyAscii from 'any-ascii';
import { describe, expect, it } from 'vitest';
import { foldText, foldToken } from '../../lib/text/fold.ts';

/** The folding rule written plainly with any-ascii itself: the reference the table must match. */
function referenceFold(token: string): string {
  let t = token.toLowerCase();
  if (!/[^\x00-\x7F]/u.test(t)) return t;
  t = t.normalize('NFD').replace(/\p{M}+/gu, '').replace(/\u0640/gu, '');
  if (/[^\x00-\x7F]/u.test(t) && /^[\p{Script=Latin}\p{N}\p{M}]+$/u.test(t)) t = anyAscii(t).toLowerCase();
  return t;
}

describe('foldToken', () => {
  it('matches the any-ascii reference on every Latin letter and digit of Unicode, alone and inside a word', () => {
    const mismatches: string[] = [];
    for (let c = 0x80; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      if (!/^[\p{Script=Latin}\p{N}]$/u.test(ch)) continue;
      for (const token of [ch, `bé${ch}x`]) if (foldToken(token) !== referenceFold(token)) mismatches.push(token);
    }
    expect(mismatches).toEqual([]);
  });

  it('folds accents, ligatures and case, and leaves other scripts their letters', () => {
    expect(['Bébé', 'Straße', 'Œuvre', 'Søren', 'Łódź', 'ﬁnale', 'روسيا', 'Москва'].map(foldToken)).toEqual([
      'bebe', 'strasse', 'oeuvre', 'soren', 'lodz', 'finale', 'روسيا', 'москва',
    ]);
    expect(foldText('Québec ÉLYSÉE')).toBe('quebec elysee');
  });
});
