// Vitest global setup: one DynamoDB Local for the whole run, shared with integration tests via `provide`.
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from './dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbLocalEndpoint: string;
  }
}

/** Starts DynamoDB Local unless ROUNDUP_TEST_DYNAMODB_LOCAL already points at one. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.ROUNDUP_TEST_DYNAMODB_LOCAL;
  if (given) {
    project.provide('dynamodbLocalEndpoint', given);
    return async () => {};
  }
  const ddb = await startDynamoDbLocal();
  project.provide('dynamodbLocalEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
