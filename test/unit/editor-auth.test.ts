// Editor keys: format, peppered hashing, constant-time verification, roles, CSRF tokens and the local pepper file.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthError, ForbiddenError } from '../../lib/errors.ts';
import {
  bearerKey, csrfOk, csrfToken, hashKey, localPepper, newEditorKey, parseKey, pepperFromSecret, requireRole, verifyKey,
} from '../../lib/editor/auth.ts';

const PEPPER = 'unit-test-pepper-0123456789';

describe('editor keys', () => {
  const { key, record } = newEditorKey('Ada', 'editor', PEPPER, '2026-11-26T10:00:00.000Z');

  it('are rk_<id>_<secret>, with the id usable for a single lookup and never the key stored', () => {
    expect(key).toMatch(/^rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseKey(key)).toEqual({ id: record.id, secret: key.slice(16) });
    expect(JSON.stringify(record)).not.toContain(key.slice(16));
    expect(record.hash).toBe(hashKey(key, PEPPER));
    expect(record.hash).not.toBe(hashKey(key, PEPPER + 'x'));
  });

  it('verify to their actor, and fail for wrong secrets, other peppers, unknown ids and revocation', () => {
    expect(verifyKey(key, record, PEPPER)).toEqual({ keyId: record.id, name: 'Ada', role: 'editor' });
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(() => verifyKey(wrong, record, PEPPER)).toThrow(AuthError);
    expect(() => verifyKey(key, record, 'another-pepper-0123456')).toThrow(AuthError);
    expect(() => verifyKey(key, undefined, PEPPER)).toThrow(AuthError);
    expect(() => verifyKey(key, { ...record, revokedAt: '2026-11-26T11:00:00.000Z' }, PEPPER)).toThrow(AuthError);
  });

  it('reject malformed keys and read bearer headers', () => {
    expect(parseKey('rk_xyz_secret')).toBeUndefined();
    expect(parseKey('Bearer rk_')).toBeUndefined();
    expect(bearerKey(`Bearer ${key}`)).toBe(key);
    expect(bearerKey(`bearer  ${key} `)).toBe(key);
    expect(bearerKey(`Basic ${key}`)).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });
});

describe('roles', () => {
  it('admin satisfies editor; editor does not satisfy admin', () => {
    expect(() => requireRole({ keyId: 'a', name: 'A', role: 'admin' }, 'editor')).not.toThrow();
    expect(() => requireRole({ keyId: 'a', name: 'A', role: 'editor' }, 'editor')).not.toThrow();
    expect(() => requireRole({ keyId: 'e', name: 'E', role: 'editor' }, 'admin')).toThrow(ForbiddenError);
  });
});

describe('CSRF tokens', () => {
  it('are bound to the key and the pepper', () => {
    const t = csrfToken('rk_aaaaaaaaaaaa_secretsecretsecretsecret', PEPPER);
    expect(csrfOk('rk_aaaaaaaaaaaa_secretsecretsecretsecret', PEPPER, t)).toBe(true);
    expect(csrfOk('rk_bbbbbbbbbbbb_secretsecretsecretsecret', PEPPER, t)).toBe(false);
    expect(csrfOk('rk_aaaaaaaaaaaa_secretsecretsecretsecret', PEPPER, undefined)).toBe(false);
    expect(csrfOk('rk_aaaaaaaaaaaa_secretsecretsecretsecret', PEPPER, t.slice(1))).toBe(false);
  });
});

describe('peppers', () => {
  it('come from a raw or JSON secret string and must be long enough', () => {
    expect(pepperFromSecret('  0123456789abcdef0123  ')).toBe('0123456789abcdef0123');
    expect(pepperFromSecret('{"pepper":"0123456789abcdef0123"}')).toBe('0123456789abcdef0123');
    expect(() => pepperFromSecret('short')).toThrow();
    expect(() => pepperFromSecret('{"other":"x"}')).toThrow();
  });

  it('are created once in the data folder (mode 0600) and reused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roundup-pepper-'));
    const first = await localPepper(join(dir, 'data'));
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(await localPepper(join(dir, 'data'))).toBe(first);
    expect((await readFile(join(dir, 'data', 'editor-pepper'), 'utf8')).trim()).toBe(first);
    expect((await stat(join(dir, 'data', 'editor-pepper'))).mode & 0o777).toBe(0o600);
  });
});
