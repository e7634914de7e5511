// hash48 and story ids: stable values across releases, since stored story ids derive from them.
import { describe, expect, it } from 'vitest';
import { StoryGrouper } from '../../lib/group/engine.ts';
import { hash48 } from '../../lib/ids.ts';

describe('hash48', () => {
  it('gives 12 lowercase hex characters, stable across releases', () => {
    expect(hash48('')).toBe('5db648b3af7f');
    expect(hash48('item-1')).toBe('41df52669172');
    expect(hash48('a')).not.toBe(hash48('b'));
    for (const s of ['Ouagadougou — « L’Observateur »', '東京', '🗞️📰', 'x'.repeat(10_000)]) expect(hash48(s)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('names a new story after its founding item, so a re-run of the same input gives the same story id', () => {
    const a = new StoryGrouper().add({ id: 'item-1', title: 'La France achève son retrait militaire du Mali' });
    const b = new StoryGrouper().add({ id: 'item-1', title: 'La France achève son retrait militaire du Mali' });
    expect(a.created).toBe(true);
    expect(a.storyId).toBe(`s_${hash48('item-1')}`);
    expect(b.storyId).toBe(a.storyId);
  });
});
