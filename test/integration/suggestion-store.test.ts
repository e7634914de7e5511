// Story-pair records on both DynamoDB implementations: suggestions, dismissals that fence later writes, the writer's sync and its write cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/log.ts';
import { applyDismissals, newSuggestionMemo, syncSuggestions } from '../../lib/pipeline/suggestions.ts';
import { attachCapacityMeter } from '../../lib/store/capacity.ts';
import { createDynamoClient } from '../../lib/store/client.ts';
import { createDynamoStore, type Store } from '../../lib/store/store.ts';
import type { Story } from '../../lib/types.ts';
import { BACKENDS, openTestDb, type TestDb } from '../support/db.ts';
import { story } from '../support/records.ts';
import { SuggestingTestGrouper, suggestion } from '../support/suggestions.ts';

const EDITOR = { keyId: 'aaaaaaaaaaaa', name: 'Ada', role: 'editor' };
const OTHER = { keyId: 'bbbbbbbbbbbb', name: 'Grace', role: 'editor' };
const DAY = 86_400_000;

describe.each(BACKENDS)('suggestion store on $name', (backend) => {
  let db: TestDb;
  let store: Store;
  beforeAll(async () => {
    db = await openTestDb(backend, { retentionDays: 30 });
    store = db.store;
  });
  afterAll(async () => db?.close());

  it('stores a suggestion under its ordered pair and lists it with its expiry', async () => {
    const written = await store.putSuggestion({ ...suggestion('s_b1', 's_a1'), a: 's_b1', b: 's_a1' });
    expect(written).toMatchObject({ a: 's_a1', b: 's_b1', keepUntil: new Date(Date.parse('2026-11-26T09:00:00.000Z') + 30 * DAY).toISOString() });
    const listed = (await store.listSuggestions()).find((s) => s.a === 's_a1');
    expect(listed).toMatchObject({ a: 's_a1', b: 's_b1', score: 0.41, threshold: 0.45, crossLingual: true });
    expect(listed?.evidence.translated).toContain('زلزال → earthquake');
    expect(await store.getPair('s_b1', 's_a1')).toMatchObject({ a: 's_a1', b: 's_b1', suggestion: { score: 0.41 } });
    expect(await store.getPair('s_a1', 's_zz')).toBeUndefined();
  });

  it('dismisses a pair for good: off the suggestion list, on the dismissed list, later suggestion writes refused', async () => {
    await store.putSuggestion(suggestion('s_a2', 's_b2'));
    const first = await store.dismissPair('s_b2', 's_a2', EDITOR, '2026-11-26T10:00:00.000Z', '2026-11-26T09:30:00.000Z');
    expect(first.created).toBe(true);
    expect(first.pair).toMatchObject({ a: 's_a2', b: 's_b2', dismissedAt: '2026-11-26T10:00:00.000Z', dismissedBy: EDITOR, suggestion: { score: 0.41 } });
    // The record lives the retention period past the later of the stories' activity and the dismissal.
    expect(first.pair.keepUntil).toBe(new Date(Date.parse('2026-11-26T10:00:00.000Z') + 30 * DAY).toISOString());
    expect((await store.listSuggestions()).map((s) => s.a)).not.toContain('s_a2');

    const again = await store.dismissPair('s_a2', 's_b2', OTHER, '2026-11-26T11:00:00.000Z', '2026-11-26T11:00:00.000Z');
    expect(again).toMatchObject({ created: false, pair: { dismissedBy: EDITOR, dismissedAt: '2026-11-26T10:00:00.000Z' } });

    expect(await store.putSuggestion(suggestion('s_a2', 's_b2', { score: 0.44 }))).toBe(false);
    await store.removeSuggestion('s_a2', 's_b2');
    expect(await store.getPair('s_a2', 's_b2')).toMatchObject({ dismissed: { dismissedBy: EDITOR }, suggestion: { score: 0.41 } });
    expect((await store.listSuggestions()).map((s) => s.a)).not.toContain('s_a2');
  });

  it('dismisses a pair that was never suggested, and lists dismissals by time', async () => {
    await store.dismissPair('s_a3', 's_b3', EDITOR, '2026-11-26T12:00:00.000Z', '2026-11-27T08:00:00.000Z');
    const d = (await store.listDismissed()).find((p) => p.a === 's_a3');
    expect(d).toMatchObject({ b: 's_b3', keptFrom: '2026-11-27T08:00:00.000Z' });
    expect(d?.suggestion).toBeUndefined();
    const since = await store.listDismissed({ since: '2026-11-26T11:00:00.000Z' });
    expect(since.map((p) => p.a)).toEqual(['s_a3']);
    const all = await store.listDismissed();
    expect(all.map((p) => p.dismissedAt)).toEqual([...all.map((p) => p.dismissedAt)].sort());
  });

  it('withdraws a live suggestion and renews a dismissal', async () => {
    await store.putSuggestion(suggestion('s_a4', 's_b4'));
    await store.removeSuggestion('s_b4', 's_a4');
    expect(await store.getPair('s_a4', 's_b4')).toBeUndefined();
    const renewed = await store.renewDismissal('s_a3', 's_b3', '2026-12-20T00:00:00.000Z');
    expect(renewed).toEqual({ keptFrom: '2026-12-20T00:00:00.000Z', keepUntil: new Date(Date.parse('2026-12-20T00:00:00.000Z') + 30 * DAY).toISOString() });
    expect((await store.getPair('s_a3', 's_b3'))?.dismissed?.keepUntil).toBe(renewed?.keepUntil);
    expect(await store.renewDismissal('s_a4', 's_b4', '2026-12-20T00:00:00.000Z')).toBeUndefined();
  });
});

describe.each(BACKENDS)('suggestion sync on $name', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.close());

  const live = (id: string, lastItemAt: string): Story => ({ ...story(id, lastItemAt), lastItemAt });

  it('writes a suggestion once, rewrites it only when it changes materially, and withdraws it when the engine drops it', async () => {
    const client = createDynamoClient({ endpoint: db.endpoint, region: 'us-east-1' });
    const meter = attachCapacityMeter(client);
    const store = createDynamoStore({ client, table: db.table, retentionDays: 30 });
    const memo = newSuggestionMemo();
    const stories = new Map<string, Story>();
    const s1 = suggestion('s_q1', 's_q2');
    const s2 = suggestion('s_q3', 's_q4', { crossLingual: false, languages: { a: ['fr'], b: ['fr'] }, evidence: { entities: ['Mali'], terms: ['retrait'], translated: [], numbers: [] } });

    expect(await syncSuggestions(store, [s1, s2], memo, stories, silentLogger)).toEqual({ written: 2, removed: 0, renewed: 0 });
    // One write unit per suggestion on the table and one on its gsi1 list entry (records stay under 1 KB; dynalite
    // reports no index capacity).
    expect(meter.snapshot().writesByIndex).toEqual(backend.name === 'dynalite' ? { table: 2 } : { table: 2, gsi1: 2 });

    // The same suggestions, rescored a little later: nothing is written.
    meter.reset();
    const rescored = [{ ...s1, score: 0.415, at: '2026-11-26T09:10:00.000Z' }, { ...s2, at: '2026-11-26T09:10:00.000Z' }];
    expect(await syncSuggestions(store, rescored, memo, stories, silentLogger)).toEqual({ written: 0, removed: 0, renewed: 0 });
    expect(meter.snapshot()).toMatchObject({ writeUnits: 0, readUnits: 0 });

    // A cold writer reads the stored ones once and still writes nothing for unchanged suggestions.
    meter.reset();
    const cold = newSuggestionMemo();
    expect(await syncSuggestions(store, rescored, cold, stories, silentLogger)).toEqual({ written: 0, removed: 0, renewed: 0 });
    expect(meter.snapshot().writeUnits).toBe(0);
    expect(meter.snapshot().byOperation.Query?.calls).toBe(1);

    // New evidence, then a score moving a full step: each rewritten once.
    const more = { ...s1, evidence: { ...s1.evidence, numbers: ['7.5', '2024'] } };
    expect(await syncSuggestions(store, [more, s2], memo, stories, silentLogger)).toMatchObject({ written: 1 });
    expect(await syncSuggestions(store, [{ ...more, score: 0.44 }, s2], memo, stories, silentLogger)).toMatchObject({ written: 1 });
    expect((await store.getPair('s_q1', 's_q2'))?.suggestion).toMatchObject({ score: 0.44, evidence: { numbers: ['7.5', '2024'] } });

    // The engine merged or let go of the second pair: it leaves the table.
    expect(await syncSuggestions(store, [{ ...more, score: 0.44 }], memo, stories, silentLogger)).toEqual({ written: 0, removed: 1, renewed: 0 });
    expect((await store.listSuggestions()).map((s) => s.a)).toEqual(['s_q1']);

    // A dismissal moves the record from one gsi1 list to the other: one unit on the table, two on the index.
    meter.reset();
    await store.dismissPair('s_q1', 's_q2', EDITOR, '2026-11-26T10:00:00.000Z', '2026-11-26T10:00:00.000Z');
    expect(meter.snapshot().writesByIndex).toEqual(backend.name === 'dynalite' ? { table: 1 } : { table: 1, gsi1: 2 });
    // Once the writer has read it, the pair costs nothing more, though the engine still offers it.
    await applyDismissals(store, new SuggestingTestGrouper(() => [], false), memo);
    meter.reset();
    expect(await syncSuggestions(store, [{ ...more, score: 0.44 }], memo, stories, silentLogger)).toEqual({ written: 0, removed: 0, renewed: 0 });
    expect(meter.snapshot()).toMatchObject({ writeUnits: 0, failedConditionalWrites: 0 });
    expect(await store.getPair('s_q1', 's_q2')).toMatchObject({ dismissed: { dismissedBy: EDITOR }, suggestion: { score: 0.44 } });
    client.destroy();
  });

  it('rewrites an unchanged suggestion once past half its lifetime, so a long-lived pair never expires', async () => {
    const memo = newSuggestionMemo();
    const s = suggestion('s_h1', 's_h2', { at: '2026-11-01T00:00:00.000Z' });
    await syncSuggestions(db.store, [s], memo, new Map(), silentLogger);
    expect(await syncSuggestions(db.store, [{ ...s, at: '2026-11-14T00:00:00.000Z' }], memo, new Map(), silentLogger)).toMatchObject({ written: 0 });
    expect(await syncSuggestions(db.store, [{ ...s, at: '2026-11-17T00:00:00.000Z' }], memo, new Map(), silentLogger)).toMatchObject({ written: 1 });
    expect(memo.stored?.get('s_h1#s_h2')?.keepUntil).toBe(new Date(Date.parse('2026-11-17T00:00:00.000Z') + 30 * DAY).toISOString());
  });

  it('keeps dismissed pairs out: handed to the engine, never stored again even if the engine still suggests them', async () => {
    const memo = newSuggestionMemo();
    const s = suggestion('s_d1', 's_d2');
    // An engine that ignores the constraint, so only the store's fence stands between it and the desk.
    const grouper = new SuggestingTestGrouper(() => [s], false);
    await syncSuggestions(db.store, grouper.suggestions(), memo, new Map(), silentLogger);
    expect((await db.store.listSuggestions()).some((x) => x.a === 's_d1')).toBe(true);

    // An editor dismisses the pair while this writer is warm and has not read the dismissal yet.
    await db.store.dismissPair('s_d1', 's_d2', EDITOR, '2026-11-26T10:00:00.000Z', '2026-11-26T09:00:00.000Z');
    expect(await syncSuggestions(db.store, [{ ...s, score: 0.43 }], memo, new Map(), silentLogger)).toMatchObject({ written: 0 });
    expect((await db.store.listSuggestions()).some((x) => x.a === 's_d1')).toBe(false);

    // The next pass reads the dismissal and hands it to the engine; the pair is then not even tried.
    expect(await applyDismissals(db.store, grouper, memo)).toBeGreaterThanOrEqual(1);
    expect(grouper.keptApart).toContain('s_d1#s_d2');
    expect(await applyDismissals(db.store, grouper, memo)).toBe(0);
    expect(await syncSuggestions(db.store, [{ ...s, score: 0.44 }], memo, new Map(), silentLogger)).toMatchObject({ written: 0, removed: 0 });

    // A cold engine gets every dismissal at once.
    const cold = new SuggestingTestGrouper(() => [s]);
    await applyDismissals(db.store, cold, newSuggestionMemo());
    expect(cold.keptApart).toContain('s_d1#s_d2');
    expect(cold.suggestions()).toEqual([]);
  });

  it('renews a dismissal while both stories stay active, once per half-life', async () => {
    const memo = newSuggestionMemo();
    await db.store.dismissPair('s_r1', 's_r2', EDITOR, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z');
    await applyDismissals(db.store, new SuggestingTestGrouper(() => []), memo);
    const stories = new Map([
      ['s_r1', live('s_r1', '2026-11-10T00:00:00.000Z')],
      ['s_r2', live('s_r2', '2026-11-05T00:00:00.000Z')],
    ]);
    expect(await syncSuggestions(db.store, [], memo, stories, silentLogger)).toMatchObject({ renewed: 0 });
    stories.set('s_r1', live('s_r1', '2026-11-20T00:00:00.000Z'));
    expect(await syncSuggestions(db.store, [], memo, stories, silentLogger)).toMatchObject({ renewed: 1 });
    expect(await syncSuggestions(db.store, [], memo, stories, silentLogger)).toMatchObject({ renewed: 0 });
    expect((await db.store.getPair('s_r1', 's_r2'))?.dismissed).toMatchObject({
      keptFrom: '2026-11-20T00:00:00.000Z',
      keepUntil: new Date(Date.parse('2026-11-20T00:00:00.000Z') + 30 * DAY).toISOString(),
    });
    // A story merged away: its pair is left to expire.
    stories.set('s_r2', { ...live('s_r2', '2026-12-30T00:00:00.000Z'), mergedInto: 's_r1' });
    stories.set('s_r1', live('s_r1', '2026-12-30T00:00:00.000Z'));
    expect(await syncSuggestions(db.store, [], memo, stories, silentLogger)).toMatchObject({ renewed: 0 });
  });
});
