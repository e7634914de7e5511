// Reads a Secrets Manager secret through the Lambda Parameters and Secrets extension (no SDK in the bundle).
import { RoundupError } from '../errors.ts';

/** The extension could not return the secret. */
export class SecretUnavailableError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('secret_unavailable', message, options);
  }
}

/**
 * Fetches a secret's SecretString from the extension's localhost endpoint.
 * @param token the function's session token (the extension authenticates callers with it)
 */
export async function readSecretViaExtension(
  secretId: string,
  opts: { token: string; port?: number; fetch?: typeof fetch },
): Promise<string> {
  const url = `http://localhost:${opts.port ?? 2773}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { headers: { 'X-Aws-Parameters-Secrets-Token': opts.token } });
  } catch (err) {
    throw new SecretUnavailableError('Parameters and Secrets extension not reachable', { cause: err });
  }
  if (!res.ok) throw new SecretUnavailableError(`Secret ${secretId}: extension answered HTTP ${res.status}`);
  const body = (await res.json()) as { SecretString?: unknown };
  if (typeof body.SecretString !== 'string') throw new SecretUnavailableError(`Secret ${secretId} has no SecretString`);
  return body.SecretString;
}
