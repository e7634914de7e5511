// Lambda entry of the HTTP API: the Hono app (public API + editor desk) behind a Function URL via hono/aws-lambda.
import { handle } from 'hono/aws-lambda';
import { createApp } from '../lib/api/app.ts';
import { editorRoutes } from '../lib/api/editor.ts';
import { pepperFromSecret } from '../lib/editor/auth.ts';
import { readSecretViaExtension } from '../lib/editor/secret.ts';
import { DynamoEditorStore } from '../lib/editor/store.ts';
import { config, dynamo, log, store } from './runtime.ts';

// Read once per container at cold start; without a configured secret the desk stays unmounted.
const pepper = config.editor.secretArn
  ? pepperFromSecret(await readSecretViaExtension(config.editor.secretArn, { token: process.env.AWS_SESSION_TOKEN ?? '' }))
  : config.editor.pepper;
const editor = pepper
  ? editorRoutes({ store, editorStore: new DynamoEditorStore(dynamo, config.table), pepper, log, publish: config.publish })
  : undefined;

/** Lambda handler. */
export const handler = handle(createApp({ store, config, log, editor, publicUrl: config.publicUrl }));
