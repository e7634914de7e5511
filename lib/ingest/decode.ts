// Turns feed bytes into text: BOM → HTTP charset → XML declaration → UTF-8 if valid → statistical guess → windows-1252.
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { DecodeError } from './errors.ts';
import { demoronize } from '../text/html.ts';

/** Where the chosen encoding came from. */
export type EncodingSource = 'bom' | 'http' | 'xml' | 'sniff' | 'detect' | 'fallback';

/** Decoded text and how it was decoded. */
export interface Decoded {
  text: string;
  /** Canonical lower-case encoding name (`utf-8`, `windows-1252`, `utf-16le`, …). */
  encoding: string;
  source: EncodingSource;
  /** True when invalid byte sequences were replaced with U+FFFD. */
  lossy: boolean;
  /** Set when the body was readable only by overriding its label or replacing bytes; stored on the feed. */
  warning?: string;
}

const BOMS: [bytes: number[], encoding: string][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'utf-32be'],
  [[0xff, 0xfe, 0x00, 0x00], 'utf-32le'],
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

// Byte patterns of "<?" (or "<" then a name) in BOM-less UTF-16/32, per XML 1.0 appendix F.
const SNIFFS: [bytes: number[], encoding: string][] = [
  [[0x00, 0x00, 0x00, 0x3c], 'utf-32be'],
  [[0x3c, 0x00, 0x00, 0x00], 'utf-32le'],
  [[0x00, 0x3c, 0x00, 0x3f], 'utf-16be'],
  [[0x3c, 0x00, 0x3f, 0x00], 'utf-16le'],
];

const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'us-ascii': 'utf-8', // ASCII declarations routinely carry UTF-8 or 1252 bytes; UTF-8 validation below decides.
  ascii: 'utf-8',
  'iso-8859-1': 'windows-1252', // browsers (WHATWG) treat Latin-1 as 1252: 0x80–0x9F are curly quotes in practice.
  latin1: 'windows-1252',
  'iso_8859-1': 'windows-1252',
  'x-sjis': 'shift_jis',
  gb2312: 'gb18030', // supersets: feeds labelled GB2312 routinely use GBK/GB18030 characters.
  gbk: 'gb18030',
  'utf-16': 'utf-16',
  ucs2: 'utf-16le',
};


/**
 * Statistical guesses that name a subset of what feeds really use: a detector cannot tell ISO-8859-1 from
 * windows-1252 or ISO-8859-8 from windows-1255, and the windows pages are the supersets authors actually write.
 */
const DETECTED_SUPERSETS: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso-8859-8': 'windows-1255',
};

/**
 * Charset of an undeclared, non-UTF-8 body by statistical detection (chardet, ICU's detectors), or undefined
 * when the best guess is Latin-1/windows-1252 anyway, too weak, or not decodable. A Latin-script guess other
 * than windows-1252 must clearly beat it: short French or Spanish text in 1252 sometimes scores close for
 * ISO-8859-2, where "è" is "č".
 */
export function detectEncoding(bytes: Buffer): string | undefined {
  const sample = bytes.length > 65_536 ? bytes.subarray(0, 65_536) : bytes;
  const guesses = chardet.analyse(sample);
  const top = guesses[0];
  if (!top || top.confidence < 10 || /^utf-/i.test(top.name)) return undefined;
  const name = canonicalEncoding(DETECTED_SUPERSETS[top.name.toLowerCase()] ?? top.name);
  if (!name || name === 'windows-1252') return undefined;
  const latin1 = guesses.find((g) => /^(iso-8859-1|windows-1252)$/i.test(g.name));
  if (/^(iso-8859-(2|3|4|9|10|13|14|15|16)|windows-125[0478])$/.test(name) && latin1 && latin1.confidence >= top.confidence * 0.8) {
    return undefined;
  }
  return name;
}

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** Canonical encoding name for a label, or undefined when iconv-lite cannot decode it. */
export function canonicalEncoding(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const l = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!l) return undefined;
  const name = ALIASES[l] ?? l;
  return iconv.encodingExists(name) ? name : undefined;
}

/** The `charset` parameter of a Content-Type header. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = contentType?.match(/;\s*charset\s*=\s*("?)([^";\s]+)\1/i);
  return m?.[2];
}

/** The `encoding` pseudo-attribute of an XML declaration, read from the first bytes in an ASCII-compatible way. */
export function xmlDeclaredEncoding(head: string): string | undefined {
  const m = head.match(/^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/);
  return m?.[1];
}

/** Counts UTF-8 validity: invalid sequences and valid multi-byte sequences. */
function utf8Stats(buf: Buffer): { invalid: number; multibyte: number } {
  let invalid = 0;
  let multibyte = 0;
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = n > 0 && i + n < buf.length;
    for (let k = 1; ok && k <= n; k++) ok = ((buf[i + k] ?? 0) & 0xc0) === 0x80;
    if (ok && n === 2 && b === 0xe0 && buf[i + 1]! < 0xa0) ok = false; // overlong
    if (ok && n === 2 && b === 0xed && buf[i + 1]! > 0x9f) ok = false; // surrogates
    if (ok && n === 3 && b === 0xf0 && buf[i + 1]! < 0x90) ok = false;
    if (ok && n === 3 && b === 0xf4 && buf[i + 1]! > 0x8f) ok = false;
    if (ok) {
      multibyte++;
      i += n + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return { invalid, multibyte };
}

/** BOM-less, declaration-less UTF-16: ASCII markup leaves every other byte zero. */
function sniffUtf16(bytes: Buffer): string | undefined {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 8) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const half = n / 2;
  if (evenZero > half * 0.6 && oddZero < half * 0.1) return 'utf-16be';
  if (oddZero > half * 0.6 && evenZero < half * 0.1) return 'utf-16le';
  return undefined;
}

const isUtf16Family = (enc: string) => /^utf-?(16|32)/.test(enc) || enc === 'ucs2';

function decodeWith(bytes: Buffer, encoding: string): string {
  // stripBOM: a BOM is never content; iconv-lite's 'utf-16' would otherwise keep it in some cases.
  return iconv.decode(bytes, encoding, { stripBOM: true });
}

/**
 * Decodes a feed body. Order: byte-order mark, then the HTTP charset, then the XML declaration (read in
 * UTF-16/32 when the first bytes say so), then UTF-8 if the bytes are valid UTF-8, then a statistical guess
 * (KOI8-R, Shift_JIS, Big5, …; see detectEncoding), else windows-1252.
 * A declared UTF-8 body with invalid bytes is decoded as UTF-8 with U+FFFD replacements when it is mostly
 * UTF-8, else as windows-1252 (the usual mislabelled Latin-1 feed). Never throws for odd bytes.
 * @throws DecodeError for an empty body or one that is clearly binary
 */
export function decodeBody(bytes: Buffer, contentType?: string): Decoded {
  if (bytes.length === 0) throw new DecodeError('Empty body: the server sent no feed');
  let encoding: string | undefined;
  let source: EncodingSource = 'fallback';
  for (const [bom, enc] of BOMS) {
    if (startsWith(bytes, bom)) {
      encoding = enc;
      source = 'bom';
      break;
    }
  }
  if (!encoding) {
    const http = canonicalEncoding(charsetFromContentType(contentType));
    // An HTTP label of a 16-bit encoding on a body that is plainly 8-bit is a server misconfiguration.
    if (http && !(isUtf16Family(http) && !bytes.subarray(0, 64).includes(0))) {
      encoding = http;
      source = 'http';
    }
  }
  if (!encoding) {
    const sniffed = SNIFFS.find(([b]) => startsWith(bytes, b))?.[1] ?? sniffUtf16(bytes);
    const head = sniffed ? decodeWith(bytes.subarray(0, 1024), sniffed) : bytes.subarray(0, 1024).toString('latin1');
    const declared = canonicalEncoding(xmlDeclaredEncoding(head));
    if (declared && !(isUtf16Family(declared) && !sniffed)) {
      encoding = sniffed ?? declared;
      source = 'xml';
    } else if (sniffed) {
      encoding = sniffed;
      source = 'sniff';
    }
  }
  // A generic UTF-16/32 label says nothing about byte order: the bytes do (big-endian when they can't tell).
  if (encoding && /^utf-?(16|32)$/.test(encoding)) {
    const bits = encoding.includes('16') ? '16' : '32';
    const sniffed = SNIFFS.find(([b]) => startsWith(bytes, b))?.[1] ?? sniffUtf16(bytes);
    encoding = sniffed?.includes(bits) ? sniffed : `utf-${bits}be`;
  }
  let lossy = false;
  let warning: string | undefined;
  if (!encoding || encoding === 'utf-8') {
    const { invalid, multibyte } = utf8Stats(bytes);
    const detected = invalid > 0 && !encoding ? detectEncoding(bytes) : undefined;
    if (invalid === 0) encoding = 'utf-8';
    else if (encoding === 'utf-8' && multibyte > invalid) lossy = true;
    else if (detected) {
      encoding = detected;
      source = 'detect';
    } else {
      if (encoding === 'utf-8') warning = `Declared UTF-8 (${source}) but ${invalid} invalid byte sequences: read as windows-1252`;
      encoding = 'windows-1252';
      source = 'fallback';
    }
  }
  let text = decodeWith(bytes, encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // C1 controls are never text; in feeds they are windows-1252 punctuation that went through a Latin-1
  // round trip ("don\u0092t"): map them back to what the author typed.
  text = demoronize(text);
  if (!lossy && encoding !== 'utf-8') lossy = text.includes('\ufffd');
  const sample = text.slice(0, 4096);
  const controls = sample.match(/[\x00-\x08\x0e-\x1f]/g)?.length ?? 0;
  if (controls > 8 && controls > sample.length / 20) {
    throw new DecodeError(`Body looks binary (${controls} control characters in the first ${sample.length}), not a feed`);
  }
  if (lossy && !warning) warning = `Invalid ${encoding} byte sequences replaced with U+FFFD`;
  return { text, encoding, source, lossy, ...(warning ? { warning } : {}) };
}
