// Draft digest of a story in roundup style (Markdown); quotes are always verbatim feed text, never paraphrase.
import { bylineOf, proseLanguage, quotedParts, type ProseLanguage } from '../text/attribution.ts';
import type { Item, Outlet, Story } from '../types.ts';

/** Outlet fields the digest needs; with its feeds, a byline in the outlet's own name in another script is recognised. */
export type DigestOutlet = Pick<Outlet, 'id' | 'name' | 'city'> & Partial<Pick<Outlet, 'feeds'>>;

/** Words of the digest around the quotes, per prose language. */
const WORDS: Record<ProseLanguage, { readAt: (outlet: string) => string; also: string }> = {
  en: { readAt: (o) => `Read at ${o}`, also: 'Also:' },
  fr: { readAt: (o) => `Lire dans ${o}`, also: 'Aussi\u00a0:' },
};

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
 * Renders the digest: headline, standfirst, then one paragraph per outlet (in order of first publication)
 * quoting its earliest item verbatim with attribution and link; further items of that outlet are linked. `lang`
 * (`en` by default, or `fr`) is the language of the prose around the quotes.
 */
export function renderDigest(story: Story, items: Item[], outlets: DigestOutlet[], opts: { lang?: string } = {}): string {
  const lang = proseLanguage(opts.lang);
  const words = WORDS[lang];
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
    const outlet = byId.get(outletId) ?? { id: outletId, name: outletId, city: '' };
    const source = { byline: bylineOf(first.author, outlet), outlet };
    let para = quotedParts(quoteFor(first), source, lang)
      .map((p) => escapeMarkdown(p.text))
      .join('');
    if (first.url) para += ` [${escapeMarkdown(words.readAt(outlet.name))}](${linkTarget(first.url)})`;
    const more = rest.filter((r) => r.url).map((r) => `[${escapeMarkdown(r.title.trim())}](${linkTarget(r.url!)})`);
    if (more.length) para += ` ${words.also} ${more.join('; ')}.`;
    lines.push(para, '');
  }
  lines.push(`<!-- roundup story ${story.id} v${story.version}: ${items.length} items from ${groups.size} outlets -->`, '');
  return lines.join('\n');
}

/** A URL safe inside Markdown link parentheses. */
function linkTarget(url: string): string {
  return url.replace(/[()\s]/g, (c) => encodeURIComponent(c));
}
