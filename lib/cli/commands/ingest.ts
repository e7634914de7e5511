// `roundup ingest --once`: one ingest run (by the stack running on the data folder, if any), then a summary.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { requestIngest } from '../../local/control.ts';
import { isNamedList, openFeedList, readFeedFile, type FeedList } from '../../local/feeds.ts';
import { createLogger } from '../../log.ts';
import { registerOutlets, runIngest, type IngestSummary } from '../../pipeline/ingest.ts';
import type { Outlet } from '../../types.ts';
import { DB_OPTIONS, openDb, type DbContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup ingest --once [--feeds sample|default|FILE.opml] [--data DIR] [--aws] [--allow-private-network] [--json]

Runs one ingest (every feed, whatever its due time) and prints a summary: feeds fetched, new items, stories
touched, failures. When \`roundup start\` runs on the data folder, that stack runs the ingest (with its own feeds,
sample server and address rules) and this command prints its summary.
Without --feeds it uses the feeds already registered: the samples again if the folder's last stack served them,
the built-in list on an empty database. --feeds FILE.opml registers the file's outlets first (checked as
\`roundup outlets import\` checks them); next to a running stack, sample/default must be the stack's own list.
Exit status 0 when a feed answered (failed feeds keep their error, see \`roundup feeds\`), 6 when every feed failed.
`;

/** The running stack does the run: its feeds, its sample server, its address rules. */
async function ingestByStack(db: DbContext, feeds: string | undefined, fromFile: Outlet[] | undefined): Promise<IngestSummary> {
  const stack = db.stack!;
  if (feeds && isNamedList(feeds) && feeds !== stack.feeds) {
    throw new UsageError(`the stack running on this data folder (pid ${stack.pid}) reads --feeds ${stack.feeds}; stop it to ingest --feeds ${feeds}, or leave --feeds out`);
  }
  if (fromFile) await registerOutlets(db.store, fromFile, new Date().toISOString());
  if (!stack.control) throw new Error(`the stack running on this data folder (pid ${stack.pid}) takes no ingest requests`);
  return requestIngest(stack.control);
}

/** This process does the run, against the database `openDb` found. */
async function ingestHere(db: DbContext, io: CliIO, feeds: string | undefined, fromFile: Outlet[] | undefined): Promise<IngestSummary> {
  const log = createLogger({ level: db.config.logLevel, write: (l) => io.stderr(l + '\n') });
  const now = () => new Date();
  let spec = feeds;
  if (!spec && db.folder?.feeds === 'sample') {
    spec = 'sample';
    io.stderr('Serving the sample feeds again, as the last `roundup start` on this data folder did (--feeds picks others).\n');
  }
  if (!spec && (await db.store.listOutlets()).length === 0) spec = 'default';
  let list: FeedList | undefined;
  try {
    if (spec) {
      list = await openFeedList(fromFile ?? (spec as 'sample' | 'default'));
      await registerOutlets(db.store, list.outlets, now().toISOString());
    }
    const { groupState: _state, ...summary } = await runIngest(
      {
        store: db.store,
        log,
        now,
        fetch: { ...db.config.fetch, allowOrigins: list?.allowOrigins ?? [] },
        pollMinutes: db.config.pollMinutes,
        windowHours: db.config.grouping.windowHours,
        concurrency: db.config.fetch.concurrency,
        owner: db.owner,
        group: { deskLanguage: db.config.deskLanguage },
      },
      { all: true },
    );
    return summary;
  } finally {
    await list?.close();
  }
}

/** Runs `roundup ingest`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      once: { type: 'boolean', default: false },
      feeds: { type: 'string' },
      ...DB_OPTIONS,
      json: { type: 'boolean', default: false },
      'allow-private-network': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (!values.once) throw new UsageError('only --once is supported here; `roundup start` schedules runs');
  const env = { ...io.env };
  if (values['allow-private-network']) env.ROUNDUP_ALLOW_PRIVATE_NETWORK = 'true';
  // A feed list file is read and checked before any database is opened.
  const fromFile =
    values.feeds && !isNamedList(values.feeds)
      ? await readFeedFile(resolve(io.cwd, values.feeds), { allowPrivateNetwork: parseConfig(env).fetch.allowPrivateNetwork })
      : undefined;
  const db = await openDb(io, { command: 'ingest', dataDir: values.data, aws: values.aws, env });
  try {
    const summary = db.stack ? await ingestByStack(db, values.feeds, fromFile) : await ingestHere(db, io, values.feeds, fromFile);
    const answered = summary.feedsFetched + summary.feedsNotModified;
    if (values.json) io.stdout(JSON.stringify(summary) + '\n');
    else {
      io.stdout(
        [
          db.stack ? `Ingest run by ${db.where}` : `Ingest run on ${db.where}`,
          `  feeds fetched    ${summary.feedsFetched} (+${summary.feedsNotModified} not modified)`,
          `  new items        ${summary.newItems} (${summary.updatedItems} updated)`,
          `  stories touched  ${summary.storiesTouched} (${summary.storiesCreated} new)`,
          `  failures         ${summary.failures.length}`,
          ...summary.failures.map((f) => `    ${f.feedId}: ${f.error}`),
          `  duration         ${summary.durationMs} ms`,
        ].join('\n') + '\n',
      );
    }
    if (answered === 0 && summary.failures.length > 0) {
      io.stderr(`roundup ingest: every feed failed (${summary.failures.length}); first: ${summary.failures[0]!.feedId}: ${summary.failures[0]!.error}\n`);
      return EXIT.allFeedsFailed;
    }
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
