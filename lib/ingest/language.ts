// Item language: declared tags normalized to ISO 639-1, else detected from text with franc-min.
import { franc } from 'franc-min';

// ISO 639-3 (as franc-min returns) → ISO 639-1 for every language franc-min can answer.
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

/**
 * A declared language tag (`en-US`, `FR`, `fr_CA`, `eng`) as its ISO 639-1 primary subtag, or undefined
 * when it is empty or unreadable.
 */
export function normalizeLanguageTag(tag: string | undefined): string | undefined {
  const primary = tag?.trim().split(/[-_\s]/)[0]?.toLowerCase();
  if (!primary || !/^[a-z]{2,3}$/.test(primary)) return undefined;
  if (primary.length === 2) return primary;
  return ISO3_TO_1[primary] ?? primary;
}

/**
 * Detects the language of `text` (ISO 639-1), optionally among `candidates` only (an outlet's languages).
 * Returns undefined when the text is too short or the detector is unsure.
 */
export function detectLanguage(text: string, candidates: readonly string[] = []): string | undefined {
  if (text.trim().length < 20) return undefined;
  const only = candidates.map((c) => ISO1_TO_3.get(c)).filter((c): c is string => Boolean(c));
  const code = franc(text, { minLength: 20, ...(only.length > 1 ? { only } : {}) });
  if (code === 'und') return undefined;
  return ISO3_TO_1[code] ?? code;
}
