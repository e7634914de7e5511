// One process at a time owns a data folder: a lock file names the holder (pid, role, API); a dead holder's lock is taken over.
import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the lock file says about its holder. */
export interface LockInfo {
  /** Unique per acquisition, so a holder only ever removes its own lock. */
  id: string;
  pid: number;
  /** Kernel start time of the holder (Linux), so a recycled pid is not taken for the holder. */
  procStart?: string;
  /** `stack`: `roundup start`, which others may use; `cli`: a command using the folder's database alone. */
  role: 'stack' | 'cli';
  /** The command holding the folder (`start`, `ingest`, `feeds`, …), for messages. */
  command: string;
  startedAt: string;
  /** Set by a stack once it serves. */
  apiUrl?: string;
  dbEndpoint?: string;
  /** The stack's control endpoint (`roundup ingest --once` runs through it) and its bearer token. */
  control?: { url: string; token: string };
  /** Feed list the stack registered: `sample`, `default` or an OPML path. */
  feeds?: string;
}

/** Name of the lock file inside the data folder. */
export const LOCK_FILE = 'roundup.lock';

const lockPath = (dataDir: string) => join(dataDir, LOCK_FILE);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process as /proc shows it (Linux): state letter and start time in clock ticks since boot; undefined elsewhere. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return undefined;
  }
}

const HAS_PROC = procStat(process.pid) !== undefined;

/** True while the process that wrote `info` runs: not a zombie left by `kill -9`, not a recycled pid. */
export function holderAlive(info: Pick<LockInfo, 'pid' | 'procStart'>): boolean {
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(info.pid);
  // Without /proc (macOS, Windows) the signal probe is all there is; with it, a missing entry means gone.
  if (!stat) return !HAS_PROC;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return info.procStart === undefined || stat.start === info.procStart;
}

function readRaw(dataDir: string): string | undefined {
  try {
    return readFileSync(lockPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parse(raw: string): LockInfo | undefined {
  try {
    const info = JSON.parse(raw) as LockInfo;
    return typeof info.pid === 'number' && typeof info.id === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The live holder of `dataDir`, if any. */
export function lockHolder(dataDir: string): LockInfo | undefined {
  const raw = readRaw(dataDir);
  const info = raw === undefined ? undefined : parse(raw);
  return info && holderAlive(info) ? info : undefined;
}

/** Writes `text` to a fresh private file next to `path` and returns its name. */
function scratch(path: string, text: string): string {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  return tmp;
}

/**
 * Moves a dead holder's lock aside. Should another process have replaced it between our read and the move, the
 * file moved is not the one judged dead: it is put back.
 */
function takeOver(dataDir: string, deadRaw: string): void {
  const path = lockPath(dataDir);
  const aside = `${path}.dead.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    if (readFileSync(aside, 'utf8') !== deadRaw) {
      try {
        linkSync(aside, path);
      } catch {
        // Someone locked again in between: theirs stands.
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

/** A held data folder. Released on `release()` and, as a safety net, when the process exits. */
export class DataLock {
  private current: LockInfo;
  private readonly onExit = () => this.release();

  constructor(
    readonly dataDir: string,
    info: LockInfo,
  ) {
    this.current = info;
    process.once('exit', this.onExit);
  }

  get info(): LockInfo {
    return this.current;
  }

  private ours(): boolean {
    const raw = readRaw(this.dataDir);
    return raw !== undefined && parse(raw)?.id === this.current.id;
  }

  /** Adds what others should know (API address, control endpoint) to the lock file, atomically. */
  update(patch: Partial<Omit<LockInfo, 'id' | 'pid' | 'procStart'>>): void {
    this.current = { ...this.current, ...patch };
    if (!this.ours()) return;
    const path = lockPath(this.dataDir);
    renameSync(scratch(path, JSON.stringify(this.current)), path);
  }

  release(): void {
    process.off('exit', this.onExit);
    if (this.ours()) rmSync(lockPath(this.dataDir), { force: true });
  }
}

/** One attempt: the lock, or its live holder. */
export function tryLock(dataDir: string, me: Pick<LockInfo, 'role' | 'command'>): { lock: DataLock } | { holder: LockInfo } {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  const info: LockInfo = { id: randomUUID(), pid: process.pid, procStart: procStat(process.pid)?.start, ...me, startedAt: new Date().toISOString() };
  for (;;) {
    // Written aside then hard-linked into place: the lock appears complete or not at all, and link() fails if it exists.
    const tmp = scratch(path, JSON.stringify(info));
    try {
      linkSync(tmp, path);
      return { lock: new DataLock(dataDir, info) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    const raw = readRaw(dataDir);
    if (raw === undefined) continue;
    const held = parse(raw);
    if (held && holderAlive(held)) return { holder: held };
    takeOver(dataDir, raw);
  }
}

/** How {@link acquireDataLock} treats a live holder. */
export interface AcquireOptions<T> {
  /** A value ends the wait with it (e.g. "use the running stack"), undefined waits for the holder, throwing refuses. */
  onHeld(holder: LockInfo): T | undefined;
  /** Called once for each holder waited for (to say so on the terminal). */
  onWait?(holder: LockInfo): void;
  /** Interval between attempts while waiting (ms). */
  pollMs?: number;
}

/** Takes the data folder, waiting for holders `onHeld` chooses to wait for; returns the lock or `onHeld`'s value. */
export async function acquireDataLock<T>(
  dataDir: string,
  me: Pick<LockInfo, 'role' | 'command'>,
  opts: AcquireOptions<T>,
): Promise<{ lock: DataLock } | { held: T; holder: LockInfo }> {
  let waitingFor: string | undefined;
  for (;;) {
    const attempt = tryLock(dataDir, me);
    if ('lock' in attempt) return attempt;
    const held = opts.onHeld(attempt.holder);
    if (held !== undefined) return { held, holder: attempt.holder };
    if (waitingFor !== attempt.holder.id) {
      waitingFor = attempt.holder.id;
      opts.onWait?.(attempt.holder);
    }
    await sleep(opts.pollMs ?? 200);
  }
}

/**
 * Per-folder identity. The folder's processes own claims and leases as `local-<id>-<role>`, the same across
 * restarts: only one process holds the folder at a time, so whatever that owner holds when a new process takes
 * the folder was left by a dead one, and is released at once.
 */
export interface FolderIdentity {
  id: string;
  /** Feed list the last stack on the folder registered, so `ingest --once` can serve the samples again. */
  feeds?: string;
}

const identityPath = (dataDir: string) => join(dataDir, 'instance.json');

/** Reads the folder's identity, creating it on first use. Call while holding the folder's lock. */
export function folderIdentity(dataDir: string): FolderIdentity {
  try {
    const parsed = JSON.parse(readFileSync(identityPath(dataDir), 'utf8')) as FolderIdentity;
    if (typeof parsed.id === 'string' && /^[a-z0-9]{8,32}$/.test(parsed.id)) return parsed;
  } catch {
    // Missing or damaged: a new identity only means older claims wait out their expiry.
  }
  const identity = { id: randomBytes(6).toString('hex') };
  saveFolderIdentity(dataDir, identity);
  return identity;
}

/** Writes the folder's identity atomically. */
export function saveFolderIdentity(dataDir: string, identity: FolderIdentity): void {
  mkdirSync(dataDir, { recursive: true });
  const path = identityPath(dataDir);
  renameSync(scratch(path, JSON.stringify(identity)), path);
}

/** Roles of the processes that hold a data folder and own claims and leases on its database. */
export const FOLDER_ROLES = ['stack', 'cli'] as const;

/** The claim/lease owner of the folder's process in `role`. */
export const folderOwner = (identity: FolderIdentity, role: (typeof FOLDER_ROLES)[number]) => `local-${identity.id}-${role}`;
