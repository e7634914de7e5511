// Lambda entry of the HTTP API: the Hono app (public API + editor desk) behind a Function URL via hono/aws-lambda.
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../lib/api/app.ts';
import { editorRoutes } from '../lib/api/editor.ts';
import { withDeadline } from '../lib/aws/deadline.ts';
import { pepperFromSecret } from '../lib/editor/auth.ts';
import { readSecretViaExtension } from '../lib/editor/secret.ts';
import { createEditorStore } from '../lib/editor/store.ts';
import { lambdaRuntime } from './runtime.ts';

const rt = lambdaRuntime('api');
const { config, dynamo, log, store } = rt;

// Read once per container at cold start; without a configured secret the desk stays unmounted.
const pepper = config.editor.secretArn
  ? pepperFromSecret(await readSecretViaExtension(config.editor.secretArn, { token: process.env.AWS_SESSION_TOKEN ?? '' }))
  : config.editor.pepper;
const editor = pepper
  ? editorRoutes({ store, editorStore: createEditorStore({ client: dynamo, table: config.table }), pepper, log, publish: config.publish })
  : undefined;
const app = handle(createApp({ store, config, log, editor, publicUrl: config.publicUrl, trustForwardedHost: config.trustForwardedHost }));

/**
 * Lambda handler. Every DynamoDB call of a request stops at the invocation's deadline (the 10 s timeout less
 * the API's reserve), so a database that is down or throttling is answered with 503 problem+json and
 * Retry-After instead of a Lambda timeout.
 */
export const handler = (event: LambdaEvent, context: Context) => withDeadline(rt.begin(context), () => app(event, context));
