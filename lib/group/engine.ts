// Incremental, time-windowed, explainable story grouping with editor constraints (pure: no I/O).
import { hash48 } from '../ids.ts';
import { analyzeInto, evidenceKindOfKey, FeatureList, isEventKey, isTranslation, kindOfKey, NameEvidence, type FeatureSpace } from './features.ts';
import { storyLabel } from './label.ts';
import {
  cosine, DEFAULT_GROUPING_CONFIG, enoughEvidence, Explanation, headlineScore, idf, inWindow, MERGE_SHORTLIST, roundScore, sizeFactors,
  storyOverlap, TOP_FEATURES, type Evidence, type GroupingConfig,
} from './scoring.ts';
import { pairEvidence, type PairSide } from './evidence.ts';
import { suggestionKey, type MergeSuggestion } from './suggestions.ts';
import { Vocabulary, type Posting, type Term } from './vocabulary.ts';

export { DEFAULT_GROUPING_CONFIG, type GroupingConfig };

/** An item to group; only `id` and `title` are required. */
export interface GroupInput {
  id: string;
  title: string;
  summary?: string;
  url?: string;
  outlet?: string;
  lang?: string;
  /** ISO timestamp; when missing the engine's clock (latest time seen) is used. */
  publishedAt?: string;
}

/** Where an item went and why. */
export interface Assignment {
  itemId: string;
  storyId: string;
  /** True when the item founded a new story. */
  created: boolean;
  /** Similarity to the chosen story (0..1); 0 for a founding item. */
  score: number;
  /** Shared terms and entities (readable forms) that decided the assignment, strongest first. */
  matched: string[];
}

/** The persisted view of a story. */
export interface StorySnapshot {
  id: string;
  label: string;
  headline: string;
  headlineItemId: string;
  itemIds: string[];
  firstItemAt: string;
  lastItemAt: string;
  mergedInto?: string;
  locked?: boolean;
  /** Stories an editor keeps apart from this one (never merged with it automatically, never suggested), ascending. */
  keptApart?: string[];
}

/** A stored story to rebuild the engine from on a cold start. */
export interface RestoreStory {
  id: string;
  items: GroupInput[];
  locked?: boolean;
  /** Label fixed by an editor: the engine keeps it. */
  label?: string;
  forbiddenItemIds?: string[];
  /** Set when the story was absorbed into another. */
  mergedInto?: string;
  /** Stories an editor keeps apart from this one (see {@link StoryGrouper.keepApart}). */
  keptApart?: string[];
}

/** A story's aggregate of one feature over its live members; also the story's posting in the term's index. */
interface ProfileEntry extends Posting {
  term: Term;
  /** The term's space, copied: choosing top features scans whole profiles, and this spares a read of every term. */
  space: FeatureSpace;
  /** Live members holding the feature. */
  c: number;
  /** Sum of their title positions (2 for summary-only), to order label words as headlines do. */
  pos: number;
  /** Readable form, from a title when one has it. */
  surface: string;
  fromTitle: boolean;
}

interface ItemState {
  id: string;
  title: string;
  time: number;
  lang: string;
  /** The item's vector in analysis order, frozen at arrival: term, TF-IDF value, raw weight, title position, surface. */
  terms: Term[];
  values: number[];
  weights: number[];
  positions: number[];
  surfaces: string[];
  /**
   * Norms of the vector in the two spaces it is compared in (scoring.ts `cosine`): within its language (stems,
   * names, countries, numbers) and across languages (names, countries, numbers, pivot terms, skeletons, cognates).
   */
  norm: number;
  normN: number;
  storyId: string;
  score: number;
  matched: string[];
  created: boolean;
  /** `editor` once an editor placed the item: automatic merges then leave its story alone. */
  by: 'engine' | 'editor';
  /** Older than the window inside a still-active story: vector dropped, only membership kept. */
  retired: boolean;
}

interface StoryState {
  id: string;
  /** Member ids in the order they joined, retired ones included. */
  members: Set<string>;
  /** Feature aggregates over the live members. */
  profile: Map<Term, ProfileEntry>;
  /** Squared norms of the live members' summed vector within one language and across languages (as ItemState's). */
  sumsq: number;
  sumsqN: number;
  /** Members whose vectors count (not retired), in joining order, and their count per language (which space an item is compared in). */
  live: Set<ItemState>;
  langs: Map<string, number>;
  /** The only language of the live members, if there is exactly one. */
  soleLang: string | undefined;
  /** Index into the scoring accumulators while the story is in memory. */
  slot: number;
  /** Bumped on every profile change; the top features are chosen again when it moved. */
  version: number;
  /** Most characteristic features within its languages (no bridges) and across languages (no stems). */
  top: Term[] | undefined;
  topVersion: number;
  topN: Term[] | undefined;
  topNVersion: number;
  firstAt: number;
  lastAt: number;
  locked: boolean;
  fixedLabel: string | undefined;
  mergedInto: string | undefined;
  forbidden: Set<string>;
  /**
   * Stories an editor keeps apart from this one: ids as given, and the survivors of merges of either side (an
   * absorbing story takes over the set and becomes a partner of every story in it).
   */
  apart: Set<string>;
  /** Size at which the next automatic-merge check happens (geometric sizes keep the cost low). */
  nextMergeCheck: number;
  edited: boolean;
}

/** A story scored for an item: its score relative to the threshold of its space (joins at ≥ 1), and its similarity. */
interface Candidate {
  story: StoryState;
  score: number;
  similarity: number;
  /** Compared across languages (the neutral space). */
  cross: boolean;
}

/** The candidates that matter for one item. */
interface Choice {
  /** The best story the item may join (score ≥ 1, with evidence across languages), if any. */
  best: Candidate | undefined;
  /** The best-scored other story: a near miss when the item founded a story, a possible duplicate of `best` when it joined one. */
  other: Candidate | undefined;
}

/**
 * Scratch for scoring one item, indexed by story slot (zero between uses): whether a story was hit, its dot
 * products with the item over the features of each space (w: one language, n: every language, g: between
 * languages), and its score. Typed arrays by slot
 * keep the per-item candidate work free of objects and maps.
 */
class SlotScratch {
  hit = new Uint8Array(256);
  w = new Float64Array(256);
  n = new Float64Array(256);
  g = new Float64Array(256);
  score = new Float64Array(256);
  /** Slots hit, then the candidates kept, and the item's common features (counts are kept by the caller). */
  readonly slots: number[] = [];
  readonly common: number[] = [];

  /** Makes room for a slot number. */
  ensure(slot: number): void {
    if (slot < this.hit.length) return;
    const grow = <T extends Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.hit = grow(this.hit);
    this.w = grow(this.w);
    this.n = grow(this.n);
    this.g = grow(this.g);
    this.score = grow(this.score);
  }
}

const HOUR = 3_600_000;
/** Quiet stories are evicted and old members retired every this many added items. */
const SWEEP_EVERY = 256;

/**
 * Groups items into stories incrementally, in arrival order. Candidate stories come from an inverted index
 * over features of active stories (those with an item inside the time window), so the cost of one item
 * depends on the window, not on how many stories were ever seen; quiet stories are evicted.
 */
export class StoryGrouper {
  readonly config: GroupingConfig;
  private readonly vocab = new Vocabulary();
  private readonly names = new NameEvidence();
  private readonly features = new FeatureList(this.vocab, this.names);
  private readonly explanation = new Explanation();
  private readonly sizeFactor: (live: number) => number;
  private readonly stories = new Map<string, StoryState>();
  private readonly items = new Map<string, ItemState>();
  private clock = 0;
  /** Items counted in the document frequencies (for rechecks), and since the last sweep and the last decay. */
  private counted = 0;
  private sinceSweep = 0;
  private sinceDecay = 0;
  private readonly touched = new Set<string>();
  private readonly evicted: StorySnapshot[] = [];
  private readonly pendingForbids = new Map<string, Set<string>>();
  /** keepApart partners of story ids not in memory (yet), handed to the story when it appears. */
  private readonly pendingApart = new Map<string, Set<string>>();
  /** Pairs of stories scored near a merge without one, oldest first (story ids as scored; see suggestions()). */
  private readonly nearMisses = new Map<string, readonly [string, string]>();
  /** One-item stories to look at again, in due order (by items counted). */
  private readonly rechecks: { storyId: string; due: number }[] = [];
  private rechecksDone = 0;
  /** Scoring scratch per story slot, the stories by slot and the free slots. */
  private readonly scratch = new SlotScratch();
  private readonly slotStory: (StoryState | undefined)[] = [];
  private readonly freeSlots: number[] = [];

  constructor(config?: Partial<GroupingConfig>) {
    this.config = { ...DEFAULT_GROUPING_CONFIG, ...config };
    this.sizeFactor = sizeFactors(this.config);
  }

  /** Assigns an item to a story (or founds one). Idempotent: an already assigned id returns its assignment. */
  add(input: GroupInput): Assignment {
    const known = this.items.get(input.id);
    if (known) return this.assignmentOf(known);
    const time = this.timeOf(input.publishedAt);
    if (time > this.clock) this.clock = time;
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep();
    const it = this.arrive(input, time);
    const { best, other } = this.bestStory(it);
    let story: StoryState;
    if (best) {
      story = best.story;
      it.score = roundScore(best.similarity);
    } else {
      story = this.newStory(this.freshId(it.id), time);
      it.created = true;
    }
    this.items.set(it.id, it);
    this.attach(it, story, best);
    // The item came close to another story too: that story and its own may be one (the desk is told).
    if (other && other.score >= this.config.suggestRatio) this.noteNearMiss(story, other.story);
    if (this.config.autoMerge) {
      // An item that nearly joined a story with members in other languages gets its own story compared with that
      // one as the second pass compares stories: one item says less in the neutral space than a story does.
      if (other && other.cross && other.score >= this.config.suggestRatio) this.tryPair(story, other.story);
      if (story.members.size >= story.nextMergeCheck) this.tryMerge(story);
      if (it.created) this.rechecks.push({ storyId: story.id, due: this.counted + this.config.recheckAfter });
      this.runRechecks();
    }
    this.maybeDecay();
    return this.assignmentOf(it);
  }

  /** Rebuilds stories (and their vectors) from storage, e.g. on a cold start. */
  restore(stories: RestoreStory[]): void {
    for (const rs of stories) {
      if (this.stories.has(rs.id)) throw new Error(`story ${rs.id} already exists`);
      const inputs = [...rs.items].sort((a, b) => this.timeOf(a.publishedAt) - this.timeOf(b.publishedAt));
      const story = this.newStory(rs.id, inputs.length ? this.timeOf(inputs[0]!.publishedAt) : this.clock);
      story.locked = rs.locked === true;
      if (rs.label) story.fixedLabel = rs.label;
      if (rs.mergedInto) story.mergedInto = rs.mergedInto;
      for (const id of rs.forbiddenItemIds ?? []) story.forbidden.add(id);
      for (const id of rs.keptApart ?? []) this.keepApart(rs.id, id);
      for (const input of inputs) {
        if (this.items.has(input.id)) continue;
        const time = this.timeOf(input.publishedAt);
        if (time > this.clock) this.clock = time;
        const it = this.arrive(input, time);
        this.items.set(it.id, it);
        this.attach(it, story);
        this.maybeDecay();
      }
      story.nextMergeCheck = nextCheck(story.members.size, this.config.mergeCheckGrowth);
      this.touched.delete(story.id); // restored stories are already stored as they are
    }
    this.sweep();
  }

  /** Snapshot of a story held in memory (active or absorbed), following nothing: merged ones carry mergedInto. */
  snapshot(storyId: string): StorySnapshot | undefined {
    const s = this.stories.get(storyId);
    return s ? this.snap(s) : undefined;
  }

  /**
   * Snapshots of every story changed since the last call (new, grown, edited, merged or evicted), for the
   * caller to persist. Absorbed stories come with `mergedInto` and no items; their survivor comes too.
   */
  drainTouched(): StorySnapshot[] {
    const out = this.evicted.splice(0);
    for (const id of this.touched) {
      const s = this.stories.get(id);
      if (s) out.push(this.snap(s));
    }
    this.touched.clear();
    return out;
  }

  /** Story that currently holds the item (merges followed), if the item is still in memory. */
  storyOf(itemId: string): string | undefined {
    return this.items.get(itemId)?.storyId || undefined;
  }

  /** Follows `mergedInto` links to the surviving story id. */
  resolve(storyId: string): string {
    let id = storyId;
    for (let i = 0; i < 64; i++) {
      const next = this.stories.get(id)?.mergedInto;
      if (!next) return id;
      id = next;
    }
    return id;
  }

  /** The assignment record (score and matched signals) of an item in memory. */
  assignment(itemId: string): Assignment | undefined {
    const it = this.items.get(itemId);
    return it ? this.assignmentOf(it) : undefined;
  }

  /** Editor: moves an item into another (existing) story, even a locked one. */
  moveItem(itemId: string, toStoryId: string): void {
    const it = this.items.get(itemId);
    if (!it) throw new Error(`unknown item ${itemId}`);
    const target = this.stories.get(this.resolve(toStoryId));
    if (!target) throw new Error(`unknown story ${toStoryId}`);
    if (it.storyId === target.id) return;
    this.detach(it);
    it.by = 'editor';
    it.score = 1;
    it.matched = [];
    this.attach(it, target);
    target.edited = true;
  }

  /** Editor: takes an item out of its story; the engine will not put it back there. */
  removeItem(itemId: string): void {
    const it = this.items.get(itemId);
    if (!it || !it.storyId) return;
    const story = this.stories.get(it.storyId);
    this.detach(it);
    if (story) {
      story.forbidden.add(itemId);
      story.edited = true;
    }
    this.items.delete(itemId);
  }

  /** Editor: absorbs story `fromId` into `intoId`; the absorbed story records `mergedInto` for life. */
  mergeStories(fromId: string, intoId: string): void {
    const from = this.stories.get(this.resolve(fromId));
    const into = this.stories.get(this.resolve(intoId));
    if (!from || !into) throw new Error(`unknown story ${!from ? fromId : intoId}`);
    if (from !== into) this.absorb(from, into, 'editor');
  }

  /** Editor: moves the given items into a new story with the given id. */
  splitItems(itemIds: string[], newStoryId: string): void {
    if (this.stories.has(newStoryId)) throw new Error(`story ${newStoryId} already exists`);
    const its = itemIds.map((id) => {
      const it = this.items.get(id);
      if (!it) throw new Error(`unknown item ${id}`);
      return it;
    });
    const story = this.newStory(newStoryId, Math.min(...its.map((it) => it.time)));
    story.edited = true;
    for (const it of its) {
      this.detach(it);
      it.by = 'editor';
      this.attach(it, story);
    }
  }

  /** Editor: a locked story gains no items automatically and is never merged automatically. */
  setLocked(storyId: string, locked: boolean): void {
    const s = this.stories.get(this.resolve(storyId));
    if (!s) throw new Error(`unknown story ${storyId}`);
    s.locked = locked;
    this.touched.add(s.id);
  }

  /** Editor: the engine must never place `itemId` in `storyId` (also after merges into it). */
  forbid(itemId: string, storyId: string): void {
    const s = this.stories.get(this.resolve(storyId));
    if (s) s.forbidden.add(itemId);
    else {
      let set = this.pendingForbids.get(storyId);
      if (!set) this.pendingForbids.set(storyId, (set = new Set()));
      set.add(itemId);
    }
  }

  /**
   * Editor: stories `a` and `b` are not one story (a dismissed merge suggestion). The engine never merges them
   * automatically and never suggests them again, also after later merges of either; ids the engine does not
   * hold (yet) are kept as given, as `forbid` keeps item ids. An editor's own merge still goes through.
   */
  keepApart(a: string, b: string): void {
    const x = this.resolve(a);
    const y = this.resolve(b);
    if (x === y) return;
    this.linkApart(x, y);
    this.linkApart(y, x);
  }

  /**
   * Pairs of active stories the engine scored near a merge without merging them ("possible same story"), with
   * the evidence in readable words, closest to their threshold first. Each pair is scored now, as the second
   * pass scores stories: in the language-neutral space, against the cross-lingual merge threshold, when the
   * two have no language in common, else within their languages. Pairs kept apart, with an item an editor
   * took out of the other, or below `suggestRatio` of their threshold are left out.
   */
  suggestions(): MergeSuggestion[] {
    const out = new Map<string, MergeSuggestion>();
    const at = new Date(this.clock).toISOString();
    for (const [x, y] of this.nearMisses.values()) {
      const s = this.stories.get(this.resolve(x));
      const t = this.stories.get(this.resolve(y));
      if (!s || !t || s === t || s.mergedInto || t.mergedInto || s.live.size === 0 || t.live.size === 0) continue;
      const { a, b } = suggestionKey(s.id, t.id);
      const key = `${a} ${b}`;
      if (out.has(key) || this.isKeptApart(s, t) || this.anyForbidden(s, t) || this.anyForbidden(t, s)) continue;
      const [sa, sb] = a === s.id ? [s, t] : [t, s];
      const cross = !sharesLanguage(sa, sb);
      const pair = this.pairScore(sa, sb, cross);
      const threshold = cross ? this.config.crossMergeThreshold : this.config.mergeThreshold;
      if (pair.rel < this.config.suggestRatio) continue;
      out.set(key, {
        a, b, score: roundScore(pair.similarity), threshold, crossLingual: cross,
        languages: { a: [...sa.langs.keys()].sort(), b: [...sb.langs.keys()].sort() },
        evidence: pairEvidence(pair.shared), at,
      });
    }
    return [...out.values()].sort((x, y) => y.score / y.threshold - x.score / x.threshold || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
  }

  /** Editor: fixes the label (the engine stops relabelling); undefined returns it to the engine. */
  setLabel(storyId: string, label: string | undefined): void {
    const s = this.stories.get(this.resolve(storyId));
    if (!s) throw new Error(`unknown story ${storyId}`);
    s.fixedLabel = label;
    this.touched.add(s.id);
  }

  /** Counters for monitoring and benchmarks. */
  stats(): { stories: number; items: number; liveItems: number; features: number; vocabulary: number; clock: string } {
    let live = 0;
    for (const s of this.stories.values()) live += s.live.size;
    return {
      stories: this.stories.size,
      items: this.items.size,
      /** Items whose vectors are still held (in the window); the rest only keep their membership. */
      liveItems: live,
      features: this.vocab.indexedSize,
      vocabulary: this.vocab.size,
      clock: new Date(this.clock).toISOString(),
    };
  }

  // --- arrival -------------------------------------------------------------------------------------------------

  private timeOf(iso: string | undefined): number {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isFinite(t) ? t : this.clock;
  }

  /**
   * A new item: analysed, counted in the document frequencies, its TF-IDF vector frozen with the IDF of that
   * moment (what it adds to its story's summed vector).
   */
  private arrive(input: GroupInput, time: number): ItemState {
    const f = this.features;
    const lang = analyzeInto(input, this.config, f);
    const vocab = this.vocab;
    vocab.docs++;
    this.counted++;
    const n = f.n;
    // Copies of the reused buffers, made by slicing so they keep the buffers' packed element kinds.
    const terms = f.terms.slice(0, n);
    const weights = f.weights.slice(0, n);
    const values = f.weights.slice(0, n);
    let sumsq = 0;
    let sumsqN = 0;
    for (let i = 0; i < n; i++) {
      const term = terms[i]!;
      term.df++;
      const v = weights[i]! * idf(term.df, vocab.docs, this.config.idfPrior);
      if (term.space !== 2) sumsq += v * v;
      if (term.space !== 0) sumsqN += v * v;
      values[i] = v;
    }
    return {
      id: input.id, title: input.title, time, lang, terms, values, weights, positions: f.positions.slice(0, n),
      surfaces: f.surfaces.slice(0, n), norm: Math.sqrt(sumsq), normN: Math.sqrt(sumsqN), storyId: '', score: 0, matched: [], created: false, by: 'engine', retired: false,
    };
  }

  /** Every idfHalfLife items, once the item is placed, IDF and the name evidence forget half of what they know. */
  private maybeDecay(): void {
    if (++this.sinceDecay < this.config.idfHalfLife) return;
    this.sinceDecay = 0;
    this.vocab.decay();
    this.names.decay();
  }

  // --- scoring -------------------------------------------------------------------------------------------------

  /**
   * The best story an item may join, and the best-scored other one (see scoring.ts for the score). Candidates
   * are the stories holding one of the item's rare features (held by at most maxPostings active stories): the
   * rarer features find the story. When the item also has common features, the candidates are ranked by their
   * rare features alone and only the best candidateLimit (ties: smaller id) get the common features added. An
   * item may join a story when its score reaches 1 (the threshold of its space) and, when the story has no
   * member in the item's language, they share enough evidence of one event.
   */
  private bestStory(it: ItemState, exclude?: StoryState): Choice {
    if (it.norm <= 0 && it.normN <= 0) return { best: undefined, other: undefined };
    const { maxPostings, candidateLimit } = this.config;
    const { hit, w, n, g, score, slots, common } = this.scratch;
    const slotStory = this.slotStory;
    // Dot products with every story holding a rare feature; the common features are set aside.
    let hits = 0;
    let commons = 0;
    for (let i = 0; i < it.terms.length; i++) {
      const term = it.terms[i]!;
      const postings = term.postings;
      if (postings.length === 0) continue;
      if (postings.length > maxPostings) {
        common[commons++] = i;
        continue;
      }
      const acc = term.space === 0 ? w : term.space === 1 ? n : g;
      const a = it.values[i]!;
      for (let p = 0; p < postings.length; p++) {
        const k = postings[p]!.slot;
        if (hit[k] === 0) {
          hit[k] = 1;
          slots[hits++] = k;
        }
        acc[k]! += a * postings[p]!.w;
      }
    }
    // The eligible ones, scored.
    let kept = 0;
    for (let h = 0; h < hits; h++) {
      const k = slots[h]!;
      hit[k] = 0;
      if (!this.eligible(it, slotStory[k]!, exclude)) {
        w[k] = n[k] = g[k] = 0;
        continue;
      }
      slots[kept++] = k;
      score[k] = this.score(it, slotStory[k]!, w[k]!, n[k]!, g[k]!);
    }
    // With common features: the best candidateLimit by rare features alone get them added.
    let candidates = slots;
    if (commons > 0 && kept > 0) {
      candidates = slots.slice(0, kept).sort((x, y) => score[y]! - score[x]! || (slotStory[x]!.id < slotStory[y]!.id ? -1 : 1));
      for (let h = candidateLimit; h < kept; h++) w[candidates[h]!] = n[candidates[h]!] = g[candidates[h]!] = 0;
      kept = Math.min(kept, candidateLimit);
      for (let h = 0; h < kept; h++) {
        const k = candidates[h]!;
        const s = slotStory[k]!;
        for (let c = 0; c < commons; c++) {
          const i = common[c]!;
          const e = s.profile.get(it.terms[i]!);
          if (!e) continue;
          const v = it.values[i]! * e.w;
          if (e.term.space === 0) w[k]! += v;
          else if (e.term.space === 1) n[k]! += v;
          else g[k]! += v;
        }
        score[k] = this.score(it, s, w[k]!, n[k]!, g[k]!);
      }
    }
    const better = (k: number, than: number): boolean =>
      than < 0 || score[k]! > score[than]! || (score[k] === score[than] && slotStory[k]!.id < slotStory[than]!.id);
    let best = -1;
    for (let h = 0; h < kept; h++) {
      const k = candidates[h]!;
      if (score[k]! >= 1 && better(k, best) && this.mayJoin(it, slotStory[k]!)) best = k;
    }
    let other = -1;
    for (let h = 0; h < kept; h++) {
      const k = candidates[h]!;
      if (k !== best && better(k, other)) other = k;
    }
    const out: Choice = { best: this.candidate(it, best), other: this.candidate(it, other) };
    for (let h = 0; h < kept; h++) w[candidates[h]!] = n[candidates[h]!] = g[candidates[h]!] = 0;
    return out;
  }

  /** The scratch's figures of one slot as a candidate (undefined for -1). */
  private candidate(it: ItemState, k: number): Candidate | undefined {
    if (k < 0) return undefined;
    const s = this.slotStory[k]!;
    const { w, n, g, score } = this.scratch;
    return { story: s, score: score[k]!, similarity: this.similarity(it, s, w[k]!, n[k]!, g[k]!), cross: s.soleLang !== it.lang };
  }

  /**
   * Whether an item may join a story: not excluded (nor kept apart from the excluded story), locked, absorbed
   * or forbidden to it, and within the window.
   */
  private eligible(it: ItemState, s: StoryState, exclude: StoryState | undefined): boolean {
    return (
      s !== exclude && !s.locked && !s.mergedInto && !(s.forbidden.size > 0 && s.forbidden.has(it.id)) &&
      !(exclude !== undefined && this.isKeptApart(exclude, s)) && inWindow(it.time, s.firstAt, s.lastAt, this.config.windowHours * HOUR)
    );
  }

  /** An item joins a story with members in its language on its score; one without, only with evidence of one event. */
  private mayJoin(it: ItemState, s: StoryState): boolean {
    if (s.langs.has(it.lang)) return true;
    const e: Evidence = { anchors: 0, countries: 0, terms: 0 };
    for (const term of it.terms) {
      if (term.space === 0 || !s.profile.has(term)) continue;
      const name = this.nameOf(term);
      countEvidence(e, term.key, name !== undefined && (it.terms.includes(name) || s.profile.has(name)));
    }
    return enoughEvidence(e);
  }

  /**
   * The entity term written for the same word as a pivot term (`=ishikawa` → `@ishikawa`), if any: where one
   * side writes a name its dictionary translates (石川 → ishikawa, بكين → beijing), the other side, writing
   * it with a capital, holds both, and the shared pivot term says who or where, not what happened.
   */
  private nameOf(term: Term): Term | undefined {
    return term.key.charCodeAt(0) === 61 ? this.vocab.get('@' + term.key.slice(1)) : undefined;
  }

  private similarity(it: ItemState, s: StoryState, w: number, n: number, g: number): number {
    return cosine(w, n, g, it, s, s.soleLang !== it.lang);
  }

  /** Similarity × size factor, relative to the threshold of the space it was compared in. */
  private score(it: ItemState, s: StoryState, w: number, n: number, g: number): number {
    const cross = s.soleLang !== it.lang;
    return (this.similarity(it, s, w, n, g) * this.sizeFactor(s.live.size)) / (cross ? this.config.crossThreshold : this.config.threshold);
  }

  // --- story membership ----------------------------------------------------------------------------------------

  private newStory(id: string, time: number): StoryState {
    const slot = this.freeSlots.pop() ?? this.slotStory.length;
    this.scratch.ensure(slot);
    const s: StoryState = {
      id, members: new Set(), profile: new Map(), sumsq: 0, sumsqN: 0, live: new Set(), langs: new Map(), soleLang: undefined, slot,
      version: 0, top: undefined, topVersion: -1, topN: undefined, topNVersion: -1, firstAt: time, lastAt: time, locked: false,
      fixedLabel: undefined, mergedInto: undefined, forbidden: this.pendingForbids.get(id) ?? new Set(), apart: this.pendingApart.get(id) ?? new Set(),
      nextMergeCheck: 3, edited: false,
    };
    this.pendingForbids.delete(id);
    this.pendingApart.delete(id);
    this.slotStory[slot] = s;
    this.stories.set(id, s);
    this.touched.add(id);
    return s;
  }

  /** Deterministic id from the founding item (`s_` + 12 hex), re-salted only on a collision. */
  private freshId(itemId: string): string {
    for (let salt = 0; ; salt++) {
      const id = 's_' + hash48(salt ? `${itemId}#${salt}` : itemId);
      if (!this.stories.has(id)) return id;
    }
  }

  /**
   * An item joins a story: its features are added to the profile (an absorbed story's profile is not indexed).
   * A joining item's explanation (`explain`: the candidate it joined as) is read from the profile as it was
   * scored, before the item's own values, over the features of the space it was compared in.
   */
  private attach(it: ItemState, s: StoryState, explain?: Candidate): void {
    it.storyId = s.id;
    s.members.add(it.id);
    this.touched.add(s.id);
    if (it.retired) return; // only its membership moves: its features already left every profile
    this.countLive(s, it, 1);
    if (it.time > s.lastAt) s.lastAt = it.time;
    if (it.time < s.firstAt) s.firstAt = it.time;
    const shared = explain ? this.explanation : undefined;
    const skip = explain?.cross ? 0 : 2;
    shared?.clear();
    for (let i = 0; i < it.terms.length; i++) {
      const term = it.terms[i]!;
      const v = it.values[i]!;
      const pos = it.positions[i]!;
      let e = s.profile.get(term);
      if (shared && e && term.space !== skip) shared.offer(e.surface, v * e.w);
      if (!e) {
        e = { term, space: term.space, slot: s.slot, pi: -1, c: 0, w: 0, pos: 0, surface: it.surfaces[i]!, fromTitle: pos <= 1 };
        s.profile.set(term, e);
        term.held++;
        if (!s.mergedInto) this.vocab.index(term, e);
      } else if (!e.fromTitle && pos <= 1) {
        e.surface = it.surfaces[i]!;
        e.fromTitle = true;
      }
      // |Σ + v|² = |Σ|² + 2·Σ·v + |v|², per feature and space.
      if (term.space !== 2) s.sumsq += 2 * e.w * v + v * v;
      if (term.space !== 0) s.sumsqN += 2 * e.w * v + v * v;
      e.c++;
      e.w += v;
      e.pos += pos;
    }
    if (shared) it.matched = shared.words();
  }

  /** Takes an item out of its story (the inverse of attach). */
  private detach(it: ItemState): void {
    const s = this.stories.get(it.storyId);
    it.storyId = '';
    if (!s) return;
    s.members.delete(it.id);
    this.touched.add(s.id);
    if (!it.retired) this.unprofile(it, s);
  }

  /** Takes an item's features out of a story's profile and index (detach and retirement). */
  private unprofile(it: ItemState, s: StoryState): void {
    this.countLive(s, it, -1);
    for (let i = 0; i < it.terms.length; i++) {
      const term = it.terms[i]!;
      const e = s.profile.get(term);
      if (!e) continue;
      const v = it.values[i]!;
      if (term.space !== 2) s.sumsq += v * v - 2 * e.w * v;
      if (term.space !== 0) s.sumsqN += v * v - 2 * e.w * v;
      e.c--;
      e.w -= v;
      e.pos -= it.positions[i]!;
      if (e.c <= 0) this.dropEntry(s, e);
    }
  }

  private dropEntry(s: StoryState, e: ProfileEntry): void {
    s.profile.delete(e.term);
    e.term.held--;
    this.vocab.unindex(e.term, e);
  }

  /** Counts a live member in or out, with its language. */
  private countLive(s: StoryState, it: ItemState, delta: 1 | -1): void {
    if (delta > 0) s.live.add(it);
    else s.live.delete(it);
    s.version++;
    const lang = it.lang;
    const n = (s.langs.get(lang) ?? 0) + delta;
    if (n > 0) s.langs.set(lang, n);
    else s.langs.delete(lang);
    if (s.langs.size !== 1) s.soleLang = undefined;
    else if (n > 0) s.soleLang = lang;
    else for (const only of s.langs.keys()) s.soleLang = only; // (two languages became one)
  }

  /** Moves every item of `from` into `into` and records the merge; the absorbed story keeps its record. */
  private absorb(from: StoryState, into: StoryState, by: 'engine' | 'editor'): void {
    for (const id of [...from.members]) {
      const it = this.items.get(id);
      if (!it) continue;
      this.detach(it);
      if (by === 'editor') it.by = 'editor';
      this.attach(it, into);
    }
    for (const e of [...from.profile.values()]) this.dropEntry(from, e);
    from.sumsq = 0;
    from.sumsqN = 0;
    from.version++;
    for (const id of from.forbidden) into.forbidden.add(id);
    // Stories kept apart from the absorbed one are kept apart from the survivor, both ways.
    for (const id of from.apart) {
      if (id === into.id) continue;
      into.apart.add(id);
      this.stories.get(id)?.apart.add(into.id);
    }
    from.mergedInto = into.id;
    if (by === 'editor') into.edited = true;
    this.touched.add(from.id);
    this.touched.add(into.id);
  }

  // --- second pass ---------------------------------------------------------------------------------------------

  /**
   * Stories that are still a single item recheckAfter items later get a second look: when the item arrived,
   * the story it belongs to may not have existed yet or been too young to recognise it. If it now passes the
   * join threshold against another story, the one-item story is absorbed into it.
   */
  private runRechecks(): void {
    while (this.rechecksDone < this.rechecks.length && this.rechecks[this.rechecksDone]!.due <= this.counted) {
      const s = this.stories.get(this.rechecks[this.rechecksDone++]!.storyId);
      if (!s || s.members.size !== 1 || s.locked || s.edited || s.mergedInto) continue;
      const it = this.items.get(s.members.values().next().value!);
      if (!it || it.by === 'editor') continue;
      const { best } = this.bestStory(it, s);
      if (best && !best.story.edited) this.absorb(s, best.story, 'engine');
    }
    if (this.rechecksDone > 4096) this.rechecksDone -= this.rechecks.splice(0, this.rechecksDone).length;
  }

  /**
   * Agglomerative merge check, when a story reaches its next check size: early items of a broad story often
   * found several small stories before its vocabulary settles. Stories in the window sharing at least two of
   * its top features (counting only features held by at most maxPostings stories) are short-listed, most
   * shared first: those with a language in common through the top features within their languages, those with
   * none through the top language-neutral ones. The best by similarity relative to its threshold is merged
   * when it reaches it (across languages only with evidence of one event), the smaller story into the larger
   * (into the checked one on a tie). Locked and edited stories stay out, and pairs kept apart. Pairs scored
   * near their threshold are kept for suggestions().
   */
  private tryMerge(s: StoryState): void {
    s.nextMergeCheck = nextCheck(s.members.size, this.config.mergeCheckGrowth);
    if (s.locked || s.edited || s.mergedInto) return;
    const within = this.shortlist(s, this.topFeatures(s, false), true);
    const across = this.shortlist(s, this.topFeatures(s, true), false);
    let best: { t: StoryState; rel: number } | undefined;
    for (const [list, cross] of [[within, false], [across, true]] as const) {
      for (const t of list) {
        if (this.anyForbidden(s, t) || this.anyForbidden(t, s) || this.isKeptApart(s, t)) continue;
        const pair = this.pairScore(s, t, cross);
        if (pair.rel >= this.config.suggestRatio) this.noteNearMiss(s, t);
        if (!this.mergeable(pair, cross)) continue;
        if (!best || pair.rel > best.rel) best = { t, rel: pair.rel };
      }
    }
    if (!best) return;
    if (best.t.members.size > s.members.size) this.absorb(s, best.t, 'engine');
    else this.absorb(best.t, s, 'engine');
  }

  /**
   * Merges the story of a new item with a story the item nearly joined across languages when the pair passes
   * the second pass's test (see tryMerge), within their shared language if they have one; the smaller goes
   * into the larger (into `t` on a tie). Locked and edited stories stay out, and pairs kept apart.
   */
  private tryPair(s: StoryState, t: StoryState): void {
    if (s === t || s.locked || s.edited || s.mergedInto || t.locked || t.edited || t.mergedInto) return;
    if (this.anyForbidden(s, t) || this.anyForbidden(t, s) || this.isKeptApart(s, t)) return;
    if (Math.abs(t.lastAt - s.lastAt) > this.config.windowHours * HOUR) return;
    const cross = !sharesLanguage(s, t);
    const pair = this.pairScore(s, t, cross);
    if (!this.mergeable(pair, cross)) return;
    if (s.members.size > t.members.size) this.absorb(t, s, 'engine');
    else this.absorb(s, t, 'engine');
  }

  /**
   * Stories in the window sharing at least two of `top` (features held by at most maxPostings stories),
   * with (`sameLanguage`) or without a language in common with `s`, most shared first (then by id), at most
   * MERGE_SHORTLIST; never locked, edited or absorbed ones.
   */
  private shortlist(s: StoryState, top: Term[], sameLanguage: boolean): StoryState[] {
    const window = this.config.windowHours * HOUR;
    const shared = new Map<StoryState, number>();
    for (const term of top) {
      if (term.postings.length > this.config.maxPostings) continue;
      for (const p of term.postings) {
        const t = this.slotStory[p.slot]!;
        shared.set(t, (shared.get(t) ?? 0) + 1);
      }
    }
    return [...shared]
      .filter(
        ([t, n]) =>
          t !== s && n >= 2 && !t.locked && !t.edited && !t.mergedInto && Math.abs(t.lastAt - s.lastAt) <= window && sharesLanguage(s, t) === sameLanguage,
      )
      .sort((x, y) => y[1] - x[1] || (x[0].id < y[0].id ? -1 : 1))
      .slice(0, MERGE_SHORTLIST)
      .map(([t]) => t);
  }

  /**
   * A story pair scored as the second pass scores it: the overlap of their top features within their languages
   * (`cross` false) or in the neutral space, relative to the merge threshold of that space; the features both
   * hold among those top features (for evidence), in the order of the union.
   */
  private pairScore(s: StoryState, t: StoryState, cross: boolean): { similarity: number; rel: number; event: number; evidence: Evidence; shared: PairSide[] } {
    const sTop = this.topFeatures(s, cross);
    const tTop = this.topFeatures(t, cross);
    const union = [...sTop, ...tTop.filter((x) => !sTop.includes(x))];
    const { smoothing, idfPrior } = this.config;
    // Each union feature's entries and IDF are read once: both overlaps, the event filter and the evidence use them
    // (merge checks score up to ten pairs, so repeated profile look-ups were a visible share of the second pass).
    const inS = union.map((term) => s.profile.get(term));
    const inT = union.map((term) => t.profile.get(term));
    const idfs = union.map((term) => idf(term.df, this.vocab.docs, idfPrior));
    const overlap = (at: number[]): number =>
      storyOverlap(at, (i) => inS[i]?.c ?? 0, (i) => inT[i]?.c ?? 0, s.live.size + smoothing, t.live.size + smoothing, (i) => idfs[i]!);
    const all = union.map((_, i) => i);
    const similarity = overlap(all);
    const threshold = cross ? this.config.crossMergeThreshold : this.config.mergeThreshold;
    // What happened, without who and where: two stories about one person or country share those anyway.
    // (A stem written with a capital in either story is a name's: `Macron`, `Atlas`.)
    const written = (i: number): boolean => !NAME_SURFACE.test(inS[i]?.surface ?? '') && !NAME_SURFACE.test(inT[i]?.surface ?? '');
    const event = overlap(all.filter((i) => isEventKey(union[i]!.key) && written(i))) / threshold;
    const evidence: Evidence = { anchors: 0, countries: 0, terms: 0 };
    const shared: PairSide[] = [];
    for (let i = 0; i < union.length; i++) {
      const a = inS[i];
      const b = inT[i];
      if (!a || !b) continue;
      const term = union[i]!;
      const name = term.space !== 0 ? this.nameOf(term) : undefined;
      if (term.space !== 0) countEvidence(evidence, term.key, name !== undefined && (s.profile.has(name) || t.profile.has(name)));
      shared.push({ key: term.key, a: a.surface, b: b.surface });
    }
    return { similarity, rel: similarity / threshold, event, evidence, shared };
  }

  /**
   * Whether a scored pair is merged: its overlap reaches the threshold, the part of it made of what happened
   * (words, not names, countries or numbers) reaches eventShare of it, and across languages the evidence rule holds.
   */
  private mergeable(pair: { rel: number; event: number; evidence: Evidence }, cross: boolean): boolean {
    return pair.rel >= 1 && pair.event >= this.config.eventShare && (!cross || enoughEvidence(pair.evidence));
  }

  private anyForbidden(a: StoryState, b: StoryState): boolean {
    if (b.forbidden.size === 0) return false;
    for (const id of a.members) if (b.forbidden.has(id)) return true;
    return false;
  }

  /** Whether an editor keeps two stories apart (absorptions carry the sets over, so the ids are direct). */
  private isKeptApart(s: StoryState, t: StoryState): boolean {
    return (s.apart.size > 0 && s.apart.has(t.id)) || (t.apart.size > 0 && t.apart.has(s.id));
  }

  /** Records that story `x` is kept apart from `y`, on x's record or, while x is not in memory, for later. */
  private linkApart(x: string, y: string): void {
    const s = this.stories.get(x);
    if (s) s.apart.add(y);
    else {
      let set = this.pendingApart.get(x);
      if (!set) this.pendingApart.set(x, (set = new Set()));
      set.add(y);
    }
  }

  /** Keeps a pair the engine scored near a merge for suggestions(), most recent last, at most MAX_NEAR_MISSES. */
  private noteNearMiss(s: StoryState, t: StoryState): void {
    if (s === t) return;
    const { a, b } = suggestionKey(s.id, t.id);
    const key = `${a} ${b}`;
    this.nearMisses.delete(key);
    this.nearMisses.set(key, [a, b]);
    if (this.nearMisses.size > MAX_NEAR_MISSES) this.nearMisses.delete(this.nearMisses.keys().next().value!);
  }

  /**
   * A story's most characteristic features: the 16 largest summed TF-IDF values (ties in profile order), within
   * its languages (no bridges) or in the neutral space (no stems). Kept sorted by insertion, as a story's
   * profile can hold thousands of features.
   */
  private topFeatures(s: StoryState, neutral: boolean): Term[] {
    if (neutral ? s.topN && s.topNVersion === s.version : s.top && s.topVersion === s.version) return (neutral ? s.topN : s.top)!;
    const n = s.live.size + this.config.smoothing;
    const skip = neutral ? 0 : 2;
    const top: Term[] = [];
    const values: number[] = [];
    for (const e of s.profile.values()) {
      if (e.space === skip) continue;
      const v = e.w / n;
      if (top.length === TOP_FEATURES && v <= values[TOP_FEATURES - 1]!) continue;
      let i = Math.min(top.length, TOP_FEATURES - 1);
      while (i > 0 && values[i - 1]! < v) {
        top[i] = top[i - 1]!;
        values[i] = values[i - 1]!;
        i--;
      }
      top[i] = e.term;
      values[i] = v;
    }
    if (neutral) {
      s.topN = top;
      s.topNVersion = s.version;
    } else {
      s.top = top;
      s.topVersion = s.version;
    }
    return top;
  }

  // --- memory --------------------------------------------------------------------------------------------------

  /**
   * Every SWEEP_EVERY items (and after a restore): stories whose newest item is older than the window leave
   * memory with their items (a changed one hands out its final snapshot); an absorbed story stays as long as
   * its survivor is active. Active stories retire their members older than the window.
   */
  private sweep(): void {
    this.sinceSweep = 0;
    const horizon = this.clock - this.config.windowHours * HOUR;
    for (const s of this.stories.values()) {
      if (s.lastAt >= horizon) {
        this.retire(s, horizon);
        continue;
      }
      if (s.mergedInto) {
        const survivor = this.stories.get(this.resolve(s.id));
        if (survivor && survivor.lastAt >= horizon) continue;
      }
      if (this.touched.has(s.id)) {
        this.evicted.push(this.snap(s));
        this.touched.delete(s.id);
      }
      for (const e of [...s.profile.values()]) this.dropEntry(s, e);
      for (const id of s.members) this.items.delete(id);
      this.stories.delete(s.id);
      this.slotStory[s.slot] = undefined;
      this.freeSlots.push(s.slot);
    }
    for (const [key, [x, y]] of this.nearMisses) {
      if (!this.stories.has(this.resolve(x)) || !this.stories.has(this.resolve(y))) this.nearMisses.delete(key);
    }
  }

  /**
   * Retirement: live members older than the horizon leave the profile, oldest first, keeping at least one; their
   * vectors are dropped, membership kept. A long-running story is matched on its recent coverage, and memory
   * follows the window even for a story that stays active for weeks.
   */
  private retire(s: StoryState, horizon: number): void {
    if (s.live.size <= 1) return;
    const old: ItemState[] = [];
    for (const it of s.live) if (it.time < horizon) old.push(it);
    old.sort((a, b) => a.time - b.time);
    for (const it of old) {
      if (s.live.size <= 1) break;
      this.unprofile(it, s);
      it.retired = true;
      it.terms = [];
      it.values = [];
      it.weights = [];
      it.positions = [];
      it.surfaces = [];
    }
  }

  // --- views ---------------------------------------------------------------------------------------------------

  private assignmentOf(it: ItemState): Assignment {
    return { itemId: it.id, storyId: it.storyId ? this.resolve(it.storyId) : '', created: it.created, score: it.score, matched: it.matched };
  }

  private snap(s: StoryState): StorySnapshot {
    const { label, headline, headlineItemId } = this.describe(s);
    const out: StorySnapshot = {
      id: s.id, label, headline, headlineItemId, itemIds: [...s.members],
      firstItemAt: new Date(s.firstAt).toISOString(), lastItemAt: new Date(s.lastAt).toISOString(),
    };
    if (s.mergedInto) out.mergedInto = s.mergedInto;
    if (s.locked) out.locked = true;
    if (s.apart.size > 0) out.keptApart = [...s.apart].sort();
    return out;
  }

  /** Headline: the member title (among the last 200) that best represents the story. Label: the editor's, else storyLabel. */
  private describe(s: StoryState): { label: string; headline: string; headlineItemId: string } {
    const docs = this.vocab.docs;
    const prior = this.config.idfPrior;
    let best = { score: -1, id: '', title: '' };
    const ids = [...s.members];
    for (const id of ids.length > 200 ? ids.slice(-200) : ids) {
      const it = this.items.get(id)!;
      const title: { weight: number; idf: number; count: number }[] = [];
      for (let i = 0; i < it.terms.length; i++) {
        if (it.positions[i]! > 1 || isTranslation(it.terms[i]!.key)) continue;
        const term = it.terms[i]!;
        title.push({ weight: it.weights[i]!, idf: idf(term.df, docs, prior), count: s.profile.get(term)?.c ?? 0 });
      }
      const score = headlineScore(title, it.terms.length, s.live.size + this.config.smoothing);
      if (score > best.score) best = { score, id, title: it.title };
    }
    // Translations are not words the members wrote: labels and headlines are made of those.
    const entries = [...s.profile.values()].filter((e) => !isTranslation(e.term.key)).map((e) => ({
      key: e.term.key, kind: kindOfKey(e.term.key), c: e.c, pos: e.pos, surface: e.surface, fromTitle: e.fromTitle, idf: idf(e.term.df, docs, prior),
    }));
    const label = s.fixedLabel ?? storyLabel(entries, s.live.size, best.title.split(/\s+/u).slice(0, 4).join(' '));
    return { label, headline: best.title, headlineItemId: best.id };
  }
}

/** A surface form starting with a capital: the profile keeps a name's stem as the name was written. */
const NAME_SURFACE = /^\p{Lu}/u;

/** Most near-miss pairs kept for suggestions (the oldest go first). */
const MAX_NEAR_MISSES = 1000;

/** Whether two stories have a language in common among their live members. */
function sharesLanguage(s: StoryState, t: StoryState): boolean {
  for (const lang of s.langs.keys()) if (t.langs.has(lang)) return true;
  return false;
}

/** Counts one shared feature into the evidence. */
/** Counts a shared feature as evidence; `name`: a pivot term one side writes as a name, which counts as an anchor. */
function countEvidence(e: Evidence, key: string, name = false): void {
  const kind = evidenceKindOfKey(key);
  if (kind === 'anchor' || (kind === 'term' && name)) e.anchors++;
  else if (kind === 'country') e.countries++;
  else if (kind === 'term') e.terms++;
}

/** Next size at which a story is checked for automatic merging: geometric, so O(log n) checks per story. */
function nextCheck(size: number, growth: number): number {
  return Math.max(3, Math.ceil(size * growth));
}

/** Story-id hash, re-exported for callers of the engine; lib/ids.ts is its one definition. */
export { hash48 };
