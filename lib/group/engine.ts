// Incremental, time-windowed, explainable story grouping with editor constraints (pure: no I/O).
import { hash48 } from '../ids.ts';
import { analyzeInto, FeatureList, kindOfKey, NameEvidence } from './features.ts';
import { storyLabel } from './label.ts';
import {
  cosine, DEFAULT_GROUPING_CONFIG, Explanation, headlineScore, idf, inWindow, MERGE_SHORTLIST, roundScore, sizeFactors,
  storyOverlap, TOP_FEATURES, type GroupingConfig,
} from './scoring.ts';
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
}

/** A story's aggregate of one feature over its live members; also the story's posting in the term's index. */
interface ProfileEntry extends Posting {
  term: Term;
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
  /** Norm of the vector without its cognate keys (for stories in the item's language only), and with them. */
  norm: number;
  normAll: number;
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
  /** Squared norm of the live members' summed vector without cognate keys, and of its cognate part. */
  sumsq: number;
  sumsqCog: number;
  /** Members whose vectors count (not retired), in joining order, and their count per language (cognate keys count only across languages). */
  live: Set<ItemState>;
  langs: Map<string, number>;
  /** The only language of the live members, if there is exactly one. */
  soleLang: string | undefined;
  /** Index into the scoring accumulators while the story is in memory. */
  slot: number;
  /** Bumped on every profile change; the top features are chosen again when it moved. */
  version: number;
  top: Term[] | undefined;
  topVersion: number;
  firstAt: number;
  lastAt: number;
  locked: boolean;
  fixedLabel: string | undefined;
  mergedInto: string | undefined;
  forbidden: Set<string>;
  /** Size at which the next automatic-merge check happens (geometric sizes keep the cost low). */
  nextMergeCheck: number;
  edited: boolean;
}

/** The best story for an item, with its score (similarity × size factor) and similarity. */
interface Candidate {
  story: StoryState;
  score: number;
  similarity: number;
}

/**
 * Scratch for scoring one item, indexed by story slot (zero between uses): whether a story was hit, its dot
 * products with the item over plain features (w) and cognate keys (g), and its score. Typed arrays by slot
 * keep the per-item candidate work free of objects and maps.
 */
class SlotScratch {
  hit = new Uint8Array(256);
  w = new Float64Array(256);
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
    const best = this.bestStory(it);
    let story: StoryState;
    if (best && best.score >= this.config.threshold) {
      story = best.story;
      it.score = roundScore(best.similarity);
    } else {
      story = this.newStory(this.freshId(it.id), time);
      it.created = true;
    }
    this.items.set(it.id, it);
    this.attach(it, story, !it.created);
    if (this.config.autoMerge) {
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
    const terms = new Array<Term>(n);
    const values = new Array<number>(n);
    let sumsq = 0;
    let sumsqCog = 0;
    for (let i = 0; i < n; i++) {
      const term = f.terms[i]!;
      term.df++;
      const v = f.weights[i]! * idf(term.df, vocab.docs, this.config.idfPrior);
      if (term.cognate) sumsqCog += v * v;
      else sumsq += v * v;
      terms[i] = term;
      values[i] = v;
    }
    return {
      id: input.id, title: input.title, time, lang, terms, values, weights: f.weights.slice(0, n), positions: f.positions.slice(0, n),
      surfaces: f.surfaces.slice(0, n), norm: Math.sqrt(sumsq), normAll: Math.sqrt(sumsq + sumsqCog), storyId: '', score: 0, matched: [], created: false, by: 'engine', retired: false,
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
   * The best eligible story for an item (see scoring.ts for the score). Candidates are the stories holding one
   * of the item's rare features (held by at most maxPostings active stories): the rarer features find the
   * story. When the item also has common features, the candidates are ranked by their rare features alone and
   * only the best candidateLimit (ties: smaller id) get the common features added.
   */
  private bestStory(it: ItemState, exclude?: StoryState): Candidate | undefined {
    if (it.normAll <= 0) return undefined;
    const { maxPostings, candidateLimit } = this.config;
    const { hit, w, g, score, slots, common } = this.scratch;
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
      const acc = term.cognate ? g : w;
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
        w[k] = 0;
        g[k] = 0;
        continue;
      }
      slots[kept++] = k;
      score[k] = this.score(it, slotStory[k]!, w[k]!, g[k]!);
    }
    // With common features: the best candidateLimit by rare features alone get them added.
    let candidates = slots;
    if (commons > 0 && kept > 0) {
      candidates = slots.slice(0, kept).sort((x, y) => score[y]! - score[x]! || (slotStory[x]!.id < slotStory[y]!.id ? -1 : 1));
      for (let h = candidateLimit; h < kept; h++) w[candidates[h]!] = g[candidates[h]!] = 0;
      kept = Math.min(kept, candidateLimit);
      for (let h = 0; h < kept; h++) {
        const k = candidates[h]!;
        const s = slotStory[k]!;
        for (let c = 0; c < commons; c++) {
          const i = common[c]!;
          const e = s.profile.get(it.terms[i]!);
          if (!e) continue;
          if (e.term.cognate) g[k]! += it.values[i]! * e.w;
          else w[k]! += it.values[i]! * e.w;
        }
        score[k] = this.score(it, s, w[k]!, g[k]!);
      }
    }
    let best = -1;
    for (let h = 0; h < kept; h++) {
      const k = candidates[h]!;
      if (best < 0 || score[k]! > score[best]! || (score[k] === score[best] && slotStory[k]!.id < slotStory[best]!.id)) best = k;
    }
    const out = best < 0 ? undefined : { story: slotStory[best]!, score: score[best]!, similarity: this.similarity(it, slotStory[best]!, w[best]!, g[best]!) };
    for (let h = 0; h < kept; h++) w[candidates[h]!] = g[candidates[h]!] = 0;
    return out;
  }

  /** Whether an item may join a story: not excluded, locked, absorbed or forbidden to it, and within the window. */
  private eligible(it: ItemState, s: StoryState, exclude: StoryState | undefined): boolean {
    return s !== exclude && !s.locked && !s.mergedInto && !(s.forbidden.size > 0 && s.forbidden.has(it.id)) && inWindow(it.time, s.firstAt, s.lastAt, this.config.windowHours * HOUR);
  }

  private similarity(it: ItemState, s: StoryState, w: number, g: number): number {
    return cosine(w, g, it, s, s.soleLang !== it.lang);
  }

  private score(it: ItemState, s: StoryState, w: number, g: number): number {
    return this.similarity(it, s, w, g) * this.sizeFactor(s.live.size);
  }

  // --- story membership ----------------------------------------------------------------------------------------

  private newStory(id: string, time: number): StoryState {
    const slot = this.freeSlots.pop() ?? this.slotStory.length;
    this.scratch.ensure(slot);
    const s: StoryState = {
      id, members: new Set(), profile: new Map(), sumsq: 0, sumsqCog: 0, live: new Set(), langs: new Map(), soleLang: undefined, slot,
      version: 0, top: undefined, topVersion: -1, firstAt: time, lastAt: time, locked: false, fixedLabel: undefined, mergedInto: undefined,
      forbidden: this.pendingForbids.get(id) ?? new Set(), nextMergeCheck: 3, edited: false,
    };
    this.pendingForbids.delete(id);
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
   * A joining item's explanation is read from the profile as it was scored, before the item's own values.
   */
  private attach(it: ItemState, s: StoryState, explain = false): void {
    it.storyId = s.id;
    s.members.add(it.id);
    this.touched.add(s.id);
    if (it.retired) return; // only its membership moves: its features already left every profile
    this.countLive(s, it, 1);
    if (it.time > s.lastAt) s.lastAt = it.time;
    if (it.time < s.firstAt) s.firstAt = it.time;
    const shared = explain ? this.explanation : undefined;
    shared?.clear();
    for (let i = 0; i < it.terms.length; i++) {
      const term = it.terms[i]!;
      const v = it.values[i]!;
      const pos = it.positions[i]!;
      let e = s.profile.get(term);
      if (shared && e && !term.cognate) shared.offer(e.surface, v * e.w);
      if (!e) {
        e = { term, slot: s.slot, pi: -1, c: 0, w: 0, pos: 0, surface: it.surfaces[i]!, fromTitle: pos <= 1 };
        s.profile.set(term, e);
        term.held++;
        if (!s.mergedInto) this.vocab.index(term, e);
      } else if (!e.fromTitle && pos <= 1) {
        e.surface = it.surfaces[i]!;
        e.fromTitle = true;
      }
      // |Σ + v|² = |Σ|² + 2·Σ·v + |v|², per feature.
      if (term.cognate) s.sumsqCog += 2 * e.w * v + v * v;
      else s.sumsq += 2 * e.w * v + v * v;
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
      if (term.cognate) s.sumsqCog += v * v - 2 * e.w * v;
      else s.sumsq += v * v - 2 * e.w * v;
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
    from.sumsqCog = 0;
    from.version++;
    for (const id of from.forbidden) into.forbidden.add(id);
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
      const best = this.bestStory(it, s);
      if (best && best.score >= this.config.threshold && !best.story.edited) this.absorb(s, best.story, 'engine');
    }
    if (this.rechecksDone > 4096) this.rechecksDone -= this.rechecks.splice(0, this.rechecksDone).length;
  }

  /**
   * Agglomerative merge check, when a story reaches its next check size: early items of a broad story often
   * found several small stories before its vocabulary settles. Stories in the window sharing at least two of
   * its top features (counting only features held by at most maxPostings stories) are short-listed, most
   * shared first; the most similar one is merged when it passes mergeThreshold, the smaller story into the
   * larger (into the checked one on a tie). Locked and edited stories stay out.
   */
  private tryMerge(s: StoryState): void {
    s.nextMergeCheck = nextCheck(s.members.size, this.config.mergeCheckGrowth);
    if (s.locked || s.edited || s.mergedInto) return;
    const window = this.config.windowHours * HOUR;
    const top = this.topFeatures(s);
    const shared = new Map<StoryState, number>();
    for (const term of top) {
      if (term.postings.length > this.config.maxPostings) continue;
      for (const p of term.postings) {
        const t = this.slotStory[p.slot]!;
        shared.set(t, (shared.get(t) ?? 0) + 1);
      }
    }
    const shortlist = [...shared]
      .filter(([t, n]) => t !== s && n >= 2 && !t.locked && !t.edited && !t.mergedInto && Math.abs(t.lastAt - s.lastAt) <= window)
      .sort((x, y) => y[1] - x[1] || (x[0].id < y[0].id ? -1 : 1))
      .slice(0, MERGE_SHORTLIST);
    let best: { t: StoryState; sim: number } | undefined;
    for (const [t] of shortlist) {
      if (this.anyForbidden(s, t) || this.anyForbidden(t, s)) continue;
      const sim = this.storySimilarity(s, top, t);
      if (!best || sim > best.sim) best = { t, sim };
    }
    if (!best || best.sim < this.config.mergeThreshold) return;
    if (best.t.members.size > s.members.size) this.absorb(s, best.t, 'engine');
    else this.absorb(best.t, s, 'engine');
  }

  private anyForbidden(a: StoryState, b: StoryState): boolean {
    if (b.forbidden.size === 0) return false;
    for (const id of a.members) if (b.forbidden.has(id)) return true;
    return false;
  }

  /**
   * A story's most characteristic features: the 16 largest summed TF-IDF values (ties in profile order), no
   * cognates. Kept sorted by insertion, as a story's profile can hold thousands of features.
   */
  private topFeatures(s: StoryState): Term[] {
    if (s.top && s.topVersion === s.version) return s.top;
    const n = s.live.size + this.config.smoothing;
    const top: Term[] = [];
    const values: number[] = [];
    for (const e of s.profile.values()) {
      if (e.term.cognate) continue;
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
    s.top = top;
    s.topVersion = s.version;
    return top;
  }

  private storySimilarity(s: StoryState, sTop: Term[], t: StoryState): number {
    const tTop = this.topFeatures(t);
    const union = [...sTop, ...tTop.filter((x) => !sTop.includes(x))];
    const { smoothing, idfPrior } = this.config;
    return storyOverlap(
      union,
      (term) => s.profile.get(term)?.c ?? 0,
      (term) => t.profile.get(term)?.c ?? 0,
      s.live.size + smoothing,
      t.live.size + smoothing,
      (term) => idf(term.df, this.vocab.docs, idfPrior),
    );
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
        if (it.positions[i]! > 1) continue;
        const term = it.terms[i]!;
        title.push({ weight: it.weights[i]!, idf: idf(term.df, docs, prior), count: s.profile.get(term)?.c ?? 0 });
      }
      const score = headlineScore(title, it.terms.length, s.live.size + this.config.smoothing);
      if (score > best.score) best = { score, id, title: it.title };
    }
    const entries = [...s.profile.values()].map((e) => ({
      key: e.term.key, kind: kindOfKey(e.term.key), c: e.c, pos: e.pos, surface: e.surface, fromTitle: e.fromTitle, idf: idf(e.term.df, docs, prior),
    }));
    const label = s.fixedLabel ?? storyLabel(entries, s.live.size, best.title.split(/\s+/u).slice(0, 4).join(' '));
    return { label, headline: best.title, headlineItemId: best.id };
  }
}

/** Next size at which a story is checked for automatic merging: geometric, so O(log n) checks per story. */
function nextCheck(size: number, growth: number): number {
  return Math.max(3, Math.ceil(size * growth));
}

/** Story-id hash, re-exported for callers of the engine; lib/ids.ts is its one definition. */
export { hash48 };
