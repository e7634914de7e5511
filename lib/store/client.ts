// The DynamoDB client as the stores see it; built once per process by the edge (lib/aws/clients.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The one method the stores use of a DynamoDB client (the SDK's DynamoDBClient, made by createDynamoClient). */
export type DynamoSender = Pick<DynamoDBClient, 'send'>;

export { createDynamoClient } from '../aws/clients.ts';
