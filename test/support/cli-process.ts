// Runs the real `roundup` command (bin/roundup.mjs) as child processes, as a user's shell would.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(root, 'bin/roundup.mjs');

/**
 * Environment of a CLI child: quiet logs, the embedded database (whatever the developer's shell says), and no
 * Node runtime warnings, so tests read only Roundup's own output.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ROUNDUP_LOG_LEVEL: 'warn', ROUNDUP_DYNAMODB_ENDPOINT: '', NODE_NO_WARNINGS: '1', ...extra };
}

/** A `roundup` process, with its output so far. */
export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout+stderr; rejects if the process exits first. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  /** Exit status (128 + signal number when killed). */
  exited: Promise<number>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Starts `roundup <args>` in `cwd` (the repository by default). */
export function spawnCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? root, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out += d), changed()));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((err += d), changed()));
  const exited = new Promise<number>((res) => child.once('close', (code, signal) => res(code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0))));
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    waitFor: (re) =>
      new Promise((res, rej) => {
        const check = () => {
          const m = (out + err).match(re);
          if (m) {
            listeners.delete(check);
            res(m);
          }
        };
        listeners.add(check);
        check();
        void exited.then((code) => {
          if (listeners.delete(check)) rej(new Error(`roundup ${args.join(' ')} exited with ${code} before printing ${re}:\n${out}${err}`));
        });
      }),
    exited,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `roundup <args>` to completion. */
export async function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = spawnCli(args, opts);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** A `roundup start` that has served and finished its first ingest, with its API address. */
export async function startStack(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliProcess & { apiUrl: string; firstIngest: string }> {
  const p = spawnCli(['start', ...args], opts);
  const [, apiUrl] = await p.waitFor(/API\s+(http:\/\/127\.0\.0\.1:\d+)\/stories/);
  const [firstIngest] = await p.waitFor(/ingest(?: failed)?: .*\n/);
  return { ...p, apiUrl: apiUrl!, firstIngest };
}
