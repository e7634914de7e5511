// Inverted index from feature keys to the active stories whose profile contains them (candidate retrieval).

/**
 * Postings: feature → (story → that story's profile entry). Storing the entry object itself lets scoring read
 * a story's count and weight for the feature without a second lookup. Only active (in-window) stories are
 * indexed, so posting lengths are bounded by the time window, not by everything ever seen.
 */
export class InvertedIndex<S, E> {
  private readonly postings = new Map<string, Map<S, E>>();

  /** Records that `story` has `feature` (idempotent; replaces the entry). */
  add(feature: string, story: S, entry: E): void {
    let p = this.postings.get(feature);
    if (!p) this.postings.set(feature, (p = new Map()));
    p.set(story, entry);
  }

  /** Removes one posting; drops the feature when it has no stories left so memory follows the window. */
  remove(feature: string, story: S): void {
    const p = this.postings.get(feature);
    if (!p) return;
    p.delete(story);
    if (p.size === 0) this.postings.delete(feature);
  }

  /** Stories (with their entries) that contain the feature, or undefined. */
  get(feature: string): Map<S, E> | undefined {
    return this.postings.get(feature);
  }

  /** Number of distinct features indexed. */
  get size(): number {
    return this.postings.size;
  }
}
