// Errors of the local stack's start-up (data folder in use, port taken), mapped to exit codes by the CLI.
import { RoundupError } from '../errors.ts';
import type { LockInfo } from './lock.ts';

/** Another `roundup start` already serves this data folder. */
export class AlreadyRunningError extends RoundupError {
  constructor(
    readonly holder: LockInfo,
    dataDir: string,
  ) {
    const api = holder.apiUrl ? `API :${new URL(holder.apiUrl).port}` : 'still starting';
    super('already_running', `already running (pid ${holder.pid}, ${api}) on ${dataDir}; stop it first, or pass --data DIR for a second stack`);
  }
}

/** The API port is taken by another program. */
export class PortInUseError extends RoundupError {
  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super('port_in_use', `port ${port} is in use on 127.0.0.1; pass --port N (or PORT=N), or --port 0 for any free port`, options);
  }
}
