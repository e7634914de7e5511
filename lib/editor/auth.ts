// Editor keys: generation, peppered HMAC hashing, constant-time verification, roles and the local pepper file.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthError, ForbiddenError } from '../errors.ts';

/** Roles of editor keys; `admin` can do everything an `editor` can, plus key management. */
export type EditorRole = 'editor' | 'admin';

/** A stored editor key: never the key itself, only its peppered hash. */
export interface EditorKeyRecord {
  id: string;
  name: string;
  role: EditorRole;
  /** Hex HMAC-SHA256(pepper, full key). */
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

/** Who did something: attached to every audit entry. */
export interface Actor {
  keyId: string;
  name: string;
  role: EditorRole;
}

/**
 * Pepper used when nothing else is configured and no data folder exists (tests, throwaway local runs).
 * It is public, so keys hashed with it protect nothing: never use it for a shared deployment.
 */
export const DEV_PEPPER = 'roundup-dev-pepper-not-secret';

const KEY_RE = /^rk_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$/;

/** Splits `rk_<id>_<secret>`; undefined when the text is not shaped like a key. */
export function parseKey(key: string): { id: string; secret: string } | undefined {
  const m = KEY_RE.exec(key.trim());
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Peppered hash of a full key; the pepper lives outside the table so a table leak alone cannot test guesses. */
export function hashKey(key: string, pepper: string): string {
  return createHmac('sha256', pepper).update(key.trim()).digest('hex');
}

/** Makes a new key and its record; the key is shown once and never stored. */
export function newEditorKey(name: string, role: EditorRole, pepper: string, now: string): { key: string; record: EditorKeyRecord } {
  const id = randomBytes(6).toString('hex');
  const key = `rk_${id}_${randomBytes(32).toString('base64url')}`;
  return { key, record: { id, name, role, hash: hashKey(key, pepper), createdAt: now } };
}

/** Constant-time comparison of two hex hashes of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Checks a presented key against its record (fetched by the id inside the key: one GetItem).
 * @throws AuthError for a malformed, unknown, revoked or wrong key (one message for all: no oracle)
 */
export function verifyKey(key: string, record: EditorKeyRecord | undefined, pepper: string): Actor {
  const presented = hashKey(key, pepper);
  // Compare even when the record is missing so unknown ids cost the same as wrong secrets.
  const ok = sameHash(presented, record?.hash ?? '0'.repeat(64));
  if (!record || !ok || record.revokedAt) throw new AuthError('Invalid or revoked editor key');
  return { keyId: record.id, name: record.name, role: record.role };
}

/** Reads the key out of an `Authorization: Bearer …` header. */
export function bearerKey(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** @throws ForbiddenError unless the actor has `role` (admin satisfies editor). */
export function requireRole(actor: Actor, role: EditorRole): void {
  if (role === 'admin' && actor.role !== 'admin') throw new ForbiddenError(`This action needs the admin role (key ${actor.keyId} is ${actor.role})`);
}

/** CSRF token for cookie sessions: bound to the key and the pepper, so it needs no server-side state. */
export function csrfToken(key: string, pepper: string): string {
  return createHmac('sha256', pepper).update(`csrf\n${key.trim()}`).digest('base64url');
}

/** Constant-time check of a CSRF token. */
export function csrfOk(key: string, pepper: string, token: string | undefined): boolean {
  if (!token) return false;
  const a = Buffer.from(csrfToken(key, pepper));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The pepper string from a Secrets Manager SecretString: either the raw pepper or JSON `{"pepper": "…"}`.
 * The function edge fetches the secret once at cold start and hands the result to lib code.
 */
export function pepperFromSecret(secretString: string): string {
  const s = secretString.trim();
  if (s.startsWith('{')) {
    const parsed = JSON.parse(s) as { pepper?: unknown };
    if (typeof parsed.pepper !== 'string' || parsed.pepper.length < 16) throw new Error('Secret JSON lacks a "pepper" of 16+ characters');
    return parsed.pepper;
  }
  if (s.length < 16) throw new Error('Editor pepper secret is shorter than 16 characters');
  return s;
}

/**
 * The local pepper: `<dataDir>/editor-pepper`, created with 32 random bytes (mode 0600) on first use, so the
 * CLI (`editor-key create`) and `roundup start` on the same data folder agree without configuration.
 */
export async function localPepper(dataDir: string): Promise<string> {
  const file = join(dataDir, 'editor-pepper');
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (text) return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, pepper + '\n', { mode: 0o600, flag: 'wx' });
    return pepper;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw err;
  }
}
