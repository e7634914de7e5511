// Feed dates: RFC 822/1123, ISO 8601/W3CDTF and the variants feeds really use, read to epoch milliseconds.

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');

/**
 * Parses a feed date (RFC 822/1123, ISO 8601/W3CDTF and common variants) to epoch ms; a zone-less ISO
 * date is taken as UTC (not the server's zone). Undefined when unreadable.
 */
export function parseFeedDate(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  let s = raw.trim().replace(/\s+/g, ' ');
  if (!s) return undefined;
  // ISO 8601 without a zone, or with a compact one.
  const iso = s.match(/^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i);
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '0', zone] = iso;
    let z = zone ?? 'Z';
    if (/^[+-]\d{2}$/.test(z)) z += ':00';
    else if (/^[+-]\d{4}$/.test(z)) z = `${z.slice(0, 3)}:${z.slice(3)}`;
    const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}.${frac.padEnd(3, '0').slice(0, 3)}${z.toUpperCase()}`);
    return Number.isNaN(t) ? undefined : t;
  }
  // RFC 822 with a non-US zone name or a one-letter military zone: treat as UTC rather than fail.
  s = s.replace(/\b(UT|UTC|GMT|Z|[A-IK-Z])$/i, 'GMT').replace(/\b(CET|CEST|BST|IST|JST|AEST|AEDT|MSK)$/i, (z) => ZONES[z.toUpperCase()] ?? 'GMT');
  let t = Date.parse(s);
  if (Number.isNaN(t)) {
    // "Thu, 01 Jan 2004 19:48:21 GMT" variants with a misspelled weekday or extra words around.
    const m = s.match(/(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([+-]\d{4}|GMT)?/);
    const mo = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
    if (!m || mo < 0) return undefined;
    let year = Number(m[3]);
    if (year < 100) year += year < 50 ? 2000 : 1900;
    const zone = m[7] && m[7] !== 'GMT' ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : 'Z';
    const pad = (n: string | undefined) => (n ?? '0').padStart(2, '0');
    t = Date.parse(`${year}-${String(mo + 1).padStart(2, '0')}-${pad(m[1])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}${zone}`);
  }
  return Number.isNaN(t) ? undefined : t;
}

const ZONES: Record<string, string> = { CET: '+0100', CEST: '+0200', BST: '+0100', IST: '+0530', JST: '+0900', AEST: '+1000', AEDT: '+1100', MSK: '+0300' };

/**
 * The date to use among candidate values in order of preference: the first one that parses, else the first
 * non-empty one (kept verbatim so an unreadable date is still recorded as the feed gave it).
 */
export function pickDate(candidates: readonly (string | undefined)[]): string | undefined {
  let firstPresent: string | undefined;
  for (const c of candidates) {
    const v = c?.trim();
    if (!v) continue;
    if (parseFeedDate(v) !== undefined) return v;
    firstPresent ??= v;
  }
  return firstPresent;
}
