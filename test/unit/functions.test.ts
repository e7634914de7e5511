// Lambda entry points at cold start: configuration checked when the module loads, before any event.
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('scheduler entry point', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('refuses to start without its fetch queue', async () => {
    vi.stubEnv('ROUNDUP_FETCH_QUEUE_URL', undefined);
    await expect(import('../../functions/scheduler.ts')).rejects.toThrow(/ROUNDUP_FETCH_QUEUE_URL/);
  });

  it('starts with it', async () => {
    vi.stubEnv('ROUNDUP_FETCH_QUEUE_URL', 'https://sqs.eu-west-1.amazonaws.com/123456789012/roundup-fetch');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const mod = await import('../../functions/scheduler.ts');
    expect(typeof mod.handler).toBe('function');
  });
});
