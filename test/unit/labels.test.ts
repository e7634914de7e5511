// Story labels: headline phrases, the labeller (languages, desk language, hysteresis, editor labels) and label quality.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLabels } from '../../lib/cli/commands/eval.ts';
import { parseItemLine } from '../../lib/cli/commands/cluster.ts';
import { evaluateLabels, labelForm, labelTerms, matchLabel, parseReferences, termF1, type EvalItem } from '../../lib/group/label-quality.ts';
import { labelStory, relabelStory, StoryLabeller, type LabelMember } from '../../lib/group/labels.ts';
import { analyse, candidates } from '../../lib/group/phrases.ts';
import { sampleDayItems } from '../../lib/samples/items.ts';
import type { Story } from '../../lib/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = resolve(root, '../shared/datasets');
const hasShared = existsSync(shared);
// Without ../shared the shared-set checks skip, except in CI, where they must run (and fail if the data is missing).
const runShared = hasShared || process.env.CI === 'true';
if (!hasShared) console.warn(`labels: ${shared} is absent — the shared-set label checks are skipped`);

const readItems = (file: string): EvalItem[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map(parseItemLine)
    .filter((i): i is EvalItem => typeof i !== 'string');
const mixedItems = readItems(resolve(root, 'test/fixtures/grouping/mixed/items.jsonl'));
const mixedGold = readLabels(readFileSync(resolve(root, 'test/fixtures/grouping/mixed/gold.jsonl'), 'utf8'), ['story']).map;
const member = (i: EvalItem): LabelMember => ({ id: i.id, title: i.title, summary: i.summary, lang: i.lang ?? 'und', outlet: i.outlet });
const storyOf = (name: string): LabelMember[] => mixedItems.filter((i) => mixedGold.get(i.id) === name).map(member);
const texts = (title: string, lang: string) => candidates(analyse(title, lang)).map((c) => c.tokens.map((t) => t.surface).join(' '));

describe('headline phrases', () => {
  it('cuts phrases at punctuation and clause openers and never starts or ends them on a function word', () => {
    const a = analyse('Germany slips toward recession as industrial output falls', 'en');
    const cs = candidates(a);
    expect(cs.length).toBeGreaterThan(5);
    for (const c of cs) {
      expect(c.tokens[0]!.fn).toBe(false);
      expect(c.tokens.at(-1)!.fn).toBe(false);
      expect(c.tokens.map((t) => t.folded)).not.toContain('as');
      expect(c.tokens.length).toBeLessThanOrEqual(6);
    }
    expect(texts('Japan earthquake: at least two dead after 7.1 tremor', 'en')).not.toContain('earthquake at least');
    expect(texts('Mali : la France plie bagage, et après ?', 'fr').some((t) => /Mali.*France/u.test(t))).toBe(false);
  });

  it('writes English compounds the way editors do, and leaves names whole', () => {
    expect(texts('France completes military withdrawal from Mali after 13 years', 'en')).toContain('Mali withdrawal');
    expect(texts('Undersea cable damage in the Red Sea disrupts internet', 'en')).toContain('Red Sea cable damage');
    expect(texts('Talks on the exchange of prisoners', 'en')).toContain('prisoner exchange');
    expect(texts('Hundreds of prisoners freed', 'en')).not.toContain('prisoner hundreds');
    expect(texts('Spain beats Italy in Davis Cup final', 'en')).not.toContain('Davis Italy');
    expect(texts('Kyoto raises lodging tax for luxury stays', 'en')).toContain('Kyoto lodging tax');
  });

  it('tells verbs where a label must not end: English headline verbs and -s forms after a name, Romance conjugations', () => {
    const verb = (title: string, lang: string, word: string) => analyse(title, lang).tokens.find((t) => t.folded === word)!.verb;
    expect(verb('Russia suspends grain export deal with Ukraine', 'en', 'suspends')).toBe(true);
    expect(verb('Brazil floods leave thousands homeless in Bahia', 'en', 'floods')).toBe(false);
    expect(verb('Polish farmers blockade Warsaw ring road', 'en', 'farmers')).toBe(false);
    expect(verb('Francia retira sus últimos militares de Malí', 'es', 'retira')).toBe(true);
    expect(verb('Dette : le G20 s’accorde sur une pause des remboursements', 'fr', 'accorde')).toBe(true);
    expect(verb('Le retrait des derniers soldats', 'fr', 'retrait')).toBe(false);
  });

  it('gives words keys that meet across languages: retrait, retira and withdrawal; Malí and Mali', () => {
    const keys = (title: string, lang: string, word: string) => analyse(title, lang).tokens.find((t) => t.folded === word)!.keys;
    const en = keys('France announces military withdrawal from Mali', 'en', 'withdrawal');
    expect(keys('Le retrait français du Mali', 'fr', 'retrait').some((k) => en.includes(k))).toBe(true);
    expect(keys('Francia retira sus tropas de Malí', 'es', 'mali')).toContain('^ML');
  });
});

describe('story labels', () => {
  it('labels the Mali story in each of its languages with the event, the desk language as the main label', () => {
    const mali = storyOf('mali');
    const l = labelStory(mali)!;
    expect(Object.keys(l.labels).sort()).toEqual([...new Set(mali.map((m) => m.lang))].sort());
    expect(Object.keys(l.labels)).toEqual(expect.arrayContaining(['ar', 'de', 'en', 'es', 'fr']));
    expect(l.language).toBe('en');
    expect(l.label).toBe(l.labels.en);
    expect(l.labels.en).toMatch(/\bMali\b/u);
    expect(labelTerms(l.labels.en!, 'en')).toContain('withdraw');
    expect(l.labels.fr).toMatch(/\bretrait\b.*\bMali\b/iu);
    const fr = labelStory(mali, { deskLanguage: 'fr' })!;
    expect(fr.language).toBe('fr');
    expect(fr.label).toBe(fr.labels.fr);
  });

  it('takes the main label from the language with most outlets when the desk language has no coverage', () => {
    const quake = storyOf('morocco-quake').filter((m) => m.lang !== 'en');
    const l = labelStory(quake)!;
    expect(l.labels.en).toBeUndefined();
    expect(l.language).toBe('fr');
    expect(l.label).toBe(l.labels.fr);
  });

  it('gives every story of the mixed fixture labels of 2–6 words taken from its coverage', () => {
    for (const name of new Set(mixedGold.values())) {
      const members = storyOf(name);
      for (const [lang, label] of Object.entries(labelStory(members)!.labels)) {
        const form = labelForm(label, lang, members);
        expect(form.short, `${name} ${lang}: ${label}`).toBe(true);
        expect(form.fragment, `${name} ${lang}: ${label}`).toBe(true);
      }
    }
  });

  it('keeps its labels while the story grows by less than a quarter, and a better candidate must beat them clearly', () => {
    const members = storyOf('mali');
    const labeller = new StoryLabeller();
    for (const m of members) labeller.observe(m);
    // Ten members (the fixture's story has more).
    const ids = members.slice(0, 10).map((m) => m.id);
    const at8 = labeller.label(ids.slice(0, 8))!;
    expect(at8.basis).toBe(8);
    // A ninth item is not material (8 × 1.25 = 10): every label is kept even if held as something odd.
    const held = { ...at8, labels: { ...at8.labels, en: 'Mali news' } };
    const at9 = labeller.label(ids.slice(0, 9), held)!;
    expect(at9.labels.en).toBe('Mali news');
    expect(at9.basis).toBe(8);
    // At ten items the choice is reconsidered: a weak held label loses to a clearly better one, a good one stays.
    const at10 = labeller.label(ids, held)!;
    expect(at10.basis).toBe(10);
    expect(at10.labels.en).not.toBe('Mali news');
    expect(labeller.label(ids, at8)!.labels.en).toBe(at8.labels.en);
    // Shrinking (an editor took items out) is material too.
    expect(labeller.label(ids.slice(0, 5), at10)!.basis).toBe(5);
  });

  it('lets an editor label win: the main label (for the desk language too) and per-language labels', () => {
    const members = storyOf('mali');
    const labeller = new StoryLabeller();
    for (const m of members) labeller.observe(m);
    const ids = members.map((m) => m.id);
    const base = { id: 's', label: 'Sahel pull-out', labelByEditor: true, labels: { fr: 'Fin de Barkhane', en: 'x' }, labelsByEditor: ['fr'], labelBasis: 4 } as unknown as Story;
    const f = relabelStory(labeller, ids, base, 'fallback');
    expect(f.label).toBe('Sahel pull-out');
    expect(f.labels!.en).toBe('Sahel pull-out');
    expect(f.labels!.fr).toBe('Fin de Barkhane');
    expect(f.labels!.es).toMatch(/Mal[ií]/u);
    // A basis of 0 (an editor handed a language back) chooses afresh: the held text does not stick.
    const handedBack = relabelStory(labeller, ids, { ...base, labelByEditor: false, labelsByEditor: [], labels: { fr: 'Fin de Barkhane' }, labelBasis: 0 } as Story, 'fallback');
    expect(handedBack.labels!.fr).not.toBe('Fin de Barkhane');
    expect(handedBack.labelBasis).toBe(ids.length);
    // Members the labeller never saw: the stored label stands.
    expect(relabelStory(new StoryLabeller(), ids, base, 'fallback').label).toBe('Sahel pull-out');
    expect(relabelStory(new StoryLabeller(), ids, undefined, 'fallback').label).toBe('fallback');
  });
});

describe('label quality measures', () => {
  it('compares labels by folded stems of their content words, with the best of the references', () => {
    expect(labelTerms("France's withdrawal from Mali", 'en')).toEqual(['franc', 'withdraw', 'mali']);
    expect(termF1(['mali', 'withdraw'], ['mali', 'withdraw'])).toBe(1);
    expect(termF1(['mali'], ['mali', 'withdraw'])).toBeCloseTo(2 / 3);
    const m = matchLabel('mali', 'en', 'Mali withdrawal', ['French pull-out', 'withdrawal from Mali'])!;
    expect(m).toMatchObject({ reference: 'withdrawal from Mali', f1: 1, exact: true });
    expect(matchLabel('mali', 'en', 'Mali withdrawal', undefined)).toBeUndefined();
    expect(() => parseReferences('{"story": 1}')).toThrow(/line 1/u);
  });
});

/*
 * Floors just under the figures measured on this machine (docs/grouping.md, "Labels"; `npm run bench -- labels`):
 * a regression in label quality or stability fails the build. Term F1 is the mean folded-stem F1 against the
 * editors' references; flapping is main-label changes per story (stories ending with ≥ 3 items) on replay.
 */
const FLOORS = {
  // The sample day's cross-lingual stories gather every language they are told in: more growth, more relabels (1.11).
  sampleDay: { f1: 0.64, stickyChanges: 1.15 },
  mixed: { f1: 0.7, stickyChanges: 0.9 },
  french: { f1: 0.63, stickyChanges: 1.0 },
  uci: { f1: 0.66 },
};

describe('label quality on reference labels (floors)', () => {
  it('sample day: phrase labels beat the keyword labels, all read as phrases, and flap less', async () => {
    const items = (await sampleDayItems()).map((i) => ({ id: i.id, title: i.title, summary: i.summary, outlet: i.outletId, lang: i.language, publishedAt: i.publishedAt }));
    const r = evaluateLabels(items, parseReferences(readFileSync(resolve(root, 'test/fixtures/labels/sample-day.jsonl'), 'utf8')));
    expect(r.stories).toBe(36);
    expect(r.quality.phrases.meanF1).toBeGreaterThanOrEqual(FLOORS.sampleDay.f1);
    expect(r.quality.phrases.meanF1).toBeGreaterThan(r.quality.keywords.meanF1);
    expect(r.quality.phrases.short).toBe(1);
    expect(r.qualityMultiOutlet.phrases.fragment).toBeGreaterThanOrEqual(0.95);
    expect(r.quality.keywords.fragment).toBeLessThan(0.2);
    expect(r.flapping.sticky.changesPerStory).toBeLessThanOrEqual(FLOORS.sampleDay.stickyChanges);
    expect(r.flapping.sticky.changesPerStory).toBeLessThan(r.flapping.keywords.changesPerStory);
    const mali = r.rows.find((row) => row.story === 'mali' && row.lang === 'en')!;
    expect(mali.phrases).toMatch(/Mali/u);
    expect(mali.phrasesF1).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it('mixed-language fixture', () => {
    const r = evaluateLabels(mixedItems, parseReferences(readFileSync(resolve(root, 'test/fixtures/labels/mixed.jsonl'), 'utf8')), { gold: mixedGold });
    expect(r.quality.phrases.compared).toBe(26);
    expect(r.quality.phrases.meanF1).toBeGreaterThanOrEqual(FLOORS.mixed.f1);
    expect(r.quality.sticky.meanF1).toBeGreaterThanOrEqual(FLOORS.mixed.f1);
    expect(r.quality.phrases.fragment).toBe(1);
    expect(r.flapping.sticky.changesPerStory).toBeLessThanOrEqual(FLOORS.mixed.stickyChanges);
  }, 120_000);

  it.skipIf(!runShared)('French Google News sample of gold stories', () => {
    const dir = resolve(shared, 'french-googlenews-dev');
    const gold = readLabels(readFileSync(resolve(dir, 'gold.jsonl'), 'utf8'), ['story']).map;
    const r = evaluateLabels(readItems(resolve(dir, 'items.jsonl')), parseReferences(readFileSync(resolve(root, 'test/fixtures/labels/french-googlenews-dev.jsonl'), 'utf8')), { gold });
    expect(r.quality.phrases.compared).toBe(40);
    expect(r.quality.phrases.meanF1).toBeGreaterThanOrEqual(FLOORS.french.f1);
    expect(r.quality.phrases.fragment).toBe(1);
    expect(r.flapping.sticky.changesPerStory).toBeLessThanOrEqual(FLOORS.french.stickyChanges);
  }, 180_000);

  it.skipIf(!runShared)('UCI news sample of gold stories (no replay: the bench measures it)', () => {
    const dir = resolve(shared, 'uci-news-sample');
    const gold = readLabels(readFileSync(resolve(dir, 'gold.jsonl'), 'utf8'), ['story']).map;
    const r = evaluateLabels(readItems(resolve(dir, 'items.jsonl')), parseReferences(readFileSync(resolve(root, 'test/fixtures/labels/uci-news-sample.jsonl'), 'utf8')), { gold, flapping: false });
    expect(r.quality.phrases.compared).toBe(40);
    expect(r.quality.phrases.meanF1).toBeGreaterThanOrEqual(FLOORS.uci.f1);
    expect(r.quality.phrases.short).toBe(1);
  }, 180_000);
});
