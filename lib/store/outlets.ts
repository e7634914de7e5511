// Outlet records: the registry as stored, rewritten only when an outlet's content changed.
import { createHash } from 'node:crypto';
import type { Outlet } from '../types.ts';
import { fromAttrs, keyEquals, toAttrs, type Table } from './db.ts';
import { INDEX, outletKeys, primary } from './keys.ts';

/** Stored outlets. */
export interface OutletStore {
  /** Upserts outlet records (writes only outlets whose content changed); returns how many were written. */
  putOutlets(outlets: Outlet[]): Promise<number>;
  listOutlets(): Promise<Outlet[]>;
}

const contentHash = (o: unknown) => createHash('sha1').update(JSON.stringify(o)).digest('hex');

/** OutletStore on the table. */
export function outletStore(db: Table): OutletStore {
  return {
    async putOutlets(outlets) {
      // Read hashes first (reads are 4× cheaper than writes) and rewrite only outlets that changed.
      const stored = await db.batchGet(outlets.map((o) => primary(outletKeys(o.id))), { projection: ['pk', 'hash'] });
      const storedHash = new Map(stored.map((r) => [r.pk?.S, r.hash?.S]));
      const changed = outlets.filter((o) => storedHash.get(outletKeys(o.id).pk) !== contentHash(o));
      await db.batchWrite(
        changed.map((o) => ({ PutRequest: { Item: toAttrs({ ...outletKeys(o.id), entity: 'outlet', ...o, hash: contentHash(o) }) } })),
      );
      return changed.length;
    },

    async listOutlets() {
      const rows = await db.queryAll({ IndexName: INDEX.byList, ...keyEquals('gsi1pk', 'OUTLETS') });
      return rows.map((r) => {
        const o = fromAttrs<Outlet & { hash?: string }>(r);
        delete o.hash;
        return o;
      });
    },
  };
}
