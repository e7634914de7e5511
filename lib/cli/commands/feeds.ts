// `roundup feeds`: feed health (last attempt/success, status, error, failures, next due, items) as a table or JSON lines.
import { parseArgs } from 'node:util';
import type { FeedState } from '../../types.ts';
import { DB_OPTIONS, openDb } from '../context.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup feeds [--json] [--failing] [--data DIR] [--aws]

Lists every registered feed with its health: state (ok, failing, gone, new), HTTP status, consecutive failures,
last success, next due time, items seen and the last error. --json prints one JSON object per line (the stored
feed state); --failing shows only feeds whose last attempt failed.
`;

/** Health label of a feed. */
export function feedHealth(f: FeedState): 'ok' | 'failing' | 'gone' | 'new' {
  if (f.gone) return 'gone';
  if (f.errorClass) return 'failing';
  return f.lastAttemptAt ? 'ok' : 'new';
}

const ago = (iso: string | undefined, now: number): string => {
  if (!iso) return '-';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  const abs = Math.abs(s);
  const txt = abs < 90 ? `${abs}s` : abs < 5400 ? `${Math.round(abs / 60)}m` : abs < 129600 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86400)}d`;
  return s >= 0 ? `${txt} ago` : `in ${txt}`;
};

/** Renders feeds as an aligned text table. */
export function feedsTable(feeds: FeedState[], now = Date.now()): string {
  const rows = [
    ['FEED', 'STATE', 'HTTP', 'FAILS', 'LAST SUCCESS', 'NEXT DUE', 'ITEMS', 'ERROR'],
    ...feeds.map((f) => [
      f.feedId,
      feedHealth(f),
      f.httpStatus === undefined ? '-' : String(f.httpStatus),
      String(f.consecutiveFailures),
      ago(f.lastSuccessAt, now),
      f.gone ? 'never' : ago(f.nextDueAt, now),
      String(f.itemsSeen),
      f.errorClass ? `${f.errorClass}: ${(f.errorMessage ?? '').slice(0, 100)}` : f.warning ? `warning: ${f.warning.slice(0, 100)}` : '',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Runs `roundup feeds`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      failing: { type: 'boolean', default: false },
      ...DB_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const db = await openDb(io, { command: 'feeds', dataDir: values.data, aws: values.aws });
  try {
    const all = (await db.store.listFeeds()).sort((a, b) => a.feedId.localeCompare(b.feedId));
    const feeds = values.failing ? all.filter((f) => f.errorClass) : all;
    if (values.json) {
      for (const f of feeds) io.stdout(JSON.stringify({ ...f, health: feedHealth(f) }) + '\n');
    } else if (feeds.length) io.stdout(feedsTable(feeds));
    else if (all.length) io.stdout(`None of the ${all.length} feeds in ${db.where} is failing.\n`);
    else io.stdout(`No feeds registered in ${db.where} (try: roundup outlets import FILE.opml).\n`);
    return 0;
  } finally {
    await db.close();
  }
}
