// lib/config.ts on zod/mini: defaults, coercion, and one error naming every bad variable in plain English.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';

describe('parseConfig (lib/config.ts)', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(parseConfig({})).toEqual({
      table: 'roundup',
      dynamodbEndpoint: undefined,
      region: 'us-east-1',
      stage: 'local',
      retentionDays: 30,
      publish: { mode: 'outlets', minOutlets: 2 },
      grouping: { windowHours: 72 },
      pollMinutes: 15,
      fetch: {
        timeoutMs: 20_000,
        maxBytes: 15 * 1024 * 1024,
        concurrency: 16,
        perHost: 2,
        maxItems: 300,
        userAgent: 'Roundup/0.1.0 (+https://github.com/roundup-news/roundup)',
        allowPrivateNetwork: false,
      },
      logLevel: 'info',
      deskLanguage: 'en',
      queues: { fetch: undefined, group: undefined },
      editor: { secretArn: undefined, pepper: undefined },
      publicUrl: undefined,
      trustForwardedHost: false,
      port: 8787,
    });
  });

  it('coerces numbers and booleans, and treats empty strings as unset', () => {
    const c = parseConfig({
      ROUNDUP_RETENTION_DAYS: '7',
      ROUNDUP_GROUP_WINDOW_HOURS: '1.5',
      ROUNDUP_ALLOW_PRIVATE_NETWORK: 'yes',
      PORT: '0',
      ROUNDUP_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      ROUNDUP_TABLE: '',
      ROUNDUP_PUBLISH_MODE: 'editor',
    });
    expect(c).toMatchObject({ retentionDays: 7, grouping: { windowHours: 1.5 }, port: 0, table: 'roundup', dynamodbEndpoint: 'http://127.0.0.1:8000', publish: { mode: 'editor' } });
    expect(c.fetch.allowPrivateNetwork).toBe(true);
    expect(parseConfig({ ROUNDUP_DESK_LANGUAGE: 'fr' }).deskLanguage).toBe('fr');
    expect(parseConfig({ ROUNDUP_PUBLIC_URL: 'https://news.example.org/' }).publicUrl).toBe('https://news.example.org');
    expect(() => parseConfig({ ROUNDUP_PUBLIC_URL: 'ftp://news.example.org' })).toThrow(ConfigError);
    expect(parseConfig({ ROUNDUP_ALLOW_PRIVATE_NETWORK: '0' }).fetch.allowPrivateNetwork).toBe(false);
  });

  it('reports every invalid variable at once, with English messages', () => {
    let err: unknown;
    try {
      parseConfig({
        ROUNDUP_TABLE: 'ab',
        ROUNDUP_DYNAMODB_ENDPOINT: 'not a url',
        ROUNDUP_RETENTION_DAYS: '0',
        ROUNDUP_FETCH_TIMEOUT_MS: '2.5',
        ROUNDUP_PUBLISH_MODE: 'auto',
        ROUNDUP_ALLOW_PRIVATE_NETWORK: 'maybe',
        PORT: 'http',
        ROUNDUP_DESK_LANGUAGE: 'English',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    for (const v of ['ROUNDUP_TABLE', 'ROUNDUP_DYNAMODB_ENDPOINT', 'ROUNDUP_RETENTION_DAYS', 'ROUNDUP_FETCH_TIMEOUT_MS', 'ROUNDUP_PUBLISH_MODE', 'ROUNDUP_ALLOW_PRIVATE_NETWORK', 'PORT', 'ROUNDUP_DESK_LANGUAGE']) {
      expect(message).toContain(`${v}: `);
    }
    expect(message).toContain('ROUNDUP_TABLE: Too small: expected string to have >=3 characters');
    expect(message).toContain('ROUNDUP_PUBLISH_MODE: Invalid option: expected one of "outlets"|"editor"');
    expect(message).not.toMatch(/Invalid input;|Invalid input$/);
  });

  it('reads the per-fetch item cap as a whole number from 1 to 100,000', () => {
    expect(parseConfig({ ROUNDUP_FETCH_MAX_ITEMS: '50' }).fetch.maxItems).toBe(50);
    for (const bad of ['0', '-5', '2.5', 'lots', '100001']) {
      expect(() => parseConfig({ ROUNDUP_FETCH_MAX_ITEMS: bad }), bad).toThrow(/ROUNDUP_FETCH_MAX_ITEMS: /);
    }
  });
});
