// The data folder lock on a real file system: one holder, stale locks of dead or recycled processes taken over, waiting.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, acquireDataLock, folderIdentity, folderOwner, holderAlive, lockHolder, tryLock, type LockInfo } from '../../lib/local/lock.ts';

const root = mkdtempSync(join(tmpdir(), 'roundup-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return dir;
};
const held = (r: ReturnType<typeof tryLock>) => {
  if (!('lock' in r)) throw new Error(`held by ${JSON.stringify(r.holder)}`);
  return r.lock;
};
/** A pid that certainly names no process any more: a child that has exited and been reaped. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const hasProc = existsSync('/proc/self/stat');

describe('data folder lock', () => {
  it('has one holder at a time and is free again once released', () => {
    const dir = folder();
    const lock = held(tryLock(dir, { role: 'stack', command: 'start' }));
    const again = tryLock(dir, { role: 'cli', command: 'feeds' });
    expect(again).toEqual({ holder: expect.objectContaining({ pid: process.pid, role: 'stack', command: 'start', id: lock.info.id }) });
    lock.update({ apiUrl: 'http://127.0.0.1:8787', dbEndpoint: 'http://127.0.0.1:9000' });
    expect(lockHolder(dir)).toMatchObject({ apiUrl: 'http://127.0.0.1:8787', dbEndpoint: 'http://127.0.0.1:9000' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(lockHolder(dir)).toBeUndefined();
    held(tryLock(dir, { role: 'cli', command: 'feeds' })).release();
  });

  it('takes over the lock of a dead process, of a recycled pid, and a damaged lock file', () => {
    const dir = folder();
    const stale: LockInfo = { id: 'dead', pid: deadPid(), role: 'stack', command: 'start', startedAt: '2026-01-01T00:00:00Z' };
    expect(holderAlive(stale)).toBe(false);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));
    const a = held(tryLock(dir, { role: 'cli', command: 'feeds' }));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ id: a.info.id, pid: process.pid });
    a.release();

    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12, "truncated');
    held(tryLock(dir, { role: 'cli', command: 'feeds' })).release();
  });

  it.skipIf(!hasProc)('does not take a recycled pid for the holder (Linux: process start time)', () => {
    const dir = folder();
    const recycled: LockInfo = { id: 'old', pid: process.pid, procStart: '1', role: 'stack', command: 'start', startedAt: '2026-01-01T00:00:00Z' };
    expect(holderAlive(recycled)).toBe(false);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(recycled), { flag: 'wx' });
    held(tryLock(dir, { role: 'stack', command: 'start' })).release();
  });

  it('only its holder removes a lock', () => {
    const dir = folder();
    const a = held(tryLock(dir, { role: 'cli', command: 'ingest' }));
    // Someone judged it stale and replaced it (a holder that was frozen, say): the old holder leaves theirs alone.
    const theirs = { ...a.info, id: 'someone-else' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(theirs));
    a.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ id: 'someone-else' });
  });

  it('waits for a holder the caller chooses to wait for, and uses one it chooses to use', async () => {
    const dir = folder();
    const cli = held(tryLock(dir, { role: 'cli', command: 'ingest' }));
    const waitedFor: LockInfo[] = [];
    const pending = acquireDataLock(dir, { role: 'stack', command: 'start' }, {
      onHeld: () => undefined,
      onWait: (h) => waitedFor.push(h),
      pollMs: 5,
    });
    await new Promise<void>((resolve) => {
      const check = () => (waitedFor.length ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(waitedFor).toEqual([expect.objectContaining({ id: cli.info.id, command: 'ingest' })]);
    cli.release();
    const got = await pending;
    expect('lock' in got && got.lock.info.role).toBe('stack');
    if ('lock' in got) {
      got.lock.update({ dbEndpoint: 'http://127.0.0.1:1' });
      const use = await acquireDataLock(dir, { role: 'cli', command: 'feeds' }, { onHeld: (h) => h.dbEndpoint });
      expect(use).toEqual({ held: 'http://127.0.0.1:1', holder: expect.objectContaining({ role: 'stack' }) });
      got.lock.release();
    }
  });

  it('gives the folder one identity, and its processes owners that stay the same across restarts', () => {
    const dir = folder();
    const a = folderIdentity(dir);
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(folderIdentity(dir)).toEqual(a);
    expect(folderOwner(a, 'stack')).toBe(`local-${a.id}-stack`);
    expect(folderOwner(a, 'cli')).toBe(`local-${a.id}-cli`);
    expect(folderIdentity(folder()).id).not.toBe(a.id);
  });
});
