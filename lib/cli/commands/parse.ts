// `roundup parse <file-or-url>...`: one normalized JSON line per input, through the same decode/parse/normalize as ingest.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { RoundupError } from '../../errors.ts';
import { fetchFeed } from '../../ingest/fetch.ts';
import { normalizeFeed, toPlain } from '../../ingest/normalize.ts';
import { parseFeed } from '../../ingest/parse.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup parse <file-or-url>... [--base-url URL] [--allow-private-network]

Parses each input and prints one JSON line:
  {"source", "feed": {"title", "link", "language"}, "items": [{"id", "guid", "title", "url", "summary",
   "author", "publishedAt", "language"}]}
or {"source", "error": {"code", "message"}} when the input failed (exit status 1 if any failed).
Files are read as bytes and decoded like a fetched body; http(s) URLs are fetched with the ingest client and its
safety rules (private addresses are refused unless --allow-private-network or ROUNDUP_ALLOW_PRIVATE_NETWORK=true).
--base-url URL  the address a file was served from: its relative links resolve as they would over HTTP
                (without it, against the feed's own site link). URLs resolve against where they were fetched.
Items are the ROUNDUP_FETCH_MAX_ITEMS newest of each feed (default 300), as in ingestion.
`;

/** Runs `roundup parse`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'allow-private-network': { type: 'boolean', default: false },
      'base-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    io.stderr(HELP);
    return 2;
  }
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/[^/]/i.test(baseUrl)) {
    io.stderr(`roundup parse: --base-url must be an http(s) URL, got "${baseUrl}"\n`);
    return 2;
  }
  const config = parseConfig(io.env);
  const fetchOpts = { ...config.fetch, allowPrivateNetwork: config.fetch.allowPrivateNetwork || values['allow-private-network'] };
  const now = new Date().toISOString();
  let failed = 0;
  for (const source of positionals) {
    try {
      let body: Buffer;
      let contentType: string | undefined;
      let contentLanguage: string | undefined;
      let base: string | undefined;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
        const res = await fetchFeed({ url: source }, fetchOpts);
        if (res.kind !== 'ok') throw new Error(`Unexpected ${res.status} without validators`);
        body = res.body;
        contentType = res.contentType;
        contentLanguage = res.contentLanguage;
        base = res.url;
      } else {
        const path = resolve(io.cwd, source);
        body = await readFile(path);
        contentType = /\.json$/i.test(path) ? 'application/json' : undefined;
        base = baseUrl;
      }
      const parsed = await parseFeed(body, { contentType, contentLanguage, url: base, maxItems: config.fetch.maxItems });
      // A local file without --base-url has no web address: its links resolve against the feed's own site.
      const feedUrl = base ?? (parsed.link && /^https?:\/\//i.test(parsed.link) ? parsed.link : pathToFileURL(resolve(io.cwd, source)).href);
      const items = normalizeFeed(parsed, { feed: { id: source }, outlet: { id: 'cli', languages: [] }, feedUrl, now });
      io.stdout(
        JSON.stringify({
          source,
          feed: { title: toPlain(parsed.title, parsed.titleKind) ?? null, link: parsed.link ?? null, language: parsed.language ?? null },
          items: items.map((i) => ({
            id: i.id,
            guid: i.guid ?? null,
            title: i.title,
            url: i.url ?? null,
            summary: i.summary ?? null,
            author: i.author ?? null,
            publishedAt: i.publishedAt,
            language: i.language,
          })),
        }) + '\n',
      );
    } catch (err) {
      failed++;
      const code = err instanceof RoundupError ? err.code : ((err as NodeJS.ErrnoException).code ?? 'error');
      io.stdout(JSON.stringify({ source, error: { code, message: (err as Error).message ?? String(err) } }) + '\n');
    }
  }
  return failed > 0 ? 1 : 0;
}
