// The bundled sample day through the local stack (what `npm start` serves offline): stories carry phrase labels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storyListSchema } from '../../lib/api/schemas.ts';
import { parseConfig } from '../../lib/config.ts';
import { labelForm } from '../../lib/group/label-quality.ts';
import { startLocalStack, type LocalStack } from '../../lib/local/stack.ts';
import { silentLogger } from '../../lib/log.ts';
import { BACKENDS } from '../support/db.ts';

describe.each(BACKENDS)('sample day labels on $name', (backend) => {
  let stack: LocalStack;
  let dir: string;
  let stopDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const db = await backend.start();
    stopDb = db.stop;
    dir = mkdtempSync(join(tmpdir(), 'roundup-labels-'));
    const config = parseConfig({
      ROUNDUP_TABLE: `labels-${Math.random().toString(36).slice(2, 8)}`,
      ROUNDUP_DYNAMODB_ENDPOINT: db.endpoint,
      PORT: '0',
      ROUNDUP_LOG_LEVEL: 'silent',
    });
    stack = await startLocalStack({ config, log: silentLogger, dataDir: join(dir, 'data'), feeds: 'sample', noSchedule: true });
    await stack.ingestNow();
  });

  afterAll(async () => {
    await stack?.close();
    await stopDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('labels the Mali story with a phrase, in English and in French', async () => {
    const body = storyListSchema.parse(await (await fetch(`${stack.apiUrl}/stories?limit=100&q=mali`)).json());
    const mali = body.stories.find((s) => s.counts.outlets >= 5);
    expect(mali, JSON.stringify(body.stories.map((s) => s.label))).toBeDefined();
    expect(mali!.label).toMatch(/\bMali\b/u);
    expect(mali!.label.split(/\s+/u).length).toBeGreaterThanOrEqual(2);
    expect(mali!.label.split(/\s+/u).length).toBeLessThanOrEqual(6);
    expect(mali!.labels.en).toBe(mali!.label);
    expect(mali!.labels.fr).toMatch(/\bMali\b/u);
    // Not the keyword bag the engine's profile gives ("Mali français militaires Bamako").
    expect(mali!.label).not.toMatch(/militaires|Bamako/u);
  });

  it('gives every story told by several outlets a label that is a phrase of its coverage, in each of its languages', async () => {
    const body = storyListSchema.parse(await (await fetch(`${stack.apiUrl}/stories?limit=100&minOutlets=2`)).json());
    expect(body.stories.length).toBeGreaterThanOrEqual(6);
    const fragments: string[] = [];
    const others: string[] = [];
    for (const s of body.stories) {
      const stored = await stack.store.getStory(s.id);
      const items = await stack.store.getItems(stored!.itemIds);
      const members = items.map((i) => ({ id: i.id, title: i.title, summary: i.summary, lang: i.language, outlet: i.outletId }));
      expect(Object.keys(s.labels).sort()).toEqual(s.languages.filter((l) => l !== 'und'));
      for (const [lang, label] of Object.entries(s.labels)) {
        const form = labelForm(label, lang, members);
        expect(form.short, `${s.id} ${lang}: ${label}`).toBe(true);
        (form.fragment ? fragments : others).push(`${s.id} ${lang}: ${label}`);
      }
      expect(stored!.labelBasis).toBe(stored!.itemIds.length);
    }
    // Labels are phrases of the coverage (as the label quality floor on the sample day: ≥ 0.95 of them; the
    // English "Red Sea internet" of the cables story, told in Arabic too, is the one that is not).
    expect(fragments.length / (fragments.length + others.length), others.join('; ')).toBeGreaterThanOrEqual(0.95);
  });
});
