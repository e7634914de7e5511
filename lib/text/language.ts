// Language of a text: declared tags normalized to ISO 639-1, else detected from the text with franc-min.
import { franc } from 'franc-min';

// ISO 639-3 (as franc-min returns, plus bibliographic 639-2 codes feeds declare) → ISO 639-1.
const ISO3_TO_1: Record<string, string> = {
  spa: 'es', eng: 'en', por: 'pt', ind: 'id', fra: 'fr', deu: 'de', jav: 'jv', vie: 'vi', ita: 'it', tur: 'tr',
  pol: 'pl', swh: 'sw', sun: 'su', ron: 'ro', hau: 'ha', fuv: 'ff', bos: 'bs', hrv: 'hr', nld: 'nl', srp: 'sr',
  ckb: 'ku', yor: 'yo', uzn: 'uz', zlm: 'ms', ibo: 'ig', ceb: 'ceb', tgl: 'tl', hun: 'hu', azj: 'az', ces: 'cs',
  run: 'rn', plt: 'mg', qug: 'qu', nya: 'ny', zyb: 'za', kin: 'rw', zul: 'zu', swe: 'sv', lin: 'ln', som: 'so',
  ilo: 'ilo', rus: 'ru', ukr: 'uk', bel: 'be', bul: 'bg', kaz: 'kk', arb: 'ar', urd: 'ur', pes: 'fa', skr: 'pa',
  pbu: 'ps', hin: 'hi', mar: 'mr', mai: 'mai', bho: 'bho', npi: 'ne', mag: 'mag', cmn: 'zh', ben: 'bn', jpn: 'ja',
  kor: 'ko', tel: 'te', tam: 'ta', guj: 'gu', kan: 'kn', mal: 'ml', mya: 'my', pan: 'pa', amh: 'am', tha: 'th',
  sin: 'si', ell: 'el', heb: 'he', dan: 'da', nob: 'nb', nor: 'no', fin: 'fi', cat: 'ca', eus: 'eu', glg: 'gl',
  est: 'et', lav: 'lv', lit: 'lt', slk: 'sk', slv: 'sl', mkd: 'mk', sqi: 'sq', kat: 'ka', hye: 'hy', zho: 'zh',
  ara: 'ar', fas: 'fa', msa: 'ms', swa: 'sw', ger: 'de', fre: 'fr', chi: 'zh', dut: 'nl', per: 'fa',
};
const ISO1_TO_3 = new Map<string, string>();
for (const [three, one] of Object.entries(ISO3_TO_1)) if (!ISO1_TO_3.has(one)) ISO1_TO_3.set(one, three);

/** Arabic-script letters: no other language we detect is written in them, so no statistics are needed. */
const ARABIC_SCRIPT = /[\u0600-\u06FF]/u;

/** Normalized primary subtags of declared tags (a handful of distinct values per process: `en`, `fr-CA`, …). */
const tagCache = new Map<string, string | null>();

let languageNames: Map<string, string> | undefined;

/**
 * Languages by name, in English and in themselves (`French`, `Français`, `Deutsch`), from ICU's CLDR data
 * (Intl.DisplayNames): some feeds declare `<language>English</language>`.
 */
function languageByName(name: string): string | undefined {
  if (!languageNames) {
    languageNames = new Map();
    const english = new Intl.DisplayNames(['en'], { type: 'language' });
    for (const code of new Set(Object.values(ISO3_TO_1))) {
      if (code.length !== 2) continue;
      const own = new Intl.DisplayNames([code], { type: 'language' });
      for (const n of [english.of(code), own.of(code)]) if (n && n !== code) languageNames.set(n.toLowerCase(), code);
    }
  }
  return languageNames.get(name.toLowerCase());
}

/**
 * A declared language tag (`en-US`, `FR`, `fr_CA`, `eng`, or a name such as `English` or `Français`) as its
 * ISO 639-1 primary subtag, or undefined when it is empty, `und` or unreadable.
 */
export function normalizeLanguageTag(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  let out = tagCache.get(tag);
  if (out === undefined) {
    const primary = tag.trim().split(/[-_\s]/u)[0]?.toLowerCase() ?? '';
    if (/^[a-z]{2,3}$/u.test(primary)) out = primary === 'und' ? null : primary.length === 2 ? primary : (ISO3_TO_1[primary] ?? primary);
    else out = languageByName(tag.trim()) ?? languageByName(primary) ?? null;
    if (tagCache.size < 1000) tagCache.set(tag, out);
  }
  return out ?? undefined;
}

/** Options of `detectLanguage`. */
export interface DetectOptions {
  /** Answer only among these ISO 639-1 languages (e.g. an outlet's); ignored unless there are two or more. */
  candidates?: readonly string[];
  /** Texts shorter than this (trimmed, in UTF-16 units) are not detected: too little evidence. Default 20. */
  minLength?: number;
}

/**
 * Detects the language of `text` as an ISO 639-1 code (Arabic script directly, otherwise franc-min).
 * Returns undefined when the text is too short or the detector is unsure.
 */
export function detectLanguage(text: string, opts: DetectOptions = {}): string | undefined {
  const minLength = opts.minLength ?? 20;
  if (text.trim().length < minLength) return undefined;
  const candidates = opts.candidates ?? [];
  if (ARABIC_SCRIPT.test(text) && (candidates.length < 2 || candidates.includes('ar'))) return 'ar';
  const only = candidates.map((c) => ISO1_TO_3.get(c)).filter((c): c is string => Boolean(c));
  const code = franc(text, { minLength, ...(only.length > 1 ? { only } : {}) });
  if (code === 'und') return undefined;
  return ISO3_TO_1[code] ?? code;
}

/** The language a text is treated as: its declared tag when readable, else detected, else `und`. */
export function languageOf(text: string, declared: string | undefined, opts?: DetectOptions): string {
  return normalizeLanguageTag(declared) ?? detectLanguage(text, opts) ?? 'und';
}
