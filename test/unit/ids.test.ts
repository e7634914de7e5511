// lib/ids.ts hash48: stable values, and the same ids as the grouping engine's copy (story ids must not fork).
import { describe, expect, it } from 'vitest';
import { hash48 as engineHash48 } from '../../lib/group/engine.ts';
import { hash48 } from '../../lib/ids.ts';

describe('hash48', () => {
  it('gives 12 lowercase hex characters, stable across releases', () => {
    expect(hash48('')).toBe('5db648b3af7f');
    expect(hash48('item-1')).toBe('41df52669172');
    expect(hash48('split\ns_abc\nitem-1\nitem-2')).toBe(engineHash48('split\ns_abc\nitem-1\nitem-2'));
    expect(hash48('a')).not.toBe(hash48('b'));
  });

  it('agrees with lib/group/engine.ts on varied inputs (ASCII, accents, emoji, long strings)', () => {
    const inputs = ['', 'a', 'item-1', 'it#salt', 'Ouagadougou — « L’Observateur »', '東京', '🗞️📰', 'x'.repeat(10_000)];
    for (let i = 0; i < 200; i++) inputs.push(`s_${i}\n${(i * 7919).toString(36)}`);
    for (const s of inputs) expect(hash48(s), s.slice(0, 20)).toBe(engineHash48(s));
  });
});
