// Vocabulary of features with their document frequency and postings (feature → active stories that contain it).

/** What a posting must carry: the owning story's scoring slot and its position in the posting array. */
export interface PostingEntry {
  /** Scoring slot of the owning story (lets scoring accumulate without touching the story object). */
  slot: number;
  /** Index of this entry in its term's posting array (-1 when not indexed), for O(1) removal. */
  pi: number;
}

/** The posting list of every term no active story holds (never written to: add() replaces it first). */
const NONE: readonly PostingEntry[] = Object.freeze([]);

/**
 * Feature vocabulary: document frequencies for IDF and the inverted index over *active* stories only, so
 * posting lengths are bounded by the time window, not by everything ever seen.
 *
 * Each feature key gets a small integer id when first seen, and per-feature data lives in arrays indexed by
 * it: the per-item hot paths (document frequency, candidate retrieval) read `df[id]` and `postings[id]`
 * instead of looking the key up in a large string-keyed map. Ids of forgotten terms are recycled (free
 * list), so the arrays stay as large as the vocabulary the window needs. Holders of an id check it is still
 * theirs with `keyOf(id) === key` (a forgotten id has no key, or another one once reused).
 */
export class Vocabulary<E extends PostingEntry> {
  private readonly ids = new Map<string, number>();
  /** Key of each id (undefined while the id is free). */
  private keys: (string | undefined)[] = [];
  /** Document frequency per id (halved periodically, see decay). */
  df: Float64Array = new Float64Array(1024);
  /** Profile entries of the active stories that contain the feature, per id (arrays: iterated far more than edited). */
  readonly postings: E[][] = [];
  private readonly free: number[] = [];
  private indexed = 0;

  /** The id of a key, created (df 0) if new. */
  intern(key: string): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    let id = this.free.pop();
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(undefined);
      this.postings.push(NONE as E[]);
      if (id >= this.df.length) {
        const df = new Float64Array(this.df.length * 2);
        df.set(this.df);
        this.df = df;
      }
    }
    this.keys[id] = key;
    this.df[id] = 0;
    this.postings[id] = NONE as E[];
    this.ids.set(key, id);
    return id;
  }

  /** The id of a key, or -1 if unknown. */
  get(key: string): number {
    return this.ids.get(key) ?? -1;
  }

  /** The key an id stands for (undefined once forgotten). */
  keyOf(id: number): string | undefined {
    return this.keys[id];
  }

  /** Upper bound (exclusive) of the ids handed out so far, for arrays indexed by id. */
  get idLimit(): number {
    return this.keys.length;
  }

  /** Records that a story's profile entry holds the term (no-op if already indexed). */
  add(id: number, entry: E): void {
    if (entry.pi >= 0) return;
    let p = this.postings[id]!;
    if (p.length === 0) {
      this.indexed++;
      this.postings[id] = p = [];
    }
    entry.pi = p.length;
    p.push(entry);
  }

  /** Removes one posting in O(1) (the last entry takes its place). */
  remove(id: number, entry: E): void {
    const i = entry.pi;
    if (i < 0) return;
    const p = this.postings[id]!;
    const last = p.pop()!;
    if (last !== entry) {
      p[i] = last;
      last.pi = i;
    }
    entry.pi = -1;
    if (p.length === 0) {
      this.indexed--;
      this.postings[id] = NONE as E[]; // most of the vocabulary is held by no active story: share one empty array
    }
  }

  /**
   * Halves every document frequency and forgets terms that became rare and are held by no active story, so
   * IDF follows the news and memory stays bounded. Returns true when some id was freed.
   */
  decay(): boolean {
    const { df, postings, keys, free } = this;
    let freed = false;
    for (const [k, id] of this.ids) {
      if (df[id]! < 1.5 && postings[id]!.length === 0) {
        this.ids.delete(k);
        keys[id] = undefined;
        df[id] = 0;
        free.push(id);
        freed = true;
      } else df[id]! /= 2;
    }
    return freed;
  }

  /** Number of features indexed by at least one active story. */
  get indexedSize(): number {
    return this.indexed;
  }

  /** Number of features known (for IDF). */
  get size(): number {
    return this.ids.size;
  }
}
