// Typed, validated configuration: parsed once at the edge (CLI, Lambda handler) from an environment map.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ConfigError } from './errors.ts';
import { DEFAULT_MAX_ITEMS } from './ingest/limits.ts';

// zod/mini rather than classic zod: it tree-shakes, and every Lambda bundle parses its configuration at cold
// start (classic zod kept ~375 KB of every bundle). Mini ships no messages, hence the English locale below.
const bool = z.pipe(
  z.enum(['true', 'false', '1', '0', 'yes', 'no']),
  z.transform((v) => v === 'true' || v === '1' || v === 'yes'),
);
const int = (min: number, max: number) => z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
const positive = (max: number) => z.coerce.number().check(z.positive(), z.maximum(max));

const schema = z.object({
  ROUNDUP_TABLE: z._default(z.string().check(z.minLength(3)), 'roundup'),
  ROUNDUP_DYNAMODB_ENDPOINT: z.optional(z.url()),
  ROUNDUP_SQS_ENDPOINT: z.optional(z.url()),
  ROUNDUP_REGION: z._default(z.string(), 'us-east-1'),
  ROUNDUP_STAGE: z._default(z.string(), 'local'),
  ROUNDUP_RETENTION_DAYS: z._default(int(1, 3650), 30),
  ROUNDUP_PUBLISH_MODE: z._default(z.enum(['outlets', 'editor']), 'outlets'),
  ROUNDUP_PUBLISH_MIN_OUTLETS: z._default(int(1, 100), 2),
  ROUNDUP_GROUP_WINDOW_HOURS: z._default(positive(24 * 30), 72),
  ROUNDUP_POLL_MINUTES: z._default(positive(24 * 60), 15),
  ROUNDUP_FETCH_TIMEOUT_MS: z._default(int(1, Number.MAX_SAFE_INTEGER), 20_000),
  ROUNDUP_FETCH_MAX_BYTES: z._default(int(1, Number.MAX_SAFE_INTEGER), 15 * 1024 * 1024),
  ROUNDUP_FETCH_CONCURRENCY: z._default(int(1, 256), 16),
  ROUNDUP_FETCH_PER_HOST: z._default(int(1, 32), 2),
  ROUNDUP_FETCH_MAX_ITEMS: z._default(int(1, 100_000), DEFAULT_MAX_ITEMS),
  ROUNDUP_USER_AGENT: z.optional(z.string().check(z.minLength(1))),
  ROUNDUP_CONTACT_URL: z._default(z.url(), 'https://github.com/roundup-news/roundup'),
  ROUNDUP_ALLOW_PRIVATE_NETWORK: z._default(bool, false),
  ROUNDUP_LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  ROUNDUP_DESK_LANGUAGE: z._default(z.string().check(z.regex(/^[a-z]{2,3}$/, 'must be a language code such as en or fr')), 'en'),
  ROUNDUP_FETCH_QUEUE_URL: z.optional(z.string()),
  ROUNDUP_GROUP_QUEUE_URL: z.optional(z.string()),
  ROUNDUP_EDITOR_SECRET_ARN: z.optional(z.string()),
  ROUNDUP_EDITOR_PEPPER: z.optional(z.string()),
  ROUNDUP_PUBLIC_URL: z.optional(z.url({ protocol: /^https?$/ })),
  ROUNDUP_TRUST_FORWARDED_HOST: z._default(bool, false),
  PORT: z._default(int(0, 65535), 8787),
});

/** Per-parse English messages, so no global zod setting changes what other schemas report. */
const english = en().localeError;

/** Roundup's configuration, after validation and defaults. */
export interface Config {
  table: string;
  /** Custom DynamoDB endpoint (dynalite, DynamoDB Local); undefined means AWS. */
  dynamodbEndpoint?: string;
  /** Custom SQS endpoint (an emulator); undefined means the host of each queue URL, i.e. AWS. */
  sqsEndpoint?: string;
  region: string;
  stage: string;
  retentionDays: number;
  publish: { mode: 'outlets' | 'editor'; minOutlets: number };
  grouping: { windowHours: number };
  pollMinutes: number;
  fetch: {
    timeoutMs: number;
    maxBytes: number;
    concurrency: number;
    perHost: number;
    /** Items taken from one fetched feed, newest first (the rest are never parsed into items). */
    maxItems: number;
    userAgent: string;
    allowPrivateNetwork: boolean;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The desk's language (BCP 47 primary subtag): readers who ask for no language get headlines in it. */
  deskLanguage: string;
  queues: { fetch?: string; group?: string };
  editor: { secretArn?: string; pepper?: string };
  /**
   * Public base URL of the site and API (`https://news.example.org`, no trailing slash) for absolute links in pages,
   * feeds and API bodies; undefined means each request's own origin.
   */
  publicUrl?: string;
  /**
   * Build links from `X-Forwarded-Host` (https) when no public URL is set: on AWS, CloudFront's viewer-request
   * function puts the reader's host there. Off locally, where no proxy sets it.
   */
  trustForwardedHost: boolean;
  port: number;
}

/** Version string used in the User-Agent. */
export const ROUNDUP_VERSION = '0.1.0';

/**
 * Parses configuration from an environment-like map. Called once at the edge; lib code receives the result.
 * @throws ConfigError listing every invalid variable
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') clean[k] = v;
  const res = schema.safeParse(clean, { error: english });
  if (!res.success) {
    const issues = res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${issues.join('; ')}`, issues);
  }
  const e = res.data;
  return {
    table: e.ROUNDUP_TABLE,
    dynamodbEndpoint: e.ROUNDUP_DYNAMODB_ENDPOINT,
    sqsEndpoint: e.ROUNDUP_SQS_ENDPOINT,
    region: e.ROUNDUP_REGION,
    stage: e.ROUNDUP_STAGE,
    retentionDays: e.ROUNDUP_RETENTION_DAYS,
    publish: { mode: e.ROUNDUP_PUBLISH_MODE, minOutlets: e.ROUNDUP_PUBLISH_MIN_OUTLETS },
    grouping: { windowHours: e.ROUNDUP_GROUP_WINDOW_HOURS },
    pollMinutes: e.ROUNDUP_POLL_MINUTES,
    fetch: {
      timeoutMs: e.ROUNDUP_FETCH_TIMEOUT_MS,
      maxBytes: e.ROUNDUP_FETCH_MAX_BYTES,
      concurrency: e.ROUNDUP_FETCH_CONCURRENCY,
      perHost: e.ROUNDUP_FETCH_PER_HOST,
      maxItems: e.ROUNDUP_FETCH_MAX_ITEMS,
      userAgent: e.ROUNDUP_USER_AGENT ?? `Roundup/${ROUNDUP_VERSION} (+${e.ROUNDUP_CONTACT_URL})`,
      allowPrivateNetwork: e.ROUNDUP_ALLOW_PRIVATE_NETWORK,
    },
    logLevel: e.ROUNDUP_LOG_LEVEL,
    deskLanguage: e.ROUNDUP_DESK_LANGUAGE,
    queues: { fetch: e.ROUNDUP_FETCH_QUEUE_URL, group: e.ROUNDUP_GROUP_QUEUE_URL },
    editor: { secretArn: e.ROUNDUP_EDITOR_SECRET_ARN, pepper: e.ROUNDUP_EDITOR_PEPPER },
    publicUrl: e.ROUNDUP_PUBLIC_URL?.replace(/\/+$/, ''),
    trustForwardedHost: e.ROUNDUP_TRUST_FORWARDED_HOST,
    port: e.PORT,
  };
}
