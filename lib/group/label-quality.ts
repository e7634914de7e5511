// Label quality: generated labels against editors' reference labels, the form of labels, and how often a story's
// label changes as a stream is replayed through the grouping engine (flapping). Pure: callers read the files.
import { foldToken } from '../text/fold.ts';
import { isFunctionWord } from '../text/function-words.ts';
import { stem } from '../text/stem.ts';
import { StoryGrouper, type GroupInput } from './engine.ts';
import { StoryLabeller, type LabelMember, type StoryLabels } from './labels.ts';
import { analyse, candidates } from './phrases.ts';

/** Editors' reference labels of one story: per language, one or more acceptable labels (the best match counts). */
export interface ReferenceStory {
  story: string;
  labels: Record<string, string[]>;
  /** Member item ids, for data sets whose stories are not given by a gold file (the bundled sample day). */
  items?: string[];
}

/** An item of an evaluation set: what `roundup cluster` reads. */
export type EvalItem = GroupInput;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The words of a label that carry meaning, folded and stemmed (function words and possessive ’s dropped). */
export function labelTerms(label: string, lang: string): string[] {
  const words = label.replace(/['’]s\b/gu, '').match(WORD) ?? [];
  return words.map((w) => foldToken(w)).filter((w) => !isFunctionWord(w, lang)).map((w) => stem(w, lang));
}

/** F1 of two bags of terms (each term counted as often as it occurs). */
export function termF1(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const left = new Map<string, number>();
  for (const t of b) left.set(t, (left.get(t) ?? 0) + 1);
  let hit = 0;
  for (const t of a) {
    const n = left.get(t) ?? 0;
    if (n > 0) {
      hit++;
      left.set(t, n - 1);
    }
  }
  if (hit === 0) return 0;
  const p = hit / a.length;
  const r = hit / b.length;
  return (2 * p * r) / (p + r);
}

/** How one generated label compares with its references in the same language. */
export interface LabelMatch {
  story: string;
  lang: string;
  generated: string;
  /** The reference it matches best. */
  reference: string;
  /** Folded-stem term F1 against that reference. */
  f1: number;
  /** Same terms as a reference (order and function words aside). */
  exact: boolean;
}

/** Compares a generated label with the references of its language; undefined when there are none. */
export function matchLabel(story: string, lang: string, generated: string, references: readonly string[] | undefined): LabelMatch | undefined {
  if (!references?.length) return undefined;
  const g = labelTerms(generated, lang);
  let best: LabelMatch | undefined;
  for (const ref of references) {
    const r = labelTerms(ref, lang);
    const f1 = termF1(g, r);
    const exact = g.length > 0 && [...g].sort().join(' ') === [...r].sort().join(' ');
    if (!best || f1 > best.f1 || (f1 === best.f1 && exact && !best.exact)) best = { story, lang, generated, reference: ref, f1, exact };
  }
  return best;
}

/** The form of a label: does it read as a phrase of the coverage? */
export interface LabelForm {
  words: number;
  /** 2 to 6 words. */
  short: boolean;
  /**
   * A contiguous fragment of a member's headline or lede in the label's language (case and spacing aside), or an
   * English compound of one ("withdrawal from Mali" → "Mali withdrawal"): what an editor can trace to the coverage.
   */
  fragment: boolean;
  /** Contains the story's key name (the name most of its outlets' headlines carry), when it has one. */
  keyEntity?: boolean;
}

const norm = (s: string): string => (s.match(WORD) ?? []).map((w) => foldToken(w)).join(' ');

/** Checks a label's form against the member texts of its story. */
export function labelForm(label: string, lang: string, members: readonly LabelMember[]): LabelForm {
  const words = (label.match(/\S+/gu) ?? []).length;
  const want = norm(label);
  let fragment = false;
  for (const m of members) {
    if (m.lang !== lang || fragment) continue;
    for (const text of [m.title, m.summary ?? '']) {
      const a = analyse(text, lang);
      if (` ${norm(text)} `.includes(` ${want} `)) fragment = true;
      else if (lang === 'en' && candidates(a, (t) => t.entity !== undefined || t.acronym || (t.cap && !t.initial)).some((c) => c.kind === 'compound' && norm(c.tokens.map((t) => t.surface).join(' ')) === want)) fragment = true;
      if (fragment) break;
    }
  }
  const key = keyEntityOf(members);
  const out: LabelForm = { words, short: words >= 2 && words <= 6, fragment };
  if (key) out.keyEntity = analyse(label, lang).tokens.some((t) => t.keys.includes(key));
  return out;
}

/** The name most of a story's outlets put in their headlines (at least half of them), as an entity key. */
export function keyEntityOf(members: readonly LabelMember[]): string | undefined {
  const outlets = new Map<string, Set<string>>();
  for (const m of members) {
    const o = m.outlet ?? m.id;
    for (const t of analyse(m.title, m.lang).tokens) {
      if (!t.entity) continue;
      const set = outlets.get(t.entity) ?? new Set();
      set.add(o);
      outlets.set(t.entity, set);
    }
  }
  const total = new Set(members.map((m) => m.outlet ?? m.id)).size;
  let best: [string, number] | undefined;
  for (const [e, set] of outlets) if (!best || set.size > best[1] || (set.size === best[1] && e < best[0])) best = [e, set.size];
  return best && total >= 2 && best[1] * 2 >= total ? best[0] : undefined;
}

/** Summary of label quality over a set of stories. */
export interface QualitySummary {
  /** Labels compared with a reference (one per story and language with references). */
  compared: number;
  meanF1: number;
  /** Share with the same terms as a reference. */
  exact: number;
  /** Share with term F1 ≥ 0.5 against a reference. */
  partial: number;
  /** Labels checked for form (every language label of every story). */
  labels: number;
  /** Share of labels with 2–6 words. */
  short: number;
  /** Share of labels that are a fragment of the coverage (or an English compound of one). */
  fragment: number;
  /** Among labels of stories with a key name: the share that contain it. */
  keyEntity: number;
  keyEntityStories: number;
}

/** Aggregates matches and forms into the figures reported. */
export function summarise(matches: readonly LabelMatch[], forms: readonly LabelForm[]): QualitySummary {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const withKey = forms.filter((f) => f.keyEntity !== undefined);
  return {
    compared: matches.length,
    meanF1: round(mean(matches.map((m) => m.f1))),
    exact: round(mean(matches.map((m) => (m.exact ? 1 : 0)))),
    partial: round(mean(matches.map((m) => (m.f1 >= 0.5 ? 1 : 0)))),
    labels: forms.length,
    short: round(mean(forms.map((f) => (f.short ? 1 : 0)))),
    fragment: round(mean(forms.map((f) => (f.fragment ? 1 : 0)))),
    keyEntity: round(mean(withKey.map((f) => (f.keyEntity ? 1 : 0)))),
    keyEntityStories: withKey.length,
  };
}

/** A labelling method to evaluate. */
export type LabelMethod = 'phrases' | 'sticky' | 'keywords';

/** Labels of reference stories: what the method gives each story from exactly its members. */
export function labelStories(
  items: readonly EvalItem[],
  stories: ReadonlyMap<string, readonly string[]>,
  method: LabelMethod,
  deskLanguage = 'en',
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  if (method === 'keywords') {
    // The engine's own labels (feature profile keywords), for the same memberships.
    const byId = new Map(items.map((i) => [i.id, i]));
    const g = new StoryGrouper({ autoMerge: false });
    g.restore([...stories].map(([id, ids]) => ({ id, items: ids.map((i) => byId.get(i)).filter((i): i is EvalItem => i !== undefined) })));
    for (const [id, ids] of stories) {
      const label = g.snapshot(id)?.label ?? '';
      const langs = new Set(ids.map((i) => byId.get(i)?.lang ?? 'und'));
      // One label in every language: the engine's is the same words whatever the reader's language.
      out.set(id, Object.fromEntries([...langs].filter((l) => l !== 'und').map((l) => [l, label])));
    }
    return out;
  }
  const labeller = new StoryLabeller({ deskLanguage });
  for (const it of items) labeller.observe(memberOf(it));
  const started = performance.now();
  for (const [id, ids] of stories) out.set(id, labeller.label(ids)?.labels ?? {});
  lastLabelMs = performance.now() - started;
  return out;
}

/** Time the last `labelStories` call with the phrase labeller spent choosing labels (statistics already built). */
let lastLabelMs = 0;

/**
 * Labels of reference stories as the group stage would hold them at the end: each story's items added one at a
 * time in input order, the labels kept from one step to the next as stored (hysteresis), so the figures show what
 * stability costs in quality.
 */
export function labelStoriesSticky(items: readonly EvalItem[], stories: ReadonlyMap<string, readonly string[]>, deskLanguage = 'en'): Map<string, Record<string, string>> {
  const labeller = new StoryLabeller({ deskLanguage });
  const order = new Map<string, number>();
  items.forEach((it, i) => {
    labeller.observe(memberOf(it));
    order.set(it.id, i);
  });
  const out = new Map<string, Record<string, string>>();
  for (const [id, ids] of stories) {
    const sorted = [...ids].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    let held: StoryLabels | undefined;
    for (let n = 1; n <= sorted.length; n++) held = labeller.label(sorted.slice(0, n), held) ?? held;
    out.set(id, held?.labels ?? {});
  }
  return out;
}

/** The labeller's view of an evaluation item. */
export const memberOf = (it: EvalItem): LabelMember => ({ id: it.id, title: it.title, summary: it.summary, lang: it.lang ?? 'und', outlet: it.outlet });

/** Label changes seen while replaying a stream. */
export interface FlappingSummary {
  /** Stories that ended with at least `minItems` items. */
  stories: number;
  /** Items those stories gained after their first label. */
  additions: number;
  /** Changes of the main label after the story's first label, over those stories. */
  changes: number;
  changesPerStory: number;
  /** Changes per 10 items added. */
  changesPer10Items: number;
  /** Share of those stories whose main label never changed once they had `minItems` items. */
  stableAfterMin: number;
  /** Changes of any language's label (a language's first label is no change). */
  languageChanges: number;
}

/**
 * Replays items in order through the grouping engine, labelling every story it touches as the group stage does,
 * and counts how often main labels change. `keywords`: the engine's own labels; `phrases`: the labeller without
 * memory (every touch chooses afresh); `sticky`: the labeller as the group stage runs it (previous labels kept
 * unless the story grew materially and a candidate is clearly better).
 */
export function replayFlapping(items: readonly EvalItem[], mode: 'keywords' | 'phrases' | 'sticky', opts: { minItems?: number; deskLanguage?: string } = {}): FlappingSummary {
  const minItems = opts.minItems ?? 3;
  const g = new StoryGrouper();
  const labeller = new StoryLabeller({ deskLanguage: opts.deskLanguage });
  const state = new Map<string, StoryLabels>();
  const track = new Map<string, { changes: number; changesAfterMin: number; langChanges: number; firstSize: number; size: number }>();
  for (const it of items) {
    labeller.observe(memberOf(it));
    g.add(it);
    for (const snap of g.drainTouched()) {
      if (snap.mergedInto) continue;
      const prev = state.get(snap.id);
      let next: StoryLabels | undefined;
      if (mode === 'keywords') next = { label: snap.label, language: 'und', labels: { und: snap.label }, basis: snap.itemIds.length };
      else next = labeller.label(snap.itemIds, mode === 'sticky' ? prev : undefined);
      if (!next) continue;
      const t = track.get(snap.id) ?? { changes: 0, changesAfterMin: 0, langChanges: 0, firstSize: snap.itemIds.length, size: 0 };
      if (prev && prev.label !== next.label) {
        t.changes++;
        if (t.size >= minItems) t.changesAfterMin++;
      }
      if (prev) for (const [lang, l] of Object.entries(next.labels)) if (prev.labels[lang] !== undefined && prev.labels[lang] !== l) t.langChanges++;
      t.size = snap.itemIds.length;
      track.set(snap.id, t);
      state.set(snap.id, next);
    }
  }
  const kept = [...track.values()].filter((t) => t.size >= minItems);
  const changes = kept.reduce((s, t) => s + t.changes, 0);
  const additions = kept.reduce((s, t) => s + t.size - t.firstSize, 0);
  return {
    stories: kept.length,
    additions,
    changes,
    changesPerStory: round(kept.length ? changes / kept.length : 0),
    changesPer10Items: round(additions ? (10 * changes) / additions : 0),
    stableAfterMin: round(kept.length ? kept.filter((t) => t.changesAfterMin === 0).length / kept.length : 0),
    languageChanges: kept.reduce((s, t) => s + t.langChanges, 0),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Everything `roundup eval-labels` and the labels bench report for one data set. */
export interface LabelEvaluation {
  stories: number;
  items: number;
  /** Stories told by two or more outlets. */
  multiOutlet: number;
  quality: Record<LabelMethod, QualitySummary>;
  /** The same figures over multi-outlet stories only. */
  qualityMultiOutlet: Record<LabelMethod, QualitySummary>;
  flapping: Record<'keywords' | 'phrases' | 'sticky', FlappingSummary>;
  /** Per story and language: reference, generated (both methods), F1. */
  rows: { story: string; lang: string; outlets: number; reference: string; phrases: string; phrasesF1: number; keywords: string; keywordsF1: number }[];
  /** Milliseconds per story label (phrase labeller, all languages of a story, stream statistics and tables loaded). */
  msPerStory: number;
}

/**
 * Evaluates story labels on a data set: reference stories (membership from `gold`, else from the references'
 * `items`) labelled by both methods and compared with the editors' labels, plus the flapping replay of `items`
 * in their order through the grouping engine. `flapping: false` skips the replay (the costly part).
 */
export function evaluateLabels(
  items: readonly EvalItem[],
  references: readonly ReferenceStory[],
  opts: { gold?: ReadonlyMap<string, string>; deskLanguage?: string; flapping?: boolean } = {},
): LabelEvaluation {
  const byId = new Map(items.map((i) => [i.id, i]));
  const stories = new Map<string, string[]>();
  if (opts.gold) {
    for (const [id, story] of opts.gold) if (byId.has(id)) stories.set(story, [...(stories.get(story) ?? []), id]);
  } else {
    for (const r of references) stories.set(r.story, (r.items ?? []).filter((id) => byId.has(id)));
  }
  const refs = references.filter((r) => (stories.get(r.story)?.length ?? 0) > 0);
  const wanted = new Map(refs.map((r) => [r.story, stories.get(r.story)!]));
  const labels: Record<LabelMethod, Map<string, Record<string, string>>> = {
    phrases: labelStories(items, wanted, 'phrases', opts.deskLanguage),
    sticky: new Map(),
    keywords: new Map(),
  };
  const msPerStory = wanted.size ? lastLabelMs / wanted.size : 0;
  labels.sticky = labelStoriesSticky(items, wanted, opts.deskLanguage);
  labels.keywords = labelStories(items, wanted, 'keywords', opts.deskLanguage);
  const rows: LabelEvaluation['rows'] = [];
  const collect = (onlyMulti: boolean): Record<LabelMethod, QualitySummary> => {
    const out = {} as Record<LabelMethod, QualitySummary>;
    for (const method of ['phrases', 'sticky', 'keywords'] as const) {
      const matches: LabelMatch[] = [];
      const forms: LabelForm[] = [];
      for (const r of refs) {
        const members = wanted.get(r.story)!.map((id) => memberOf(byId.get(id)!));
        const outlets = new Set(members.map((m) => m.outlet ?? m.id)).size;
        if (onlyMulti && outlets < 2) continue;
        for (const [lang, generated] of Object.entries(labels[method].get(r.story) ?? {})) {
          forms.push(labelForm(generated, lang, members));
          const m = matchLabel(r.story, lang, generated, r.labels[lang]);
          if (m) matches.push(m);
          if (m && method === 'phrases' && !onlyMulti) {
            const k = matchLabel(r.story, lang, labels.keywords.get(r.story)?.[lang] ?? '', r.labels[lang]);
            rows.push({ story: r.story, lang, outlets, reference: m.reference, phrases: generated, phrasesF1: round(m.f1), keywords: k?.generated ?? '', keywordsF1: round(k?.f1 ?? 0) });
          }
        }
      }
      out[method] = summarise(matches, forms);
    }
    return out;
  };
  const quality = collect(false);
  const qualityMultiOutlet = collect(true);
  const none: FlappingSummary = { stories: 0, additions: 0, changes: 0, changesPerStory: 0, changesPer10Items: 0, stableAfterMin: 0, languageChanges: 0 };
  const replay = opts.flapping === false ? undefined : [...items];
  const flapping = {
    keywords: replay ? replayFlapping(replay, 'keywords', opts) : none,
    phrases: replay ? replayFlapping(replay, 'phrases', opts) : none,
    sticky: replay ? replayFlapping(replay, 'sticky', opts) : none,
  };
  const multiOutlet = refs.filter((r) => new Set(wanted.get(r.story)!.map((id) => byId.get(id)!.outlet ?? id)).size >= 2).length;
  return { stories: refs.length, items: items.length, multiOutlet, quality, qualityMultiOutlet, flapping, rows, msPerStory: round(msPerStory) };
}

/** Parses reference label lines (`{story, labels: {lang: label | [labels]}, items?}`). */
export function parseReferences(text: string): ReferenceStory[] {
  const out: ReferenceStory[] = [];
  text.split(/\r?\n/u).forEach((line, i) => {
    if (!line.trim()) return;
    let o: { story?: unknown; labels?: unknown; items?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    if (typeof o.story !== 'string' || !o.labels || typeof o.labels !== 'object') throw new Error(`line ${i + 1}: expected {story, labels}`);
    const labels: Record<string, string[]> = {};
    for (const [lang, v] of Object.entries(o.labels as Record<string, unknown>)) {
      const list = Array.isArray(v) ? v : [v];
      if (!list.every((x) => typeof x === 'string' && x.trim())) throw new Error(`line ${i + 1}: labels.${lang} must be strings`);
      labels[lang] = list as string[];
    }
    const r: ReferenceStory = { story: o.story, labels };
    if (Array.isArray(o.items)) r.items = o.items.map(String);
    out.push(r);
  });
  return out;
}
