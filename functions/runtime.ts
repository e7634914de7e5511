// Shared edge of the Lambda handlers: config read once, SDK clients with the function's retry budget, Powertools.
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDynamoClient } from '../lib/aws/clients.ts';
import { settleBy } from '../lib/aws/deadline.ts';
import { METRICS } from '../lib/aws/metrics.ts';
import { RETRY_BUDGETS, isUnavailable, type RetryBudget } from '../lib/aws/retry.ts';
import { parseConfig, type Config } from '../lib/config.ts';
import { errorFields, type LogFields, type Logger } from '../lib/log.ts';
import { createDynamoStore, type Store } from '../lib/store/store.ts';

/** The lib Logger interface over a Powertools logger: JSON lines with Lambda context and our stable keys. */
export function powertoolsLogger(pt: PowertoolsLogger): Logger {
  return {
    debug: (msg: string, fields?: LogFields) => pt.debug(msg, fields ?? {}),
    info: (msg: string, fields?: LogFields) => pt.info(msg, fields ?? {}),
    warn: (msg: string, fields?: LogFields) => pt.warn(msg, fields ?? {}),
    error: (msg: string, fields?: LogFields) => pt.error(msg, fields ?? {}),
    child: (fields: LogFields) => powertoolsLogger(pt.createChild({ persistentKeys: fields })),
  };
}

/** What every handler shares, made once per container (module scope). */
export interface LambdaRuntime {
  config: Config;
  budget: RetryBudget;
  /** Powertools logger (the handler adds the invocation's context to it). */
  powertools: PowertoolsLogger;
  log: Logger;
  metrics: Metrics;
  dynamo: ReturnType<typeof createDynamoClient>;
  store: Store;
  /** Region of the SDK clients (AWS_REGION in Lambda). */
  region: string;
  /**
   * Starts an invocation: request id and cold start on every log line, and the deadline (epoch ms) that AWS
   * calls stop at: the Lambda's remaining time less the budget's reserve.
   */
  begin(context: Context): number;
}

/**
 * The edge setup of one function. Throws at cold start on invalid configuration. SDK clients take region and
 * credentials from the Lambda environment, or the configured DynamoDB endpoint (local emulators). Functions
 * that send to SQS make their own client (createSqsClient), so the others do not bundle the SQS client.
 */
export function lambdaRuntime(name: 'api' | 'scheduler' | 'fetch' | 'group', env: Record<string, string | undefined> = process.env): LambdaRuntime {
  const config = parseConfig(env);
  const budget = RETRY_BUDGETS[name];
  const powertools = new PowertoolsLogger({
    serviceName: METRICS.service,
    logLevel: config.logLevel.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
    persistentKeys: { stage: config.stage },
  });
  const region = env.AWS_REGION ?? config.region;
  const dynamo = createDynamoClient({ region, endpoint: config.dynamodbEndpoint, budget });
  return {
    config,
    budget,
    powertools,
    log: powertoolsLogger(powertools),
    metrics: new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service, defaultDimensions: { Stage: config.stage } }),
    dynamo,
    store: createDynamoStore({ client: dynamo, table: config.table, retentionDays: config.retentionDays, retry: budget }),
    region,
    begin(context) {
      powertools.addContext(context);
      return Date.now() + context.getRemainingTimeInMillis() - budget.reserveMs;
    },
  };
}

/**
 * Runs a queue consumer's work for one batch inside the invocation's deadline. `undefined` means the whole
 * batch must go back to the queue as partial batch failures: the work was still running at the deadline, or
 * DynamoDB/SQS stayed unavailable through the retry budget. Either way the handler answers before the Lambda
 * timeout, which would also redeliver the batch but count as a function error. Other errors (bugs) propagate.
 */
export async function withinDeadline<T>(log: Logger, deadline: number, messages: number, work: () => Promise<T>): Promise<T | undefined> {
  try {
    const run = await settleBy(deadline, work);
    if (run.done) return run.value;
    log.error('batch still running at the deadline; every message goes back to the queue', { messages });
  } catch (err) {
    if (!isUnavailable(err)) throw err;
    log.error('AWS unavailable; every message goes back to the queue', { messages, ...errorFields(err) });
  }
  return undefined;
}
