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
 * One feature of the vocabulary. Items keep a reference to their features' terms, so the per-item hot paths
 * (document frequency, candidate retrieval, profile updates) touch the term directly instead of looking its
 * key up in a large string-keyed map again and again.
 */
export interface Term<E extends PostingEntry> {
  key: string;
  /** Document frequency (halved periodically, see Vocabulary.decay). */
  df: number;
  /** Profile entries of the active stories that contain the feature (an array: iterated far more than edited). */
  postings: E[];
  /** Set once the term left the vocabulary: holders must intern the key again. */
  dead: boolean;
}

/**
 * Feature vocabulary: document frequencies for IDF and the inverted index over *active* stories only, so
 * posting lengths are bounded by the time window, not by everything ever seen.
 */
export class Vocabulary<E extends PostingEntry> {
  private readonly terms = new Map<string, Term<E>>();
  private indexed = 0;

  /** The term of a key, created (df 0) if new. */
  intern(key: string): Term<E> {
    let t = this.terms.get(key);
    if (!t) this.terms.set(key, (t = { key, df: 0, postings: NONE as E[], dead: false }));
    return t;
  }

  /** The term of a key, if known. */
  get(key: string): Term<E> | undefined {
    return this.terms.get(key);
  }

  /** Records that a story's profile entry holds the term (no-op if already indexed). */
  add(t: Term<E>, entry: E): void {
    if (entry.pi >= 0) return;
    if (t.postings.length === 0) {
      this.indexed++;
      t.postings = [];
    }
    entry.pi = t.postings.length;
    t.postings.push(entry);
  }

  /** Removes one posting in O(1) (the last entry takes its place). */
  remove(t: Term<E>, entry: E): void {
    const i = entry.pi;
    if (i < 0) return;
    const p = t.postings;
    const last = p.pop()!;
    if (last !== entry) {
      p[i] = last;
      last.pi = i;
    }
    entry.pi = -1;
    if (p.length === 0) {
      this.indexed--;
      t.postings = NONE as E[]; // most of the vocabulary is held by no active story: share one empty array
    }
  }

  /**
   * Halves every document frequency and forgets terms that became rare and are held by no active story, so
   * IDF follows the news and memory stays bounded.
   */
  decay(): void {
    for (const [k, t] of this.terms) {
      if (t.df < 1.5 && t.postings.length === 0) {
        t.dead = true;
        this.terms.delete(k);
      } else t.df /= 2;
    }
  }

  /** Number of features indexed by at least one active story. */
  get indexedSize(): number {
    return this.indexed;
  }

  /** Number of features known (for IDF). */
  get size(): number {
    return this.terms.size;
  }
}
