// `roundup outlets`: list outlets (database or built-in registry), import an OPML file, export OPML.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { readFeedFile } from '../../local/feeds.ts';
import { toOpml } from '../../outlets/opml.ts';
import { DEFAULT_OUTLETS } from '../../outlets/registry.ts';
import { registerOutlets } from '../../pipeline/ingest.ts';
import type { Outlet } from '../../types.ts';
import { DB_OPTIONS, openDb } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage:
  roundup outlets [--registry] [--json] [--data DIR] [--aws]   list outlets (database, or the built-in registry)
  roundup outlets import FILE.opml [--data DIR] [--aws] [--allow-private-network]
                                                                register the file's outlets and feeds
  roundup outlets export [--out FILE] [--data DIR] [--aws]      OPML of the database's outlets (registry if empty)

An import is checked whole before anything is written: feed URLs must be http(s) and not on private, loopback
or link-local hosts (unless --allow-private-network / ROUNDUP_ALLOW_PRIVATE_NETWORK=true), outlet and feed ids
kebab-case, homepages http(s). A file with problems is refused (exit status 3) and its problems listed.
Feeds already registered take the file's URL (their fetch state starts afresh when it changed).
`;

/** Renders outlets as an aligned text table. */
export function outletsTable(outlets: readonly Outlet[]): string {
  const rows = [
    ['OUTLET', 'NAME', 'CITY', 'COUNTRY', 'REGION', 'LANGS', 'FEEDS'],
    ...outlets.map((o) => [o.id, o.name, o.city, o.country, o.region, o.languages.join(','), String(o.feeds.length)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Runs `roundup outlets`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      registry: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'allow-private-network': { type: 'boolean', default: false },
      ...DB_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [sub, ...rest] = positionals;
  const list = (outlets: readonly Outlet[]) => {
    if (values.json) for (const o of outlets) io.stdout(JSON.stringify(o) + '\n');
    else io.stdout(outletsTable(outlets));
  };
  if (!sub && values.registry) {
    list(DEFAULT_OUTLETS);
    return 0;
  }
  if (sub && sub !== 'import' && sub !== 'export') throw new UsageError(`unknown subcommand "${sub}"`);
  if (sub === 'import' && rest.length !== 1) throw new UsageError('outlets import takes exactly one OPML file');
  const env = { ...io.env };
  if (values['allow-private-network']) env.ROUNDUP_ALLOW_PRIVATE_NETWORK = 'true';
  // Read and validate the file before opening (and possibly creating) a database.
  const imported =
    sub === 'import' ? await readFeedFile(resolve(io.cwd, rest[0]!), { allowPrivateNetwork: parseConfig(env).fetch.allowPrivateNetwork }) : undefined;
  const db = await openDb(io, { command: 'outlets', dataDir: values.data, aws: values.aws, env });
  try {
    if (imported) {
      const before = (await db.store.listFeeds()).length;
      await registerOutlets(db.store, imported, new Date().toISOString());
      const after = (await db.store.listFeeds()).length;
      const feeds = imported.reduce((n, o) => n + o.feeds.length, 0);
      io.stdout(`Imported ${imported.length} outlets with ${feeds} feeds (${after - before} new feeds) into ${db.where}.\n`);
      return 0;
    }
    const stored = (await db.store.listOutlets()).sort((a, b) => a.id.localeCompare(b.id));
    if (sub === 'export') {
      const outlets = stored.length ? stored : DEFAULT_OUTLETS;
      const xml = toOpml(outlets);
      if (values.out) {
        await writeFile(resolve(io.cwd, values.out), xml);
        io.stderr(`Wrote ${outlets.length} outlets${stored.length ? '' : ' (built-in registry: the database has none)'} to ${values.out}.\n`);
      } else io.stdout(xml.endsWith('\n') ? xml : xml + '\n');
      return 0;
    }
    if (stored.length === 0) io.stderr(`No outlets in ${db.where}; showing none (use --registry for the built-in list).\n`);
    else list(stored);
    return 0;
  } finally {
    await db.close();
  }
}
