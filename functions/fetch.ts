// Lambda entry consuming the fetch queue: fetch, parse, normalize and store each feed; partial batch failures.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLiteSqsClient } from '../lib/aws/sqs.ts';
import { fetchBatch } from '../lib/pipeline/distributed.ts';
import { SqsQueue } from '../lib/pipeline/queue.ts';
import { aws, config, log, store } from './runtime.ts';

const groupQueue = config.queues.group ? new SqsQueue(createLiteSqsClient(aws), config.queues.group) : undefined;

/** Lambda handler. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { failedMessageIds, outcomes } = await fetchBatch(
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    { store, log, fetch: config.fetch, pollMinutes: config.pollMinutes, now: () => new Date(), groupQueue },
  );
  // CloudWatch Embedded Metric Format: feeds fetched and failed, for the failing-feeds alarm.
  console.log(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: 'Roundup', Dimensions: [['Stage']], Metrics: [{ Name: 'FeedsFetched', Unit: 'Count' }, { Name: 'FeedsFailed', Unit: 'Count' }] },
        ],
      },
      Stage: config.stage,
      FeedsFetched: outcomes.length,
      FeedsFailed: outcomes.filter((o) => o.status === 'failed').length,
    }),
  );
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
};
