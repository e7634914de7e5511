// The lite SQS client: the AWS JSON 1.0 client bound to the SQS operations the queue adapter sends.
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SqsSender } from '../pipeline/queue.ts';
import { LiteAwsClient, type JsonProtocol, type LiteClientOptions } from './lite-client.ts';

/** SQS over AWS JSON 1.0 (SQS has accepted it alongside the query protocol since 2023). */
export const SQS_PROTOCOL: JsonProtocol = {
  targetPrefix: 'AmazonSQS',
  signingName: 'sqs',
  endpointPrefix: 'sqs',
  operations: [
    [SendMessageBatchCommand, 'SendMessageBatch'],
    [SendMessageCommand, 'SendMessage'],
  ],
};

/** An SQS client for Lambda bundles (scheduler, fetch), standing in for SQSClient where an {@link SqsSender} is taken. */
export function createLiteSqsClient(opts: LiteClientOptions): LiteAwsClient & SqsSender {
  return new LiteAwsClient(SQS_PROTOCOL, opts);
}
