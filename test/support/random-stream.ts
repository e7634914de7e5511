// Seeded random news streams for the grouping property tests: few words in several languages, so stories collide.
import type { GroupInput, GroupingConfig } from '../../lib/group/engine.ts';

/** Small deterministic PRNG (mulberry32): the same seed gives the same stream. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
export const chance = (rand: Rand, p: number): boolean => rand() < p;

/** One concept per column, written in each language (cognates on purpose: recession/récession/recesión). */
const CONCEPTS: Record<string, string[]> = {
  en: ['withdrawal', 'troops', 'recession', 'election', 'strike', 'earthquake', 'market', 'prices', 'negotiations', 'minister', 'president', 'government', 'protest', 'victory', 'tournament', 'economy', 'industrial', 'production'],
  fr: ['retrait', 'troupes', 'récession', 'élection', 'grève', 'séisme', 'marché', 'prix', 'négociations', 'ministre', 'président', 'gouvernement', 'manifestation', 'victoire', 'tournoi', 'économie', 'industrielle', 'production'],
  es: ['retirada', 'tropas', 'recesión', 'elecciones', 'huelga', 'terremoto', 'mercado', 'precios', 'negociaciones', 'ministro', 'presidente', 'gobierno', 'protesta', 'victoria', 'torneo', 'economía', 'industrial', 'producción'],
  ar: ['انسحاب', 'القوات', 'ركود', 'انتخابات', 'إضراب', 'زلزال', 'السوق', 'الأسعار', 'مفاوضات', 'وزير', 'رئيس', 'الحكومة', 'احتجاج', 'فوز', 'بطولة', 'الاقتصاد', 'الصناعي', 'الإنتاج'],
  // Japanese and Chinese are segmented with their dictionaries: some words carry a particle or a number, unspaced.
  ja: ['撤退', '部隊の', '景気後退', '選挙で', 'ストライキ', '地震', '市場', '価格', '交渉', '大臣', '大統領', '政府は', '抗議', '勝利', '大会', '経済', '死者100人', '2月17日'],
  zh: ['撤军', '部队', '经济衰退', '选举', '罢工', '地震', '市场', '价格', '谈判', '部长', '总统', '政府', '抗议', '胜利', '锦标赛', '经济', '工业生产', '7.6级'],
};
const LANGS = Object.keys(CONCEPTS);
const NAMES = ['Macron', 'Barkhane', 'Djokovic', 'Tesla', 'Scholz', 'Lula', 'NATO', 'OTAN', 'UEFA', 'iPhone', 'Bamako', 'Kyiv', 'A.I.', 'E.U.'];
const COUNTRIES = ['Mali', 'France', 'Russie', 'Russia', 'Rusia', 'Germany', 'Allemagne', 'Alemania', 'United States', 'États-Unis', 'Estados Unidos', 'U.S.', 'US', 'UK', 'russe', 'German', 'malien', 'روسيا', 'مالي', 'Maroc', 'Morocco'];
const NUMBERS = ['2,400', '2 400', '2400', '15', '2022', '7', '1.5', '300'];
const STOP: Record<string, string[]> = { en: ['the', 'of', 'and', 'to', 'in'], fr: ['le', 'la', 'de', 'et', 'du', 'les'], es: ['el', 'la', 'de', 'y', 'los'], ar: ['في', 'من'], ja: ['の', 'で', 'は'], zh: ['的', '了', '在'] };
const CJK = ['東京地震', '地震', '日本', '震', '日本で地震', '北京'];
const JOINS = [' ', ' ', ' ', ' ', ': ', ', ', ' — ', '. ', ' « ', ' » ', ' "'];
const DECLARED: Record<string, string[]> = { en: ['en', 'en-US', 'eng'], fr: ['fr', 'fr-CA', 'FR'], es: ['es', 'es-ES'], ar: ['ar'], ja: ['ja', 'ja-JP'], zh: ['zh', 'zh-CN', 'zh-Hant'] };

/** A story's seed: the concepts, names and country its items talk about. */
interface Seed {
  concepts: number[];
  names: string[];
  country: string;
  number?: string;
}

const newSeed = (rand: Rand): Seed => ({
  concepts: Array.from({ length: 3 + Math.floor(rand() * 3) }, () => Math.floor(rand() * CONCEPTS.en!.length)),
  names: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(rand, NAMES)),
  country: pick(rand, COUNTRIES),
  number: chance(rand, 0.4) ? pick(rand, NUMBERS) : undefined,
});

function words(rand: Rand, seed: Seed, lang: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.45) out.push(CONCEPTS[lang]![pick(rand, seed.concepts)]!);
    else if (r < 0.6) out.push(pick(rand, seed.names));
    else if (r < 0.68) out.push(seed.country);
    else if (r < 0.72 && seed.number) out.push(seed.number);
    else if (r < 0.82) out.push(pick(rand, STOP[lang]!));
    else if (r < 0.84) out.push(pick(rand, CJK));
    else out.push(CONCEPTS[lang]![Math.floor(rand() * CONCEPTS[lang]!.length)]!); // off-topic noise
  }
  return out;
}

function styled(rand: Rand, ws: string[]): string {
  const style = rand();
  const cased = ws.map((w, i) => {
    if (style < 0.15) return w.toUpperCase();
    if (style < 0.4) return w.charAt(0).toUpperCase() + w.slice(1);
    if (style < 0.5) return w.toLowerCase();
    return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
  });
  let text = cased[0] ?? '';
  for (let i = 1; i < cased.length; i++) text += (chance(rand, 0.2) ? pick(rand, JOINS) : ' ') + cased[i];
  return text;
}

/** Generates items about a small, drifting set of stories, in a few languages, with times that mostly advance. */
export class StreamGenerator {
  private readonly seeds: Seed[] = [];
  private readonly recent: GroupInput[] = [];
  /** Times are whole minutes, so items fall exactly on the window's edge now and then. */
  private clock = Date.parse('2026-03-01T00:00:00Z');
  private n = 0;

  constructor(private readonly rand: Rand) {}

  /** The id the k-th next item will have (editor constraints may name an item before it arrives). */
  futureId(k: number): string {
    return `i${this.n + k}`;
  }

  item(prefix = 'i'): GroupInput {
    const item = this.fresh(prefix);
    // Wire copies: the same text under another id, so candidates tie exactly.
    if (this.recent.length > 0 && chance(this.rand, 0.08)) {
      const copy = pick(this.rand, this.recent);
      item.title = copy.title;
      item.summary = copy.summary;
      item.lang = copy.lang;
      item.url = copy.url;
    }
    this.recent.push(item);
    if (this.recent.length > 20) this.recent.shift();
    return item;
  }

  private fresh(prefix: string): GroupInput {
    const rand = this.rand;
    if (this.seeds.length < 3 || chance(rand, 0.08)) this.seeds.push(newSeed(rand));
    if (this.seeds.length > 8) this.seeds.shift();
    const seed = pick(rand, this.seeds);
    const lang = pick(rand, LANGS);
    this.clock += Math.floor(rand() * 20) * 60_000;
    const item: GroupInput = { id: `${prefix}${this.n++}`, title: styled(rand, words(rand, seed, lang, 2 + Math.floor(rand() * 7))) };
    if (chance(rand, 0.6)) {
      const sentences = 1 + Math.floor(rand() * 2);
      item.summary = Array.from({ length: sentences }, () => styled(rand, words(rand, seed, lang, 3 + Math.floor(rand() * 12))) + '.').join(' ');
    }
    if (chance(rand, 0.75)) item.lang = pick(rand, DECLARED[lang]!);
    const t = rand();
    if (t < 0.05) item.publishedAt = 'not a date';
    else if (t < 0.1) {
      // no time: the engine's clock
    } else if (t < 0.16) item.publishedAt = new Date(this.clock - Math.floor(rand() * 300) * 60_000).toISOString();
    else item.publishedAt = new Date(this.clock).toISOString();
    if (chance(rand, 0.3)) {
      const slug = words(rand, seed, lang, 3 + Math.floor(rand() * 4)).map((w) => encodeURIComponent(w.toLowerCase())).join('-');
      item.url = `https://news.test/2026/03/${slug}-${item.id}.html`;
    } else if (chance(rand, 0.1)) item.url = `https://news.test/story/${item.id}`;
    return item;
  }
}

/** Engine settings small enough that decay, retirement, eviction, id recycling and merges all happen often. */
export function randomConfig(rand: Rand): Partial<GroupingConfig> {
  return {
    windowHours: pick(rand, [1, 2, 4, 8]),
    idfHalfLife: pick(rand, [5, 9, 20, 60]),
    recheckAfter: pick(rand, [2, 5, 15]),
    maxPostings: pick(rand, [1, 2, 3, 6, 50]),
    candidateLimit: pick(rand, [1, 2, 5, 40]),
    threshold: pick(rand, [0.15, 0.25, 0.3, 0.4]),
    mergeThreshold: pick(rand, [0.1, 0.22, 0.35]),
    mergeCheckGrowth: pick(rand, [1.3, 2]),
    autoMerge: chance(rand, 0.9),
    maxSummaryTokens: pick(rand, [5, 40]),
    sizeDecayCap: pick(rand, [2.5, 3, 50]),
    smoothing: pick(rand, [0.5, 1]),
  };
}
