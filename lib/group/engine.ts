// Incremental, time-windowed, explainable story grouping engine with editor constraints (pure: no I/O).
import { hash48 } from '../ids.ts';
import { analyzeInto, FeatureBuffer, kindOfKey, newEpoch, type FeatureSpace, type TextOptions } from './features.ts';
import { Vocabulary } from './vocabulary.ts';
import { emptyOf, grown } from './arrays.ts';
import { storyLabel, type ProfileEntry } from './label.ts';

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

/** Tunables of the engine (text weights as in TextOptions). The CLI always uses the defaults. */
export interface GroupingConfig extends Required<TextOptions> {
  /** An item joins a story only within this many hours of the story's latest item. */
  windowHours: number;
  /** Minimum score for an item to join a story rather than found a new one. */
  threshold: number;
  /** Added to a story's size in feature shares (merge checks, headline): small stories' shares count less. */
  smoothing: number;
  /** Features whose posting list is longer than this only rescore candidates found through rarer ones. */
  maxPostings: number;
  /** How many best candidate stories get an exact score. */
  candidateLimit: number;
  /** Second, agglomerative pass: merge young similar stories when they grow (never locked/edited ones). */
  autoMerge: boolean;
  /** Minimum story–story similarity for an automatic merge. */
  mergeThreshold: number;
  /** A story is checked for merging each time it grows by this factor (3, 6, 12, … for 2). */
  mergeCheckGrowth: number;
  /** One-item stories are re-scored against the others after this many more items. */
  recheckAfter: number;
  /** Document frequencies are halved every this many items, bounding memory and following vocabulary drift. */
  idfHalfLife: number;
  /** Background documents assumed in IDF (cold-start smoothing). */
  idfPrior: number;
  /** Threshold shrinks with story size as threshold·n^-sizeDecay: big centroids have long tails. */
  sizeDecay: number;
  /** Story size beyond which the threshold stops shrinking. */
  sizeDecayCap: number;
}

/** Defaults used by the CLI and the ingest pipeline. */
export const DEFAULT_GROUPING_CONFIG: GroupingConfig = {
  windowHours: 72,
  threshold: 0.3,
  smoothing: 1,
  titleWeight: 2,
  entityBoost: 1.5,
  countryBoost: 1.5,
  numberBoost: 1,
  maxSummaryTokens: 40,
  cognateWeight: 1,
  maxPostings: 50,
  candidateLimit: 40,
  autoMerge: true,
  mergeThreshold: 0.22,
  mergeCheckGrowth: 2,
  recheckAfter: 300,
  idfHalfLife: 50_000,
  idfPrior: 100,
  sizeDecay: 0.1,
  sizeDecayCap: 50,
  slugWeight: 1,
};

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

interface ItemState {
  id: string;
  title: string;
  time: number;
  /**
   * The item's vector as parallel arrays in analysis order (struct of arrays): items live for the whole window,
   * and a map of feature objects (each with boxed numbers) was about a hundred heap objects per item for the
   * young-generation GC to copy and promote; this is six.
   */
  keys: string[];
  /** Vocabulary id per feature (interned again if the vocabulary forgot it: see termAt). */
  ids: number[];
  /** Profile entry of the item's story per feature (set by attach), so detaching needs no key look-up. */
  entries: (ProfileEntry | undefined)[];
  surfaces: string[];
  /** Per feature i: TF-IDF value at 3i, raw weight at 3i+1, title position at 3i+2. */
  num: number[];
  /** Norm without cognate keys (same-language comparisons) and with them (cross-language). */
  norm: number;
  normAll: number;
  lang: string;
  storyId: string;
  score: number;
  matched: string[];
  created: boolean;
  /** `editor` once an editor placed the item: automatic merges then leave its story alone. */
  by: 'engine' | 'editor';
  /** Older than the window inside a still-active story: features dropped, only membership kept. */
  retired: boolean;
}

interface StoryState {
  id: string;
  itemIds: Set<string>;
  /**
   * Feature aggregates keyed by vocabulary id (integer keys: no string hashing or comparison per look-up).
   * The ids stay valid while held: indexed entries keep their term alive, unindexed ones pin their id.
   */
  profile: Map<number, ProfileEntry>;
  /** Squared norm of the centroid sum Σ vec without cognate keys, and of the cognate part (incremental). */
  sumsq: number;
  sumsqCog: number;
  /** Member count per language: cognate keys only count when languages differ. */
  langs: Map<string, number>;
  /** Dense slot number while active, for array accumulators in scoring (-1 once evicted). */
  slot: number;
  /** Cached size factor of the score and the live size it was computed for. */
  scale: number;
  scaleOf: number;
  /** Members still in the profile (not retired), and their arrival queue for retirement. */
  live: number;
  liveQueue: ItemState[];
  liveHead: number;
  /** Cached most characteristic features and the size they were computed at (refreshed as it grows by 10%). */
  top?: TopFeature[];
  topSize: number;
  firstAt: number;
  lastAt: number;
  locked: boolean;
  fixedLabel?: string;
  mergedInto?: string;
  forbidden: Set<string>;
  /**
   * forbidden.size > 0 (the set only grows), and the only language of the live members (undefined for none
   * or several): scoring reads them for every candidate without touching the Set and Map objects.
   */
  hasForbidden: boolean;
  soleLang: string | undefined;
  /** Size at which the next automatic-merge check happens (checks at geometric sizes keep cost low). */
  nextMergeCheck: number;
  edited: boolean;
  /** Cached label/headline, recomputed lazily when the story changed. */
  cache?: { label: string; headline: string; headlineItemId: string };
}

/** One of a story's most characteristic features, with its profile entry and vocabulary id (no look-ups). */
interface TopFeature {
  key: string;
  v: number;
  e: ProfileEntry;
  /** Its vocabulary id: live document frequency without a key look-up (while the id is still the key's). */
  id: number;
}

/**
 * The engine's FeatureSpace for text analysis: feature ids are its vocabulary's, words get ids in its
 * capitalization lexicon (folded word → evidence, as small integers in an array). Both forget at decay,
 * which renews the epoch so ids cached in the token memo are looked up again.
 */
class EngineSpace implements FeatureSpace {
  epoch = newEpoch();
  private readonly words = new Map<string, number>();
  private evidence = new Int8Array(1024);
  private readonly freeWords: number[] = [];
  private wordLimit = 0;

  constructor(private readonly vocab: Vocabulary<ProfileEntry>) {}

  featureId(key: string): number {
    return this.vocab.intern(key);
  }

  wordId(folded: string): number {
    let id = this.words.get(folded);
    if (id !== undefined) return id;
    id = this.freeWords.pop();
    if (id === undefined) {
      id = this.wordLimit++;
      if (id >= this.evidence.length) {
        this.evidence = grown(this.evidence, this.evidence.length * 2);
      }
    }
    this.evidence[id] = 0;
    this.words.set(folded, id);
    return id;
  }

  lex(word: number): number {
    return this.evidence[word]!;
  }

  setLex(word: number, v: number): void {
    this.evidence[word] = v; // within ±50 (see addText)
  }

  /** Halves the vocabulary's document frequencies and the lexicon's evidence, forgetting what became weak. */
  decay(): void {
    this.vocab.decay();
    const ev = this.evidence;
    for (const [k, id] of this.words) {
      const v = ev[id]!;
      if (Math.abs(v) <= 1) {
        this.words.delete(k);
        this.freeWords.push(id);
      } else ev[id] = Math.trunc(v / 2);
    }
    this.epoch = newEpoch();
  }
}

const HOUR = 3_600_000;
/** Shared by every retired item (their vectors are dropped): never written to. */
const NO_STRINGS: string[] = [];
const NO_IDS: number[] = [];
const NO_ENTRIES: (ProfileEntry | undefined)[] = [];
const NO_NUM: number[] = [];

/**
 * Groups items into stories incrementally, in arrival order. Candidate stories come from an inverted index
 * over features of active stories (those with an item inside the time window), so the cost of one item
 * depends on the window, not on how many stories were ever seen; quiet stories are evicted.
 */
export class StoryGrouper {
  readonly config: GroupingConfig;
  private readonly text: TextOptions;
  private docs = 0;
  private sinceDecay = 0;
  private clock = 0;
  private addsSinceEvict = 0;
  private readonly stories = new Map<string, StoryState>();
  private readonly items = new Map<string, ItemState>();
  /** Document frequencies and the inverted index over active stories, one term object per feature. */
  private readonly vocab = new Vocabulary<ProfileEntry>();
  /** Ids for text analysis (vocabulary and capitalization lexicon), and the buffer it writes an item's features to. */
  private readonly space = new EngineSpace(this.vocab);
  private readonly buf = new FeatureBuffer();
  /** Scratch for item vectors (written in order, so they stay packed; numScratch holds doubles from the start). */
  private readonly idScratch: number[] = [];
  private readonly numScratch: number[] = emptyOf(0.5);
  private readonly touched = new Set<string>();
  private readonly pendingForbids = new Map<string, Set<string>>();
  private readonly evicted: StorySnapshot[] = emptyOf<StorySnapshot>(undefined!);
  /** Scoring accumulators indexed by story slot (reused across items: no per-item maps). */
  private hit: Uint8Array = new Uint8Array(1024);
  private accW: Float64Array = new Float64Array(1024);
  private accG: Float64Array = new Float64Array(1024);
  private slotStory: (StoryState | undefined)[] = emptyOf<StoryState | undefined>(undefined);
  private freeSlots: number[] = [];
  /**
   * Slots hit while scoring, in hit order. Scratch arrays like this one are reset with a separate count, not
   * `length = 0`, which would drop their storage and make the next pushes allocate it again.
   */
  private hitSlots: number[] = new Array<number>(1024).fill(0);
  /** Scratch for candidates rescored with the common features (slots, and their partial sums by slot). */
  private readonly rankedSlots: number[] = [];
  private rankW: Float64Array = new Float64Array(1024);
  private rankG: Float64Array = new Float64Array(1024);
  private rankScore: Float64Array = new Float64Array(1024);
  private readonly commonIds: number[] = [];
  private readonly commonValues: number[] = emptyOf(0.5);
  /** Scratch for the explanation of a joining item (strongest shared features: surfaces and contributions). */
  private readonly expSurface: string[] = new Array<string>(8).fill('');
  private readonly expV: number[] = new Array<number>(8).fill(0.5);
  private expN = 0;
  /** Stories founded by one item, to re-score once the stream has moved on (FIFO by due document count). */
  private readonly recheck: { storyId: string; due: number }[] = emptyOf({ storyId: '', due: 0 });
  private recheckHead = 0;

  constructor(config?: Partial<GroupingConfig>) {
    this.config = { ...DEFAULT_GROUPING_CONFIG, ...config };
    const c = this.config;
    this.text = {
      titleWeight: c.titleWeight,
      entityBoost: c.entityBoost,
      countryBoost: c.countryBoost,
      numberBoost: c.numberBoost,
      maxSummaryTokens: c.maxSummaryTokens,
      cognateWeight: c.cognateWeight,
      slugWeight: c.slugWeight,
    };
  }

  /** Assigns an item to a story (or founds one). Idempotent: an already assigned id returns its assignment. */
  add(item: GroupInput): Assignment {
    const existing = this.items.get(item.id);
    if (existing) return this.assignmentOf(existing);
    const time = this.timeOf(item.publishedAt);
    if (time > this.clock) this.clock = time;
    if (++this.addsSinceEvict >= 256) this.evictQuiet();
    const lang = analyzeInto(item.title, item.summary, item.lang, this.text, this.space, this.buf, item.url);
    const state = this.itemState(item, time, lang);
    const best = this.bestStory(state);
    let story: StoryState;
    if (best && best.score >= this.config.threshold) {
      story = best.story;
      state.score = round(best.similarity);
    } else {
      story = this.newStory(this.freshId(item.id), time);
      state.created = true;
    }
    this.items.set(item.id, state);
    // A joining item's explanation is collected while its features are added (same profile look-ups).
    this.attach(state, story, !state.created);
    if (this.config.autoMerge) {
      if (story.itemIds.size >= story.nextMergeCheck) this.tryAutoMerge(story);
      if (state.created) this.recheck.push({ storyId: story.id, due: this.docs + this.config.recheckAfter });
      this.runRechecks();
    }
    return this.assignmentOf(state);
  }

  /** Rebuilds stories (and their index vectors) from storage, e.g. on a cold start. */
  restore(stories: RestoreStory[]): void {
    for (const rs of stories) {
      if (this.stories.has(rs.id)) throw new Error(`story ${rs.id} already exists`);
      const items = [...rs.items].sort((a, b) => this.timeOf(a.publishedAt) - this.timeOf(b.publishedAt));
      const firstTime = items.length ? this.timeOf(items[0]!.publishedAt) : this.clock;
      const story = this.newStory(rs.id, firstTime);
      story.locked = rs.locked === true;
      if (rs.label) story.fixedLabel = rs.label;
      if (rs.mergedInto) story.mergedInto = rs.mergedInto;
      for (const id of rs.forbiddenItemIds ?? []) {
        story.forbidden.add(id);
        story.hasForbidden = true;
      }
      for (const item of items) {
        if (this.items.has(item.id)) continue;
        const time = this.timeOf(item.publishedAt);
        if (time > this.clock) this.clock = time;
        const lang = analyzeInto(item.title, item.summary, item.lang, this.text, this.space, this.buf, item.url);
        const state = this.itemState(item, time, lang);
        this.items.set(item.id, state);
        this.attach(state, story);
      }
      story.nextMergeCheck = nextCheck(story.itemIds.size, this.config.mergeCheckGrowth);
      this.touched.delete(story.id); // restored stories are already stored as they are
    }
    this.evictQuiet();
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
    const it = this.items.get(itemId);
    return it && it.storyId ? it.storyId : undefined;
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
      story.hasForbidden = true;
      story.edited = true;
    }
    this.items.delete(itemId);
  }

  /** Editor: absorbs story `fromId` into `intoId`; the absorbed story records `mergedInto` for life. */
  mergeStories(fromId: string, intoId: string): void {
    const from = this.stories.get(this.resolve(fromId));
    const into = this.stories.get(this.resolve(intoId));
    if (!from || !into) throw new Error(`unknown story ${!from ? fromId : intoId}`);
    if (from === into) return;
    this.absorb(from, into, 'editor');
  }

  /** Editor: moves the given items into a new story with the given id. */
  splitItems(itemIds: string[], newStoryId: string): void {
    if (this.stories.has(newStoryId)) throw new Error(`story ${newStoryId} already exists`);
    const states = itemIds.map((id) => {
      const it = this.items.get(id);
      if (!it) throw new Error(`unknown item ${id}`);
      return it;
    });
    const story = this.newStory(newStoryId, Math.min(...states.map((s) => s.time)));
    story.edited = true;
    for (const it of states) {
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
    if (s) {
      s.forbidden.add(itemId);
      s.hasForbidden = true;
    } else {
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
    s.cache = undefined;
    this.touched.add(s.id);
  }

  /** Counters for monitoring and benchmarks. */
  stats(): { stories: number; items: number; liveItems: number; features: number; vocabulary: number; clock: string } {
    let live = 0;
    for (const s of this.stories.values()) live += s.live;
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

  // ---------------------------------------------------------------------------------------------------------

  private timeOf(iso: string | undefined): number {
    if (iso) {
      const t = Date.parse(iso);
      if (Number.isFinite(t)) return t;
    }
    return this.clock;
  }

  /** Document frequency of a key (0 if unknown). */
  private dfOf(key: string): number {
    const id = this.vocab.get(key);
    return id >= 0 ? this.vocab.df[id]! : 0;
  }

  /** IDF of a key whose id is known (used while it is still the key's, else the key is looked up). */
  private idfOf(id: number, key: string): number {
    const df = this.vocab.keyOf(id) === key ? this.vocab.df[id]! : this.dfOf(key);
    // The prior adds background documents that contain nothing we know: without it the first few items of a
    // cold start would see their shared story words (in every document so far) as worthless.
    return Math.log(1 + (this.docs + this.config.idfPrior) / (df > 0 ? df : 1));
  }

  /**
   * The item state of the analysed item in `buf`: counts it in the document frequencies (with periodic
   * halving, so IDF follows the news and memory stays bounded) and freezes its TF-IDF vector with the IDF of
   * that moment: what the item adds to its story's centroid.
   */
  private itemState(item: GroupInput, time: number, lang: string): ItemState {
    const buf = this.buf;
    const n = buf.n;
    this.docs++;
    // One df read per feature serves both the count and the item's frozen TF-IDF value.
    const base = this.docs + this.config.idfPrior;
    const { df, cognate } = this.vocab;
    // The vectors are plain packed arrays (Smi / double elements), cut to size from reused scratch arrays:
    // one allocation each, cheaper than typed arrays (whose backing stores live outside the heap) and than
    // arrays grown by push. They are allocated for every item.
    const keys = buf.keys.slice(0, n);
    const { idScratch, numScratch } = this;
    let sq = 0;
    let sqCog = 0;
    for (let i = 0; i < n; i++) {
      const id = buf.ids[i]!;
      const w = buf.weights[i]!;
      const v = w * Math.log(1 + base / ++df[id]!);
      if (cognate[id] === 1) sqCog += v * v;
      else sq += v * v;
      idScratch[i] = id;
      numScratch[3 * i] = v;
      numScratch[3 * i + 1] = w;
      numScratch[3 * i + 2] = buf.pos[i]!;
    }
    const ids = idScratch.slice(0, n);
    const num = numScratch.slice(0, 3 * n);
    const entries = new Array<ProfileEntry | undefined>(n).fill(undefined);
    if (++this.sinceDecay >= this.config.idfHalfLife) {
      this.sinceDecay = 0;
      this.docs /= 2;
      this.space.decay();
    }
    return {
      id: item.id, title: item.title, time, keys, ids, entries,
      surfaces: buf.surfaces.slice(0, n), num, norm: Math.sqrt(sq), normAll: Math.sqrt(sq + sqCog),
      lang, storyId: '', score: 0, matched: [], created: false, by: 'engine', retired: false,
    };
  }

  private allocSlot(): number {
    const slot = this.freeSlots.pop() ?? this.slotStory.length;
    if (slot >= this.accW.length) {
      const len = this.accW.length * 2;
      this.hit = grown(this.hit, len);
      this.accW = grown(this.accW, len);
      this.accG = grown(this.accG, len);
      this.rankW = grown(this.rankW, len);
      this.rankG = grown(this.rankG, len);
      this.rankScore = grown(this.rankScore, len);
      // Sized like the accumulators, so writes to it never grow it (a growing store deoptimizes).
      this.hitSlots = this.hitSlots.concat(new Array<number>(this.hitSlots.length).fill(0));
    }
    return slot;
  }

  /**
   * The best eligible story for an item: cosine between the item's TF-IDF vector and the story centroid;
   * cognate keys count only when the story has members in another language than the item, so they bridge
   * languages without blurring stories within one. Scores are multiplied by min(n, cap)^sizeDecay: a large
   * centroid has a long tail that lowers every cosine, so the bar is relative to the story's size and one
   * threshold fits one-item and hundred-item stories alike.
   */
  private bestStory(
    it: ItemState,
    exclude?: StoryState,
  ): { story: StoryState; score: number; similarity: number } | undefined {
    const { keys, num, time, lang } = it;
    const window = this.config.windowHours * HOUR;
    if (it.normAll <= 0) return undefined;
    const { hit, accW, accG, hitSlots, slotStory } = this;
    let nHit = 0;
    const commonV = this.commonValues;
    const commonIds = this.commonIds;
    commonV.length = 0;
    commonIds.length = 0;
    const maxPostings = this.config.maxPostings;
    // Plain loops, no closures: this runs for every item, and a closure per call (or per feature) showed up
    // in profiles both as call overhead and as allocation.
    const vocab = this.vocab;
    for (let i = 0; i < keys.length; i++) {
      const a = num[3 * i]!;
      const id = this.termAt(it, i);
      const len = vocab.len[id]!;
      if (len === 0) continue;
      if (len > maxPostings) {
        commonIds.push(id);
        commonV.push(a);
        continue;
      }
      const acc = vocab.cognate[id] === 1 ? accG : accW;
      // Postings are (slot, weight) pairs in the vocabulary's pool.
      const pool = vocab.pool;
      const end = 2 * (vocab.start[id]! + len);
      for (let p = 2 * vocab.start[id]!; p < end; p += 2) {
        const k = pool[p]! | 0;
        if (hit[k] === 0) {
          hit[k] = 1;
          hitSlots[nHit++] = k;
        }
        acc[k]! += a * pool[p + 1]!;
      }
    }
    let bestStory: StoryState | undefined;
    let bestScore = 0;
    let bestSim = 0;
    // Without very common features every hit story is scored exactly in one pass; otherwise the best few by
    // partial score are rescored with the common features added.
    const exact = commonIds.length === 0;
    const ranked = this.rankedSlots;
    ranked.length = 0;
    const { rankW, rankG, rankScore } = this;
    for (let h = 0; h < nHit; h++) {
      const k = hitSlots[h]!;
      const s = slotStory[k]!;
      const w = accW[k]!;
      const g = accG[k]!;
      hit[k] = 0;
      accW[k] = 0;
      accG[k] = 0;
      if (s === exclude || s.locked || s.mergedInto || (s.hasForbidden && s.forbidden.has(it.id))) continue;
      if (Math.abs(time - s.lastAt) > window && !(time < s.lastAt && time >= s.firstAt)) continue;
      const sim = this.similarity(it, lang, s, w, g);
      const score = sim * this.scale(s);
      if (exact) {
        if (!bestStory || score > bestScore || (score === bestScore && s.id < bestStory.id)) {
          bestStory = s;
          bestScore = score;
          bestSim = sim;
        }
      } else {
        // The partial sums stay in the slot's accumulators until the rescoring below.
        ranked.push(k);
        rankW[k] = w;
        rankG[k] = g;
        rankScore[k] = score;
      }
    }
    if (!exact) {
      ranked.sort((x, y) => rankScore[y]! - rankScore[x]!);
      const limit = Math.min(ranked.length, this.config.candidateLimit);
      for (let i = 0; i < limit; i++) {
        const k = ranked[i]!;
        const s = slotStory[k]!;
        let w = rankW[k]!;
        let g = rankG[k]!;
        for (let j = 0; j < commonIds.length; j++) {
          const e = s.profile.get(commonIds[j]!);
          if (!e) continue;
          if (this.vocab.cognate[commonIds[j]!] === 1) g += commonV[j]! * e.w;
          else w += commonV[j]! * e.w;
        }
        const sim = this.similarity(it, lang, s, w, g);
        const score = sim * this.scale(s);
        if (!bestStory || score > bestScore || (score === bestScore && s.id < bestStory.id)) {
          bestStory = s;
          bestScore = score;
          bestSim = sim;
        }
      }
    }
    if (!bestStory) return undefined;
    return { story: bestStory, score: bestScore, similarity: bestSim };
  }

  /** Cosine of an item with a story centroid; cognate keys count only when the story spans languages. */
  private similarity(it: ItemState, lang: string, s: StoryState, w: number, g: number): number {
    // (langs.size > 1 || !langs.has(lang), without the Map.)
    const cross = s.soleLang !== lang;
    return cross
      ? s.sumsq + s.sumsqCog > 0 ? (w + g) / (it.normAll * Math.sqrt(s.sumsq + s.sumsqCog)) : 0
      : s.sumsq > 0 && it.norm > 0 ? w / (it.norm * Math.sqrt(s.sumsq)) : 0;
  }

  /** Size factor min(n, cap)^decay: capped so a long-running story does not become an ever stronger attractor. */
  private scale(s: StoryState): number {
    if (s.scaleOf !== s.live) {
      s.scaleOf = s.live;
      const decay = this.config.sizeDecay;
      s.scale = decay > 0 ? Math.pow(Math.min(Math.max(s.live, 1), this.config.sizeDecayCap), decay) : 1;
    }
    return s.scale;
  }

  /**
   * Offers one shared feature (its contribution and the story's surface before the item is added) to the
   * explanation: the 8 strongest are kept by insertion into reused scratch arrays (no objects, no sorting).
   */
  private offerExplanation(surface: string, v: number): void {
    const { expSurface, expV } = this;
    const n = this.expN;
    if (n === 8 && v <= expV[7]!) return;
    let i = n < 8 ? n : 7;
    while (i > 0 && expV[i - 1]! < v) {
      expV[i] = expV[i - 1]!;
      expSurface[i] = expSurface[i - 1]!;
      i--;
    }
    expV[i] = v;
    expSurface[i] = surface;
    if (n < 8) this.expN = n + 1;
  }

  /** The shared features that contributed most (collected by attach), as up to 6 distinct readable surfaces. */
  private explanation(): string[] {
    const out: string[] = [];
    const { expSurface } = this;
    next: for (let i = 0; i < this.expN; i++) {
      const surface = expSurface[i]!;
      for (let j = 0; j < out.length; j++) if (sameIgnoringCase(out[j]!, surface)) continue next;
      out.push(surface);
      if (out.length >= 6) break;
    }
    return out;
  }

  private newStory(id: string, time: number): StoryState {
    const forbidden = this.pendingForbids.get(id) ?? new Set<string>();
    // Every field is set here, optional ones included, so all stories share one hidden class (fast scoring).
    const s: StoryState = {
      id, itemIds: new Set(), profile: new Map(), sumsq: 0, sumsqCog: 0, langs: new Map(), slot: this.allocSlot(),
      scale: 1, scaleOf: -1, live: 0, liveQueue: [], liveHead: 0, top: undefined, topSize: 0, firstAt: time, lastAt: time, locked: false, fixedLabel: undefined,
      mergedInto: undefined, forbidden, hasForbidden: forbidden.size > 0, soleLang: undefined, nextMergeCheck: 3, edited: false,
      cache: undefined,
    };
    this.pendingForbids.delete(id);
    this.slotStory[s.slot] = s;
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

  /** Adds an item's features to a story profile and the index. */
  private attach(it: ItemState, s: StoryState, explain = false): void {
    it.storyId = s.id;
    s.itemIds.add(it.id);
    s.cache = undefined;
    this.touched.add(s.id);
    if (it.retired) return; // only its membership moves: its features already left every profile
    s.live++;
    s.liveQueue.push(it);
    s.langs.set(it.lang, (s.langs.get(it.lang) ?? 0) + 1);
    s.soleLang = s.langs.size === 1 ? it.lang : undefined;
    if (it.time > s.lastAt) s.lastAt = it.time;
    if (it.time < s.firstAt) s.firstAt = it.time;
    const { keys, num, entries } = it;
    if (explain) {
      this.expN = 0;
    }
    // An absorbed story (restored as such) is not indexed: its entries pin their ids instead.
    const indexed = !s.mergedInto;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const pos = num[3 * i + 2]!;
      const id = indexed ? this.termAt(it, i) : this.heldAt(it, i);
      let e = s.profile.get(id);
      // The explanation reads the story as it was scored: before this item's features are added.
      const cog = this.vocab.cognate[id] === 1;
      if (explain && e && !cog) this.offerExplanation(e.surface, num[3 * i]! * e.w);
      if (!e) {
        e = { c: 0, w: 0, pos: 0, kind: kindOfKey(key), surface: it.surfaces[i]!, fromTitle: pos <= 1, slot: s.slot, pi: -1, ti: id, key };
        s.profile.set(id, e);
        if (indexed) this.vocab.add(id, e);
        else this.vocab.pin(id);
      } else if (!e.fromTitle && pos <= 1) {
        e.surface = it.surfaces[i]!;
        e.fromTitle = true;
      }
      entries[i] = e;
      const v = num[3 * i]!;
      if (cog) s.sumsqCog += 2 * e.w * v + v * v;
      else s.sumsq += 2 * e.w * v + v * v;
      e.c++;
      e.w += v;
      e.pos += pos;
      if (e.pi >= 0) this.vocab.setWeight(e);
    }
    if (explain) it.matched = this.explanation();
    s.cache = undefined;
    this.touched.add(s.id);
  }

  /** Removes an item's features from its story (the inverse of attach). */
  private detach(it: ItemState): void {
    const s = this.stories.get(it.storyId);
    it.storyId = '';
    if (!s) return;
    s.itemIds.delete(it.id);
    s.cache = undefined;
    this.touched.add(s.id);
    if (!it.retired) this.unprofile(it, s);
  }

  /** Takes an item's features out of a story's profile, centroid norm and index (detach and retirement). */
  private unprofile(it: ItemState, s: StoryState): void {
    s.live--;
    const nl = (s.langs.get(it.lang) ?? 0) - 1;
    if (nl > 0) s.langs.set(it.lang, nl);
    else s.langs.delete(it.lang);
    s.soleLang = s.langs.size === 1 ? (s.langs.keys().next().value as string) : undefined;
    const { keys, num, entries } = it;
    for (let i = 0; i < keys.length; i++) {
      // The entry attach() recorded: it stays in the profile while the item counts in it (c ≥ 1). Otherwise
      // the item's id is the one attach keyed it by (held ids are not reused while the item is attached).
      let e = entries[i];
      if (!e || e.slot !== s.slot || e.c <= 0) e = s.profile.get(it.ids[i]!);
      if (!e) continue;
      entries[i] = undefined;
      const v = num[3 * i]!;
      if (this.vocab.cognate[e.ti] === 1) s.sumsqCog += v * v - 2 * e.w * v;
      else s.sumsq += v * v - 2 * e.w * v;
      e.c--;
      e.w -= v;
      e.pos -= num[3 * i + 2]!;
      if (e.c <= 0) {
        s.profile.delete(e.ti);
        if (e.pi >= 0) this.vocab.remove(e.ti, e);
        else {
          // Looking the term up re-creates a forgotten one, as for any feature leaving a profile.
          this.termAt(it, i);
          this.vocab.unpin(e.ti);
        }
      } else if (e.pi >= 0) this.vocab.setWeight(e);
    }
    s.cache = undefined;
  }

  /**
   * Retires the members of an active story that are older than the window: their features leave the profile
   * (the story is matched on its recent coverage) and their vectors are dropped, so memory follows the
   * window even for a story that stays active for weeks. Membership and ids are kept.
   */
  private retireOld(s: StoryState, horizon: number): void {
    const q = s.liveQueue;
    while (s.liveHead < q.length && s.live > 1) {
      const it = q[s.liveHead]!;
      if (it.storyId === s.id && !it.retired && it.time >= horizon) break;
      s.liveHead++;
      if (it.storyId !== s.id || it.retired) continue; // moved away or already retired: stale queue entry
      this.unprofile(it, s);
      it.retired = true;
      it.keys = NO_STRINGS;
      it.ids = NO_IDS;
      it.entries = NO_ENTRIES;
      it.surfaces = NO_STRINGS;
      it.num = NO_NUM;
    }
    if (s.liveHead > 256 && s.liveHead * 2 > q.length) {
      q.splice(0, s.liveHead);
      s.liveHead = 0;
    }
  }

  /** Moves every item of `from` into `into` and records the merge. */
  private absorb(from: StoryState, into: StoryState, by: 'engine' | 'editor'): void {
    for (const id of [...from.itemIds]) {
      const it = this.items.get(id);
      if (!it) continue;
      this.detach(it);
      if (by === 'editor') it.by = 'editor';
      this.attach(it, into);
    }
    this.unindex(from);
    from.profile.clear();
    from.top = undefined;
    into.top = undefined;
    from.sumsq = 0;
    from.sumsqCog = 0;
    from.langs.clear();
    from.soleLang = undefined;
    from.live = 0;
    from.liveQueue = [];
    from.liveHead = 0;
    for (const id of from.forbidden) into.forbidden.add(id);
    if (from.forbidden.size > 0) into.hasForbidden = true;
    from.mergedInto = into.id;
    from.cache = undefined;
    if (by === 'editor') into.edited = true;
    this.touched.add(from.id);
    this.touched.add(into.id);
  }

  /**
   * Second look at stories that are still a single item some items later: when the item arrived, the story it
   * belongs to may not have existed yet or been too young to recognise it. If it now scores above the join
   * threshold against an established story, the one-item story is absorbed (merge, ids kept, mergedInto set).
   */
  private runRechecks(): void {
    while (this.recheckHead < this.recheck.length && this.recheck[this.recheckHead]!.due <= this.docs) {
      const { storyId } = this.recheck[this.recheckHead++]!;
      const s = this.stories.get(storyId);
      if (!s || s.itemIds.size !== 1 || s.locked || s.edited || s.mergedInto) continue;
      const it = this.items.get(s.itemIds.values().next().value as string);
      if (!it || it.by === 'editor') continue;
      const best = this.bestStory(it, s);
      if (!best || best.score < this.config.threshold || best.story.edited) continue;
      this.absorb(s, best.story, 'engine');
    }
    if (this.recheckHead > 4096) {
      this.recheck.splice(0, this.recheckHead);
      this.recheckHead = 0;
    }
  }

  /**
   * Agglomerative second pass, run when a story reaches geometric sizes (3, 5, 8, 12, …): early items of a
   * broad story often found several small stories before its vocabulary settles; once one of them has
   * grown, similar young stories in the window are merged into the larger one.
   */
  private tryAutoMerge(s: StoryState): void {
    s.nextMergeCheck = nextCheck(s.itemIds.size, this.config.mergeCheckGrowth);
    if (s.locked || s.edited || s.mergedInto) return;
    const window = this.config.windowHours * HOUR;
    const top = this.topFeatures(s, 16);
    // Shared core features counted per story slot in the scoring accumulators (zero between uses): this runs
    // for every story at sizes 3, 6, 12, … and a map per call was a visible cost.
    const { hit, accW: count, hitSlots, slotStory } = this;
    let nHit = 0;
    for (const f of top) {
      // The cached id while it still stands for the key, else the key's current one: vocab.get(key) either way.
      const id = this.vocab.keyOf(f.id) === f.key ? f.id : this.vocab.get(f.key);
      if (id < 0) continue;
      const len = this.vocab.len[id]!;
      if (len > this.config.maxPostings) continue;
      const start = this.vocab.start[id]!;
      for (let j = 0; j < len; j++) {
        const k = this.vocab.pool[2 * (start + j)]! | 0;
        if (hit[k] === 0) {
          hit[k] = 1;
          hitSlots[nHit++] = k;
        }
        count[k]!++;
      }
    }
    const cand: [StoryState, number][] = [];
    for (let h = 0; h < nHit; h++) {
      const k = hitSlots[h]!;
      const t = slotStory[k];
      const hits = count[k]!;
      hit[k] = 0;
      count[k] = 0;
      if (!t || t === s || hits < 2 || t.locked || t.edited || t.mergedInto || Math.abs(t.lastAt - s.lastAt) > window) continue;
      cand.push([t, hits]);
    }
    // Only the candidates sharing the most core features get the full (symmetric) similarity.
    const shortlist = cand.sort((x, y) => y[1] - x[1] || (x[0].id < y[0].id ? -1 : 1)).slice(0, 5);
    let best: { t: StoryState; sim: number } | undefined;
    for (const [t] of shortlist) {
      if (this.anyForbidden(s, t) || this.anyForbidden(t, s)) continue;
      const sim = this.storySimilarity(s, top, t);
      if (!best || sim > best.sim) best = { t, sim };
    }
    if (!best || best.sim < this.config.mergeThreshold) return;
    const [small, large] = best.t.itemIds.size > s.itemIds.size ? [s, best.t] : [best.t, s];
    this.absorb(small, large, 'engine');
  }

  /** The id an unindexed profile keys the item's feature by: its term's, or a placeholder (see Vocabulary.hold). */
  private heldAt(it: ItemState, i: number): number {
    let id = it.ids[i]!;
    const key = it.keys[i]!;
    if (this.vocab.heldKey(id) !== key) it.ids[i] = id = this.vocab.hold(key);
    return id;
  }

  /** The item feature's vocabulary id (interned again if the vocabulary forgot it meanwhile). */
  private termAt(it: ItemState, i: number): number {
    let id = it.ids[i]!;
    const key = it.keys[i]!;
    if (this.vocab.keyOf(id) !== key) it.ids[i] = id = this.vocab.intern(key);
    return id;
  }

  /** Takes all of a story's profile entries out of the index and releases pinned ids (the profile goes next). */
  private unindex(s: StoryState): void {
    for (const e of s.profile.values()) {
      if (e.pi >= 0) this.vocab.remove(e.ti, e);
      else this.vocab.unpin(e.ti); // an absorbed story's entry: not indexed, its id was pinned
    }
  }

  private anyForbidden(a: StoryState, b: StoryState): boolean {
    if (b.forbidden.size === 0) return false;
    for (const id of a.itemIds) if (b.forbidden.has(id)) return true;
    return false;
  }

  /** A story's most characteristic features (share × IDF). */
  private topFeatures(s: StoryState, k: number): TopFeature[] {
    const size = s.itemIds.size;
    // A large story's core vocabulary moves slowly: re-sorting its whole profile on every item would make
    // merge checks cost O(story size); refresh after 10% growth instead.
    if (s.top && (size === s.topSize || (size >= 20 && Math.abs(size - s.topSize) <= s.topSize / 10))) return s.top;
    s.topSize = size;
    const n = s.live + this.config.smoothing;
    // Top k by insertion into a short sorted list: no array of the whole profile, no full sort.
    const top: TopFeature[] = [];
    for (const e of s.profile.values()) {
      const key = e.key;
      // Cognate keys stay out of merges: they are a weak bridge for single items, not evidence between stories.
      // e.w is the members' summed TF-IDF (IDF frozen at arrival): no IDF lookups over big profiles.
      if (this.vocab.cognate[e.ti] === 1) continue;
      const v = e.w / n;
      if (top.length === k && v <= top[k - 1]!.v) continue;
      let i = top.length < k ? top.length : k - 1;
      while (i > 0 && top[i - 1]!.v < v) {
        top[i] = top[i - 1]!;
        i--;
      }
      // (The story is indexed: its entries' term ids are live, what interning the key would return.)
      top[i] = { key, v, e, id: e.ti };
    }
    s.top = top;
    return top;
  }

  /** Weighted overlap of two story profiles over their top features: Σ min(p_s, p_t)·idf / Σ p_s·idf (symmetrized). */
  private storySimilarity(s: StoryState, sTop: TopFeature[], t: StoryState): number {
    const tTop = this.topFeatures(t, 16);
    const ns = s.live + this.config.smoothing;
    const nt = t.live + this.config.smoothing;
    const base = this.docs + this.config.idfPrior;
    let inter = 0;
    let sumS = 0;
    let sumT = 0;
    // The union of the two top lists (16 each: a linear duplicate check beats building a set).
    for (let list = 0; list < 2; list++) {
      const top = list === 0 ? sTop : tTop;
      for (let i = 0; i < top.length; i++) {
        const { key, e } = top[i]!;
        // A cached top feature may be stale: its id is used only while it still stands for the key (both
        // stories are indexed, so their entries for the key are under its live id, if it has one).
        const id = this.vocab.keyOf(top[i]!.id) === key ? top[i]!.id : this.vocab.get(key);
        const df = id >= 0 ? this.vocab.df[id]! : 0;
        const idf = Math.log(base / (df > 0 ? df : 1) + 1);
        if (list === 1 && inTop(sTop, key)) continue;
        // The own side reads its cached entry; an entry that left the profile has c = 0 and is never reused,
        // so only then is the feature looked up again (it may have come back as a new entry). That rare
        // look-up shares the other side's expression, so it has type feedback when it first runs (no deopt).
        const own = e.c > 0 ? e.c : -1;
        const ps = (list === 0 && own >= 0 ? own : id >= 0 ? (s.profile.get(id)?.c ?? 0) : 0) / ns;
        const pt = (list === 1 && own >= 0 ? own : id >= 0 ? (t.profile.get(id)?.c ?? 0) : 0) / nt;
        inter += Math.min(ps, pt) * idf;
        sumS += ps * idf;
        sumT += pt * idf;
      }
    }
    return sumS > 0 && sumT > 0 ? inter / Math.min(sumS, sumT) : 0;
  }

  /** Evicts stories quiet for longer than the window, with their items; their final snapshot is queued. */
  private evictQuiet(): void {
    this.addsSinceEvict = 0;
    const horizon = this.clock - this.config.windowHours * HOUR;
    for (const s of this.stories.values()) {
      if (s.lastAt >= horizon) {
        if (s.liveHead < s.liveQueue.length && s.liveQueue[s.liveHead]!.time < horizon) this.retireOld(s, horizon);
        continue;
      }
      // A merged-away record lives as long as its survivor could still route to it.
      if (s.mergedInto) {
        const sur = this.stories.get(this.resolve(s.id));
        if (sur && sur.lastAt >= horizon) continue;
      }
      if (this.touched.has(s.id)) {
        this.evicted.push(this.snap(s));
        this.touched.delete(s.id);
      }
      this.unindex(s);
      for (const id of s.itemIds) this.items.delete(id);
      this.stories.delete(s.id);
      this.slotStory[s.slot] = undefined;
      this.freeSlots.push(s.slot);
      s.slot = -1;
    }
  }

  private assignmentOf(it: ItemState): Assignment {
    return {
      itemId: it.id,
      storyId: it.storyId ? this.resolve(it.storyId) : '',
      created: it.created,
      score: it.score,
      matched: it.matched,
    };
  }

  private snap(s: StoryState): StorySnapshot {
    const { label, headline, headlineItemId } = this.describe(s);
    const out: StorySnapshot = {
      id: s.id,
      label,
      headline,
      headlineItemId,
      itemIds: [...s.itemIds],
      firstItemAt: new Date(s.firstAt).toISOString(),
      lastItemAt: new Date(s.lastAt).toISOString(),
    };
    if (s.mergedInto) out.mergedInto = s.mergedInto;
    if (s.locked) out.locked = true;
    return out;
  }

  /** Label and representative headline, recomputed lazily (only when a snapshot is asked for). */
  private describe(s: StoryState): { label: string; headline: string; headlineItemId: string } {
    if (s.cache) return s.cache;
    const n = s.live;
    const nn = n + this.config.smoothing;
    // Representative headline: the member title whose features the story shares most (its centre).
    let bestId = '';
    let bestTitle = '';
    let bestScore = -1;
    const ids = [...s.itemIds];
    for (const id of ids.length > 200 ? ids.slice(-200) : ids) {
      const it = this.items.get(id);
      if (!it) continue;
      let num = 0;
      let den = 0;
      const { keys, ids, num: vec } = it;
      for (let i = 0; i < keys.length; i++) {
        if (vec[3 * i + 2]! > 1) continue;
        const key = keys[i]!;
        const a = vec[3 * i + 1]! * this.idfOf(ids[i]!, key);
        den += a;
        // (A member's ids are the ones its story's profile is keyed by.)
        num += (a * (s.profile.get(ids[i]!)?.c ?? 0)) / nn;
      }
      // Slight preference for headlines of ordinary length: very short ones say little.
      const score = den > 0 ? (num / den) * Math.min(1, it.keys.length / 6) : 0;
      if (score > bestScore) {
        bestScore = score;
        bestId = id;
        bestTitle = it.title;
      }
    }
    const label = s.fixedLabel ?? storyLabel(s.profile, n, (e) => this.idfOf(e.ti, e.key), bestTitle.split(/\s+/u).slice(0, 4).join(' '));
    s.cache = { label, headline: bestTitle, headlineItemId: bestId };
    return s.cache;
  }
}

/**
 * a.toLowerCase() === b.toLowerCase(), without building the lower-case strings when both are Latin-1 (as
 * nearly all English and French surfaces are). Below U+0100 toLowerCase maps each character to one character
 * (A–Z and À–Þ except × gain 32, the rest stay), so up to the first character beyond Latin-1 a difference is
 * final; anything else is left to toLowerCase.
 */
function sameIgnoringCase(a: string, b: string): boolean {
  const n = a.length;
  if (n === b.length) {
    let k = 0;
    for (; k < n; k++) {
      const x = a.charCodeAt(k);
      const y = b.charCodeAt(k);
      if (x >= 256 || y >= 256) break;
      if (LATIN1_LOWER[x] !== LATIN1_LOWER[y]) return false;
    }
    if (k === n) return true;
  } else if (isLatin1(a) && isLatin1(b)) return false;
  return a.toLowerCase() === b.toLowerCase();
}

/** toLowerCase of each Latin-1 character (all stay within Latin-1). */
const LATIN1_LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LATIN1_LOWER[c] = (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 32 : c;

function isLatin1(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) >= 256) return false;
  return true;
}

function inTop(top: TopFeature[], key: string): boolean {
  for (let i = 0; i < top.length; i++) if (top[i]!.key === key) return true;
  return false;
}

/** Next size at which a story is checked for automatic merging: geometric, so O(log n) checks per story. */
function nextCheck(size: number, growth: number): number {
  return Math.max(3, Math.ceil(size * growth));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Story-id hash, re-exported for callers of the engine; lib/ids.ts is its one definition. */
export { hash48 };
