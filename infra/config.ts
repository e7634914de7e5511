// Parses and validates the CDK context (`-c key=value`) into typed RoundupStack configuration.
import { ConfigError } from '../lib/errors.ts';

/** How stories become public: once enough outlets cover them, or only after an editor approves. */
export type PublishMode = 'outlets' | 'editor';

/** Log verbosity handed to every function as `ROUNDUP_LOG_LEVEL`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Publication policy (see `ROUNDUP_PUBLISH_MODE` / `ROUNDUP_PUBLISH_MIN_OUTLETS`). */
export interface PublicationPolicy {
  readonly mode: PublishMode;
  /** Minimum distinct outlets covering a story before it is published (mode `outlets`). */
  readonly minOutlets: number;
}

/** Validated deployment configuration; every field has a default except `alarmEmail`. */
export interface RoundupConfig {
  /** Short lower-case stage name (`prod`, `dev`, …); part of resource names. */
  readonly stage: string;
  /** EventBridge schedule expression, `rate(…)` or `cron(…)`. */
  readonly schedule: string;
  /** Days items and stories are kept before DynamoDB TTL removes them. */
  readonly retentionDays: number;
  readonly publication: PublicationPolicy;
  /** Address subscribed to the alarm topic; it must confirm the subscription e-mail. */
  readonly alarmEmail?: string;
  readonly logLevel: LogLevel;
  /** Active X-Ray tracing on every function. */
  readonly tracing: boolean;
  /**
   * Public address readers use (a custom domain in front of the distribution), e.g. `https://news.example.org`.
   * Absent: links are built from the host each viewer asked CloudFront for (forwarded by a viewer-request function).
   */
  readonly publicUrl?: string;
}

/** Defaults applied when a context key is absent. */
export const DEFAULT_CONFIG: RoundupConfig = {
  stage: 'prod',
  schedule: 'rate(15 minutes)',
  retentionDays: 30,
  publication: { mode: 'outlets', minOutlets: 2 },
  logLevel: 'info',
  tracing: false,
};

/** Context keys read by {@link parseConfig}. */
export const CONTEXT_KEYS = [
  'stage',
  'schedule',
  'retentionDays',
  'publishMode',
  'publishMinOutlets',
  'alarmEmail',
  'logLevel',
  'tracing',
  'publicUrl',
] as const;


const RATE = /^rate\((1 (minute|hour|day)|[1-9]\d* (minutes|hours|days))\)$/;
// Six space-separated fields inside cron(...); EventBridge validates the fields themselves at deploy time.
const CRON = /^cron\(\S+( \S+){5}\)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads the context through `get` (e.g. `key => app.node.tryGetContext(key)`), applies defaults and validates.
 * Values from `-c` arrive as strings; values from cdk.json may be numbers or booleans, so both are accepted.
 * @throws ConfigError listing every invalid key.
 */
export function parseConfig(get: (key: (typeof CONTEXT_KEYS)[number]) => unknown): RoundupConfig {
  const problems: string[] = [];
  const str = (key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v).trim();
    problems.push(`${key}: expected a scalar, got ${JSON.stringify(v)}`);
    return undefined;
  };
  const int = (key: (typeof CONTEXT_KEYS)[number], fallback: number, min: number, max: number): number => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key}: expected an integer in [${min}, ${max}], got "${raw}"`);
      return fallback;
    }
    return n;
  };

  const stage = str('stage') ?? DEFAULT_CONFIG.stage;
  // Stage is embedded in queue, function and log group names, which have tight charsets and lengths.
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    problems.push(`stage: expected 1-16 chars of [a-z0-9-] starting with a letter, got "${stage}"`);
  }

  const schedule = str('schedule') ?? DEFAULT_CONFIG.schedule;
  if (!RATE.test(schedule) && !CRON.test(schedule)) {
    problems.push(`schedule: expected "rate(N minutes|hours|days)" or "cron(6 fields)", got "${schedule}"`);
  }

  const retentionDays = int('retentionDays', DEFAULT_CONFIG.retentionDays, 1, 3650);

  const modeRaw = str('publishMode') ?? DEFAULT_CONFIG.publication.mode;
  let mode: PublishMode = DEFAULT_CONFIG.publication.mode;
  if (modeRaw === 'outlets' || modeRaw === 'editor') mode = modeRaw;
  else problems.push(`publishMode: expected "outlets" or "editor", got "${modeRaw}"`);
  const minOutlets = int('publishMinOutlets', DEFAULT_CONFIG.publication.minOutlets, 1, 100);

  const alarmEmail = str('alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    problems.push(`alarmEmail: not an e-mail address: "${alarmEmail}"`);
  }

  const levelRaw = str('logLevel') ?? DEFAULT_CONFIG.logLevel;
  let logLevel: LogLevel = DEFAULT_CONFIG.logLevel;
  if (levelRaw === 'debug' || levelRaw === 'info' || levelRaw === 'warn' || levelRaw === 'error') logLevel = levelRaw;
  else problems.push(`logLevel: expected debug|info|warn|error, got "${levelRaw}"`);

  const tracingRaw = str('tracing') ?? String(DEFAULT_CONFIG.tracing);
  if (tracingRaw !== 'true' && tracingRaw !== 'false') {
    problems.push(`tracing: expected true or false, got "${tracingRaw}"`);
  }

  const publicUrl = str('publicUrl')?.replace(/\/+$/, '');
  if (publicUrl !== undefined && !/^https:\/\/[a-z0-9.-]+(:\d+)?(\/[^\s?#]*)?$/i.test(publicUrl)) {
    problems.push(`publicUrl: expected an https:// address without query or fragment, got "${publicUrl}"`);
  }

  if (problems.length > 0) throw new ConfigError(`Invalid Roundup context:\n  - ${problems.join('\n  - ')}`, problems);
  return {
    stage,
    schedule,
    retentionDays,
    publication: { mode, minOutlets },
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    logLevel,
    tracing: tracingRaw === 'true',
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  };
}
