// The shared corpora and datasets beside the repository (`../shared`): tests skip without them, but fail under CI=true.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where a piece of shared data is, whether it is there, and a note for skipped test names. */
export interface SharedData {
  dir: string;
  present: boolean;
  /** `''` when present, else ` (skipped: … absent)` to append to a test's name. */
  note: string;
}

/** True when the environment says this is a CI run (`CI=true`, as `.ci/run` sets, or any value but false/0). */
export const isCi = (env: Record<string, string | undefined>) => !!env.CI && !/^(?:false|0)$/i.test(env.CI);

/**
 * Locates `../shared/<rel>` (present when `<rel>/<probe>` exists). Absent on a developer clone, the caller skips
 * and a warning says why; absent under CI, this throws, so the test file fails instead of passing without its data.
 */
export function sharedData(rel: string, what: string, opts: { probe?: string; env?: Record<string, string | undefined>; root?: string } = {}): SharedData {
  const dir = resolve(opts.root ?? resolve(repoRoot, '../shared'), rel);
  const present = existsSync(resolve(dir, opts.probe ?? '.'));
  if (!present) {
    const message = `${what}: ${dir} is absent (the shared corpora and datasets live beside the repository, in ../shared)`;
    if (isCi(opts.env ?? process.env)) throw new Error(`${message}; a CI run needs them`);
    console.warn(`${message}; skipping`);
  }
  return { dir, present, note: present ? '' : ` (skipped: ../shared/${rel} absent)` };
}
