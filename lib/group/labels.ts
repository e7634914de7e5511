// Story labels ("Mali withdrawal", "Retrait du Mali"): one short phrase per language a story is told in, chosen
// from its members' headlines by how widely and how distinctively the coverage carries it, kept stable as it grows.
import { normalizeLanguageTag } from '../text/language.ts';
import type { Story } from '../types.ts';
import { analyse, candidates, MAX_LABEL_WORDS, type Analysed, type Token } from './phrases.ts';

/** A member item as the labeller sees it. */
export interface LabelMember {
  id: string;
  title: string;
  summary?: string;
  /** BCP 47 primary subtag; `und` and other non-languages get no label of their own. */
  lang: string;
  /** Outlet id: an outlet's several items count as one voice. */
  outlet?: string;
}

/** A story's labels, as stored on it. */
export interface StoryLabels {
  /** The main label: the desk language's when the story has coverage in it, else its most covered language's. */
  label: string;
  /** Language of `label`. */
  language: string;
  /** One label per language the story's members are in. */
  labels: Record<string, string>;
  /** Member count the labels were chosen at: they are reconsidered once the story grows materially past it. */
  basis: number;
}

/** How labels are chosen. */
export interface LabelOptions {
  /** The desk's language (ISO 639-1): the main label is in it when the story has coverage in it. Default `en`. */
  deskLanguage?: string;
  /** A new candidate replaces the current label only when it scores this much better (0.5 = 50 % better). */
  margin?: number;
  /** Labels are reconsidered when the story grows by this share of its size at the last choice (or shrinks). */
  growth?: number;
}

/** Defaults of {@link LabelOptions}. */
export const LABEL_DEFAULTS = { deskLanguage: 'en', margin: 0.5, growth: 0.25 } as const;

/** Members whose headlines are mined for candidates (the rest still count as support): bounds the cost. */
const MAX_SOURCES = 40;
/** Members a candidate's support is measured on. */
const MAX_SUPPORT = 120;
/** Summary words analysed: the lede restates the story, what follows drifts. */
const SUMMARY_WORDS = 40;
/** Background documents assumed in document frequencies (a small stream must not make every word rare). */
const DF_PRIOR = 50;
/** Document frequencies are halved past this many documents, so they follow the news. */
const DF_HALF_LIFE = 20_000;
/** Analyses kept in memory. */
const ANALYSIS_CACHE = 4_000;
/**
 * Label length prior by number of content units (a multi-word name is one): two or three say enough. A single
 * unit is fine when it takes several words ("Mathilde Seigner", "Coupe Davis"); a single word is not a label.
 */
const LENGTH_PRIOR = [0, 0.85, 1, 0.95, 0.88, 0.8, 0.7];
const ONE_WORD = 0.3;

/** What the labeller keeps of one member text. */
interface MemberText {
  id: string;
  lang: string;
  outlet: string;
  title: Analysed;
  summary?: Analysed;
  titleKeys: Set<string>;
  summaryKeys: Set<string>;
}

/**
 * One content unit of a phrase: a word, or a multi-word name ("South Africa", "Red Sea"). A member carries it
 * when it carries one key of each of its parts (a listed name is one part: its entity key).
 */
interface Unit {
  parts: string[][];
  weight: number;
  name: boolean;
  entity?: string;
}

interface Scored {
  text: string;
  score: number;
}

/**
 * Chooses and keeps story labels. Holds what labels need beyond one story: document frequencies of words over the
 * items it has seen (distinctiveness), capitalization evidence (which words are names, for Title Case headlines),
 * and the member texts of the stories it labels. The group stage keeps one per process; `roundup cluster` one per run.
 */
export class StoryLabeller {
  private readonly opts: Required<LabelOptions>;
  private readonly members = new Map<string, LabelMember>();
  private readonly analyses = new Map<string, MemberText>();
  private readonly df = new Map<string, number>();
  private readonly docs = new Map<string, number>();
  private totalDocs = 0;
  /** Folded word → (capitalized mid-sentence) − (lower case) occurrences in sentence-case text. */
  private readonly caps = new Map<string, number>();
  private seen = 0;
  private retainedAt = 1000;

  constructor(opts: LabelOptions = {}) {
    // Options given as undefined take their default (a spread would let them override it).
    this.opts = {
      deskLanguage: opts.deskLanguage ?? LABEL_DEFAULTS.deskLanguage,
      margin: opts.margin ?? LABEL_DEFAULTS.margin,
      growth: opts.growth ?? LABEL_DEFAULTS.growth,
    };
  }

  /** The desk language labels are chosen for. */
  get deskLanguage(): string {
    return this.opts.deskLanguage;
  }

  /** Records an item: its text for its story's labels, its words for document frequencies and name evidence. */
  observe(member: LabelMember): void {
    if (this.members.has(member.id)) {
      this.members.set(member.id, member);
      return;
    }
    this.members.set(member.id, member);
    const text = this.analysis(member);
    this.totalDocs++;
    this.docs.set(text.lang, (this.docs.get(text.lang) ?? 0) + 1);
    const primaries = new Set<string>();
    for (const a of [text.title, text.summary]) {
      if (!a) continue;
      for (const t of a.tokens) if (!t.fn) primaries.add(t.primary);
      if (!a.titleCase) {
        for (const t of a.tokens) {
          if (t.fn || t.number || t.initial || !/\p{L}/u.test(t.folded)) continue;
          const v = (this.caps.get(t.folded) ?? 0) + (t.cap ? 1 : -1);
          this.caps.set(t.folded, Math.max(-20, Math.min(20, v)));
        }
      }
    }
    for (const k of primaries) this.df.set(k, (this.df.get(k) ?? 0) + 1);
    if (++this.seen >= DF_HALF_LIFE) this.decay();
  }

  /** The item's text as observed, if still held. */
  member(id: string): LabelMember | undefined {
    return this.members.get(id);
  }

  /**
   * Forgets the member texts of items `keep` rejects (items that left the grouping window). Runs only once the
   * texts held grew by half since the last run, so calling it after every pass costs nothing most of the time.
   */
  retain(keep: (id: string) => boolean): void {
    if (this.members.size < this.retainedAt * 1.5) return;
    for (const id of this.members.keys()) {
      if (keep(id)) continue;
      this.members.delete(id);
      this.analyses.delete(id);
    }
    this.retainedAt = Math.max(1000, this.members.size);
  }

  /** How many member texts are held. */
  get size(): number {
    return this.members.size;
  }

  /**
   * Labels of a story with these members. With `previous` labels (as stored on the story) the choice is sticky:
   * nothing is reconsidered until the story has grown by `growth` since the previous choice (or lost members),
   * and then a language's label changes only when a candidate scores `margin` better than the current one on
   * the current members. Languages that joined get a label at once; languages that left lose theirs.
   */
  label(memberIds: readonly string[], previous?: Partial<StoryLabels>): StoryLabels | undefined {
    const members = memberIds.map((id) => this.members.get(id)).filter((m): m is LabelMember => m !== undefined);
    if (members.length === 0) return undefined;
    const texts = members.map((m) => this.analysis(m));
    const n = members.length;
    const basis = previous?.basis;
    const prevLabels = basis !== undefined ? (previous?.labels ?? {}) : {};
    const material = basis === undefined || n < basis || n >= basis + Math.max(1, Math.ceil(this.opts.growth * basis));
    const story = new StoryContext(texts, this, this.opts.deskLanguage);
    const labels: Record<string, string> = {};
    // The language with the most outlets leads: its label is chosen first, and the other languages' labels are
    // drawn towards the same meaning (through the lexicon's pivots), so every language names the same event.
    const lead = story.lead(material ? undefined : prevLabels);
    const order = lead ? [lead, ...story.languages.filter((l) => l !== lead)] : story.languages;
    let anchor: string[][] | undefined;
    for (const lang of order) {
      const current = prevLabels[lang];
      let chosen: string | undefined = current && !material ? current : undefined;
      if (chosen === undefined) {
        const best = story.best(lang, anchor);
        if (!best) chosen = current;
        else if (current && current !== best.text) {
          const held = story.score(current, lang, anchor);
          chosen = best.score > held * (1 + this.opts.margin) ? best.text : current;
        } else chosen = best.text;
      }
      if (chosen === undefined) continue;
      labels[lang] = chosen;
      if (lang === lead) anchor = story.meaning(chosen, lang);
    }
    const language = mainLanguage(labels, story.counts, this.opts.deskLanguage);
    if (!language) return undefined;
    return { label: labels[language]!, language, labels, basis: material ? n : basis! };
  }

  /** Weight of a word by its distinctiveness: 1 for words never seen, towards 0 for words in every item. */
  weight(key: string, lang: string): number {
    const isEntity = !key.includes(':');
    const n = (isEntity ? this.totalDocs : (this.docs.get(lang) ?? 0)) + DF_PRIOR;
    const df = this.df.get(key) ?? 0;
    return Math.max(0.05, Math.log(n / (df + 1)) / Math.log(n));
  }

  /** Capitalization evidence of a folded word: positive when written as a name in sentence-case text. */
  nameEvidence(folded: string): number {
    return this.caps.get(folded) ?? 0;
  }

  private analysis(m: LabelMember): MemberText {
    const hit = this.analyses.get(m.id);
    if (hit && hit.title.tokens.length > 0 === m.title.trim().length > 0) {
      // Recently used analyses go to the back of the eviction order.
      this.analyses.delete(m.id);
      this.analyses.set(m.id, hit);
      return hit;
    }
    const lang = normalizeLanguageTag(m.lang) ?? 'und';
    const title = analyse(m.title, lang);
    const lede = m.summary ? firstWords(m.summary, SUMMARY_WORDS) : '';
    const summary = lede && lede !== m.title ? analyse(lede, lang) : undefined;
    const text: MemberText = {
      id: m.id,
      lang,
      outlet: m.outlet ?? `item:${m.id}`,
      title,
      summary,
      titleKeys: keysOf(title),
      summaryKeys: summary ? keysOf(summary) : new Set(),
    };
    this.analyses.set(m.id, text);
    if (this.analyses.size > ANALYSIS_CACHE) this.analyses.delete(this.analyses.keys().next().value as string);
    return text;
  }

  private decay(): void {
    this.seen = 0;
    for (const [k, v] of this.df) if (v <= 1) this.df.delete(k); else this.df.set(k, v / 2);
    for (const [k, v] of this.docs) this.docs.set(k, v / 2);
    this.totalDocs /= 2;
  }
}

/** A story's label fields as the group stage writes them. */
export type StoryLabelFields = Pick<Story, 'label' | 'labels' | 'labelBasis'>;

/**
 * The label fields of a story after a grouping pass, from the labeller's choice for its members and what is
 * stored: an editor's main label stays the main label (and the desk language's, when the story is told in it),
 * languages an editor labelled keep the editor's label, and the engine's labels stay unless the story grew
 * materially (see {@link StoryLabeller.label}). Without member texts the stored fields (or `fallback`) stand.
 */
export function relabelStory(labeller: StoryLabeller, memberIds: readonly string[], stored: Story | undefined, fallback: string): StoryLabelFields {
  // A basis of 0 (an editor returned a language to the engine) or none (a story labelled before) starts afresh.
  const previous = stored?.labelBasis ? { labels: stored.labels, basis: stored.labelBasis } : undefined;
  const chosen = labeller.label(memberIds, previous);
  if (!chosen) return { label: stored?.label ?? fallback, labels: stored?.labels, labelBasis: stored?.labelBasis };
  const labels = { ...chosen.labels };
  const desk = labeller.deskLanguage;
  if (stored?.labelByEditor && labels[desk] !== undefined) labels[desk] = stored.label;
  for (const lang of stored?.labelsByEditor ?? []) {
    const own = stored?.labels?.[lang];
    if (own) labels[lang] = own;
  }
  return { label: stored?.labelByEditor ? stored.label : labels[chosen.language]!, labels, labelBasis: chosen.basis };
}

/**
 * Labels of one story from its members alone (no stream statistics: every word counts as distinctive). For
 * callers that label a story once, such as a story an editor split off.
 */
export function labelStory(members: readonly LabelMember[], opts: LabelOptions = {}): StoryLabels | undefined {
  const l = new StoryLabeller(opts);
  for (const m of members) l.observe(m);
  return l.label(members.map((m) => m.id));
}

/**
 * The language of the main label: the desk's when the story is told in it (unless `byCoverage`), else the one
 * with most outlets, then items, then the desk's, then the first by code.
 */
function mainLanguage(
  have: Record<string, unknown> | Map<string, unknown>,
  counts: Map<string, { outlets: number; items: number }>,
  desk: string,
  byCoverage = false,
): string | undefined {
  const langs = have instanceof Map ? [...have.keys()] : Object.keys(have);
  if (!byCoverage && langs.includes(desk)) return desk;
  let best: string | undefined;
  for (const lang of langs) {
    const a = counts.get(lang)!;
    const b = best ? counts.get(best)! : undefined;
    const better =
      !b ||
      a.outlets > b.outlets ||
      (a.outlets === b.outlets && (a.items > b.items || (a.items === b.items && (lang === desk || (best !== desk && lang < best!)))));
    if (better) best = lang;
  }
  return best;
}

const firstWords = (text: string, n: number): string => {
  const words = text.replace(/\s+/gu, ' ').trim().split(' ');
  return words.length <= n ? words.join(' ') : words.slice(0, n).join(' ');
};

function keysOf(a: Analysed): Set<string> {
  const out = new Set<string>();
  for (const t of a.tokens) if (!t.fn) for (const k of t.keys) out.add(k);
  return out;
}

/** A word a headline uses as a verb (as far as can be told without a tagger). */
const isVerb = (t: Token): boolean => !t.entity && t.verb;

/**
 * How much a phrase loses for starting or ending on a word that reads as a verb ("Killing…", "…issued",
 * "Francia retira"): 1 for none. A noun phrase never ends on a conjugated verb; a participle at the end or an
 * -ing form at the start are only likely verbs.
 */
function verbPenalty(t: Token, lang: string, edge: 'start' | 'end'): number {
  if (t.entity) return 1;
  if (t.verb) return edge === 'end' ? 0.35 : 0.5;
  if (lang !== 'en') return 1;
  const f = t.folded;
  if (edge === 'start' && f.length >= 5 && f.endsWith('ing')) return 0.6;
  if (edge === 'start' && f.length >= 6 && f.endsWith('ed') && !f.endsWith('eed')) return 0.8;
  return edge === 'end' && f.length >= 6 && f.endsWith('ed') && !f.endsWith('eed') ? 0.5 : 1;
}

/** Everything about one story that candidates are scored against. */
class StoryContext {
  readonly languages: string[];
  readonly counts = new Map<string, { outlets: number; items: number }>();
  private readonly support: MemberText[];
  private readonly outletWeight = new Map<MemberText, number>();
  private readonly keyEntity?: string;
  /** Folded token sequences of whole headline segments, per language. */
  private readonly segments = new Map<string, Set<string>>();
  private readonly cache = new Map<string, number>();
  /**
   * Concept keys of the words the story's headlines use as verbs ("retira", "leave", "exchange hundreds"): the
   * event. A label that names it with a noun ("withdrawal", "retrait", "exchange") says what happened.
   */
  private readonly eventKeys = new Set<string>();

  constructor(
    private readonly texts: MemberText[],
    private readonly labeller: StoryLabeller,
    private readonly deskLanguage: string,
  ) {
    const outlets = new Map<string, MemberText[]>();
    for (const t of texts) {
      const list = outlets.get(t.outlet) ?? [];
      list.push(t);
      outlets.set(t.outlet, list);
    }
    // Support is measured on an even sample of a large story (its outlets all represented first).
    const ordered = [...outlets.values()].flatMap((list, i) => list.map((t, k) => ({ t, rank: k * outlets.size + i }))).sort((a, b) => a.rank - b.rank);
    this.support = ordered.slice(0, MAX_SUPPORT).map((x) => x.t);
    const perOutlet = new Map<string, number>();
    for (const t of this.support) perOutlet.set(t.outlet, (perOutlet.get(t.outlet) ?? 0) + 1);
    for (const t of this.support) this.outletWeight.set(t, 1 / perOutlet.get(t.outlet)!);
    const langOutlets = new Map<string, Set<string>>();
    for (const t of texts) {
      if (t.lang === 'und' || !/^[a-z]{2,3}$/u.test(t.lang)) continue;
      const c = this.counts.get(t.lang) ?? { outlets: 0, items: 0 };
      c.items++;
      this.counts.set(t.lang, c);
      const set = langOutlets.get(t.lang) ?? new Set();
      set.add(t.outlet);
      langOutlets.set(t.lang, set);
      c.outlets = set.size;
      const segs = this.segments.get(t.lang) ?? new Set();
      for (const s of segmentsOf(t.title)) segs.add(s);
      this.segments.set(t.lang, segs);
    }
    this.languages = [...this.counts.keys()].sort();
    for (const t of this.support) {
      for (const tok of t.title.tokens) if (isVerb(tok)) for (const k of tok.keys) if (!k.startsWith('~')) this.eventKeys.add(k);
    }
    // The story's key entity: the name most of its outlets put in their headlines.
    const share = new Map<string, number>();
    for (const t of this.support) {
      const seen = new Set<string>();
      for (const tok of t.title.tokens) if (tok.entity && !seen.has(tok.entity)) seen.add(tok.entity);
      for (const e of seen) share.set(e, (share.get(e) ?? 0) + this.outletWeight.get(t)!);
    }
    let best: [string, number] | undefined;
    for (const [e, v] of share) if (!best || v > best[1] || (v === best[1] && e < best[0])) best = [e, v];
    if (best && best[1] >= 0.5 * outlets.size && best[1] >= 1) this.keyEntity = best[0];
  }

  /**
   * The language whose label the others are drawn to: the one with the strongest best candidate (on stories
   * whose labels are held, the one with the most outlets: the same choice without scoring anything).
   */
  lead(held: Record<string, string> | undefined): string | undefined {
    if (held) return mainLanguage(this.counts, this.counts, this.deskLanguage, true);
    let lead: Scored & { lang: string } | undefined;
    for (const lang of this.languages) {
      const b = this.best(lang);
      if (b && (!lead || b.score > lead.score)) lead = { ...b, lang };
    }
    return lead?.lang;
  }

  /** The best label candidate in `lang`, from the headlines (and ledes) of the members in that language. */
  best(lang: string, anchor?: string[][]): Scored | undefined {
    const sources = this.texts.filter((t) => t.lang === lang).slice(0, MAX_SOURCES);
    let best: Scored | undefined;
    const seen = new Set<string>();
    for (const src of sources) {
      for (const [a, discount] of [[src.title, 1], [src.summary, 0.85]] as const) {
        if (!a) continue;
        for (const c of candidates(a, (t) => this.isName(t))) {
          const text = this.render(c.tokens, a, c.kind === 'compound');
          const key = text.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          // Headlines put their subject first: an earlier phrase of a headline is slightly preferred.
          const position = a === src.title ? 1.1 - 0.2 * c.at : 1;
          const score = this.scoreTokens(c.tokens, lang) * discount * position * alignment(c.tokens, anchor);
          if (process.env.LABEL_DEBUG === lang) console.error(score.toFixed(4), text);
          if (!best || score > best.score || (score === best.score && text < best.text)) best = { text, score };
        }
      }
    }
    return best;
  }

  /** Score of a label text (the current label, when deciding whether to keep it). */
  score(text: string, lang: string, anchor?: string[][]): number {
    const a = analyse(text, lang);
    if (a.tokens.length === 0) return 0;
    return this.scoreTokens(a.tokens, lang) * alignment(a.tokens, anchor);
  }

  /** What a label means, as the concept keys of its content units (to draw other languages' labels to it). */
  meaning(text: string, lang: string): string[][] {
    return this.units(analyse(text, lang).tokens, lang).flatMap((u) => u.parts);
  }

  /**
   * How well a phrase names the story: the share of its outlets whose coverage carries the phrase's content words
   * (in the headline, or more weakly in the lede; in any language, through the lexicon's pivots and name keys),
   * squared per outlet so full matches dominate, times the phrase's distinctiveness (saturating), a length prior,
   * and form: containing the story's key name, being a whole headline segment, not starting or ending on a verb.
   */
  private scoreTokens(tokens: Token[], lang: string): number {
    const sig = tokens.map((t) => t.folded).join(' ');
    const cached = this.cache.get(`${lang}|${sig}`);
    if (cached !== undefined) return cached;
    const units = this.units(tokens, lang);
    const words = tokens.length;
    let score = 0;
    if (units.length > 0 && words <= MAX_LABEL_WORDS) {
      const total = units.reduce((s, u) => s + u.weight, 0);
      let j = 0;
      let wsum = 0;
      for (const m of this.support) {
        const w = this.outletWeight.get(m)!;
        let cov = 0;
        for (const u of units) {
          if (u.parts.every((p) => p.some((k) => m.titleKeys.has(k)))) cov += u.weight;
          else if (u.parts.every((p) => p.some((k) => m.titleKeys.has(k) || m.summaryKeys.has(k)))) cov += 0.5 * u.weight;
        }
        cov /= total;
        j += w * cov * cov;
        wsum += w;
      }
      const info = 1 - Math.exp(-total / 0.8);
      let form = words === 1 ? ONE_WORD : LENGTH_PRIOR[Math.min(units.length, LENGTH_PRIOR.length - 1)]!;
      const first = tokens[0]!;
      const last = tokens[tokens.length - 1]!;
      form *= verbPenalty(first, lang, 'start') * verbPenalty(last, lang, 'end');
      // A headline fragment with its verb reads less like a label than the noun phrase in it.
      if (tokens.slice(1, -1).some((t) => t.verb)) form *= 0.85;
      // Numbers rarely open or close a label, but for names that carry one ("iPhone 15", "Budget 2027").
      if (first.number) form *= 0.7;
      if (last.number && !(tokens.length >= 2 && this.isName(tokens[tokens.length - 2]!))) form *= 0.4;
      if (tokens.some((t) => !t.fn && !isVerb(t) && t.keys.some((k) => this.eventKeys.has(k)))) form *= 1.25;
      // Names alone ("Russia and Ukraine") say who, not what happened.
      if (units.every((u) => u.name)) form *= 0.75;
      // Of two phrasings of the same words, the compact one ("Mali withdrawal", not "withdrawal from Mali").
      form *= 0.97 ** tokens.filter((t) => t.fn).length;
      // The story's key name is what most labels of it need ("Mali", "Taylor Swift").
      if (this.keyEntity && tokens.some((t) => t.entity === this.keyEntity)) form *= 1.4;
      if (this.segments.get(lang)?.has(sig)) form *= 1.1;
      score = (j / wsum) * info * form;
    }
    this.cache.set(`${lang}|${sig}`, score);
    return score;
  }

  /** Content units of a phrase: its words but function words and numbers, a multi-word name as one. */
  private units(tokens: Token[], lang: string): Unit[] {
    const out: Unit[] = [];
    let prev: Unit | undefined;
    for (const t of tokens) {
      if (t.fn || t.number) {
        prev = undefined;
        continue;
      }
      const name = this.isName(t);
      const weight = this.labeller.weight(t.primary, lang);
      if (prev && t.entity && t.entity === prev.entity) continue;
      if (prev?.name && name && !(t.entity && prev.entity && t.entity !== prev.entity && !t.entity.startsWith('~'))) {
        prev.parts.push(t.entity ? [t.entity] : t.keys);
        prev.weight = Math.max(prev.weight, weight);
        prev.entity ??= t.entity;
        continue;
      }
      prev = { parts: [t.entity ? [t.entity] : t.keys], weight, name, entity: t.entity };
      out.push(prev);
    }
    return out;
  }

  /** A word written as a name: listed or capitalized mid-sentence somewhere in the stream. */
  private isName(t: Token): boolean {
    return t.entity !== undefined || t.acronym || (t.cap && this.labeller.nameEvidence(t.folded) > 0);
  }

  /**
   * The label as text: the words as written with the spacing between them (single spaces in a compound), in the
   * case a sentence-case member writes the same words in, else names keeping their capitals and other words in
   * lower case when their source capitalizes everything (Title Case) or starts a sentence with them; a capital
   * first letter.
   */
  private render(tokens: Token[], source: Analysed, compound: boolean): string {
    const cased = this.sentenceCase(tokens, source.lang);
    let out = '';
    tokens.forEach((t, i) => {
      const known = cased?.[i];
      const keepCase = known !== undefined ? known : this.isName(t) || /.\p{Lu}/u.test(t.surface) || (!source.titleCase && !t.initial);
      const word = keepCase ? t.surface : t.surface.toLowerCase();
      out += i === 0 ? '' : compound ? ' ' : cleanGap(t.gap);
      out += word;
    });
    // Sentence case, except for words styled with inner capitals (eBay, iPhone).
    return /^\p{Ll}+\p{Lu}/u.test(out) ? out : out.charAt(0).toUpperCase() + out.slice(1);
  }

  /**
   * Whether each word keeps its capital, as a sentence-case text of the story writes the same word sequence
   * (undefined where no such text says: not found, or its word starts a sentence there).
   */
  private sentenceCase(tokens: Token[], lang: string): (boolean | undefined)[] | undefined {
    const want = tokens.map((t) => t.folded);
    for (const m of this.texts) {
      if (m.lang !== lang) continue;
      for (const a of [m.title, m.summary]) {
        if (!a || a.titleCase) continue;
        const at = indexOfRun(a.tokens, want);
        if (at < 0) continue;
        return want.map((_, i) => {
          const t = a.tokens[at + i]!;
          return t.initial ? undefined : t.cap;
        });
      }
    }
    return undefined;
  }
}

/**
 * The text between two words of a label: glue as written ("l’", "-"), other punctuation inside a phrase (quotes,
 * an ampersand) kept as a spaced sign without quotes, any spacing as one space.
 */
function cleanGap(gap: string): string {
  if (/^[-‐‑'’]$/u.test(gap)) return gap;
  const signs = gap.replace(/[\s'’"“”«»„]+/gu, '');
  return signs ? ` ${signs} ` : ' ';
}

/** Index of the first run of `tokens` whose folded forms are `want`, or -1. */
function indexOfRun(tokens: Token[], want: string[]): number {
  outer: for (let i = 0; i + want.length <= tokens.length; i++) {
    for (let k = 0; k < want.length; k++) if (tokens[i + k]!.folded !== want[k]) continue outer;
    return i;
  }
  return -1;
}

/** Labels in other languages are drawn to the lead label's meaning: up to this much for one that says it all. */
const ALIGNMENT = 0.5;

/** 1 + ALIGNMENT × the share of the anchor's concepts a phrase carries (1 without an anchor). */
function alignment(tokens: Token[], anchor: string[][] | undefined): number {
  if (!anchor || anchor.length === 0) return 1;
  const keys = new Set(tokens.flatMap((t) => (t.fn ? [] : t.keys)));
  const hit = anchor.filter((part) => part.some((k) => keys.has(k))).length;
  return 1 + (ALIGNMENT * hit) / anchor.length;
}

/** Folded token sequences of a text's segments (the whole text between phrase-ending punctuation). */
function segmentsOf(a: Analysed): string[] {
  const segs = new Map<number, string[]>();
  for (const t of a.tokens) {
    const list = segs.get(t.seg) ?? [];
    list.push(t.folded);
    segs.set(t.seg, list);
  }
  return [...segs.values()].map((l) => l.join(' '));
}
