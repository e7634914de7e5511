// Entry of the `roundup` command: dispatches to one module per subcommand (loaded lazily to start fast).
import { ValidationError } from '../errors.ts';
import { ROUNDUP_VERSION } from '../config.ts';
import { EXIT, errorLine, exitCodeOf } from './errors.ts';
import type { CliIO } from './io.ts';

/** A subcommand module. */
interface Command {
  run(args: string[], io: CliIO): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: { summary: 'run the local stack: embedded DynamoDB, scheduled ingest, API', load: () => import('./commands/start.ts') },
  ingest: { summary: 'run one ingest (`--once`) against the configured database and print a summary', load: () => import('./commands/ingest.ts') },
  feeds: { summary: 'list feeds with their health', load: () => import('./commands/feeds.ts') },
  outlets: { summary: 'list outlets; `outlets import FILE.opml`, `outlets export`', load: () => import('./commands/outlets.ts') },
  parse: { summary: 'parse feed files or URLs and print one normalized JSON line each', load: () => import('./commands/parse.ts') },
  cluster: { summary: 'group JSONL items into stories (`--in items.jsonl [--out file]`)', load: () => import('./commands/cluster.ts') },
  eval: { summary: 'score a clustering against gold labels (`--items F --gold G`)', load: () => import('./commands/eval.ts') },
  'eval-labels': { summary: 'measure story labels against editors\' labels, and their flapping (`--reference R --items F`)', load: () => import('./commands/eval-labels.ts') },
  'editor-key': { summary: 'create, list or revoke editor keys', load: () => import('./commands/editor-key.ts') },
};

/** Usage text for `roundup --help`. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Roundup — feeds in, grouped stories out.',
    '',
    'Usage: roundup <command> [options]   (roundup <command> --help for its options; roundup --version)',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment: ROUNDUP_DYNAMODB_ENDPOINT, ROUNDUP_TABLE, PORT, ROUNDUP_ALLOW_PRIVATE_NETWORK, … (see README).',
    'Exit status: 0 ok, 1 failure, 2 usage, 3 bad input file, 4 already running, 5 port in use, 6 every feed failed.',
  ].join('\n');
}

/** Runs the CLI and returns the exit status (see {@link EXIT}). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`roundup ${ROUNDUP_VERSION}\n`);
    return EXIT.ok;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage() + '\n');
    return EXIT.ok;
  }
  if (!name) {
    io.stderr(usage() + '\n');
    return EXIT.usage;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    const hint = name.startsWith('-') ? `unknown option "${name}"` : `unknown command "${name}"`;
    io.stderr(`roundup: ${hint} (roundup --help lists the commands)\n`);
    return EXIT.usage;
  }
  try {
    return await (await cmd.load()).run(rest, io);
  } catch (err) {
    const code = exitCodeOf(err);
    const hint = code === EXIT.usage ? ` (roundup ${name} --help)` : '';
    io.stderr(`roundup ${name}: ${errorLine(err)}${hint}\n`);
    // An import refused for several reasons lists them all, one a line, under the summary.
    if (err instanceof ValidationError && err.issues.length > 1) for (const issue of err.issues.slice(0, 20)) io.stderr(`  - ${issue}\n`);
    if (code === EXIT.failure && io.env.ROUNDUP_LOG_LEVEL === 'debug' && err instanceof Error && err.stack) io.stderr(err.stack + '\n');
    return code;
  }
}
