// In-memory inverted index of stories by the words of their items: folded words, and the stems the writer gave them.
import { searchWords, splitTerm } from './words.ts';

/** A story that matched a query, with its relevance (higher is better). */
export interface SearchHit {
  storyId: string;
  score: number;
  /** The story's last update when it last brought new words (ISO): the tie-break, newest first. */
  at: string;
}

/** Weight of a match through a stem only, against a match of the word as written. */
const STEM_WEIGHT = 0.6;
/** Shortest query word expanded to the indexed words it begins (`soldat` → `soldats`). */
const PREFIX_MIN = 4;
/** Most indexed words one query word expands to. */
const EXPAND_MAX = 64;
/** A word in more than this share of the stories is a stop word for a query that has other words. */
const COMMON_SHARE = 0.5;

/**
 * Stories by word. Each item word is kept as written, folded (`soldats`), and as its stem tagged with the item's
 * language (`~fr:soldat`), the stem the grouping writer computed (the API has no stemmer). A query word is matched
 * as written, and through the stems of the indexed words it equals or begins, or that begin it, so "soldat" finds
 * items that only say "soldats" and "withdrawals" finds "withdrawal".
 */
export class WordIndex {
  private readonly postings = new Map<string, Set<string>>();
  /** Stem keys each indexed word was given. */
  private readonly stemsOf = new Map<string, Set<string>>();
  private readonly lastAt = new Map<string, string>();
  private sorted: string[] = [];
  private dirty = false;

  /** Keys (words and stems), story references, and stories held, for size reports. */
  stats(): { keys: number; postings: number; stories: number } {
    let postings = 0;
    for (const s of this.postings.values()) postings += s.size;
    return { keys: this.postings.size, postings, stories: this.lastAt.size };
  }

  /**
   * Adds the terms (`word` or `word>stem`, see `term`) some items or copy brought to a story, in `lang`; `at` is
   * the story's update time then.
   */
  add(storyId: string, lang: string, terms: readonly string[], at: string): void {
    for (const t of terms) {
      const { word, stem } = splitTerm(t);
      this.post(word, storyId);
      if (!this.stemsOf.has(word)) {
        this.stemsOf.set(word, new Set());
        this.dirty = true;
      }
      if (stem !== undefined) {
        const key = `~${lang}:${stem}`;
        this.post(key, storyId);
        this.stemsOf.get(word)!.add(key);
      }
    }
    const prev = this.lastAt.get(storyId);
    if (!prev || at > prev) this.lastAt.set(storyId, at);
  }

  /**
   * Stories holding every word of `query` (as written or by stem), by relevance then recency. Relevance sums,
   * over the query's words, the word's rarity among stories (idf); a match through a stem only counts 0.6. A word
   * in more than half of the stories is left out of a query that has other words.
   */
  search(query: string): SearchHit[] {
    const all = searchWords(query);
    if (all.length === 0) return [];
    const n = Math.max(1, this.lastAt.size);
    const matches = all.map((w) => this.match(w));
    const rare = matches.filter((m) => m.size <= n * COMMON_SHARE);
    const required = rare.length ? rare : matches;
    let scores: Map<string, number> | undefined;
    for (const matched of required) {
      if (matched.size === 0) return [];
      const idf = Math.log(1 + n / matched.size);
      const next = new Map<string, number>();
      for (const [id, weight] of matched) {
        const before = scores ? scores.get(id) : 0;
        if (before === undefined) continue; // every word is required
        next.set(id, before + weight * idf);
      }
      scores = next;
    }
    return [...scores!]
      .map(([storyId, score]) => ({ storyId, score: Math.round(score * 1000) / 1000, at: this.lastAt.get(storyId) ?? '' }))
      .sort((a, b) => b.score - a.score || (a.at < b.at ? 1 : a.at > b.at ? -1 : a.storyId < b.storyId ? -1 : 1));
  }

  private post(key: string, storyId: string): void {
    let set = this.postings.get(key);
    if (!set) this.postings.set(key, (set = new Set()));
    set.add(storyId);
  }

  /** Stories matching one query word: weight 1 as written, {@link STEM_WEIGHT} through a stem only. */
  private match(word: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of this.postings.get(word) ?? []) out.set(id, 1);
    for (const key of this.stemKeys(word)) for (const id of this.postings.get(key) ?? []) if (!out.has(id)) out.set(id, STEM_WEIGHT);
    return out;
  }

  /**
   * Stem keys of the indexed words the query word equals; and of those it begins or that begin it (down to 3
   * letters shorter) whose stem the query word begins with: "soldat" takes "soldats>soldat", "mali" does not take
   * "malicious>malici".
   */
  private stemKeys(word: string): Set<string> {
    const keys = new Set<string>(this.stemsOf.get(word) ?? []);
    if (word.length < PREFIX_MIN) return keys;
    if (this.dirty) {
      this.sorted = [...this.stemsOf.keys()].sort();
      this.dirty = false;
    }
    // Indexed words that begin with the query word: a sorted range.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < word) lo = mid + 1;
      else hi = mid;
    }
    const near: string[] = [];
    for (let i = lo; i < this.sorted.length && near.length < EXPAND_MAX && this.sorted[i]!.startsWith(word); i++) near.push(this.sorted[i]!);
    // Indexed words the query word begins with ("withdrawals" → "withdrawal").
    for (let len = word.length - 1; len >= Math.max(PREFIX_MIN, word.length - 3); len--) near.push(word.slice(0, len));
    for (const w of near) {
      for (const key of this.stemsOf.get(w) ?? []) {
        const stem = key.slice(key.indexOf(':') + 1);
        if (stem.length >= PREFIX_MIN - 1 && word.startsWith(stem)) keys.add(key);
      }
    }
    return keys;
  }
}
