// Reference model of the grouping engine (lib/group/engine.ts): the same decisions, computed plainly with Maps and arrays.
import type { Assignment, GroupInput, GroupingConfig, RestoreStory, StorySnapshot } from '../../lib/group/engine.ts';
import { DEFAULT_GROUPING_CONFIG } from '../../lib/group/engine.ts';
import { pairEvidence } from '../../lib/group/evidence.ts';
import type { MergeSuggestion } from '../../lib/group/suggestions.ts';
import { storyLabel, type LabelEntry } from '../../lib/group/label.ts';
import { hash48 } from '../../lib/ids.ts';
import { decayLexicon, referenceAnalysis, type Lexicon, type ReferenceFeature } from './reference-features.ts';

/*
 * Slow on purpose: no term objects, no postings, no slots, no caches. Every quantity is looked up by its feature
 * key, candidate stories are found by scanning all stories, and "postings" are counted, not kept. Scores are
 * summed in the same order as the engine sums them (item features in order; a story's feature weights and
 * squared norms updated as members come and go), so property tests can ask for exact equality.
 */

const HOUR = 3_600_000;
const SWEEP_EVERY = 256;
const TOP_FEATURES = 16;
const MERGE_SHORTLIST = 5;

interface RefItem {
  id: string;
  title: string;
  time: number;
  lang: string;
  /** Features with their TF-IDF value frozen at arrival (`v`); emptied when the item retires. */
  features: (ReferenceFeature & { v: number })[];
  /** Norms of the vector within one language (stems, names, countries, numbers) and across languages (names, countries, numbers, translations, skeletons, cognates). */
  norm: number;
  normN: number;
  storyId: string;
  score: number;
  matched: string[];
  created: boolean;
  by: 'engine' | 'editor';
  retired: boolean;
}

interface RefEntry {
  key: string;
  /** Live members holding the feature, and the sums of their TF-IDF values and title positions. */
  c: number;
  w: number;
  pos: number;
  surface: string;
  fromTitle: boolean;
}

interface RefStory {
  id: string;
  members: Set<string>;
  profile: Map<string, RefEntry>;
  /** Squared norms of the summed live vectors within one language and across languages (updated per member). */
  sumsq: number;
  sumsqN: number;
  firstAt: number;
  lastAt: number;
  locked: boolean;
  label?: string;
  mergedInto?: string;
  forbidden: Set<string>;
  /** Stories an editor keeps apart from this one. */
  apart: Set<string>;
  nextMergeCheck: number;
  edited: boolean;
}

interface Scored {
  story: RefStory;
  /** Similarity × size factor over the threshold of the space compared in (joins at ≥ 1). */
  score: number;
  similarity: number;
  /** Dot products over stems, over names/countries/numbers, and over translations/skeletons/cognates. */
  dots: [number, number, number];
  cross: boolean;
}

interface Evidence {
  anchors: number;
  countries: number;
  terms: number;
}

/** 0: counts within one language (stems); 1: everywhere (names, countries, numbers); 2: only across languages. */
const spaceOf = (key: string): 0 | 1 | 2 => ('@^#'.includes(key.charAt(0)) ? 1 : '=&~'.includes(key.charAt(0)) ? 2 : 0);
const isTranslation = (key: string): boolean => key.startsWith('=') || key.startsWith('&');
const isEvent = (key: string): boolean => !'@^#&'.includes(key.charAt(0));
/** `name`: the pivot term's word is also held as a name (`=x` beside `@x`) on one side: it counts as an anchor. */
const countEvidence = (e: Evidence, key: string, name = false): void => {
  const c = key.charAt(0);
  if ('@&#'.includes(c) || (c === '=' && name)) e.anchors++;
  else if (c === '^') e.countries++;
  else if (c === '=' || c === '~') e.terms++;
};
/** Enough to be one event across languages: a term, and an anchor or (a country and a second term). */
const enough = (e: Evidence): boolean => e.terms >= 1 && (e.anchors >= 1 || (e.countries >= 1 && e.terms >= 2));
const MAX_NEAR_MISSES = 1000;
const kindOf = (key: string): LabelEntry['kind'] =>
  key.startsWith('@') ? 'entity' : key.startsWith('^') ? 'country' : key.startsWith('#') ? 'number' : 'term';
const round = (x: number): number => Math.round(x * 1000) / 1000;
const byScore = (a: Scored, b: Scored): number => b.score - a.score || (a.story.id < b.story.id ? -1 : 1);

/** The grouping engine's behaviour, restated plainly: same API, same results. */
export class ReferenceGrouper {
  readonly config: GroupingConfig;
  /** How often each rule fired, so tests can check that a stream exercised it. */
  readonly events = {
    decays: 0, forgottenTerms: 0, forgottenWords: 0, retired: 0, evicted: 0, candidateCuts: 0, autoMerges: 0, recheckMerges: 0, pairMerges: 0, suggested: 0,
  };
  private docs = 0;
  /** Items counted in the document frequencies (rechecks are due by this count). */
  private counted = 0;
  private sinceDecay = 0;
  private sinceSweep = 0;
  private clock = 0;
  /** Document frequency per feature key; a key absent counts as 0. */
  private readonly df = new Map<string, number>();
  private readonly lexicon: Lexicon = new Map();
  private readonly stories = new Map<string, RefStory>();
  private readonly items = new Map<string, RefItem>();
  private readonly touched = new Set<string>();
  private readonly evicted: StorySnapshot[] = [];
  private readonly pendingForbids = new Map<string, Set<string>>();
  private readonly pendingApart = new Map<string, Set<string>>();
  /** Pairs scored near a merge, by "a b" key, oldest first. */
  private readonly nearMisses = new Map<string, [string, string]>();
  private readonly rechecks: { storyId: string; due: number }[] = [];

  constructor(config?: Partial<GroupingConfig>) {
    this.config = { ...DEFAULT_GROUPING_CONFIG, ...config };
  }

  add(input: GroupInput): Assignment {
    const known = this.items.get(input.id);
    if (known) return this.assignmentOf(known);
    const time = this.timeOf(input.publishedAt);
    this.clock = Math.max(this.clock, time);
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep();
    const it = this.arrive(input, time);
    const { best, other } = this.bestStory(it);
    let story: RefStory;
    if (best) {
      story = best.story;
      it.score = round(best.similarity);
    } else {
      story = this.newStory(this.freshId(it.id), time);
      it.created = true;
    }
    this.items.set(it.id, it);
    this.attach(it, story, best);
    const near = other !== undefined && other.score >= this.config.suggestRatio;
    if (near) this.noteNearMiss(story, other.story);
    if (this.config.autoMerge) {
      if (near && other.cross) this.tryPair(story, other.story);
      if (story.members.size >= story.nextMergeCheck) this.tryMerge(story);
      if (it.created) this.rechecks.push({ storyId: story.id, due: this.counted + this.config.recheckAfter });
      this.runRechecks();
    }
    this.maybeDecay();
    return this.assignmentOf(it);
  }

  restore(stories: RestoreStory[]): void {
    for (const rs of stories) {
      if (this.stories.has(rs.id)) throw new Error(`story ${rs.id} already exists`);
      const inputs = [...rs.items].sort((a, b) => this.timeOf(a.publishedAt) - this.timeOf(b.publishedAt));
      const story = this.newStory(rs.id, inputs.length ? this.timeOf(inputs[0]!.publishedAt) : this.clock);
      story.locked = rs.locked === true;
      if (rs.label) story.label = rs.label;
      if (rs.mergedInto) story.mergedInto = rs.mergedInto;
      for (const id of rs.forbiddenItemIds ?? []) story.forbidden.add(id);
      for (const id of rs.keptApart ?? []) this.keepApart(rs.id, id);
      for (const input of inputs) {
        if (this.items.has(input.id)) continue;
        const time = this.timeOf(input.publishedAt);
        this.clock = Math.max(this.clock, time);
        const it = this.arrive(input, time);
        this.items.set(it.id, it);
        this.attach(it, story);
        this.maybeDecay();
      }
      story.nextMergeCheck = Math.max(3, Math.ceil(story.members.size * this.config.mergeCheckGrowth));
      this.touched.delete(story.id);
    }
    this.sweep();
  }

  snapshot(storyId: string): StorySnapshot | undefined {
    const s = this.stories.get(storyId);
    return s ? this.snap(s) : undefined;
  }

  drainTouched(): StorySnapshot[] {
    const out = this.evicted.splice(0);
    for (const id of this.touched) {
      const s = this.stories.get(id);
      if (s) out.push(this.snap(s));
    }
    this.touched.clear();
    return out;
  }

  storyOf(itemId: string): string | undefined {
    return this.items.get(itemId)?.storyId || undefined;
  }

  resolve(storyId: string): string {
    let id = storyId;
    for (let i = 0; i < 64; i++) {
      const next = this.stories.get(id)?.mergedInto;
      if (!next) return id;
      id = next;
    }
    return id;
  }

  assignment(itemId: string): Assignment | undefined {
    const it = this.items.get(itemId);
    return it ? this.assignmentOf(it) : undefined;
  }

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

  mergeStories(fromId: string, intoId: string): void {
    const from = this.stories.get(this.resolve(fromId));
    const into = this.stories.get(this.resolve(intoId));
    if (!from || !into) throw new Error(`unknown story ${!from ? fromId : intoId}`);
    if (from !== into) this.absorb(from, into, 'editor');
  }

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

  keepApart(a: string, b: string): void {
    const x = this.resolve(a);
    const y = this.resolve(b);
    if (x === y) return;
    for (const [p, q] of [[x, y], [y, x]] as const) {
      const s = this.stories.get(p);
      if (s) s.apart.add(q);
      else {
        if (!this.pendingApart.has(p)) this.pendingApart.set(p, new Set());
        this.pendingApart.get(p)!.add(q);
      }
    }
  }

  /** Near-miss pairs still active, unmerged, not kept apart nor forbidden, scored now at ≥ suggestRatio of their threshold. */
  suggestions(): MergeSuggestion[] {
    const out = new Map<string, MergeSuggestion>();
    const at = new Date(this.clock).toISOString();
    for (const [x, y] of this.nearMisses.values()) {
      const s = this.stories.get(this.resolve(x));
      const t = this.stories.get(this.resolve(y));
      if (!s || !t || s === t || s.mergedInto || t.mergedInto || this.live(s).length === 0 || this.live(t).length === 0) continue;
      const [sa, sb] = s.id < t.id ? [s, t] : [t, s];
      const key = `${sa.id} ${sb.id}`;
      if (out.has(key) || this.keptApart(s, t) || this.anyForbidden(s, t) || this.anyForbidden(t, s)) continue;
      const cross = !this.sharesLanguage(sa, sb);
      const pair = this.pairScore(sa, sb, cross);
      if (pair.rel < this.config.suggestRatio) continue;
      out.set(key, {
        a: sa.id, b: sb.id, score: round(pair.similarity), threshold: cross ? this.config.crossMergeThreshold : this.config.mergeThreshold,
        crossLingual: cross, languages: { a: this.langs(sa), b: this.langs(sb) }, evidence: pairEvidence(pair.shared), at,
      });
    }
    this.events.suggested += out.size;
    return [...out.values()].sort((x, y) => y.score / y.threshold - x.score / x.threshold || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
  }

  setLocked(storyId: string, locked: boolean): void {
    const s = this.stories.get(this.resolve(storyId));
    if (!s) throw new Error(`unknown story ${storyId}`);
    s.locked = locked;
    this.touched.add(s.id);
  }

  forbid(itemId: string, storyId: string): void {
    const s = this.stories.get(this.resolve(storyId));
    if (s) s.forbidden.add(itemId);
    else {
      if (!this.pendingForbids.has(storyId)) this.pendingForbids.set(storyId, new Set());
      this.pendingForbids.get(storyId)!.add(itemId);
    }
  }

  setLabel(storyId: string, label: string | undefined): void {
    const s = this.stories.get(this.resolve(storyId));
    if (!s) throw new Error(`unknown story ${storyId}`);
    s.label = label;
    this.touched.add(s.id);
  }

  stats(): { stories: number; items: number; liveItems: number; features: number; vocabulary: number; clock: string } {
    const features = new Set<string>();
    for (const s of this.indexed()) for (const key of s.profile.keys()) features.add(key);
    let liveItems = 0;
    for (const s of this.stories.values()) liveItems += this.live(s).length;
    return {
      stories: this.stories.size, items: this.items.size, liveItems, features: features.size, vocabulary: this.df.size,
      clock: new Date(this.clock).toISOString(),
    };
  }

  // ---------------------------------------------------------------------------------------------------------

  private timeOf(iso: string | undefined): number {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isFinite(t) ? t : this.clock;
  }

  /** Stories whose features retrieve candidates: those in memory that were not absorbed. */
  private indexed(): RefStory[] {
    return [...this.stories.values()].filter((s) => !s.mergedInto);
  }

  /** Stories in the index holding a feature (the engine's postings of the key). */
  private holders(key: string): RefStory[] {
    return this.indexed().filter((s) => s.profile.has(key));
  }

  /** Members whose vectors still count in the story (not retired), in joining order. */
  private live(s: RefStory): RefItem[] {
    return [...s.members].map((id) => this.items.get(id)!).filter((it) => !it.retired);
  }

  private idf(key: string): number {
    const df = this.df.get(key) ?? 0;
    return Math.log(1 + (this.docs + this.config.idfPrior) / (df > 0 ? df : 1));
  }

  /** A new item: analysed, counted in the document frequencies, its TF-IDF vector frozen with the IDF of that moment. */
  private arrive(input: GroupInput, time: number): RefItem {
    const c = this.config;
    const { lang, features } = referenceAnalysis(input, { ...c }, this.lexicon);
    this.docs++;
    this.counted++;
    let sumsq = 0;
    let sumsqN = 0;
    const vector = features.map((f) => {
      const df = (this.df.get(f.key) ?? 0) + 1;
      this.df.set(f.key, df);
      const v = f.weight * Math.log(1 + (this.docs + c.idfPrior) / df);
      if (spaceOf(f.key) !== 2) sumsq += v * v;
      if (spaceOf(f.key) !== 0) sumsqN += v * v;
      return { ...f, v };
    });
    return {
      id: input.id, title: input.title, time, lang, features: vector, norm: Math.sqrt(sumsq), normN: Math.sqrt(sumsqN),
      storyId: '', score: 0, matched: [], created: false, by: 'engine', retired: false,
    };
  }

  /**
   * Every idfHalfLife items, once the item is placed: the document count and frequencies are halved; features
   * that were in fewer than 1.5 documents and are in no story's profile are forgotten, and so is the name
   * evidence of words with almost none.
   */
  private maybeDecay(): void {
    if (++this.sinceDecay < this.config.idfHalfLife) return;
    this.sinceDecay = 0;
    this.events.decays++;
    this.docs /= 2;
    for (const [key, df] of this.df) {
      if (df < 1.5 && ![...this.stories.values()].some((s) => s.profile.has(key))) {
        this.df.delete(key);
        this.events.forgottenTerms++;
      } else this.df.set(key, df / 2);
    }
    const words = this.lexicon.size;
    decayLexicon(this.lexicon);
    this.events.forgottenWords += words - this.lexicon.size;
  }

  /** The only language of the story's live members, if there is exactly one. */
  private soleLang(s: RefStory): string | undefined {
    const langs = new Set(this.live(s).map((it) => it.lang));
    return langs.size === 1 ? [...langs][0] : undefined;
  }

  /** Languages of the story's live members, sorted. */
  private langs(s: RefStory): string[] {
    return [...new Set(this.live(s).map((it) => it.lang))].sort();
  }

  private sharesLanguage(s: RefStory, t: RefStory): boolean {
    const other = this.langs(t);
    return this.langs(s).some((l) => other.includes(l));
  }

  /**
   * Cosine of an item with a story's summed vector: within one language (the story's live members all in the
   * item's) over stems, names, countries and numbers; else over names, countries, numbers, translations,
   * skeletons and cognates.
   */
  private similarity(it: RefItem, s: RefStory, [w0, w1, w2]: [number, number, number]): number {
    if (this.soleLang(s) !== it.lang) return s.sumsqN > 0 && it.normN > 0 ? (w1 + w2) / (it.normN * Math.sqrt(s.sumsqN)) : 0;
    return s.sumsq > 0 && it.norm > 0 ? (w0 + w1) / (it.norm * Math.sqrt(s.sumsq)) : 0;
  }

  /** min(live size, cap)^sizeDecay: one threshold for one-item and hundred-item stories. */
  private sizeFactor(s: RefStory): number {
    const { sizeDecay, sizeDecayCap } = this.config;
    return sizeDecay > 0 ? Math.pow(Math.min(Math.max(this.live(s).length, 1), sizeDecayCap), sizeDecay) : 1;
  }

  /** Adds the products of the given item features with the story's weights to the dots of their spaces, in order. */
  private dot(s: RefStory, features: RefItem['features'], dots: [number, number, number]): [number, number, number] {
    const out: [number, number, number] = [...dots];
    for (const f of features) {
      const e = s.profile.get(f.key);
      if (e) out[spaceOf(f.key)] += f.v * e.w;
    }
    return out;
  }

  private scored(it: RefItem, s: RefStory, dots: [number, number, number]): Scored {
    const similarity = this.similarity(it, s, dots);
    const cross = this.soleLang(s) !== it.lang;
    return { story: s, similarity, score: (similarity * this.sizeFactor(s)) / (cross ? this.config.crossThreshold : this.config.threshold), dots, cross };
  }

  /** An item may join a story with a member in its language on its score; else only with evidence of one event. */
  private mayJoin(it: RefItem, s: RefStory): boolean {
    if (this.langs(s).includes(it.lang)) return true;
    const e: Evidence = { anchors: 0, countries: 0, terms: 0 };
    const named = (key: string): boolean => key.startsWith('=') && (it.features.some((f) => f.key === '@' + key.slice(1)) || s.profile.has('@' + key.slice(1)));
    for (const f of it.features) if (spaceOf(f.key) !== 0 && s.profile.has(f.key)) countEvidence(e, f.key, named(f.key));
    return enough(e);
  }

  /**
   * The best story an item may join (score ≥ 1, may join), and the best-scored other candidate. Features held
   * by at most maxPostings stories in the index ("rare") retrieve the candidates; when the item also has more
   * common features, candidates are ranked by the score of their rare features alone and only the best
   * candidateLimit (ties: smaller id) are scored in full.
   */
  private bestStory(it: RefItem, exclude?: RefStory): { best?: Scored; other?: Scored } {
    if (it.norm <= 0 && it.normN <= 0) return {};
    const window = this.config.windowHours * HOUR;
    const held = new Map(it.features.map((f) => [f.key, this.holders(f.key).length]));
    const rare = it.features.filter((f) => held.get(f.key)! > 0 && held.get(f.key)! <= this.config.maxPostings);
    const common = it.features.filter((f) => held.get(f.key)! > this.config.maxPostings);
    const eligible = this.indexed().filter(
      (s) =>
        rare.some((f) => s.profile.has(f.key)) &&
        s !== exclude &&
        !s.locked &&
        !s.forbidden.has(it.id) &&
        !(exclude && this.keptApart(exclude, s)) &&
        (Math.abs(it.time - s.lastAt) <= window || (it.time < s.lastAt && it.time >= s.firstAt)),
    );
    let scored = eligible.map((s) => this.scored(it, s, this.dot(s, rare, [0, 0, 0])));
    if (common.length > 0) {
      if (scored.length > this.config.candidateLimit) this.events.candidateCuts++;
      scored = scored
        .sort(byScore)
        .slice(0, this.config.candidateLimit)
        .map((p) => this.scored(it, p.story, this.dot(p.story, common, p.dots)));
    }
    scored.sort(byScore);
    const best = scored.find((c) => c.score >= 1 && this.mayJoin(it, c.story));
    return { best, other: scored.find((c) => c !== best) };
  }

  private newStory(id: string, time: number): RefStory {
    const s: RefStory = {
      id, members: new Set(), profile: new Map(), sumsq: 0, sumsqN: 0, firstAt: time, lastAt: time, locked: false,
      forbidden: this.pendingForbids.get(id) ?? new Set(), apart: this.pendingApart.get(id) ?? new Set(), nextMergeCheck: 3, edited: false,
    };
    this.pendingForbids.delete(id);
    this.pendingApart.delete(id);
    this.stories.set(id, s);
    this.touched.add(id);
    return s;
  }

  private freshId(itemId: string): string {
    for (let salt = 0; ; salt++) {
      const id = 's_' + hash48(salt ? `${itemId}#${salt}` : itemId);
      if (!this.stories.has(id)) return id;
    }
  }

  /**
   * An item joins a story: its features are added to the profile. A joining item's explanation is the shared
   * features of the space it was compared in with the largest contributions (its value × the story's weight
   * before it joined).
   */
  private attach(it: RefItem, s: RefStory, explain?: Scored): void {
    it.storyId = s.id;
    s.members.add(it.id);
    this.touched.add(s.id);
    if (it.retired) return;
    s.lastAt = Math.max(s.lastAt, it.time);
    s.firstAt = Math.min(s.firstAt, it.time);
    const shared: { surface: string; v: number }[] = [];
    for (const f of it.features) {
      let e = s.profile.get(f.key);
      if (explain && e && spaceOf(f.key) !== (explain.cross ? 0 : 2)) shared.push({ surface: e.surface, v: f.v * e.w });
      if (!e) s.profile.set(f.key, (e = { key: f.key, c: 0, w: 0, pos: 0, surface: f.surface, fromTitle: f.pos <= 1 }));
      else if (!e.fromTitle && f.pos <= 1) {
        e.surface = f.surface;
        e.fromTitle = true;
      }
      if (spaceOf(f.key) !== 2) s.sumsq += 2 * e.w * f.v + f.v * f.v;
      if (spaceOf(f.key) !== 0) s.sumsqN += 2 * e.w * f.v + f.v * f.v;
      e.c++;
      e.w += f.v;
      e.pos += f.pos;
    }
    if (explain) {
      const words: string[] = [];
      for (const { surface } of shared.sort((a, b) => b.v - a.v).slice(0, 8)) {
        if (words.length < 6 && !words.some((w) => w.toLowerCase() === surface.toLowerCase())) words.push(surface);
      }
      it.matched = words;
    }
  }

  private detach(it: RefItem): void {
    const s = this.stories.get(it.storyId);
    it.storyId = '';
    if (!s) return;
    s.members.delete(it.id);
    this.touched.add(s.id);
    if (!it.retired) this.unprofile(it, s);
  }

  /** Takes an item's features out of a story's profile (the inverse of attach). */
  private unprofile(it: RefItem, s: RefStory): void {
    for (const f of it.features) {
      const e = s.profile.get(f.key);
      if (!e) continue;
      if (spaceOf(f.key) !== 2) s.sumsq += f.v * f.v - 2 * e.w * f.v;
      if (spaceOf(f.key) !== 0) s.sumsqN += f.v * f.v - 2 * e.w * f.v;
      e.c--;
      e.w -= f.v;
      e.pos -= f.pos;
      if (e.c <= 0) s.profile.delete(f.key);
    }
  }

  /**
   * Retirement: live members older than the horizon leave the profile, oldest first (ties in joining order), as
   * long as another live member remains; membership is kept, the vector dropped.
   */
  private retire(s: RefStory, horizon: number): void {
    const old = this.live(s).filter((it) => it.time < horizon).sort((a, b) => a.time - b.time);
    for (const it of old) {
      if (this.live(s).length <= 1) break;
      this.unprofile(it, s);
      it.retired = true;
      it.features = [];
      this.events.retired++;
    }
  }

  /**
   * Every 256 added items (and after a restore): stories whose newest item is older than the window leave
   * memory with their items (a changed one hands out its final snapshot); an absorbed story stays as long as
   * its survivor is active. Active stories retire their old members.
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
      for (const id of s.members) this.items.delete(id);
      this.stories.delete(s.id);
      this.events.evicted++;
    }
    for (const [key, [x, y]] of this.nearMisses) {
      if (!this.stories.has(this.resolve(x)) || !this.stories.has(this.resolve(y))) this.nearMisses.delete(key);
    }
  }

  private absorb(from: RefStory, into: RefStory, by: 'engine' | 'editor'): void {
    for (const id of [...from.members]) {
      const it = this.items.get(id);
      if (!it) continue;
      this.detach(it);
      if (by === 'editor') it.by = 'editor';
      this.attach(it, into);
    }
    from.profile.clear();
    from.sumsq = 0;
    from.sumsqN = 0;
    for (const id of from.forbidden) into.forbidden.add(id);
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

  /** One-item stories, recheckAfter items later, join the best other story if it now passes the bar. */
  private runRechecks(): void {
    while (this.rechecks.length > 0 && this.rechecks[0]!.due <= this.counted) {
      const { storyId } = this.rechecks.shift()!;
      const s = this.stories.get(storyId);
      if (!s || s.members.size !== 1 || s.locked || s.edited || s.mergedInto) continue;
      const it = this.items.get([...s.members][0]!);
      if (!it || it.by === 'editor') continue;
      const { best } = this.bestStory(it, s);
      if (!best || best.story.edited) continue;
      this.absorb(s, best.story, 'engine');
      this.events.recheckMerges++;
    }
  }

  /**
   * A story's 16 most characteristic features (summed TF-IDF per live member, ties in profile order): within its
   * languages (no translations, skeletons or cognates) or, `neutral`, across languages (no stems).
   */
  private topFeatures(s: RefStory, neutral: boolean): string[] {
    const n = this.live(s).length + this.config.smoothing;
    const skip = neutral ? 0 : 2;
    const ranked = [...s.profile.values()].filter((e) => spaceOf(e.key) !== skip).map((e) => ({ key: e.key, v: e.w / n }));
    return ranked.sort((a, b) => b.v - a.v).slice(0, TOP_FEATURES).map((r) => r.key);
  }

  /** Overlap of two stories on some features: Σ min(share_s, share_t)·idf / min(Σ share_s·idf, Σ share_t·idf). */
  private overlap(s: RefStory, t: RefStory, keys: string[]): number {
    const ns = this.live(s).length + this.config.smoothing;
    const nt = this.live(t).length + this.config.smoothing;
    let inter = 0;
    let sumS = 0;
    let sumT = 0;
    for (const key of keys) {
      const idf = this.idf(key);
      const ps = (s.profile.get(key)?.c ?? 0) / ns;
      const pt = (t.profile.get(key)?.c ?? 0) / nt;
      inter += Math.min(ps, pt) * idf;
      sumS += ps * idf;
      sumT += pt * idf;
    }
    return sumS > 0 && sumT > 0 ? inter / Math.min(sumS, sumT) : 0;
  }

  /**
   * A pair scored as the second pass scores it: the overlap of the union of their top features (of the space),
   * relative to the merge threshold of the space; the same over the event words alone (stems, translations,
   * cognates; a stem written with a capital in either story is a name's); the evidence across languages and
   * the shared features.
   */
  private pairScore(s: RefStory, t: RefStory, cross: boolean) {
    const sTop = this.topFeatures(s, cross);
    const union = [...sTop, ...this.topFeatures(t, cross).filter((k) => !sTop.includes(k))];
    const threshold = cross ? this.config.crossMergeThreshold : this.config.mergeThreshold;
    const capital = (x: RefStory, key: string): boolean => /^\p{Lu}/u.test(x.profile.get(key)?.surface ?? '');
    const events = union.filter((key) => isEvent(key) && !capital(s, key) && !capital(t, key));
    const evidence: Evidence = { anchors: 0, countries: 0, terms: 0 };
    const shared: { key: string; a: string; b: string }[] = [];
    for (const key of union) {
      const a = s.profile.get(key);
      const b = t.profile.get(key);
      if (!a || !b) continue;
      if (spaceOf(key) !== 0) countEvidence(evidence, key, key.startsWith('=') && (s.profile.has('@' + key.slice(1)) || t.profile.has('@' + key.slice(1))));
      shared.push({ key, a: a.surface, b: b.surface });
    }
    const similarity = this.overlap(s, t, union);
    return { similarity, rel: similarity / threshold, event: this.overlap(s, t, events) / threshold, evidence, shared };
  }

  /** Merged automatically: overlap ≥ threshold, event overlap ≥ eventShare of it, and across languages enough evidence. */
  private mergeable(pair: ReturnType<ReferenceGrouper['pairScore']>, cross: boolean): boolean {
    return pair.rel >= 1 && pair.event >= this.config.eventShare && (!cross || enough(pair.evidence));
  }

  /**
   * The second pass, when a story reaches its next check size: stories in the window sharing at least two of its
   * top features (counting only features held by at most maxPostings stories) are short-listed (most shared
   * first, then by id, five at most), those with a language in common by the top features within languages,
   * the others by the language-neutral ones; the best mergeable one relative to its threshold is merged, the
   * smaller story going into the larger (into the checked story on a tie). Locked and edited stories stay out,
   * and pairs kept apart. Pairs at ≥ suggestRatio are noted as near misses.
   */
  private tryMerge(s: RefStory): void {
    s.nextMergeCheck = Math.max(3, Math.ceil(s.members.size * this.config.mergeCheckGrowth));
    if (s.locked || s.edited || s.mergedInto) return;
    const window = this.config.windowHours * HOUR;
    const shortlist = (top: string[], sameLanguage: boolean): RefStory[] => {
      const shared = new Map<RefStory, number>();
      for (const key of top) {
        const holders = this.holders(key);
        if (holders.length > this.config.maxPostings) continue;
        for (const t of holders) shared.set(t, (shared.get(t) ?? 0) + 1);
      }
      return [...shared]
        .filter(
          ([t, n]) =>
            t !== s && n >= 2 && !t.locked && !t.edited && !t.mergedInto && Math.abs(t.lastAt - s.lastAt) <= window &&
            this.sharesLanguage(s, t) === sameLanguage,
        )
        .sort((x, y) => y[1] - x[1] || (x[0].id < y[0].id ? -1 : 1))
        .slice(0, MERGE_SHORTLIST)
        .map(([t]) => t);
    };
    const lists = [
      [shortlist(this.topFeatures(s, false), true), false],
      [shortlist(this.topFeatures(s, true), false), true],
    ] as const;
    let best: { t: RefStory; rel: number } | undefined;
    for (const [list, cross] of lists) {
      for (const t of list) {
        if (this.anyForbidden(s, t) || this.anyForbidden(t, s) || this.keptApart(s, t)) continue;
        const pair = this.pairScore(s, t, cross);
        if (pair.rel >= this.config.suggestRatio) this.noteNearMiss(s, t);
        if (!this.mergeable(pair, cross)) continue;
        if (!best || pair.rel > best.rel) best = { t, rel: pair.rel };
      }
    }
    if (!best) return;
    this.events.autoMerges++;
    if (best.t.members.size > s.members.size) this.absorb(s, best.t, 'engine');
    else this.absorb(best.t, s, 'engine');
  }

  /**
   * The story of a new item and a story the item nearly joined across languages are merged when the pair is
   * mergeable, the smaller into the larger (into t on a tie); never locked or edited ones, nor pairs kept apart.
   */
  private tryPair(s: RefStory, t: RefStory): void {
    if (s === t || s.locked || s.edited || s.mergedInto || t.locked || t.edited || t.mergedInto) return;
    if (this.anyForbidden(s, t) || this.anyForbidden(t, s) || this.keptApart(s, t)) return;
    if (Math.abs(t.lastAt - s.lastAt) > this.config.windowHours * HOUR) return;
    const cross = !this.sharesLanguage(s, t);
    if (!this.mergeable(this.pairScore(s, t, cross), cross)) return;
    this.events.pairMerges++;
    if (s.members.size > t.members.size) this.absorb(t, s, 'engine');
    else this.absorb(s, t, 'engine');
  }

  private keptApart(s: RefStory, t: RefStory): boolean {
    return s.apart.has(t.id) || t.apart.has(s.id);
  }

  /** Notes a pair scored near a merge (most recent last, the oldest dropped beyond MAX_NEAR_MISSES). */
  private noteNearMiss(s: RefStory, t: RefStory): void {
    if (s === t) return;
    const [a, b] = s.id < t.id ? [s.id, t.id] : [t.id, s.id];
    this.nearMisses.delete(`${a} ${b}`);
    this.nearMisses.set(`${a} ${b}`, [a, b]);
    if (this.nearMisses.size > MAX_NEAR_MISSES) this.nearMisses.delete(this.nearMisses.keys().next().value!);
  }

  private anyForbidden(a: RefStory, b: RefStory): boolean {
    return [...a.members].some((id) => b.forbidden.has(id));
  }

  private assignmentOf(it: RefItem): Assignment {
    return { itemId: it.id, storyId: it.storyId ? this.resolve(it.storyId) : '', created: it.created, score: it.score, matched: it.matched };
  }

  private snap(s: RefStory): StorySnapshot {
    const d = this.describe(s);
    const out: StorySnapshot = {
      id: s.id, label: d.label, headline: d.headline, headlineItemId: d.headlineItemId, itemIds: [...s.members],
      firstItemAt: new Date(s.firstAt).toISOString(), lastItemAt: new Date(s.lastAt).toISOString(),
    };
    if (s.mergedInto) out.mergedInto = s.mergedInto;
    if (s.locked) out.locked = true;
    if (s.apart.size > 0) out.keptApart = [...s.apart].sort();
    return out;
  }

  /**
   * Headline: among the last 200 members, the title whose words the story shares most (IDF-weighted share of
   * members holding each title feature, less for titles under 6 features). Label: the editor's, else storyLabel.
   */
  private describe(s: RefStory): { label: string; headline: string; headlineItemId: string } {
    const n = this.live(s).length;
    let best = { score: -1, id: '', title: '' };
    for (const id of [...s.members].slice(-200)) {
      const it = this.items.get(id)!;
      let num = 0;
      let den = 0;
      for (const f of it.features) {
        // Translations are not words the members wrote: headlines and labels are made of those.
        if (f.pos > 1 || isTranslation(f.key)) continue;
        const a = f.weight * this.idf(f.key);
        den += a;
        num += (a * (s.profile.get(f.key)?.c ?? 0)) / (n + this.config.smoothing);
      }
      const score = den > 0 ? (num / den) * Math.min(1, it.features.length / 6) : 0;
      if (score > best.score) best = { score, id, title: it.title };
    }
    const entries = [...s.profile.values()].filter((e) => !isTranslation(e.key)).map((e) => ({ ...e, kind: kindOf(e.key), idf: this.idf(e.key) }));
    const label = s.label ?? storyLabel(entries, n, best.title.split(/\s+/u).slice(0, 4).join(' '));
    return { label, headline: best.title, headlineItemId: best.id };
  }
}
