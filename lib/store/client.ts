// Builds the DynamoDB client from typed config (edge code calls this once per process).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The one method the stores use of a DynamoDB client. DynamoDBClient fits; so does the lite client of
 * lib/aws/dynamodb.ts that Lambda bundles use instead of the SDK runtime.
 */
export type DynamoSender = Pick<DynamoDBClient, 'send'>;

/**
 * Creates a DynamoDB client. A custom endpoint (dynalite, DynamoDB Local) gets dummy credentials so local
 * runs need no AWS account.
 */
export function createDynamoClient(opts: { endpoint?: string; region: string; maxAttempts?: number }): DynamoDBClient {
  return new DynamoDBClient({
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? 8,
    ...(opts.endpoint
      ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}
