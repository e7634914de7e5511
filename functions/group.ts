// Lambda entry of the single-writer grouping stage (FIFO queue, reserved concurrency 1); state stays warm.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runGroupStage, type GroupState } from '../lib/pipeline/group-stage.ts';
import { config, log, store } from './runtime.ts';

let state: GroupState | undefined;
const owner = `lambda-${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? Math.random().toString(36).slice(2)}`;

/**
 * Lambda handler: every trigger runs one pass over new arrivals; the messages carry no data of their own.
 * A failed pass throws, so SQS redelivers the trigger (the pass is idempotent) and marks the warm state for
 * a rebuild.
 */
export const handler = async (_event: SQSEvent): Promise<SQSBatchResponse & { grouped: number }> => {
  const r = await runGroupStage({ store, log, now: () => new Date(), windowHours: config.grouping.windowHours, owner, state });
  state = r.state;
  // CloudWatch Embedded Metric Format: story writes that failed, for the unwritable-stories alarm.
  console.log(
    JSON.stringify({
      _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Roundup', Dimensions: [['Stage']], Metrics: [{ Name: 'StoryWritesFailed', Unit: 'Count' }] }] },
      Stage: config.stage,
      StoryWritesFailed: r.storiesFailed,
    }),
  );
  return { batchItemFailures: [], grouped: r.grouped };
};
