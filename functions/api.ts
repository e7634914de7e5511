// Lambda entry of the HTTP API: the Hono app behind a Function URL via hono/aws-lambda.
import { handle } from 'hono/aws-lambda';
import { createApp } from '../lib/api/app.ts';
import { config, log, store } from './runtime.ts';

/** Lambda handler. */
export const handler = handle(createApp({ store, config, log }));
