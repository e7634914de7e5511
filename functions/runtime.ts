// Shared edge setup for Lambda handlers: config read once, the lite DynamoDB client and logger at module scope.
import { createLiteDynamoClient } from '../lib/aws/dynamodb.ts';
import { credentialsFromEnv, type LiteClientOptions } from '../lib/aws/lite-client.ts';
import { parseConfig } from '../lib/config.ts';
import { createLogger } from '../lib/log.ts';
import { createDynamoStore } from '../lib/store/store.ts';

/** Validated configuration of this function (throws at cold start on bad config). */
export const config = parseConfig(process.env);
/** Structured logger with the function name on every line. */
export const log = createLogger({
  level: config.logLevel,
  base: { service: 'roundup', stage: config.stage, function: process.env.AWS_LAMBDA_FUNCTION_NAME },
});
/**
 * Region and execution-role credentials from the Lambda environment, for the lite AWS clients. The lite
 * clients replace the SDK's (~285 KB of Smithy runtime and credential providers per bundle): see
 * docs/infra.md "Bundles".
 */
export const aws: Pick<LiteClientOptions, 'region' | 'credentials'> = {
  region: process.env.AWS_REGION ?? config.region,
  credentials: credentialsFromEnv(process.env),
};
/** One DynamoDB client per container. */
export const dynamo = createLiteDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
/** The entity stores on the table. */
export const store = createDynamoStore({ client: dynamo, table: config.table, retentionDays: config.retentionDays });
