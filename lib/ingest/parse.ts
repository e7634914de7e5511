// Parses feed bytes into a format-neutral structure (first version: UTF-8 RSS/Atom via rss-parser).
import Parser from 'rss-parser';

/** One entry as the feed gave it, before normalization. */
export interface ParsedEntry {
  guid?: string;
  title?: string;
  link?: string;
  /** HTML or text as found in the feed. */
  summary?: string;
  content?: string;
  author?: string;
  /** Date string exactly as found. */
  date?: string;
  image?: string;
  language?: string;
}

/** A parsed feed. */
export interface ParsedFeed {
  title?: string;
  link?: string;
  language?: string;
  entries: ParsedEntry[];
}

/** Error for a body that is not a readable feed. */
export class ParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParseError';
  }
}

const parser = new Parser({ defaultRSS: 2, customFields: { item: ['dc:creator', 'author'] } });

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** Parses a feed body. */
export async function parseFeed(body: Buffer | string, _opts: { contentType?: string; url?: string } = {}): Promise<ParsedFeed> {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let feed: Awaited<ReturnType<typeof parser.parseString>>;
  try {
    feed = await parser.parseString(text);
  } catch (err) {
    throw new ParseError(`Not a feed: ${(err as Error).message}`, { cause: err });
  }
  return {
    title: str(feed.title),
    link: str(feed.link),
    language: str((feed as Record<string, unknown>).language),
    entries: feed.items.map((it) => {
      const r = it as unknown as Record<string, unknown>;
      return {
        guid: str(it.guid) ?? str(r.id),
        title: str(it.title),
        link: str(it.link),
        summary: str(it.contentSnippet) ?? str(r.summary) ?? str(it.content),
        content: str(it.content),
        author: str(it.creator) ?? str(r['dc:creator']) ?? str(r.author),
        date: str(it.pubDate) ?? str(it.isoDate),
        image: str(it.enclosure?.url),
      };
    }),
  };
}
