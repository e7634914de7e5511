// HTML-to-plain-text for titles and summaries: tags stripped, entities decoded, words kept verbatim.
import { decode } from 'html-entities';

// Elements whose content is never reader-visible text.
const DROP_CONTENT = /<(script|style|template|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
// Block-level boundaries become line breaks so adjacent paragraphs don't run together.
const BLOCK = /^(p|div|br|hr|li|ul|ol|h[1-6]|blockquote|section|article|header|footer|table|tr|td|th|figure|figcaption|pre|dd|dt|dl)$/i;

// windows-1252's characters at 0x80–0x9F (the byte itself where the code page leaves it undefined).
const C1_AS_1252 = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

/**
 * Maps C1 control characters (never text) to the windows-1252 punctuation they almost always are after a
 * Latin-1 round trip or a `&#146;` reference ("don\u0092t" → "don’t").
 */
export function demoronize(s: string): string {
  return /[\u0080-\u009f]/.test(s) ? s.replace(/[\u0080-\u009f]/g, (c) => C1_AS_1252[c.charCodeAt(0) - 0x80] ?? c) : s;
}

/**
 * Strips markup from an HTML fragment: comments, CDATA markers, script/style content and tags (a tag is
 * `<` followed by a letter, `/`, `!` or `?`, so "1 < 2" survives), then decodes HTML5 entities.
 * Whitespace runs (ASCII only: a no-break space is content) collapse to one space; with `keepBreaks`,
 * block boundaries survive as single newlines.
 */
export function htmlToText(html: string, opts: { keepBreaks?: boolean } = {}): string {
  let s = html.replace(/<!--[\s\S]*?(?:-->|$)/g, '').replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
  s = s.replace(DROP_CONTENT, ' ');
  s = s.replace(/<\/?([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|<!doctype[^>]*>|<\?[\s\S]*?\?>/gi, (_m, name?: string) =>
    name && BLOCK.test(name) ? '\n' : name ? '' : ' ',
  );
  s = demoronize(decode(s, { level: 'html5' }));
  return collapse(s, opts.keepBreaks);
}

/** Collapses ASCII whitespace (not U+00A0) and trims; `keepBreaks` keeps one newline between blocks. */
export function collapse(s: string, keepBreaks = false): string {
  if (!keepBreaks) return s.replace(/[ \t\r\n\f\v]+/g, ' ').trim();
  return s
    .split(/[ \t\f\v]*[\r\n][ \t\r\n\f\v]*/)
    .map((line) => line.replace(/[ \t\f\v]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Plain text kept as-is except for whitespace (Atom `type="text"`, JSON Feed `content_text`). */
export function plainText(s: string, opts: { keepBreaks?: boolean } = {}): string {
  return collapse(demoronize(s), opts.keepBreaks);
}

/** First `<img src>` of an HTML fragment (image of last resort). */
export function firstImageSrc(html: string): string | undefined {
  const m = html.match(/<img\b(?:[^>"']|"[^"]*"|'[^']*')*?\ssrc\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s>]+))/i);
  const src = m?.[1] ?? m?.[2] ?? m?.[3];
  return src ? decode(src.trim()) : undefined;
}
