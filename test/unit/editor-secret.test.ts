// The pepper reaches the API through the Parameters and Secrets extension: request shape and failures.
import { describe, expect, it } from 'vitest';
import { readSecretViaExtension, SecretUnavailableError } from '../../lib/editor/secret.ts';

describe('readSecretViaExtension', () => {
  it('asks the extension on localhost with the session token and returns the SecretString', async () => {
    const seen: { url: string; token: string | null }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      seen.push({ url, token: new Headers(init?.headers).get('x-aws-parameters-secrets-token') });
      return new Response(JSON.stringify({ SecretString: 'p'.repeat(32) }), { status: 200 });
    }) as typeof fetch;
    const arn = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:roundup-pepper-AbCdEf';
    expect(await readSecretViaExtension(arn, { token: 'tok', fetch: fake })).toBe('p'.repeat(32));
    expect(seen).toEqual([{ url: `http://localhost:2773/secretsmanager/get?secretId=${encodeURIComponent(arn)}`, token: 'tok' }]);
  });

  it('raises a typed error when the extension refuses or answers without a string', async () => {
    const refuse = (async () => new Response('denied', { status: 403 })) as unknown as typeof fetch;
    await expect(readSecretViaExtension('s', { token: 't', fetch: refuse })).rejects.toBeInstanceOf(SecretUnavailableError);
    const binary = (async () => new Response(JSON.stringify({ SecretBinary: 'AA==' }))) as unknown as typeof fetch;
    await expect(readSecretViaExtension('s', { token: 't', fetch: binary })).rejects.toThrow(/no SecretString/);
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(readSecretViaExtension('s', { token: 't', fetch: down })).rejects.toThrow(/not reachable/);
  });
});
