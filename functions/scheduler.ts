// Lambda entry on the EventBridge schedule: claim every due feed and enqueue it to the fetch queue.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { createSqsClient } from '../lib/aws/clients.ts';
import { withDeadline } from '../lib/aws/deadline.ts';
import { ConfigError } from '../lib/errors.ts';
import { enqueueDueFeeds } from '../lib/pipeline/enqueue.ts';
import { SqsQueue } from '../lib/pipeline/queue.ts';
import { lambdaRuntime } from './runtime.ts';

const rt = lambdaRuntime('scheduler');
const { config, log, store } = rt;
const sqs = createSqsClient({ region: rt.region, endpoint: config.sqsEndpoint, budget: rt.budget });
// Without the queue there is nothing to do: fail at cold start, where the deployment shows it, not at each send.
if (!config.queues.fetch) throw new ConfigError('The scheduler needs ROUNDUP_FETCH_QUEUE_URL', ['ROUNDUP_FETCH_QUEUE_URL: required']);
const fetchQueue = new SqsQueue(sqs, config.queues.fetch, rt.budget);
const groupQueue = config.queues.group ? new SqsQueue(sqs, config.queues.group, rt.budget) : undefined;

/**
 * Lambda handler. Its AWS calls stop at the deadline; a run that fails throws, and EventBridge retries it
 * (claims already taken are skipped: they are not due any more).
 */
export const handler = async (_event: ScheduledEvent, context: Context): Promise<{ enqueued: number }> =>
  withDeadline(rt.begin(context), () => enqueueDueFeeds({ store, queue: fetchQueue, groupQueue, now: () => new Date(), log }));
