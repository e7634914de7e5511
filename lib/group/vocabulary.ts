// Vocabulary of features with their document frequency and postings (feature → active stories that contain it).
import { emptyOf, grown } from './arrays.ts';

/** What a posting must carry: the owning story's scoring slot, its weight and where it sits in the index. */
export interface PostingEntry {
  /** Scoring slot of the owning story (lets scoring accumulate without touching the story object). */
  slot: number;
  /** Weight the posting carries for scoring (the story's summed TF-IDF of the feature); see setWeight. */
  w: number;
  /** Index of this entry in its term's posting list (-1 when not indexed), for O(1) removal. */
  pi: number;
  /** Id of the term it is indexed under (meaningful while pi ≥ 0). */
  ti: number;
}

/**
 * Feature vocabulary: document frequencies for IDF and the inverted index over *active* stories only, so
 * posting lengths are bounded by the time window, not by everything ever seen.
 *
 * Each feature key gets a small integer id when first seen, and per-feature data lives in arrays indexed by
 * it: the per-item hot paths (document frequency, candidate retrieval) read `df[id]` and the postings of
 * `id` instead of looking the key up in a large string-keyed map. Ids of forgotten terms are recycled (free
 * list), so the arrays stay as large as the vocabulary the window needs. Holders of an id check it is still
 * theirs with `keyOf(id) === key` (a forgotten id has no key, or another one once reused).
 *
 * Story profiles are keyed by id too, so an id must not be reused while a profile holds it. Indexed entries
 * keep their term alive anyway (a term with postings is never forgotten); entries of absorbed stories are
 * not indexed and pin their id instead (pin/unpin). A pinned term that decay forgets stays behind as a
 * placeholder: not part of the vocabulary (get, keyOf, size ignore it) until interned again, which revives
 * it under the same id with df 0, exactly as a new term.
 *
 * Postings are stored as (slot, weight) pairs in one pooled Float64Array, each term's list a contiguous block
 * (capacity a power of two, blocks recycled per size): candidate retrieval reads a term's postings from one
 * or two cache lines instead of following a pointer to an object per posting.
 */
export class Vocabulary<E extends PostingEntry> {
  private readonly ids = new Map<string, number>();
  /** Key of each id (undefined while the id is free). */
  private keys: (string | undefined)[] = emptyOf<string | undefined>(undefined);
  /** Per id: 1 while it is a vocabulary term, 0 for a free id or a pinned placeholder; pins per id. */
  private live: Uint8Array = new Uint8Array(1024);
  private pins: Int32Array = new Int32Array(1024);
  /** Per id: 1 for a cognate key (`~reces`), read where cognates are kept apart (no trip to the key string). */
  cognate: Uint8Array = new Uint8Array(1024);
  private liveCount = 0;
  /** Document frequency per id (halved periodically, see decay). */
  df: Float64Array = new Float64Array(1024);
  /** Per id: first posting of its block in the pool, number of postings, block capacity (0: no block). */
  start: Int32Array = new Int32Array(1024);
  len: Int32Array = new Int32Array(1024);
  private cap: Int32Array = new Int32Array(1024);
  /** Posting p of the pool: story slot at 2p, weight at 2p+1. */
  pool: Float64Array = new Float64Array(2048);
  /** The profile entry of each pooled posting (for swap-removal). */
  private entries: (E | undefined)[] = emptyOf<E | undefined>(undefined);
  /** End of the used part of the pool (in postings), and recycled blocks per log2 of their capacity. */
  private poolTop = 0;
  private readonly freeBlocks: number[][] = Array.from({ length: 32 }, () => emptyOf(0));
  private readonly free: number[] = [];
  private indexed = 0;

  /** The id of a key, created (df 0) if new. */
  intern(key: string): number {
    const known = this.ids.get(key);
    if (known !== undefined) {
      if (this.live[known] === 0) {
        this.live[known] = 1;
        this.df[known] = 0;
        this.liveCount++;
      }
      return known;
    }
    const id = this.newId(key);
    this.live[id] = 1;
    this.liveCount++;
    return id;
  }

  /**
   * The id a (not indexed) profile entry keys a feature by: the term's id, or a placeholder id that is not
   * part of the vocabulary when the key has no term (nothing is counted or revived).
   */
  hold(key: string): number {
    return this.ids.get(key) ?? this.newId(key);
  }

  /** The key an id is held for (term or placeholder). */
  heldKey(id: number): string | undefined {
    return this.keys[id];
  }

  /** A profile entry that is not indexed holds the id: it must not be reused meanwhile. */
  pin(id: number): void {
    this.pins[id]!++;
  }

  /** The entry left its profile: a forgotten term's placeholder id becomes free. */
  unpin(id: number): void {
    if (--this.pins[id]! === 0 && this.live[id] === 0) this.freeId(id);
  }

  private newId(key: string): number {
    let id = this.free.pop();
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(undefined);
      if (id >= this.df.length) this.growIds();
    }
    this.keys[id] = key;
    this.df[id] = 0;
    this.cognate[id] = key.charCodeAt(0) === 126 ? 1 : 0;
    this.ids.set(key, id);
    return id;
  }

  private freeId(id: number): void {
    this.ids.delete(this.keys[id]!);
    this.keys[id] = undefined;
    this.df[id] = 0;
    this.free.push(id);
  }

  /** The id of a key, or -1 if unknown. */
  get(key: string): number {
    const id = this.ids.get(key);
    return id !== undefined && this.live[id] === 1 ? id : -1;
  }

  /** The key an id stands for (undefined once forgotten). */
  keyOf(id: number): string | undefined {
    return this.live[id] === 1 ? this.keys[id] : undefined;
  }

  /** Number of active stories' entries indexed under an id. */
  postingCount(id: number): number {
    return this.len[id]!;
  }

  /** The j-th entry indexed under an id. */
  postingEntry(id: number, j: number): E {
    return this.entries[this.start[id]! + j]!;
  }

  /** Records that a story's profile entry holds the term (no-op if already indexed). */
  add(id: number, entry: E): void {
    if (entry.pi >= 0) return;
    let n = this.len[id]!;
    if (n === 0) this.indexed++;
    if (n === this.cap[id]) this.growBlock(id);
    const p = this.start[id]! + n;
    this.pool[2 * p] = entry.slot;
    this.pool[2 * p + 1] = entry.w;
    this.entries[p] = entry;
    entry.pi = n;
    entry.ti = id;
    this.len[id] = ++n;
  }

  /** Copies an indexed entry's changed weight into its posting. */
  setWeight(entry: E): void {
    this.pool[2 * (this.start[entry.ti]! + entry.pi) + 1] = entry.w;
  }

  /** Removes one posting in O(1) (the last entry takes its place). */
  remove(id: number, entry: E): void {
    const i = entry.pi;
    if (i < 0) return;
    const start = this.start[id]!;
    const n = this.len[id]! - 1;
    if (i !== n) {
      const last = this.entries[start + n]!;
      const pool = this.pool;
      pool[2 * (start + i)] = pool[2 * (start + n)]!;
      pool[2 * (start + i) + 1] = pool[2 * (start + n) + 1]!;
      this.entries[start + i] = last;
      last.pi = i;
    }
    this.entries[start + n] = undefined;
    entry.pi = -1;
    this.len[id] = n;
    if (n === 0) {
      this.indexed--;
      // Most of the vocabulary is held by no active story: its block goes back to the pool.
      this.freeBlock(start, this.cap[id]!);
      this.cap[id] = 0;
    }
  }

  private growIds(): void {
    const size = this.df.length * 2;
    this.df = grown(this.df, size);
    this.start = grown(this.start, size);
    this.len = grown(this.len, size);
    this.cap = grown(this.cap, size);
    this.live = grown(this.live, size);
    this.pins = grown(this.pins, size);
    this.cognate = grown(this.cognate, size);
  }

  /** Moves a term's postings to a block twice as large (or gives it its first block). */
  private growBlock(id: number): void {
    const old = this.cap[id]!;
    const cap = old === 0 ? 2 : old * 2;
    const start = this.allocBlock(cap);
    const from = this.start[id]!;
    const n = this.len[id]!;
    if (n > 0) {
      this.pool.copyWithin(2 * start, 2 * from, 2 * (from + n));
      for (let j = 0; j < n; j++) {
        this.entries[start + j] = this.entries[from + j];
        this.entries[from + j] = undefined;
      }
    }
    if (old > 0) this.freeBlock(from, old);
    this.start[id] = start;
    this.cap[id] = cap;
  }

  private allocBlock(cap: number): number {
    const free = this.freeBlocks[Math.log2(cap)]!;
    if (free.length > 0) return free.pop()!;
    const start = this.poolTop;
    this.poolTop += cap;
    // Entries are written inside their block: fill up to the top so the array stays packed (no holes).
    while (this.entries.length < this.poolTop) this.entries.push(undefined);
    if (2 * this.poolTop > this.pool.length) {
      let size = this.pool.length * 2;
      while (2 * this.poolTop > size) size *= 2;
      this.pool = grown(this.pool, size);
    }
    return start;
  }

  private freeBlock(start: number, cap: number): void {
    this.freeBlocks[Math.log2(cap)]!.push(start);
  }

  /**
   * Halves every document frequency and forgets terms that became rare and are held by no active story, so
   * IDF follows the news and memory stays bounded. Returns true when some id was freed.
   */
  decay(): boolean {
    const { df, len, live, pins } = this;
    let freed = false;
    for (const id of this.ids.values()) {
      if (live[id] === 0) continue; // a pinned placeholder: no term to halve
      if (df[id]! < 1.5 && len[id] === 0) {
        live[id] = 0;
        this.liveCount--;
        freed = true;
        if (pins[id] === 0) this.freeId(id);
        else df[id] = 0;
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
    return this.liveCount;
  }
}

