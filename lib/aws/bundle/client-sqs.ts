// Stand-in for @aws-sdk/client-sqs inside Lambda bundles (esbuild alias): command classes that only carry input.
import type * as sdk from '@aws-sdk/client-sqs';

/** The lite client needs a command's class and `input` only (see client-dynamodb.ts beside this file). */
class Command<I> {
  constructor(readonly input: I) {}
}

/** Same name and input as the SDK's command. */
export class SendMessageBatchCommand extends Command<sdk.SendMessageBatchCommandInput> {}
/** Same name and input as the SDK's command. */
export class SendMessageCommand extends Command<sdk.SendMessageCommandInput> {}
