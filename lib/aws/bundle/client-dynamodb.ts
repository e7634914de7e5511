// Stand-in for @aws-sdk/client-dynamodb inside Lambda bundles (esbuild alias): command classes that only carry input.
import type * as sdk from '@aws-sdk/client-dynamodb';

/**
 * The functions talk to DynamoDB through the lite client (lib/aws/lite-client.ts), which needs a command's
 * class and `input` only; the SDK's classes would bring their serializers and middleware (~45 KB) for nothing.
 * Any runtime name a bundled module imports must be exported here, or esbuild fails the build.
 */
class Command<I> {
  constructor(readonly input: I) {}
}

/** Same name and input as the SDK's command. */
export class GetItemCommand extends Command<sdk.GetItemCommandInput> {}
/** Same name and input as the SDK's command. */
export class PutItemCommand extends Command<sdk.PutItemCommandInput> {}
/** Same name and input as the SDK's command. */
export class UpdateItemCommand extends Command<sdk.UpdateItemCommandInput> {}
/** Same name and input as the SDK's command. */
export class DeleteItemCommand extends Command<sdk.DeleteItemCommandInput> {}
/** Same name and input as the SDK's command. */
export class QueryCommand extends Command<sdk.QueryCommandInput> {}
/** Same name and input as the SDK's command. */
export class BatchGetItemCommand extends Command<sdk.BatchGetItemCommandInput> {}
/** Same name and input as the SDK's command. */
export class BatchWriteItemCommand extends Command<sdk.BatchWriteItemCommandInput> {}
