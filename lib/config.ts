// Typed, validated configuration: parsed once at the edge (CLI, Lambda handler) from an environment map.
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  ROUNDUP_TABLE: z.string().min(3).default('roundup'),
  ROUNDUP_DYNAMODB_ENDPOINT: z.url().optional(),
  ROUNDUP_REGION: z.string().default('us-east-1'),
  ROUNDUP_STAGE: z.string().default('local'),
  ROUNDUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  ROUNDUP_PUBLISH_MODE: z.enum(['outlets', 'editor']).default('outlets'),
  ROUNDUP_PUBLISH_MIN_OUTLETS: z.coerce.number().int().min(1).max(100).default(2),
  ROUNDUP_GROUP_WINDOW_HOURS: z.coerce.number().positive().max(24 * 30).default(72),
  ROUNDUP_POLL_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  ROUNDUP_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  ROUNDUP_FETCH_MAX_BYTES: z.coerce.number().int().positive().default(15 * 1024 * 1024),
  ROUNDUP_FETCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  ROUNDUP_FETCH_PER_HOST: z.coerce.number().int().min(1).max(32).default(2),
  ROUNDUP_USER_AGENT: z.string().min(1).optional(),
  ROUNDUP_CONTACT_URL: z.url().default('https://github.com/roundup-news/roundup'),
  ROUNDUP_ALLOW_PRIVATE_NETWORK: bool.default(false),
  ROUNDUP_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ROUNDUP_FETCH_QUEUE_URL: z.string().optional(),
  ROUNDUP_GROUP_QUEUE_URL: z.string().optional(),
  ROUNDUP_EDITOR_SECRET_ARN: z.string().optional(),
  ROUNDUP_EDITOR_PEPPER: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
});

/** Roundup's configuration, after validation and defaults. */
export interface Config {
  table: string;
  /** Custom DynamoDB endpoint (dynalite, DynamoDB Local); undefined means AWS. */
  dynamodbEndpoint?: string;
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
    userAgent: string;
    allowPrivateNetwork: boolean;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  queues: { fetch?: string; group?: string };
  editor: { secretArn?: string; pepper?: string };
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
  const res = schema.safeParse(clean);
  if (!res.success) {
    const issues = res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${issues.join('; ')}`);
  }
  const e = res.data;
  return {
    table: e.ROUNDUP_TABLE,
    dynamodbEndpoint: e.ROUNDUP_DYNAMODB_ENDPOINT,
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
      userAgent: e.ROUNDUP_USER_AGENT ?? `Roundup/${ROUNDUP_VERSION} (+${e.ROUNDUP_CONTACT_URL})`,
      allowPrivateNetwork: e.ROUNDUP_ALLOW_PRIVATE_NETWORK,
    },
    logLevel: e.ROUNDUP_LOG_LEVEL,
    queues: { fetch: e.ROUNDUP_FETCH_QUEUE_URL, group: e.ROUNDUP_GROUP_QUEUE_URL },
    editor: { secretArn: e.ROUNDUP_EDITOR_SECRET_ARN, pepper: e.ROUNDUP_EDITOR_PEPPER },
    port: e.PORT,
  };
}
