// Fixed entry for the bundle-parity test: touches every shared esbuild option without depending on functions/.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Hono } from 'hono';
import iconv from 'iconv-lite';

/** Handler exercising an ESM dependency, a CommonJS one (needs the require banner), the SDK alias and non-ASCII text. */
export const handler = async (): Promise<Record<string, unknown>> => ({
  app: new Hono().get('/', (c) => c.text('ok')).routes.length,
  latin1: iconv.encodingExists('latin1'),
  sdk: new GetItemCommand({ TableName: 't', Key: {} }).input.TableName,
  text: 'Zürich — 東京 — Καλημέρα',
});
