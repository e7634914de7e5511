// Lambda entry consuming the fetch queue: fetch, parse, normalize and store each feed; partial batch failures.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSqsClient } from '../lib/aws/clients.ts';
import { METRICS } from '../lib/aws/metrics.ts';
import { fetchBatch } from '../lib/pipeline/distributed.ts';
import { SqsQueue } from '../lib/pipeline/queue.ts';
import { lambdaRuntime, withinDeadline } from './runtime.ts';

const rt = lambdaRuntime('fetch');
const { config, log, metrics, store } = rt;
const groupQueue = config.queues.group
  ? new SqsQueue(createSqsClient({ region: rt.region, endpoint: config.sqsEndpoint, budget: rt.budget }), config.queues.group, rt.budget)
  : undefined;

/**
 * Lambda handler. Messages that failed come back as partial batch failures, so SQS redelivers only those. A
 * batch still running at the deadline (the timeout less the reserve), or cut short by DynamoDB/SQS being
 * unavailable, is reported failed as a whole rather than killed by the timeout: its feeds are fetched again
 * on redelivery, and writes are idempotent.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const run = await withinDeadline(log, rt.begin(context), event.Records.length, () =>
    fetchBatch(
      event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
      { store, log, fetch: config.fetch, pollMinutes: config.pollMinutes, now: () => new Date(), groupQueue },
    ),
  );
  let failed: string[];
  if (run) {
    const { outcomes } = run;
    failed = run.failedMessageIds;
    metrics.addMetric(METRICS.feedsFetched, MetricUnit.Count, outcomes.length);
    metrics.addMetric(METRICS.feedsFailed, MetricUnit.Count, outcomes.filter((o) => o.status === 'failed').length);
    metrics.addMetric(METRICS.itemsIngested, MetricUnit.Count, outcomes.reduce((n, o) => n + o.newItems, 0));
  } else {
    failed = event.Records.map((r) => r.messageId);
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
