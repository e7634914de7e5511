// `roundup ingest --once`: one ingest run against the configured database, then a summary.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../log.ts';
import { loadFeedList } from '../../local/stack.ts';
import { registerOutlets, runIngest } from '../../pipeline/ingest.ts';
import { DB_OPTIONS, openDb } from '../context.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup ingest --once [--feeds sample|default|FILE.opml] [--data DIR] [--aws] [--allow-private-network] [--json]

Runs one ingest run (every feed, whatever its due time) and prints a summary: feeds fetched, new items,
stories touched, failures. Without --feeds it uses the feeds already registered (or the default list on an
empty database). Exit status 0 even when some feeds failed (their errors are stored on the feeds).
`;

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
    return 0;
  }
  if (!values.once) {
    io.stderr('roundup ingest: only --once is supported here; `roundup start` schedules runs.\n');
    return 2;
  }
  const env = { ...io.env };
  if (values['allow-private-network']) env.ROUNDUP_ALLOW_PRIVATE_NETWORK = 'true';
  const db = await openDb(io, { dataDir: values.data, aws: values.aws, env });
  const log = createLogger({ level: db.config.logLevel, write: (l) => io.stderr(l + '\n') });
  let sample: { close(): Promise<void> } | undefined;
  try {
    const now = () => new Date();
    let allowPrivate = db.config.fetch.allowPrivateNetwork;
    if (values.feeds || (await db.store.listOutlets()).length === 0) {
      const spec = values.feeds ?? 'default';
      const list = await loadFeedList(spec === 'sample' || spec === 'default' ? spec : resolve(io.cwd, spec));
      sample = list.sample;
      allowPrivate ||= list.sample !== undefined;
      await registerOutlets(db.store, list.outlets, now().toISOString());
    }
    const summary = await runIngest(
      {
        store: db.store,
        log,
        now,
        fetch: { ...db.config.fetch, allowPrivateNetwork: allowPrivate },
        pollMinutes: db.config.pollMinutes,
        windowHours: db.config.grouping.windowHours,
        concurrency: db.config.fetch.concurrency,
        owner: `cli-${randomUUID()}`,
        group: { deskLanguage: db.config.deskLanguage },
      },
      { all: true },
    );
    const { groupState: _state, ...plain } = summary;
    if (values.json) io.stdout(JSON.stringify(plain) + '\n');
    else {
      io.stdout(
        [
          `Ingest run on ${db.where}`,
          `  feeds fetched    ${plain.feedsFetched} (+${plain.feedsNotModified} not modified)`,
          `  new items        ${plain.newItems} (${plain.updatedItems} updated)`,
          `  stories touched  ${plain.storiesTouched} (${plain.storiesCreated} new)`,
          `  failures         ${plain.failures.length}`,
          ...plain.failures.map((f) => `    ${f.feedId}: ${f.error}`),
          `  duration         ${plain.durationMs} ms`,
        ].join('\n') + '\n',
      );
    }
    return 0;
  } finally {
    await sample?.close();
    await db.close();
  }
}
