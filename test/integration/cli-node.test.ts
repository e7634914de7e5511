// The CLI on the machine's own Node (older than Lambda's 22) still runs and never shows the AWS SDK's Node version warning.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// The system Node, not the project's Node 22 that npm scripts put first on PATH.
const SYSTEM_NODE = '/usr/bin/node';
const systemMajor = existsSync(SYSTEM_NODE) ? Number(execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) : 0;
const env = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };

describe.skipIf(systemMajor === 0 || systemMajor >= 22)(`CLI on the system Node ${systemMajor}`, () => {
  it('the SDK does warn on this Node when nothing turns the warning off (the check below can fail)', () => {
    const r = spawnSync(SYSTEM_NODE, ['--input-type=module', '-e', "const m = await import('@aws-sdk/client-dynamodb'); new m.DynamoDBClient({ region: 'us-east-1' });"], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(r.stderr).toContain('NodeVersionSupportWarning');
  });

  it('runs a command that talks to DynamoDB without printing the warning', () => {
    const data = mkdtempSync(join(tmpdir(), 'roundup-cli-node-'));
    try {
      const r = spawnSync(SYSTEM_NODE, [join(ROOT, 'bin', 'roundup.mjs'), 'feeds', '--data', data], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('No feeds registered');
      expect(r.stderr).not.toContain('NodeVersionSupportWarning');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
