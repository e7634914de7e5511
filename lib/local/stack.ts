// The local stack behind `npm start`: database, feed list, scheduled ingest and the API in one process.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { editorRoutes } from '../api/editor.ts';
import { localPepper } from '../editor/auth.ts';
import { createEditorStore } from '../editor/store.ts';
import type { Config } from '../config.ts';
import { errorFields, type Logger } from '../log.ts';
import { fromOpml } from '../outlets/opml.ts';
import { DEFAULT_OUTLETS } from '../outlets/registry.ts';
import { registerOutlets, runIngest, type IngestSummary } from '../pipeline/ingest.ts';
import type { GroupState } from '../pipeline/group-stage.ts';
import { startSampleServer } from '../samples/server.ts';
import { createDynamoClient } from '../store/client.ts';
import { createDynamoStore, type Store } from '../store/store.ts';
import { ensureTable } from '../store/table.ts';
import type { Outlet } from '../types.ts';
import { startDynalite } from './dynalite.ts';

/** Options of the local stack. */
export interface LocalStackOptions {
  config: Config;
  log: Logger;
  /** Data folder of the embedded database (ignored when `config.dynamodbEndpoint` is set). */
  dataDir: string;
  /** `sample`, `default`, or a path to an OPML file. */
  feeds: string;
  /** Skip the first ingest and the schedule (tests drive ingest themselves). */
  noSchedule?: boolean;
  now?: () => Date;
}

/** A running local stack. */
export interface LocalStack {
  apiUrl: string;
  /** Editor desk page. */
  editorUrl: string;
  dbEndpoint: string;
  sampleUrl?: string;
  outlets: Outlet[];
  store: Store;
  /** Runs one ingest now (serialized with scheduled runs). */
  ingestNow(): Promise<IngestSummary>;
  close(): Promise<void>;
}

/** Resolves the `--feeds` option to outlets (starting the sample server for `sample`). */
export async function loadFeedList(spec: string): Promise<{ outlets: Outlet[]; sample?: Awaited<ReturnType<typeof startSampleServer>> }> {
  if (spec === 'sample') {
    const sample = await startSampleServer();
    return { outlets: fromOpml(sample.opml), sample };
  }
  if (spec === 'default') return { outlets: DEFAULT_OUTLETS };
  return { outlets: fromOpml(await readFile(spec, 'utf8')) };
}

/** Starts the database, registers feeds, serves the API and schedules ingest runs. */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const { config, log } = opts;
  const now = opts.now ?? (() => new Date());
  const embedded = config.dynamodbEndpoint ? undefined : await startDynalite({ dataDir: opts.dataDir });
  const dbEndpoint = config.dynamodbEndpoint ?? embedded!.endpoint;
  const client = createDynamoClient({ endpoint: dbEndpoint, region: config.region });
  const table = await ensureTable(client, config.table);
  log.info('database ready', { endpoint: dbEndpoint, table: config.table, created: table === 'created' });
  const store = createDynamoStore({ client, table: config.table, retentionDays: config.retentionDays });

  const { outlets, sample } = await loadFeedList(opts.feeds);
  await registerOutlets(store, outlets, now().toISOString());

  const pepper = config.editor.pepper ?? (await localPepper(opts.dataDir));
  const editor = editorRoutes({ store, editorStore: createEditorStore({ client: client, table: config.table }), pepper, log, publish: config.publish, now });
  const app = createApp({ store, config, log, now, editor, publicUrl: config.publicUrl });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Sample feeds are served by this process on loopback, so they need the private-network opt-in.
  const fetchOpts = { ...config.fetch, allowPrivateNetwork: config.fetch.allowPrivateNetwork || sample !== undefined };
  let groupState: GroupState | undefined;
  let running: Promise<IngestSummary> | undefined;
  const owner = `local-${randomUUID()}`;
  const ingestNow = (): Promise<IngestSummary> => {
    const run = (running ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const r = await runIngest({
        store,
        log,
        now,
        fetch: fetchOpts,
        pollMinutes: config.pollMinutes,
        windowHours: config.grouping.windowHours,
        concurrency: config.fetch.concurrency,
        owner,
        groupState,
        group: { deskLanguage: config.deskLanguage },
      });
      groupState = r.groupState;
      return r;
    });
    running = run;
    return run;
  };

  let timer: NodeJS.Timeout | undefined;
  if (!opts.noSchedule) {
    const tick = () =>
      ingestNow().catch((err) => log.error('scheduled ingest failed', errorFields(err)));
    void tick();
    timer = setInterval(tick, config.pollMinutes * 60_000);
  }

  return {
    apiUrl,
    editorUrl: `${apiUrl}/editor`,
    dbEndpoint,
    sampleUrl: sample?.baseUrl,
    outlets,
    store,
    ingestNow,
    close: async () => {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sample?.close();
      client.destroy();
      await embedded?.close();
    },
  };
}
