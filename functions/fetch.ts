// Lambda entry consuming the fetch queue: fetch, parse, normalize and store each feed; partial batch failures.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSqsClient } from '../lib/aws/clients.ts';
import { settleBy } from '../lib/aws/deadline.ts';
import { METRICS } from '../lib/aws/metrics.ts';
import { fetchBatch } from '../lib/pipeline/distributed.ts';
import { SqsQueue } from '../lib/pipeline/queue.ts';
import { lambdaRuntime } from './runtime.ts';

const rt = lambdaRuntime('fetch');
const { config, log, metrics, store } = rt;
const groupQueue = config.queues.group
  ? new SqsQueue(createSqsClient({ region: rt.region, endpoint: config.sqsEndpoint, budget: rt.budget }), config.queues.group, rt.budget)
  : undefined;

/**
 * Lambda handler. Messages that failed come back as partial batch failures, so SQS redelivers only those. A
 * batch still running at the deadline (the timeout less the reserve) is reported failed as a whole rather
 * than killed by the timeout: its feeds are fetched again on redelivery, and writes are idempotent.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const deadline = rt.begin(context);
  const run = await settleBy(deadline, () =>
    fetchBatch(
      event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
      { store, log, fetch: config.fetch, pollMinutes: config.pollMinutes, now: () => new Date(), groupQueue },
    ),
  );
  let failed: string[];
  if (run.done) {
    const { outcomes } = run.value;
    failed = run.value.failedMessageIds;
    metrics.addMetric(METRICS.feedsFetched, MetricUnit.Count, outcomes.length);
    metrics.addMetric(METRICS.feedsFailed, MetricUnit.Count, outcomes.filter((o) => o.status === 'failed').length);
    metrics.addMetric(METRICS.itemsIngested, MetricUnit.Count, outcomes.reduce((n, o) => n + o.newItems, 0));
  } else {
    failed = event.Records.map((r) => r.messageId);
    log.error('fetch batch still running at the deadline; every message goes back to the queue', { messages: failed.length });
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
