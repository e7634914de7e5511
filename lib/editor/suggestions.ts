// The desk's "possible same story" list: the engine's stored suggestions with both stories, their outlets and languages.
import type { MergeSuggestion } from '../group/suggestions.ts';
import type { OutletStore, StoryStore, SuggestionStore } from '../store/store.ts';
import type { Outlet, Story } from '../types.ts';

/** An outlet as the desk names it: "Al Jazeera (Doha)". */
export type OutletRef = Pick<Outlet, 'id' | 'name' | 'city' | 'country'>;

/** One story of a suggested pair. */
export interface PairSide {
  story: Story;
  outlets: OutletRef[];
  /** Languages of the story's members, as the engine saw them. */
  languages: string[];
}

/** A "possible same story" row of the review queue. */
export interface SuggestionEntry {
  kind: 'possible-same-story';
  suggestion: MergeSuggestion;
  a: PairSide;
  b: PairSide;
  /** The story a one-click merge keeps (see {@link survivorOf}). */
  into: string;
}

/** An editor already worked on the story: its copy, status or pin should survive a merge. */
const edited = (s: Story) => s.status === 'approved' || s.labelByEditor === true || s.headlineByEditor === true || s.pinned === true;
const size = (s: Story) => s.itemCount ?? s.itemIds.length;

/**
 * The story of a pair a one-click merge keeps: the one an editor worked on, else the wider coverage (outlets, then
 * items), else the older one; the id breaks ties so both orders of the pair agree.
 */
export function survivorOf(x: Story, y: Story): Story {
  const d =
    Number(edited(y)) - Number(edited(x)) ||
    y.outletIds.length - x.outletIds.length ||
    size(y) - size(x) ||
    (x.firstSeenAt < y.firstSeenAt ? -1 : x.firstSeenAt > y.firstSeenAt ? 1 : 0) ||
    (x.id < y.id ? -1 : 1);
  return d <= 0 ? x : y;
}

/** Queue order of suggestions: cross-lingual first (the pairs only the desk can catch), then nearest the threshold. */
export function sortSuggestions(entries: SuggestionEntry[]): SuggestionEntry[] {
  const near = (e: SuggestionEntry) => e.suggestion.score / e.suggestion.threshold;
  return [...entries].sort(
    (x, y) =>
      Number(y.suggestion.crossLingual) - Number(x.suggestion.crossLingual) ||
      near(y) - near(x) ||
      (x.suggestion.a < y.suggestion.a ? -1 : x.suggestion.a > y.suggestion.a ? 1 : x.suggestion.b < y.suggestion.b ? -1 : 1),
  );
}

/**
 * The stored suggestions whose two stories are both still live (a story merged since, by an editor or the engine,
 * or expired, takes its suggestions with it), with the stories read in one batch; `involving` keeps the pairs of
 * one story. `outlets` may be passed when the caller has them.
 */
export async function loadSuggestions(
  store: Pick<SuggestionStore, 'listSuggestions'> & Pick<StoryStore, 'getListedStories'> & Pick<OutletStore, 'listOutlets'>,
  opts: { outlets?: Map<string, Outlet>; involving?: string } = {},
): Promise<SuggestionEntry[]> {
  const { outlets, involving } = opts;
  const stored = (await store.listSuggestions()).filter((s) => involving === undefined || s.a === involving || s.b === involving);
  if (stored.length === 0) return [];
  const ids = [...new Set(stored.flatMap((s) => [s.a, s.b]))];
  const [stories, outletMap] = await Promise.all([
    store.getListedStories(ids),
    outlets ?? store.listOutlets().then((list) => new Map(list.map((o) => [o.id, o]))),
  ]);
  const byId = new Map(stories.map((s) => [s.id, s]));
  const side = (story: Story, languages: string[]): PairSide => ({
    story,
    outlets: story.outletIds.map((id) => {
      const o = outletMap.get(id);
      return o ? { id, name: o.name, city: o.city, country: o.country } : { id, name: id, city: '', country: '' };
    }),
    languages,
  });
  const out: SuggestionEntry[] = [];
  for (const { keepUntil: _keepUntil, ...s } of stored) {
    const a = byId.get(s.a);
    const b = byId.get(s.b);
    if (!a || !b || a.mergedInto || b.mergedInto) continue;
    out.push({ kind: 'possible-same-story', suggestion: s, a: side(a, s.languages.a), b: side(b, s.languages.b), into: survivorOf(a, b).id });
  }
  return sortSuggestions(out);
}
