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

// HTML element names, current and obsolete (blink, font, marquee…): in `htmlTagsOnly` mode only these are tags.
const HTML_ELEMENTS = new Set(
  ('a abbr acronym address area article aside audio b base basefont bdi bdo big blink blockquote body br button canvas ' +
    'caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset ' +
    'figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ' +
    'ins kbd label legend li link main map mark marquee menu meta meter nav nobr noframes noscript object ol optgroup ' +
    'option output p param picture pre progress q rp rt ruby s samp script search section select small source span ' +
    'strike strong style sub summary sup table tbody td template textarea tfoot th thead time title tr track tt u ul ' +
    'var video wbr applet bgsound embed image isindex keygen layer ilayer listing multicol nextid noembed plaintext ' +
    'rb rtc slot spacer svg math xmp').split(' '),
);

/** Options of htmlToText. */
export interface HtmlToTextOptions {
  /** Keep block boundaries as single newlines. */
  keepBreaks?: boolean;
  /**
   * Treat as tags only HTML elements (and prefixed or custom ones, `o:p`, `my-widget`): `<Untitled>` stays
   * text. For short fields such as titles, which feeds escape as text as often as markup.
   */
  htmlTagsOnly?: boolean;
}

/**
 * Strips markup from an HTML fragment: comments, CDATA markers, script/style content and tags (a tag is
 * `<` followed by a letter, `/`, `!` or `?`, so "1 < 2" survives), then decodes HTML5 entities.
 * Whitespace runs (ASCII only: a no-break space is content) collapse to one space; with `keepBreaks`,
 * block boundaries survive as single newlines.
 */
export function htmlToText(html: string, opts: HtmlToTextOptions = {}): string {
  let s = html.replace(/<!--[\s\S]*?(?:-->|$)/g, '').replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
  s = s.replace(DROP_CONTENT, ' ');
  s = s.replace(/<\/?([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|<!doctype[^>]*>|<\?[\s\S]*?\?>/gi, (m, name?: string) => {
    if (name && opts.htmlTagsOnly && !/[:-]/.test(name) && !HTML_ELEMENTS.has(name.toLowerCase())) return m;
    return name && BLOCK.test(name) ? '\n' : name ? '' : ' ';
  });
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
