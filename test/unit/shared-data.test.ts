// The ../shared locator every test needing the shared corpora goes through: skip on a developer clone, fail in CI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isCi, sharedData } from '../support/shared.ts';

describe('sharedData', () => {
  const root = mkdtempSync(join(tmpdir(), 'roundup-shared-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds data that is there', () => {
    expect(sharedData('.', 'probe', { root, env: { CI: 'true' } })).toEqual({ dir: root, present: true, note: '' });
  });

  it('skips with a warning on a developer clone when the data is absent', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const r = sharedData('datasets', 'grouping-quality', { root, env: {} });
    expect(r).toMatchObject({ present: false, note: ' (skipped: ../shared/datasets absent)' });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^grouping-quality: .*datasets is absent .*; skipping$/));
    warn.mockRestore();
  });

  it('fails under CI when the data is absent', () => {
    expect(() => sharedData('corpora/feeds', 'conformance', { root, env: { CI: 'true' } })).toThrow(/conformance: .*corpora\/feeds is absent.*a CI run needs them/);
    expect(() => sharedData('x', 'y', { root, probe: 'manifest.json', env: { CI: '1' } })).toThrow(/absent/);
  });

  it('reads CI the way CI services set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});
