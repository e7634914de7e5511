// Structured JSON logging with stable keys (feedId, storyId, durationMs) for CloudWatch and local runs.

/** Severity levels in increasing order. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Fields attached to a log line; keep key names stable so queries keep working. */
export type LogFields = Record<string, unknown>;

/** A minimal structured logger: one JSON object per line. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Turns an unknown thrown value into loggable fields (name, message, cause chain). */
export function errorFields(err: unknown): LogFields {
  if (!(err instanceof Error)) return { error: String(err) };
  const out: LogFields = { errorClass: err.name, error: err.message };
  if (err.cause instanceof Error) out.cause = `${err.cause.name}: ${err.cause.message}`;
  return out;
}

/**
 * Creates a JSON-lines logger.
 * @param write where lines go (stdout by default in the edge code; tests pass a collector)
 */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; base?: LogFields } = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const base = opts.base ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ level: opts.level, write, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests, quiet CLI commands). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
