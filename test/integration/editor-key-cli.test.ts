// `roundup editor-key create|list|revoke` against a real table: the key is printed once and works with the local pepper.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../lib/cli/commands/editor-key.ts';
import type { CliIO } from '../../lib/cli/io.ts';
import { localPepper, parseKey, verifyKey } from '../../lib/editor/auth.ts';
import { createEditorStore } from '../../lib/editor/store.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';

describe('roundup editor-key', () => {
  let db: TestDb;
  let cwd: string;
  const io = () => {
    const out = { stdout: '', stderr: '' };
    const cli: CliIO = {
      stdout: (s) => (out.stdout += s),
      stderr: (s) => (out.stderr += s),
      env: { ROUNDUP_DYNAMODB_ENDPOINT: db.endpoint, ROUNDUP_TABLE: db.table },
      cwd,
    };
    return { cli, out };
  };

  beforeAll(async () => {
    db = await openTestDb(BACKENDS[0]!);
    cwd = await mkdtemp(join(tmpdir(), 'roundup-cli-'));
  });
  afterAll(async () => db?.close());

  it('creates a key, prints it once on stdout, and stores only a hash that verifies with the data folder pepper', async () => {
    const { cli, out } = io();
    expect(await run(['create', 'Ada Lovelace', '--role', 'admin'], cli)).toBe(0);
    const key = out.stdout.trim();
    const parsed = parseKey(key);
    expect(parsed).toBeDefined();
    expect(out.stderr).toContain('shown only once');
    const record = await createEditorStore({ client: db.client, table: db.table }).getKey(parsed!.id);
    expect(JSON.stringify(record)).not.toContain(parsed!.secret);
    const pepper = await localPepper(join(cwd, '.data'));
    expect(verifyKey(key, record, pepper)).toEqual({ keyId: parsed!.id, name: 'Ada Lovelace', role: 'admin' });

    const listed = io();
    expect(await run(['list'], listed.cli)).toBe(0);
    expect(listed.out.stdout).toMatch(new RegExp(`^${parsed!.id}\\tadmin\\t.*\\tactive\\tAda Lovelace$`, 'm'));
    expect(listed.out.stdout).not.toContain(parsed!.secret);

    const revoked = io();
    expect(await run(['revoke', parsed!.id], revoked.cli)).toBe(0);
    const after = await createEditorStore({ client: db.client, table: db.table }).getKey(parsed!.id);
    expect(() => verifyKey(key, after, pepper)).toThrow();
  });

  it('rejects bad roles, missing names and unknown subcommands with usage', async () => {
    for (const args of [['create', 'X', '--role', 'owner'], ['create'], ['rotate']]) {
      const { cli, out } = io();
      expect(await run(args, cli)).toBe(2);
      expect(out.stderr).toContain('editor-key');
    }
  });
});
