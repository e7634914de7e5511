// A small JSON Feed 1.1 validator for tests: the spec's required fields, types, unique ids and RFC 3339 dates.

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks a parsed document against JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).
 * @returns problems found; empty when the feed is valid
 */
export function validateJsonFeed(doc: unknown): string[] {
  const errs: string[] = [];
  if (!isObj(doc)) return ['feed is not an object'];
  if (doc.version !== 'https://jsonfeed.org/version/1.1') errs.push(`version must be https://jsonfeed.org/version/1.1 (got ${String(doc.version)})`);
  if (typeof doc.title !== 'string' || !doc.title) errs.push('title is required and must be a non-empty string');
  for (const k of ['home_page_url', 'feed_url', 'next_url', 'icon', 'favicon'] as const) {
    if (doc[k] !== undefined && !isUrl(doc[k])) errs.push(`${k} must be a URL`);
  }
  if (doc.language !== undefined && typeof doc.language !== 'string') errs.push('language must be a string');
  if (doc.authors !== undefined) checkAuthors(doc.authors, 'authors', errs);
  for (const k of Object.keys(doc)) if (!KNOWN_TOP.has(k) && !k.startsWith('_')) errs.push(`unknown top-level key ${k} (extensions must start with _)`);
  if (!Array.isArray(doc.items)) {
    errs.push('items is required and must be an array');
    return errs;
  }
  const ids = new Set<string>();
  doc.items.forEach((item: unknown, i: number) => {
    const at = `items[${i}]`;
    if (!isObj(item)) {
      errs.push(`${at} is not an object`);
      return;
    }
    if (typeof item.id !== 'string' || !item.id) errs.push(`${at}.id is required and must be a non-empty string`);
    else if (ids.has(item.id)) errs.push(`${at}.id ${item.id} is not unique`);
    else ids.add(item.id);
    if (typeof item.content_text !== 'string' && typeof item.content_html !== 'string') errs.push(`${at} needs content_text or content_html`);
    for (const k of ['content_text', 'content_html', 'title', 'summary', 'language'] as const) {
      if (item[k] !== undefined && typeof item[k] !== 'string') errs.push(`${at}.${k} must be a string`);
    }
    for (const k of ['url', 'external_url', 'image', 'banner_image'] as const) {
      if (item[k] !== undefined && !isUrl(item[k])) errs.push(`${at}.${k} must be a URL`);
    }
    for (const k of ['date_published', 'date_modified'] as const) {
      const v = item[k];
      if (v !== undefined && (typeof v !== 'string' || !RFC3339.test(v) || Number.isNaN(Date.parse(v)))) errs.push(`${at}.${k} must be an RFC 3339 date (got ${String(v)})`);
    }
    if (item.tags !== undefined && (!Array.isArray(item.tags) || item.tags.some((t) => typeof t !== 'string'))) errs.push(`${at}.tags must be strings`);
    if (item.authors !== undefined) checkAuthors(item.authors, `${at}.authors`, errs);
    for (const k of Object.keys(item)) if (!KNOWN_ITEM.has(k) && !k.startsWith('_')) errs.push(`${at}: unknown key ${k} (extensions must start with _)`);
    for (const k of Object.keys(item)) if (k.startsWith('_') && !isObj(item[k])) errs.push(`${at}.${k}: extensions must be objects`);
  });
  return errs;
}

function checkAuthors(v: unknown, at: string, errs: string[]): void {
  if (!Array.isArray(v)) {
    errs.push(`${at} must be an array`);
    return;
  }
  v.forEach((a: unknown, i) => {
    if (!isObj(a)) errs.push(`${at}[${i}] must be an object`);
    else if (a.name === undefined && a.url === undefined && a.avatar === undefined) errs.push(`${at}[${i}] needs name, url or avatar`);
    else if (a.url !== undefined && !isUrl(a.url)) errs.push(`${at}[${i}].url must be a URL`);
  });
}

const KNOWN_TOP = new Set([
  'version', 'title', 'home_page_url', 'feed_url', 'description', 'user_comment', 'next_url', 'icon', 'favicon',
  'authors', 'author', 'language', 'expired', 'hubs', 'items',
]);
const KNOWN_ITEM = new Set([
  'id', 'url', 'external_url', 'title', 'content_html', 'content_text', 'summary', 'image', 'banner_image',
  'date_published', 'date_modified', 'authors', 'author', 'tags', 'language', 'attachments',
]);
