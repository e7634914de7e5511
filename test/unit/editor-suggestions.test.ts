// Pure rules of "possible same story" and the queue filters: survivor choice, material change, what is stored, filter parsing.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.ts';
import { parseQueueFilters, queueQuery, storyMatches } from '../../lib/editor/review.ts';
import { survivorOf } from '../../lib/editor/suggestions.ts';
import { MAX_SUGGESTIONS, changedMaterially, pastHalfLife, suggestingGrouper, suggestionsToStore } from '../../lib/pipeline/suggestions.ts';
import { StoryGrouper } from '../../lib/group/engine.ts';
import type { Story } from '../../lib/types.ts';
import { story as storyAt } from '../support/records.ts';
import { SuggestingTestGrouper, suggestion } from '../support/suggestions.ts';

/** A one-item, one-outlet story scored at a fixed time; `over` replaces any field. */
const story = (id: string, over: Partial<Story> = {}): Story => ({ ...storyAt(id, '2026-11-26T09:00:00.000Z'), firstSeenAt: '2026-11-26T08:00:00.000Z', ...over });

describe('survivorOf', () => {
  it('keeps the story an editor worked on, else the wider coverage, else the older, whatever the order', () => {
    const wide = story('s_b', { outletIds: ['a', 'b'], itemIds: ['1', '2'] });
    const lone = story('s_a');
    expect(survivorOf(lone, wide).id).toBe('s_b');
    expect(survivorOf(wide, lone).id).toBe('s_b');
    const approved = story('s_c', { status: 'approved' });
    expect(survivorOf(wide, approved).id).toBe('s_c');
    expect(survivorOf(story('s_d', { labelByEditor: true }), wide).id).toBe('s_d');
    const more = story('s_e', { itemIds: ['1', '2', '3'] });
    expect(survivorOf(lone, more).id).toBe('s_e');
    // A runaway story counts all its items, not the shown ones.
    expect(survivorOf(more, story('s_f', { itemIds: ['1'], itemCount: 90 })).id).toBe('s_f');
    const older = story('s_z', { firstSeenAt: '2026-11-25T08:00:00.000Z' });
    expect(survivorOf(lone, older).id).toBe('s_z');
    expect(survivorOf(story('s_y'), story('s_x')).id).toBe('s_x');
    expect(survivorOf(story('s_x'), story('s_y')).id).toBe('s_x');
  });
});

describe('changedMaterially', () => {
  const s = suggestion('s_a', 's_b');
  it('ignores small score moves and the scoring time', () => {
    expect(changedMaterially(s, { ...s, score: s.score + 0.019, at: '2026-11-27T00:00:00.000Z' })).toBe(false);
    expect(changedMaterially(s, { ...s, evidence: { ...s.evidence, entities: [...s.evidence.entities].reverse() } })).toBe(false);
  });
  it('sees a score step, a new threshold, languages and every kind of evidence', () => {
    expect(changedMaterially(s, { ...s, score: s.score - 0.02 })).toBe(true);
    expect(changedMaterially(s, { ...s, threshold: 0.5 })).toBe(true);
    expect(changedMaterially(s, { ...s, crossLingual: false })).toBe(true);
    expect(changedMaterially(s, { ...s, languages: { a: ['ar', 'en'], b: ['en'] } })).toBe(true);
    for (const k of ['entities', 'terms', 'translated', 'numbers'] as const) {
      expect(changedMaterially(s, { ...s, evidence: { ...s.evidence, [k]: [...s.evidence[k], 'x'] } })).toBe(true);
    }
  });
});

describe('suggestionsToStore', () => {
  it('orders ids (swapping languages with them), keeps the best per pair, drops dismissed and self pairs', () => {
    const swapped = { ...suggestion('s_a', 's_b'), a: 's_b', b: 's_a', languages: { a: ['en'], b: ['ar'] }, score: 0.44 };
    const out = suggestionsToStore([suggestion('s_a', 's_b'), swapped, suggestion('s_c', 's_c'), suggestion('s_d', 's_e')], new Map([['s_d#s_e', true]]));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ a: 's_a', b: 's_b', score: 0.44, languages: { a: ['ar'], b: ['en'] } });
  });
  it('keeps the closest to the threshold first, at most MAX_SUGGESTIONS', () => {
    const many = Array.from({ length: MAX_SUGGESTIONS + 20 }, (_, i) => suggestion(`s_${String(i).padStart(4, '0')}`, 's_zzzz', { score: 0.2 + i / 10_000 }));
    const out = suggestionsToStore(many, new Map());
    expect(out).toHaveLength(MAX_SUGGESTIONS);
    expect(out[0]!.a).toBe(`s_${String(MAX_SUGGESTIONS + 19).padStart(4, '0')}`);
    expect(out.map((s) => s.score)).toEqual([...out.map((s) => s.score)].sort((x, y) => y - x));
  });
});

describe('pastHalfLife', () => {
  it('is true once past the middle of a lifetime', () => {
    expect(pastHalfLife('2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2026-11-15T00:00:00.000Z')).toBe(false);
    expect(pastHalfLife('2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2026-11-17T00:00:00.000Z')).toBe(true);
  });
});

describe('suggestingGrouper', () => {
  it('recognises an engine with suggestions and constraints, and leaves others alone', () => {
    // The grouping engine keeps suggestions and takes keepApart constraints.
    const engine = new StoryGrouper();
    expect(suggestingGrouper(engine)).toBe(engine);
    const g = new SuggestingTestGrouper(() => []);
    expect(suggestingGrouper(g)).toBe(g);
    // An engine without them groups as before.
    expect(suggestingGrouper({ add: () => undefined, suggestions: () => [] })).toBeUndefined();
  });
});

describe('queue filters', () => {
  it('parses lists (repeated or comma separated), flags and kind, and writes them back in one form', () => {
    const f = parseQueueFilters(new URLSearchParams('kind=possible-same-story&status=auto,approved&status=auto&language=AR&language=es&single-outlet=true&low-cohesion=1'));
    expect(f).toEqual({ kind: 'possible-same-story', status: ['auto', 'approved'], language: ['ar', 'es'], singleOutlet: true, lowCohesion: true });
    expect(queueQuery(f)).toBe('?kind=possible-same-story&status=auto%2Capproved&single-outlet=true&low-cohesion=true&language=ar%2Ces');
    expect(parseQueueFilters(new URLSearchParams(queueQuery(f)))).toEqual(f);
    // Empty fields of a submitted form and false flags mean no filter.
    expect(parseQueueFilters(new URLSearchParams('kind=&status=&language=&single-outlet=false'))).toEqual({});
    expect(queueQuery({})).toBe('');
    expect(parseQueueFilters({ status: ['unpublished'], language: 'pt' })).toEqual({ status: ['unpublished'], language: ['pt'] });
  });

  it('refuses unknown values, naming each', () => {
    expect(() => parseQueueFilters(new URLSearchParams('kind=story&kind=possible-same-story'))).toThrow(ValidationError);
    try {
      parseQueueFilters(new URLSearchParams('status=draft&single-outlet=perhaps&language=français'));
      expect.unreachable();
    } catch (err) {
      expect((err as ValidationError).message).toContain('status: draft');
      expect((err as ValidationError).message).toContain('single-outlet');
      expect((err as ValidationError).message).toContain('language: français');
    }
  });

  it('matches stories on status, one outlet (lone items too), cohesion under the threshold and any language', () => {
    const lone = story('s_l', { status: 'approved' });
    const wide = story('s_w', { outletIds: ['a', 'b'], itemIds: ['1', '2'] });
    const facts = (cohesion: number | undefined, languages: string[]) => ({ cohesion, languages });
    expect(storyMatches(lone, facts(undefined, ['ar']), { status: ['approved'], singleOutlet: true, language: ['ar', 'fr'] })).toBe(true);
    expect(storyMatches(lone, facts(undefined, ['ar']), { status: ['auto'] })).toBe(false);
    expect(storyMatches(wide, facts(0.3, ['en']), { singleOutlet: true })).toBe(false);
    expect(storyMatches(wide, facts(0.3, ['en']), { lowCohesion: true })).toBe(true);
    expect(storyMatches(wide, facts(0.4, ['en']), { lowCohesion: true })).toBe(false);
    expect(storyMatches(wide, facts(undefined, ['en']), { lowCohesion: true })).toBe(false);
    expect(storyMatches(wide, facts(0.5, ['en', 'fr']), { language: ['fr'] })).toBe(true);
    expect(storyMatches(wide, facts(0.5, ['en']), { language: ['fr'] })).toBe(false);
    expect(storyMatches(wide, facts(0.5, ['en']), {})).toBe(true);
  });
});
