// In-process outlet metadata (country, region, languages) for facets and perspectives, refreshed from the store periodically.
import type { Logger } from '../log.ts';
import { errorFields } from '../log.ts';
import type { OutletStore } from '../store/store.ts';
import type { Outlet } from '../types.ts';

/** Outlet lookup kept warm in the process. */
export class OutletCatalog {
  private outlets: Map<string, Outlet> | undefined;
  private loadedAt = 0;
  private loading: Promise<Map<string, Outlet>> | undefined;

  /**
   * @param ttlMs how long a loaded outlet list is used before it is re-read (outlets change rarely: registry or OPML edits)
   */
  constructor(
    private readonly store: Pick<OutletStore, 'listOutlets'>,
    private readonly log: Logger,
    private readonly ttlMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Outlets by id; re-read when older than the TTL. A failed refresh keeps serving the previous list. */
  async get(): Promise<Map<string, Outlet>> {
    if (this.outlets && this.clock() - this.loadedAt < this.ttlMs) return this.outlets;
    // One read at a time: concurrent requests share the refresh instead of stampeding the table.
    this.loading ??= this.store
      .listOutlets()
      .then((list) => {
        this.outlets = new Map(list.map((o) => [o.id, o]));
        this.loadedAt = this.clock();
        return this.outlets;
      })
      .catch((err: unknown) => {
        if (!this.outlets) throw err;
        this.log.warn('outlet refresh failed; using previous list', errorFields(err));
        return this.outlets;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
