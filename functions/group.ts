// Lambda entry of the single-writer grouping stage (FIFO queue, reserved concurrency 1); state stays warm.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { settleBy } from '../lib/aws/deadline.ts';
import { METRICS } from '../lib/aws/metrics.ts';
import { runGroupStage, type GroupState } from '../lib/pipeline/group-stage.ts';
import { lambdaRuntime } from './runtime.ts';

const rt = lambdaRuntime('group');
const { config, log, metrics, store } = rt;
let state: GroupState | undefined;
const owner = `lambda-${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? Math.random().toString(36).slice(2)}`;

/**
 * Lambda handler: every trigger runs one pass over new arrivals; the messages carry no data of their own.
 * A failed pass throws, so SQS redelivers the trigger (the pass is idempotent) and marks the warm state for
 * a rebuild. A pass still running at the deadline reports the batch failed instead of hitting the timeout.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse & { grouped: number }> => {
  const deadline = rt.begin(context);
  const run = await settleBy(deadline, () =>
    runGroupStage({ store, log, now: () => new Date(), windowHours: config.grouping.windowHours, owner, state }),
  );
  if (!run.done) {
    // The pass goes on in the background until its next store call fails; what it changed in memory is suspect.
    if (state) state.broken = true;
    log.error('grouping pass still running at the deadline; the trigger goes back to the queue', { messages: event.Records.length });
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })), grouped: 0 };
  }
  state = run.value.state;
  const sent = Math.min(...event.Records.map((r) => Number(r.attributes?.SentTimestamp ?? Date.now())));
  metrics.addMetric(METRICS.groupingLag, MetricUnit.Milliseconds, Math.max(0, Date.now() - sent));
  metrics.addMetric(METRICS.storiesWritten, MetricUnit.Count, run.value.storiesTouched);
  metrics.publishStoredMetrics();
  return { batchItemFailures: [], grouped: run.value.grouped };
};
