// Lambda entry on the EventBridge schedule: claim every due feed and enqueue it to the fetch queue.
import { createLiteSqsClient } from '../lib/aws/sqs.ts';
import { enqueueDueFeeds } from '../lib/pipeline/enqueue.ts';
import { SqsQueue } from '../lib/pipeline/queue.ts';
import { aws, config, log, store } from './runtime.ts';

const sqs = createLiteSqsClient(aws);
const fetchQueue = new SqsQueue(sqs, config.queues.fetch ?? '');
const groupQueue = config.queues.group ? new SqsQueue(sqs, config.queues.group) : undefined;

/** Lambda handler. */
export const handler = async (): Promise<{ enqueued: number }> =>
  enqueueDueFeeds({ store, queue: fetchQueue, groupQueue, now: () => new Date(), log });
