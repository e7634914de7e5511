// Addresses of the reader site's pages: the story page path with its readable slug, and the front page with filters.
import { foldText } from '../text/fold.ts';

/** Longest slug kept, in characters: enough to read the label in a shared link. */
const SLUG_MAX = 72;

/**
 * A story's slug from its label: folded to lower-case ASCII words joined by hyphens ("Mali withdrawal" →
 * `mali-withdrawal`); empty when the label has no Latin letters or digits (the page is served without one).
 */
export function slugOf(label: string): string {
  const words = foldText(label).toLowerCase().match(/[a-z0-9]+/g) ?? [];
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > SLUG_MAX) break;
    slug = next;
  }
  return slug;
}

/**
 * Path of a story's page: `/s/<id>/<slug>`. The slug is for people only: any slug (or none) serves the same page,
 * whose canonical link names the current one, so links keep working when an editor renames the story.
 */
export function storyPagePath(id: string, label: string): string {
  const slug = slugOf(label);
  return `/s/${encodeURIComponent(id)}${slug ? `/${slug}` : ''}`;
}

/** Absolute URL of a story page, with `?lang=` when the reader asked for a language. */
export function storyPageUrl(base: string, id: string, label: string, lang?: string): string {
  return `${base}${storyPagePath(id, label)}${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`;
}

/** Filters of the front page, as the site and the feeds share them. */
export interface FrontFilters {
  region?: readonly string[];
  lang?: readonly string[];
  q?: string;
  /** Language of the site's own words (`fr`); absent for English. */
  hl?: string;
  cursor?: string;
}

/** Query string (with `?`, or empty) of front-page filters, in a fixed order so equal filters give equal URLs. */
export function frontQuery(f: FrontFilters): string {
  const p = new URLSearchParams();
  if (f.region?.length) p.set('region', f.region.join(','));
  if (f.lang?.length) p.set('lang', f.lang.join(','));
  if (f.q) p.set('q', f.q);
  if (f.hl) p.set('hl', f.hl);
  if (f.cursor) p.set('cursor', f.cursor);
  const s = p.toString();
  return s ? `?${s}` : '';
}
