// Arabic look-up keys: spelling variants unified and clitics (و ب ل ف ك + ال) and plural/feminine endings peeled.

/** Letters written interchangeably in headlines and dictionaries: alef maqsura, taa marbuta, hamza seats. */
const VARIANTS: Record<string, string> = { 'ى': 'ي', 'ة': 'ه', 'ؤ': 'و', 'ئ': 'ي', 'ء': '' };
const VARIANT_RE = /[ىةؤئء]/gu;

/** The definite article with the conjunctions and prepositions written before it, longest first. */
const ARTICLES = ['وبال', 'وال', 'بال', 'فال', 'كال', 'لل', 'ال'];
/** One-letter proclitics (and, so, with, for, like): also the first letter of many stems (كابل, بلد). */
const LETTER_PROCLITICS = ['و', 'ف', 'ب', 'ل', 'ك'];
/** Endings, longest first: sound plurals, duals, nisba and feminine, possessive pronouns. */
const ENDINGS = ['يون', 'يين', 'ات', 'ون', 'ين', 'ان', 'يه', 'ها', 'هم', 'هن', 'نا', 'ه', 'ي'];
/** Shortest stem left after peeling: Arabic roots have three letters. */
const MIN_STEM = 3;

/**
 * A folded Arabic token (marks and hamza-on-alif already removed by `foldToken`) with its spelling variants
 * unified: `انتخابات` and `إنتخابات` → `انتخابات`, `بلدية` → `بلديه`, `مستشفى` → `مستشفي`.
 */
export function normaliseArabic(folded: string): string {
  return folded.replace(VARIANT_RE, (c) => VARIANTS[c] ?? c);
}

function withoutEnding(word: string): string | undefined {
  const e = ENDINGS.find((x) => word.endsWith(x) && word.length - x.length >= MIN_STEM);
  return e ? word.slice(0, -e.length) : undefined;
}

/**
 * Look-up keys of an Arabic token, most specific first. Dictionaries list bare or definite singular forms,
 * headlines write clitics and plurals; trying the keys in order finds the entry without a full
 * morphological analyser. After an article (`والانتخابات`) the word is peeled of it first (`انتخابات`, then
 * `انتخاب`); otherwise the ending goes first (`كابلات` → `كابل`) and a one-letter proclitic only after
 * (`وزلزال` → `زلزال`), since that letter often belongs to the stem. Never peels below three letters.
 */
export function arabicKeys(folded: string): string[] {
  const word = normaliseArabic(folded);
  const out = [word];
  const push = (k: string | undefined): void => {
    if (k !== undefined && !out.includes(k)) out.push(k);
  };
  const article = ARTICLES.find((a) => word.startsWith(a) && word.length - a.length >= MIN_STEM);
  if (article) {
    const bare = word.slice(article.length);
    push(bare);
    push(withoutEnding(bare));
    return out;
  }
  push(withoutEnding(word));
  if (LETTER_PROCLITICS.some((p) => word.startsWith(p)) && word.length - 1 >= MIN_STEM) {
    const bare = word.slice(1);
    push(bare);
    push(withoutEnding(bare));
  }
  return out;
}

/**
 * The key an Arabic dictionary headword is stored under: normalised and without the definite article, since
 * English→Arabic dictionaries give definite forms (`الزلزال`) and headlines use both.
 */
export function arabicHeadwordKey(folded: string): string {
  const word = normaliseArabic(folded);
  return word.startsWith('ال') && word.length - 2 >= MIN_STEM ? word.slice(2) : word;
}
