// Merge suggestions for desk tests, and an engine that suggests what a test tells it to and records its constraints.
import { StoryGrouper, type Assignment, type GroupInput, type GroupingConfig } from '../../lib/group/engine.ts';
import { suggestionKey, type MergeSuggestion } from '../../lib/group/suggestions.ts';
import type { SuggestingGrouper } from '../../lib/pipeline/suggestions.ts';

/** A cross-lingual suggestion (Arabic and English coverage of the Japan earthquake); `over` replaces any field. */
export const suggestion = (a: string, b: string, over: Partial<MergeSuggestion> = {}): MergeSuggestion => ({
  ...suggestionKey(a, b),
  score: 0.41,
  threshold: 0.45,
  crossLingual: true,
  languages: { a: ['ar'], b: ['en'] },
  evidence: {
    entities: ['Japan', 'Noto'],
    terms: [],
    translated: ['زلزال → earthquake', 'تسونامي → tsunami'],
    numbers: ['7.5'],
  },
  at: '2026-11-26T09:00:00.000Z',
  ...over,
});

/**
 * The real engine with its suggestions replaced: it suggests the pairs a test sets (unless
 * kept apart, when `obey` is on) and records every `keepApart` call.
 */
export class SuggestingTestGrouper extends StoryGrouper implements SuggestingGrouper {
  /** Pairs handed over by the group stage, as `a#b` in id order. */
  readonly keptApart: string[] = [];
  /** Items added through `add` so far, and how many had been added when each pair was kept apart. */
  added = 0;
  readonly addedBeforeKeepApart: number[] = [];

  constructor(
    /** The suggestions, given the engine (to find the stories that hold given items). */
    private readonly suggest: (engine: StoryGrouper) => MergeSuggestion[],
    /** False: suggest kept-apart pairs anyway (an engine that ignores the constraint), to test the store's fence. */
    private readonly obey = true,
    config?: Partial<GroupingConfig>,
  ) {
    super(config);
  }

  override suggestions(): MergeSuggestion[] {
    return this.suggest(this).filter((s) => !this.obey || !this.keptApart.includes(pairOf(s.a, s.b)));
  }

  override keepApart(a: string, b: string): void {
    this.keptApart.push(pairOf(a, b));
    this.addedBeforeKeepApart.push(this.added);
  }

  override add(item: GroupInput): Assignment {
    this.added++;
    return super.add(item);
  }
}

const pairOf = (x: string, y: string) => {
  const { a, b } = suggestionKey(x, y);
  return `${a}#${b}`;
};
