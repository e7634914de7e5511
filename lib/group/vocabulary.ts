// The grouping engine's memory of features: one term per feature key with its document frequency and its postings.
import { spaceOfKey, type FeatureSpace } from './features.ts';

/** A story's aggregate of one feature over its live members (see engine.ts), as the index sees it. */
export interface Posting {
  /** Scoring slot of the owning story: candidate retrieval accumulates per slot without touching the story. */
  slot: number;
  /** The members' summed TF-IDF value of the feature. */
  w: number;
  /** Place in the term's postings while indexed (-1 when not), for removal in O(1). */
  pi: number;
}

/** One feature key known to the engine. */
export interface Term {
  readonly key: string;
  /** Where the feature counts: within one language, everywhere, or only between languages (features.ts). */
  readonly space: FeatureSpace;
  /** Documents that contained the feature (halved at every decay, so fractional). */
  df: number;
  /** Entries of active, indexed stories holding the feature: the inverted index used to find candidates. */
  readonly postings: Posting[];
  /** Story profiles in memory holding the feature, indexed or not: a held term is never forgotten. */
  held: number;
  /** Set when the vocabulary forgets the term: holders of a reference must intern the key again. */
  forgotten: boolean;
  /** The FeatureList stamp of the item that last added it, and its index there (repeats in one item merge). */
  stamp: number;
  at: number;
}

/**
 * Document frequencies and the inverted index over active stories. Items and story profiles refer to terms
 * directly, so the per-item paths never look a key up twice. Every `halfLife` documents the frequencies are
 * halved and terms that became rare and are held by no story are forgotten: IDF follows the news and memory
 * stays bounded by what the time window holds.
 */
export class Vocabulary {
  /** Documents counted (halved with the frequencies). */
  docs = 0;
  private readonly terms = new Map<string, Term>();
  private indexedTerms = 0;

  /** The term of a key, created (df 0) if new. */
  intern(key: string): Term {
    let t = this.terms.get(key);
    if (!t) this.terms.set(key, (t = { key, space: spaceOfKey(key), df: 0, postings: [], held: 0, forgotten: false, stamp: 0, at: 0 }));
    return t;
  }

  /** The term of a key, if known. */
  get(key: string): Term | undefined {
    return this.terms.get(key);
  }

  /** Adds a story's entry to the term's postings (no-op if it is there already). */
  index(term: Term, entry: Posting): void {
    if (entry.pi >= 0) return;
    if (term.postings.length === 0) this.indexedTerms++;
    entry.pi = term.postings.length;
    term.postings.push(entry);
  }

  /** Removes an entry from the term's postings in O(1): the last posting takes its place. */
  unindex(term: Term, entry: Posting): void {
    const i = entry.pi;
    if (i < 0) return;
    const postings = term.postings;
    const last = postings.pop()!;
    if (last !== entry) {
      postings[i] = last;
      last.pi = i;
    }
    entry.pi = -1;
    if (postings.length === 0) this.indexedTerms--;
  }

  /**
   * Halves every document frequency and the document count, and forgets the terms that became rare (df below
   * 1.5 before halving) and are held by no story.
   */
  decay(): void {
    this.docs /= 2;
    for (const t of this.terms.values()) {
      if (t.df < 1.5 && t.held === 0) {
        this.terms.delete(t.key);
        t.forgotten = true;
      } else t.df /= 2;
    }
  }

  /** Number of features held by at least one active story. */
  get indexedSize(): number {
    return this.indexedTerms;
  }

  /** Number of features known. */
  get size(): number {
    return this.terms.size;
  }
}
