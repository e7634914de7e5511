// `roundup start`: runs the local stack until interrupted and prints where to look.
import { lookup } from 'node:dns/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { AlreadyRunningError } from '../../local/errors.ts';
import { lockHolder } from '../../local/lock.ts';
import { startLocalStack } from '../../local/stack.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: roundup start [--feeds auto|sample|default|FILE.opml] [--data DIR] [--port N] [--allow-private-network]

Runs the local stack: embedded DynamoDB (dynalite) kept under --data (default .data/), one ingest at start
and then every ROUNDUP_POLL_MINUTES (default 15), and the API on PORT (default 8787).
Set ROUNDUP_DYNAMODB_ENDPOINT to use another DynamoDB (e.g. DynamoDB Local) instead of the embedded one.
  --feeds   auto (default): the built-in outlets when the internet is reachable, else the samples
            sample: the bundled sample news day served locally (works offline)
            default: the built-in list of real outlets (needs internet)
            FILE: an OPML file (checked as \`roundup outlets import\` checks it)
  --data    data folder (default .data): one stack per folder; a second start on it exits with status 4
  --port    API port (default PORT or 8787; 0 picks a free one); a taken port exits with status 5
  --allow-private-network   allow feeds on loopback/private addresses (the sample feeds never need it)
`;

/** True when public DNS answers; a machine without internet gets the sample feeds instead. */
async function online(): Promise<boolean> {
  try {
    await Promise.race([
      lookup('www.ledevoir.com'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('dns timeout')), 3000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Runs `roundup start`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      feeds: { type: 'string', default: 'auto' },
      data: { type: 'string', default: '.data' },
      port: { type: 'string' },
      'allow-private-network': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const env = { ...io.env };
  if (values.port) env.PORT = values.port;
  if (values['allow-private-network']) env.ROUNDUP_ALLOW_PRIVATE_NETWORK = 'true';
  const config = parseConfig(env);
  const log = createLogger({ level: config.logLevel, write: (l) => io.stderr(l + '\n') });
  const dataDir = resolve(io.cwd, values.data);
  // Said at once, before the connectivity probe below (startLocalStack checks again, atomically).
  const holder = lockHolder(dataDir);
  if (holder?.role === 'stack') throw new AlreadyRunningError(holder, dataDir);
  let spec = values.feeds;
  if (spec === 'auto') {
    spec = (await online()) ? 'default' : 'sample';
    if (spec === 'sample') io.stdout('No internet connection: using the bundled sample feeds (--feeds default forces real outlets).\n');
  }
  const feeds = spec === 'sample' || spec === 'default' ? spec : resolve(io.cwd, spec);
  const stack = await startLocalStack({
    config,
    log,
    dataDir,
    feeds,
    noSchedule: true,
    onWait: (h) => io.stderr(`roundup start: waiting for roundup ${h.command} (pid ${h.pid}) to finish with ${dataDir}…\n`),
  });
  io.stdout(
    [
      '',
      `Roundup is running (${stack.outlets.length} outlets, feeds: ${spec}).`,
      `  API            ${stack.apiUrl}/stories`,
      `  Feed health    ${stack.apiUrl}/feeds`,
      `  Editor desk    ${stack.editorUrl}  (key: npx roundup editor-key create <name> --role editor)`,
      `  Database       ${config.dynamodbEndpoint ? stack.dbEndpoint : `${stack.dbEndpoint} (dynalite, data in ${dataDir})`}`,
      ...(stack.sampleUrl ? [`  Sample feeds   ${stack.sampleUrl}/sample.opml`] : []),
      `  Next ingest runs every ${config.pollMinutes} min. Ctrl-C to stop.`,
      '',
    ].join('\n') + '\n',
  );
  const tick = async () => {
    try {
      const s = await stack.ingestNow();
      io.stdout(
        `ingest: ${s.feedsFetched} feeds fetched, ${s.feedsNotModified} not modified, ${s.newItems} new items, ` +
          `${s.storiesTouched} stories touched, ${s.failures.length} failures — ${stack.apiUrl}/stories\n`,
      );
    } catch (err) {
      io.stderr(`ingest failed: ${(err as Error).message}\n`);
    }
  };
  // Listening before the first ingest: a Ctrl-C during it then closes the stack cleanly once it ends, rather than
  // killing the process mid-write.
  const stopped = new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await tick();
  const timer = setInterval(() => void tick(), config.pollMinutes * 60_000);
  await stopped;
  clearInterval(timer);
  await stack.close();
  return 0;
}
