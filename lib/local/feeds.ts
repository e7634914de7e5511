// The `--feeds` choice of `roundup start` and `roundup ingest --once`: the samples, the built-in list or an OPML file.
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { AddressPolicy } from '../addresses.ts';
import { outletsForImport } from '../outlets/import.ts';
import { fromOpml } from '../outlets/opml.ts';
import { DEFAULT_OUTLETS } from '../outlets/registry.ts';
import { startSampleServer, type SampleServer } from '../samples/server.ts';
import type { Outlet } from '../types.ts';

/** True for the named lists; anything else is a path to an OPML file. */
export const isNamedList = (spec: string): spec is 'sample' | 'default' => spec === 'sample' || spec === 'default';

/**
 * Reads and validates an OPML feed list (as an import would: http(s), no private addresses unless `addresses`
 * allows them). Done before anything starts, so a bad file costs nothing.
 * @throws InputError when the file cannot be read; ValidationError listing its problems
 */
export async function readFeedFile(path: string, addresses: AddressPolicy): Promise<Outlet[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InputError(`cannot read feed list ${path}: ${why}`, { cause: err });
  }
  return outletsForImport(text, addresses);
}

/** Outlets to register, with the sample server when it serves them. */
export interface FeedList {
  outlets: Outlet[];
  sample?: SampleServer;
  /** Origins allowed past the private-address guard: the sample server's, nothing else. */
  allowOrigins: string[];
  close(): Promise<void>;
}

/** Resolves `sample` (starting the sample server), `default`, or outlets already read from a file. */
export async function openFeedList(spec: 'sample' | 'default' | Outlet[]): Promise<FeedList> {
  if (spec === 'sample') {
    const sample = await startSampleServer();
    return { outlets: fromOpml(sample.opml), sample, allowOrigins: [sample.baseUrl], close: () => sample.close() };
  }
  return { outlets: spec === 'default' ? DEFAULT_OUTLETS : spec, allowOrigins: [], close: async () => {} };
}
