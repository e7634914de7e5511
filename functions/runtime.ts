// Shared edge setup for Lambda handlers: config read once, SDK clients and logger at module scope.
import { parseConfig } from '../lib/config.ts';
import { createLogger } from '../lib/log.ts';
import { createDynamoClient } from '../lib/store/client.ts';
import { DynamoStore } from '../lib/store/dynamo.ts';

/** Validated configuration of this function (throws at cold start on bad config). */
export const config = parseConfig(process.env);
/** Structured logger with the function name on every line. */
export const log = createLogger({
  level: config.logLevel,
  base: { service: 'roundup', stage: config.stage, function: process.env.AWS_LAMBDA_FUNCTION_NAME },
});
/** One DynamoDB client per container. */
export const dynamo = createDynamoClient({ endpoint: config.dynamodbEndpoint, region: process.env.AWS_REGION ?? config.region });
/** The table behind the Store interface. */
export const store = new DynamoStore({ client: dynamo, table: config.table, retentionDays: config.retentionDays });
