// Draft digest of a story in roundup style (Markdown); quotes are always verbatim feed text, never paraphrase.
import type { Item, Outlet, Story } from '../types.ts';

/** Outlet fields the digest needs. */
export type DigestOutlet = Pick<Outlet, 'id' | 'name' | 'city'>;

/** Escapes Markdown syntax so the rendered text is exactly the source text. */
export function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]<>#|~])/g, '\\$1');
}

/**
 * The words to quote for an item: the first sentence of its summary when it is a usable length, else its
 * title. Always an exact substring of the feed's title or summary (trimmed), so a quote can never drift.
 */
export function quoteFor(item: Pick<Item, 'title' | 'summary'>): string {
  const summary = item.summary?.trim();
  if (summary) {
    const m = /^[\s\S]*?[.!?…](?=\s|$)/u.exec(summary);
    const sentence = (m ? m[0] : summary).trim();
    if (sentence.length >= 30 && sentence.length <= 320) return sentence;
  }
  return item.title.trim();
}

/**
 * Cleans an author field for attribution: drops a leading "By", takes the name from `mail (Name)`, and gives up
 * on bare e-mail addresses or lists so long they are not a byline.
 */
export function authorName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let a = raw.trim();
  const paren = /^\S+@\S+\s*\(([^)]+)\)$/.exec(a);
  if (paren) a = paren[1]!.trim();
  a = a.replace(/^by\s+/i, '').trim();
  if (!a || /@/.test(a) || a.length > 80) return undefined;
  return a;
}

/** "said AUTHOR in OUTLET (CITY)" or "said OUTLET (CITY)"; the city is left out when unknown. */
export function attribution(author: string | undefined, outlet: DigestOutlet | undefined, outletId: string): string {
  const name = outlet?.name ?? outletId;
  const where = outlet?.city ? `${name} (${outlet.city})` : name;
  return author ? `said ${author} in ${where}` : `said ${where}`;
}

/**
 * Renders the digest: headline, standfirst, then one paragraph per outlet (in order of first publication)
 * quoting its earliest item verbatim with attribution and link; further items of that outlet are linked.
 */
export function renderDigest(story: Story, items: Item[], outlets: DigestOutlet[]): string {
  const byId = new Map(outlets.map((o) => [o.id, o]));
  const groups = new Map<string, Item[]>();
  for (const it of [...items].sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0))) {
    const list = groups.get(it.outletId) ?? [];
    list.push(it);
    groups.set(it.outletId, list);
  }
  const lines: string[] = [`# ${escapeMarkdown(story.headline.trim())}`, ''];
  if (story.summary?.trim()) lines.push(escapeMarkdown(story.summary.trim()), '');
  for (const [outletId, list] of groups) {
    const [first, ...rest] = list as [Item, ...Item[]];
    const outlet = byId.get(outletId);
    let para = `“${escapeMarkdown(quoteFor(first))}”, ${escapeMarkdown(attribution(authorName(first.author), outlet, outletId))}.`;
    if (first.url) para += ` [Read at ${escapeMarkdown(outlet?.name ?? outletId)}](${linkTarget(first.url)})`;
    const more = rest.filter((r) => r.url).map((r) => `[${escapeMarkdown(r.title.trim())}](${linkTarget(r.url!)})`);
    if (more.length) para += ` Also: ${more.join('; ')}.`;
    lines.push(para, '');
  }
  lines.push(`<!-- roundup story ${story.id} v${story.version}: ${items.length} items from ${groups.size} outlets -->`, '');
  return lines.join('\n');
}

/** A URL safe inside Markdown link parentheses. */
function linkTarget(url: string): string {
  return url.replace(/[()\s]/g, (c) => encodeURIComponent(c));
}
