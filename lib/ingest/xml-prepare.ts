// Makes feed XML safe and palatable for a strict parser: DTD refusal, prolog, HTML entities, inline markup, root element.
import { decode as decodeEntities } from 'html-entities';
import { ParseError } from './errors.ts';

/** What precedes the root element: XML declaration, comments, processing instructions, at most one DOCTYPE. */
export interface Prolog {
  /** Offset of the root element's `<` (or of the first thing that is not prolog). */
  end: number;
  /** The DOCTYPE declaration's span, when there is one. */
  doctype?: { start: number; end: number; internalSubset?: string };
}

/** Index just past `needle` from `from`, or the text's length when it never comes. */
const pastNext = (s: string, needle: string, from: number) => {
  const i = s.indexOf(needle, from);
  return i < 0 ? s.length : i + needle.length;
};

/** Scans a DOCTYPE declaration starting at `start` (`<!DOCTYPE`): quoted literals and the internal subset are skipped as units. */
function scanDoctype(s: string, start: number): { end: number; internalSubset?: string } {
  let i = start + '<!DOCTYPE'.length;
  let internalSubset: string | undefined;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") i = pastNext(s, c, i + 1);
    else if (c === '>') return { end: i + 1, internalSubset };
    else if (c === '[') {
      const subsetStart = i + 1;
      i = subsetStart;
      // Inside the subset: declarations, comments and PIs may hold quotes and brackets of their own.
      while (i < s.length && s[i] !== ']') {
        if (s.startsWith('<!--', i)) i = pastNext(s, '-->', i + 4);
        else if (s.startsWith('<?', i)) i = pastNext(s, '?>', i + 2);
        else if (s[i] === '"' || s[i] === "'") i = pastNext(s, s[i]!, i + 1);
        else i++;
      }
      internalSubset = s.slice(subsetStart, i);
      i++;
    } else i++;
  }
  return { end: s.length, internalSubset };
}

/** Finds the prolog of an XML document (leading whitespace included). */
export function scanProlog(s: string): Prolog {
  let i = 0;
  let doctype: Prolog['doctype'];
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s.startsWith('<?', i)) i = pastNext(s, '?>', i + 2);
    else if (s.startsWith('<!--', i)) i = pastNext(s, '-->', i + 4);
    else if (!doctype && /^<!DOCTYPE\s/i.test(s.slice(i, i + 10))) {
      const d = scanDoctype(s, i);
      doctype = { start: i, ...d };
      i = d.end;
    } else return { end: i, doctype };
  }
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Refuses a document whose DOCTYPE declares entities in its internal subset (XXE, billion laughs): nothing is
 * ever fetched or expanded. Only a real internal subset counts: `<!ENTITY` in a CDATA section, a comment or
 * text is content, not a declaration.
 * @throws ParseError when the internal subset declares an entity
 */
export function assertNoEntityDeclarations(prolog: Prolog): void {
  const subset = prolog.doctype?.internalSubset?.replace(/<!--[\s\S]*?-->/g, '');
  if (subset && /<!ENTITY/i.test(subset)) {
    throw new ParseError('Refused: the document declares XML entities (external entities and entity expansion are never processed)');
  }
}

/**
 * Makes feed text safe and palatable for a strict XML parser:
 * - refuses entity declarations in the DOCTYPE's internal subset and removes the DOCTYPE, so nothing is ever
 *   fetched or expanded (sax ignores internal subsets anyway; this makes it explicit and testable);
 * - turns HTML named entities (`&nbsp;`, `&eacute;`) into numeric references and escapes stray `&`,
 *   outside CDATA sections, since XML knows only five named entities.
 * @throws ParseError when the document declares entities
 */
export function sanitizeXml(text: string): string {
  const prolog = scanProlog(text);
  assertNoEntityDeclarations(prolog);
  const d = prolog.doctype;
  const s = d ? text.slice(0, d.start) + text.slice(d.end) : text;
  return s
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) => (i % 2 === 1 ? part : fixEntities(part)))
    .join('');
}

function fixEntities(s: string): string {
  return s.replace(/&(#[0-9]+;|#x[0-9a-fA-F]+;|([A-Za-z][A-Za-z0-9]*);)?/g, (m, ref?: string, name?: string) => {
    if (!ref) return '&amp;';
    if (!name || XML_ENTITIES.has(name)) return m;
    const decoded = decodeEntities(m, { level: 'html5' });
    if (decoded === m) return `&amp;${name};`;
    return [...decoded].map((c) => `&#${c.codePointAt(0)};`).join('');
  });
}

const TEXT_ELEMENTS = 'title|subtitle|summary|content|description|tagline|info|rights|copyright|content:encoded|fullitem|body|xhtml:body|atom:title|atom:summary|atom:content';
const INLINE_MARKUP = new RegExp(`<(${TEXT_ELEMENTS})((?:\\s[^>]*)?)>((?:(?!</\\1>)[\\s\\S])*?<[A-Za-z][\\s\\S]*?)</\\1\\s*>`, 'g');

/** Attribute marking a text element whose child markup was wrapped in CDATA (its content is markup). */
export const INLINE_ATTR = 'roundup-inline';

/**
 * Wraps child markup of text elements (Atom `type="xhtml"`, unescaped HTML in an RSS description) in CDATA,
 * so it reaches us as one string in document order (xml2js would split text from child elements).
 */
export function wrapInlineMarkup(xml: string): string {
  return xml.replace(INLINE_MARKUP, (m, name: string, attrs: string, inner: string) => {
    if (inner.includes('<![CDATA[')) return m;
    return `<${name}${attrs} ${INLINE_ATTR}="1"><![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
  });
}

/** The root element's qualified name and attributes, read from its start tag. */
export interface RootElement {
  name: string;
  /** Local name (after any prefix). */
  local: string;
  attrs: Record<string, string>;
}

const START_TAG = /^<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Reads the root element's start tag at `offset` (after the prolog). Attribute values are decoded as XML
 * (character references, the five named entities, whitespace normalized to spaces). Undefined when the text
 * there is not a start tag.
 */
export function readRootElement(text: string, offset: number): RootElement | undefined {
  const m = START_TAG.exec(text.slice(offset, offset + 64 * 1024));
  if (!m) {
    const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(offset, offset + 256))?.[1];
    return name ? { name, local: name.slice(name.indexOf(':') + 1), attrs: {} } : undefined;
  }
  const attrs: Record<string, string> = {};
  for (const a of m[2]!.matchAll(ATTRIBUTE)) {
    attrs[a[1]!] = decodeEntities((a[2] ?? a[3] ?? '').replace(/[\t\n\r]/g, ' '), { level: 'xml' });
  }
  const name = m[1]!;
  return { name, local: name.slice(name.indexOf(':') + 1), attrs };
}
