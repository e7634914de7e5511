// The CLI's exit statuses and the one mapping from errors to them (documented in the README).
import { ConfigError, InputError, RoundupError, ValidationError } from '../errors.ts';
import { AlreadyRunningError, PortInUseError } from '../local/errors.ts';
import { OpmlError } from '../outlets/opml.ts';

/** Exit statuses of `roundup`; a contract with scripts, listed in the README. */
export const EXIT = {
  ok: 0,
  /** Anything unexpected (database unreachable, a bug); also `parse` when an input failed. */
  failure: 1,
  /** Unknown command or option, missing or bad argument, invalid environment variable. */
  usage: 2,
  /** An input file is missing, unreadable or invalid (OPML, JSONL). */
  input: 3,
  /** `start`: a stack already runs on the data folder. */
  alreadyRunning: 4,
  /** `start`: the API port is taken. */
  portInUse: 5,
  /** `ingest --once`: every feed failed. */
  allFeedsFailed: 6,
} as const;

/** A wrong command line, reported with the command's `--help` hint. */
export class UsageError extends RoundupError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** Exit status for an error that ended a command. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT.usage;
  if (String((err as NodeJS.ErrnoException)?.code).startsWith('ERR_PARSE_ARGS')) return EXIT.usage;
  if (err instanceof InputError || err instanceof ValidationError || err instanceof OpmlError) return EXIT.input;
  if (err instanceof AlreadyRunningError) return EXIT.alreadyRunning;
  if (err instanceof PortInUseError) return EXIT.portInUse;
  return EXIT.failure;
}

/** One line for the terminal: Node's argument-parser messages are cut to their first sentence. */
export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const parseArgs = String((err as NodeJS.ErrnoException)?.code).startsWith('ERR_PARSE_ARGS');
  const first = parseArgs ? message.split('. ')[0]! : message;
  return first.replace(/\s*\n\s*/g, ' ').trim();
}
