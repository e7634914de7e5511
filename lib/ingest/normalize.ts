// Turns parsed entries into stored items: stable ids, canonical URLs, plain text, dates, language.
import { createHash } from 'node:crypto';
import type { FeedDef, Item, Outlet } from '../types.ts';
import type { ParsedFeed } from './parse.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);

/** Context a feed's entries are normalized in. */
export interface NormalizeContext {
  feed: FeedDef;
  outlet: Pick<Outlet, 'id' | 'languages'>;
  /** Final URL the feed was fetched from, to resolve relative links. */
  feedUrl: string;
  now: string;
}

/** Normalizes every entry of a parsed feed; entries without a title or link are skipped. */
export function normalizeFeed(parsed: ParsedFeed, ctx: NormalizeContext): Item[] {
  const out: Item[] = [];
  for (const e of parsed.entries) {
    const title = e.title?.trim();
    if (!title) continue;
    let url: string | undefined;
    try {
      url = e.link ? new URL(e.link, ctx.feedUrl).href : undefined;
    } catch {
      url = undefined;
    }
    const key = e.guid ?? url ?? `${title}\n${e.summary ?? ''}`;
    const parsedDate = e.date ? Date.parse(e.date) : NaN;
    const publishedAt = Number.isNaN(parsedDate)
      ? ctx.now
      : new Date(Math.min(parsedDate, Date.parse(ctx.now))).toISOString();
    const summary = e.summary?.trim() || undefined;
    out.push({
      id: `i_${sha(`${ctx.feed.id}\n${key}`)}`,
      feedId: ctx.feed.id,
      outletId: ctx.outlet.id,
      guid: e.guid,
      url,
      title,
      summary,
      author: e.author,
      language: ctx.feed.language ?? parsed.language?.slice(0, 2).toLowerCase() ?? ctx.outlet.languages[0] ?? 'und',
      publishedRaw: e.date,
      publishedAt,
      firstSeenAt: ctx.now,
      image: e.image,
      contentHash: sha(`${title}\n${summary ?? ''}\n${url ?? ''}\n${e.author ?? ''}`),
    });
  }
  return out;
}
