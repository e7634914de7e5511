// What stories bring to the search index: the words of items as they join (stemmed), and the story's own copy.
import type { SearchEntry } from '../store/search.ts';
import type { Item, Story } from '../types.ts';
import { searchWords, term } from './words.ts';

/** How the writer stems words of a language (lib/text/stem.ts, loaded in the grouping stage anyway). */
export interface WordNormalizer {
  stem(folded: string, lang: string): string;
}

/**
 * Search entries of items that joined a story (those whose text is at hand in `items`), one per language: every
 * word with its stem in the item's language. No stop words are left out: the stop lists hold content words too
 * ("ending", "world"), and the index itself tells which words are too common to matter in a query.
 */
export function searchEntriesOf(
  story: Pick<Story, 'id' | 'updatedAt'>,
  joined: readonly string[],
  items: ReadonlyMap<string, Item>,
  text: WordNormalizer,
): SearchEntry[] {
  const byLang = new Map<string, Set<string>>();
  for (const id of joined) {
    const it = items.get(id);
    if (!it) continue;
    const terms = byLang.get(it.language) ?? new Set<string>();
    for (const w of searchWords(`${it.title}\n${it.summary ?? ''}`)) terms.add(term(w, text.stem(w, it.language)));
    byLang.set(it.language, terms);
  }
  return [...byLang]
    .filter(([, terms]) => terms.size > 0)
    .map(([lang, terms]) => ({ storyId: story.id, lang, words: [...terms], updatedAt: story.updatedAt }));
}

/**
 * Search entry of a story's own copy (label, headline, standfirst, which an editor may write) when it differs
 * from `prev`; undefined otherwise. Its language is unknown, so its words are not stemmed: they match as written
 * (and through the stems other stories' items gave the same words).
 */
export function storyCopyEntry(story: Story, prev: Story | undefined): SearchEntry | undefined {
  const copy = (s: Story) => `${s.label}\n${s.headline}\n${s.summary ?? ''}`;
  if (prev && copy(prev) === copy(story)) return undefined;
  const words = searchWords(copy(story));
  return words.length ? { storyId: story.id, lang: 'und', words, updatedAt: story.updatedAt } : undefined;
}
