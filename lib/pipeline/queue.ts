// Message queue port for the scale-out stages, with an SQS adapter and an in-process one for local runs.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

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

/** SQS adapter: batches of 10, retrying entries SQS reports as failed. */
export class SqsQueue implements MessageQueue {
  constructor(private readonly client: SQSClient, private readonly url: string) {}

  async send(messages: OutMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      let batch = messages.slice(i, i + 10);
      for (let attempt = 0; batch.length > 0; attempt++) {
        const r = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.url,
            Entries: batch.map((m) => ({
              Id: m.id,
              MessageBody: m.body,
              MessageGroupId: m.groupId,
              MessageDeduplicationId: m.dedupId,
            })),
          }),
        );
        const failed = new Set((r.Failed ?? []).map((f) => f.Id));
        batch = batch.filter((m) => failed.has(m.id));
        if (batch.length && attempt >= 5) throw new Error(`SQS refused ${batch.length} messages`);
        if (batch.length) await new Promise((res) => setTimeout(res, Math.random() * 100 * 2 ** attempt));
      }
    }
  }
}

/** In-process queue: collects messages for a local consumer (the local stack and tests). */
export class MemoryQueue implements MessageQueue {
  readonly messages: OutMessage[] = [];
  async send(messages: OutMessage[]): Promise<void> {
    this.messages.push(...messages);
  }
  /** Takes up to `n` messages. */
  take(n = Infinity): OutMessage[] {
    return this.messages.splice(0, n);
  }
}
