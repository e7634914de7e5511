// Lambda entry of the single-writer grouping stage (FIFO queue, reserved concurrency 1); state stays warm.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { METRICS } from '../lib/aws/metrics.ts';
import { runGroupStage, type GroupState } from '../lib/pipeline/group-stage.ts';
import { lambdaRuntime, withinDeadline } from './runtime.ts';

const rt = lambdaRuntime('group');
const { config, log, metrics, store } = rt;
let state: GroupState | undefined;
const owner = `lambda-${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? Math.random().toString(36).slice(2)}`;

/**
 * Lambda handler: every trigger runs one pass over new arrivals; the messages carry no data of their own.
 * A pass still running at the deadline, or stopped by DynamoDB being unavailable, reports the batch failed
 * (partial batch response) before the timeout, so SQS redelivers the trigger (the pass is idempotent); any
 * other failure throws, with the same redelivery and a function error for the alarm. Either way the warm
 * state is rebuilt on the next pass.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse & { grouped: number }> => {
  const run = await withinDeadline(log, rt.begin(context), event.Records.length, () =>
    runGroupStage({ store, log, now: () => new Date(), windowHours: config.grouping.windowHours, deskLanguage: config.deskLanguage, owner, state }),
  );
  if (!run) {
    // A pass cut short may go on in the background until its next store call fails: memory is suspect.
    if (state) state.broken = true;
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })), grouped: 0 };
  }
  state = run.state;
  const sent = Math.min(...event.Records.map((r) => Number(r.attributes?.SentTimestamp ?? Date.now())));
  metrics.addMetric(METRICS.groupingLag, MetricUnit.Milliseconds, Math.max(0, Date.now() - sent));
  metrics.addMetric(METRICS.storiesWritten, MetricUnit.Count, run.storiesTouched);
  metrics.addMetric(METRICS.storyWritesFailed, MetricUnit.Count, run.storiesFailed);
  metrics.publishStoredMetrics();
  return { batchItemFailures: [], grouped: run.grouped };
};
