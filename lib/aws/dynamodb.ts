// The lite DynamoDB client: the AWS JSON 1.0 client bound to the DynamoDB operations the stores send.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoSender } from '../store/client.ts';
import { LiteAwsClient, type JsonProtocol, type LiteClientOptions } from './lite-client.ts';

/**
 * DynamoDB over AWS JSON 1.0. Only the data-plane commands entity stores and the editor store send are listed:
 * each command class imported here lands in every bundle that uses the client.
 */
export const DYNAMODB_PROTOCOL: JsonProtocol = {
  targetPrefix: 'DynamoDB_20120810',
  signingName: 'dynamodb',
  endpointPrefix: 'dynamodb',
  operations: [
    [GetItemCommand, 'GetItem'],
    [PutItemCommand, 'PutItem'],
    [UpdateItemCommand, 'UpdateItem'],
    [DeleteItemCommand, 'DeleteItem'],
    [QueryCommand, 'Query'],
    [BatchGetItemCommand, 'BatchGetItem'],
    [BatchWriteItemCommand, 'BatchWriteItem'],
  ],
};

/** A DynamoDB client for Lambda bundles: stands in for DynamoDBClient wherever the stores take a {@link DynamoSender}. */
export function createLiteDynamoClient(opts: LiteClientOptions): LiteAwsClient & DynamoSender {
  return new LiteAwsClient(DYNAMODB_PROTOCOL, opts);
}
