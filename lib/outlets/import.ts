// Outlets for import (CLI `outlets import`, `--feeds FILE`, admin `POST /editor/api/outlets`): read and checked first.
import { ValidationError } from '../errors.ts';
import type { AddressPolicy } from '../addresses.ts';
import type { Outlet } from '../types.ts';
import { OpmlError, readOpml } from './opml.ts';
import { validateOutlets } from './validate.ts';

/** Most problems one refusal lists. */
const MAX_PROBLEMS = 50;

/**
 * Reads OPML for import and checks it whole: every feed URL (http/https, no private, loopback or link-local host
 * unless `addresses` allows it), outlet and feed ids, homepages (http/https), countries, regions, languages.
 * Nothing is registered from a document with any problem.
 * @throws ValidationError with every problem (up to 50) as `issues` and the first in the message
 */
export function outletsForImport(xml: string, addresses: AddressPolicy): Outlet[] {
  let read: ReturnType<typeof readOpml>;
  try {
    read = readOpml(xml);
  } catch (err) {
    if (err instanceof OpmlError) throw new ValidationError(`Not a readable OPML document: ${err.message}`, ['body'], { cause: err });
    throw err;
  }
  const problems = [...read.skipped, ...validateOutlets(read.outlets, { allowUnknown: true, addresses })];
  if (problems.length > 0) {
    const n = problems.length;
    throw new ValidationError(`The OPML document has ${n} problem${n === 1 ? '' : 's'}, nothing was imported: ${problems[0]}`, problems.slice(0, MAX_PROBLEMS));
  }
  if (read.outlets.length === 0) throw new ValidationError('The OPML document lists no feeds', ['body']);
  return read.outlets;
}
