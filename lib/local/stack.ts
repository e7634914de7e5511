// The local stack behind `npm start`: database, feed list, scheduled ingest and the API in one process per data folder.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { editorRoutes } from '../api/editor.ts';
import { localPepper } from '../editor/auth.ts';
import { createEditorStore } from '../editor/store.ts';
import type { Config } from '../config.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import { errorFields, type Logger } from '../log.ts';
import { registerOutlets, runIngest, type IngestSummary } from '../pipeline/ingest.ts';
import type { GroupState } from '../pipeline/group-stage.ts';
import { createDynamoClient } from '../store/client.ts';
import { createDynamoStore, type Store } from '../store/store.ts';
import { ensureTable } from '../store/table.ts';
import type { Outlet } from '../types.ts';
import { startControlServer } from './control.ts';
import { startDynalite } from './dynalite.ts';
import { AlreadyRunningError, PortInUseError } from './errors.ts';
import { isNamedList, openFeedList, readFeedFile } from './feeds.ts';
import { acquireDataLock, folderIdentity, folderOwner, saveFolderIdentity, type LockInfo } from './lock.ts';
import { recoverFolderWork } from './recover.ts';

/** Options of the local stack. */
export interface LocalStackOptions {
  config: Config;
  log: Logger;
  /** Data folder: the embedded database (unless `config.dynamodbEndpoint` is set), lock, editor pepper. */
  dataDir: string;
  /** `sample`, `default`, or a path to an OPML file. */
  feeds: string;
  /** Skip the first ingest and the schedule (the CLI and tests drive ingest themselves). */
  noSchedule?: boolean;
  now?: () => Date;
  /** Called when a CLI command holds the data folder and the stack waits for it to finish. */
  onWait?: (holder: LockInfo) => void;
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
  /** Claim/lease owner of this process (`local-<folder id>-stack-…`). */
  owner: string;
  /** Runs one ingest now (serialized with scheduled runs); `all` fetches every feed whatever its due time. */
  ingestNow(opts?: { all?: boolean }): Promise<IngestSummary>;
  close(): Promise<void>;
}

/** Serves `fetch` on 127.0.0.1:`port`. @throws PortInUseError */
async function listen(fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const s = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: err }) : err));
  });
}

/**
 * Starts the stack: takes the data folder (refusing when another stack has it, waiting for a CLI command), binds
 * the API port, opens the database, registers the feeds (URLs follow the list), serves the API and a control
 * endpoint for `roundup ingest --once`, and schedules ingest runs. Whatever started is stopped again on failure.
 * @throws AlreadyRunningError, PortInUseError, InputError / ValidationError (feed list file)
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const { config, log, dataDir } = opts;
  const now = opts.now ?? (() => new Date());
  // A bad feed list file fails before anything starts.
  const fileOutlets = isNamedList(opts.feeds) ? undefined : await readFeedFile(opts.feeds, { allowPrivateNetwork: config.fetch.allowPrivateNetwork });
  const got = await acquireDataLock(dataDir, { role: 'stack', command: 'start' }, {
    onHeld: (holder) => {
      if (holder.role === 'stack') throw new AlreadyRunningError(holder, dataDir);
      return undefined;
    },
    onWait: opts.onWait,
  });
  if (!('lock' in got)) throw new AlreadyRunningError(got.holder, dataDir);
  const lock = got.lock;
  const stops: (() => Promise<void> | void)[] = [() => lock.release()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch((err: unknown) => log.warn('stop failed', errorFields(err)));
  };
  try {
    // The port first: a taken port is reported before any slower start-up work.
    let handler: ((req: Request) => Response | Promise<Response>) | undefined;
    const server = await listen((req) => (handler ? handler(req) : new Response('starting', { status: 503, headers: { 'retry-after': '1' } })), config.port);
    let serving = true;
    const closeServer = () => {
      if (!serving) return;
      serving = false;
      return new Promise<void>((resolve) => server.close(() => resolve()));
    };
    stops.push(closeServer);
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const identity = folderIdentity(dataDir);
    const owner = folderOwner(identity, 'stack');
    const feeds = await openFeedList(fileOutlets ?? (opts.feeds as 'sample' | 'default'));
    stops.push(() => feeds.close());

    const embedded = config.dynamodbEndpoint ? undefined : await startDynalite({ dataDir });
    if (embedded) stops.push(() => embedded.close());
    const dbEndpoint = config.dynamodbEndpoint ?? embedded!.endpoint;
    const client = createDynamoClient({ endpoint: dbEndpoint, region: config.region });
    stops.push(() => client.destroy());
    const table = await ensureTable(client, config.table);
    log.info('database ready', { endpoint: dbEndpoint, table: config.table, created: table === 'created' });
    const store = createDynamoStore({ client, table: config.table, retentionDays: config.retentionDays });
    // Holding the folder, whatever its owners still hold was left by a process that died: freed before the first run.
    const recovered = await recoverFolderWork(store, identity, now().toISOString());
    if (recovered.claims || recovered.leases.length) log.warn('released the work of a stopped process', { owner, ...recovered });
    await registerOutlets(store, feeds.outlets, now().toISOString());

    const pepper = config.editor.pepper ?? (await localPepper(dataDir));
    const editor = editorRoutes({
      store,
      editorStore: createEditorStore({ client, table: config.table }),
      pepper,
      log,
      publish: config.publish,
      now,
      importAddresses: { allowPrivateNetwork: config.fetch.allowPrivateNetwork },
    });
    handler = createApp({ store, config, log, now, editor, publicUrl: config.publicUrl }).fetch;

    // The guard is lifted for the sample server's origin only (unless the whole private network was allowed).
    const fetchOpts: FetchOptions = { ...config.fetch, allowOrigins: feeds.allowOrigins };
    let groupState: GroupState | undefined;
    let running: Promise<IngestSummary> | undefined;
    const ingestNow = (o: { all?: boolean } = {}): Promise<IngestSummary> => {
      const run = (running ?? Promise.resolve()).catch(() => undefined).then(async () => {
        const r = await runIngest(
          {
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
          },
          { all: o.all },
        );
        groupState = r.groupState;
        const { groupState: _s, ...summary } = r;
        return summary;
      });
      running = run;
      return run;
    };
    const control = await startControlServer(() => ingestNow({ all: true }));
    stops.push(() => control.close());
    lock.update({ apiUrl, dbEndpoint, control: { url: control.url, token: control.token }, feeds: opts.feeds });
    saveFolderIdentity(dataDir, { ...identity, feeds: opts.feeds });

    let timer: NodeJS.Timeout | undefined;
    if (!opts.noSchedule) {
      const tick = () => ingestNow().catch((err) => log.error('scheduled ingest failed', errorFields(err)));
      void tick();
      timer = setInterval(tick, config.pollMinutes * 60_000);
    }

    return {
      apiUrl,
      editorUrl: `${apiUrl}/editor`,
      dbEndpoint,
      sampleUrl: feeds.sample?.baseUrl,
      outlets: feeds.outlets,
      store,
      owner,
      ingestNow,
      close: async () => {
        // Stop taking work, let a run in progress finish, then stop the API before the database goes.
        clearInterval(timer);
        await control.close();
        await running?.catch(() => undefined);
        await closeServer();
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
