// Message queue port for the scale-out stages, with an SQS adapter and an in-process one with SQS semantics.
import { SendMessageBatchCommand, type SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { RETRY_BUDGETS, drainUnprocessed, type RetryBudget } from '../aws/retry.ts';

/** One message to send. */
export interface OutMessage {
  id: string;
  body: string;
  /** FIFO only: messages of one group are delivered one at a time, in order. */
  groupId?: string;
  dedupId?: string;
}

/** Where stages hand work to the next stage. */
export interface MessageQueue {
  send(messages: OutMessage[]): Promise<void>;
}

/** What SqsQueue needs of an SQS client (the SDK's SQSClient, made by createSqsClient in lib/aws/clients.ts). */
export type SqsSender = Pick<SQSClient, 'send'>;

/**
 * SQS adapter: batches of 10. Entries SQS reports as failed in a successful response are sent again within the
 * client's retry budget (lib/aws/retry.ts); everything else is retried by the SDK.
 */
export class SqsQueue implements MessageQueue {
  constructor(
    private readonly client: SqsSender,
    private readonly url: string,
    private readonly budget: Pick<RetryBudget, 'maxAttempts'> = RETRY_BUDGETS.local,
  ) {}

  async send(messages: OutMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const entries: SendMessageBatchRequestEntry[] = messages.slice(i, i + 10).map((m) => ({
        Id: m.id,
        MessageBody: m.body,
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.dedupId,
      }));
      await drainUnprocessed(
        'SQS',
        'SendMessageBatch',
        entries,
        async (batch) => {
          const r = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: batch }));
          const failed = new Set((r.Failed ?? []).map((f) => f.Id));
          return batch.filter((e) => failed.has(e.Id));
        },
        this.budget,
      );
    }
  }
}

/** A message as a consumer receives it. */
export interface ReceivedMessage {
  messageId: string;
  body: string;
  /** How many times it has been received, this time included (SQS ApproximateReceiveCount). */
  receiveCount: number;
}

/** A message moved to the dead-letter queue, with the error of its last failed receive. */
export interface DeadLetter extends ReceivedMessage {
  error: string;
  at: string;
}

interface Stored extends ReceivedMessage {
  inFlight: boolean;
  lastError?: string;
}

/**
 * In-process queue with SQS redrive semantics: a received message is in flight until acked; a failed one
 * becomes visible again, and after `maxReceiveCount` failed receives it moves to the dead-letter list with
 * its error. `npm start` and tests run the same consumer code against it as Lambda does against SQS.
 */
export class MemoryQueue implements MessageQueue {
  readonly maxReceiveCount: number;
  readonly deadLetters: DeadLetter[] = [];
  private readonly queue: Stored[] = [];

  constructor(opts: { maxReceiveCount?: number } = {}) {
    this.maxReceiveCount = opts.maxReceiveCount ?? 3;
  }

  async send(messages: OutMessage[]): Promise<void> {
    for (const m of messages) this.queue.push({ messageId: randomUUID(), body: m.body, receiveCount: 0, inFlight: false });
  }

  /** Messages sent and not yet acked or dead-lettered (in flight included). */
  get size(): number {
    return this.queue.length;
  }

  /** Bodies of the messages waiting (tests, diagnostics). */
  get messages(): OutMessage[] {
    return this.queue.map((m) => ({ id: m.messageId, body: m.body }));
  }

  /** Receives up to `max` visible messages; each stays in flight until `ack` or `fail`. */
  receive(max = 10): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    for (const m of this.queue) {
      if (out.length >= max) break;
      if (m.inFlight) continue;
      m.inFlight = true;
      m.receiveCount++;
      out.push({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount });
    }
    return out;
  }

  /** Deletes a processed message. */
  ack(messageId: string): void {
    const i = this.queue.findIndex((m) => m.messageId === messageId);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Returns a failed message to the queue, or dead-letters it once it reached `maxReceiveCount` receives. */
  fail(messageId: string, error: string): void {
    const i = this.queue.findIndex((m) => m.messageId === messageId);
    if (i < 0) return;
    const m = this.queue[i]!;
    m.lastError = error;
    m.inFlight = false;
    if (m.receiveCount >= this.maxReceiveCount) {
      this.queue.splice(i, 1);
      this.deadLetters.push({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount, error, at: new Date().toISOString() });
    } else {
      // Behind the messages already waiting, like a visibility timeout running out later.
      this.queue.splice(i, 1);
      this.queue.push(m);
    }
  }

  /** Takes up to `n` messages outright (no redrive bookkeeping). */
  take(n = Infinity): OutMessage[] {
    return this.queue.splice(0, n).map((m) => ({ id: m.messageId, body: m.body }));
  }
}

/** Result of handling one batch: the ids that failed, with their errors (SQS partial batch response). */
export interface BatchResult {
  failures: { messageId: string; error: string }[];
}

/**
 * Drains a MemoryQueue the way the Lambda SQS event source drives a function: batches of `batchSize`, up to
 * `concurrency` batches at once, partial batch failures redelivered until the redrive policy dead-letters them.
 * A handler that throws fails its whole batch.
 */
export async function drainQueue(
  queue: MemoryQueue,
  handler: (batch: ReceivedMessage[]) => Promise<BatchResult>,
  opts: { batchSize?: number; concurrency?: number } = {},
): Promise<void> {
  const batchSize = opts.batchSize ?? 10;
  const workers = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, async () => {
    for (;;) {
      const batch = queue.receive(batchSize);
      if (batch.length === 0) {
        if (queue.size === 0) return;
        // Other workers hold the rest in flight; they may hand some back.
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      let failures: BatchResult['failures'];
      try {
        failures = (await handler(batch)).failures;
      } catch (err) {
        failures = batch.map((m) => ({ messageId: m.messageId, error: (err as Error).message ?? String(err) }));
      }
      const failed = new Map(failures.map((f) => [f.messageId, f.error]));
      for (const m of batch) {
        const error = failed.get(m.messageId);
        if (error === undefined) queue.ack(m.messageId);
        else queue.fail(m.messageId, error);
      }
    }
  });
  await Promise.all(workers);
}
