// What a killed local process left in its database: feed claims and leases of the folder's owners, released at once.
import type { FeedStore, LeaseStore } from '../store/store.ts';
import { SCHEDULER_LEASE } from '../store/feeds.ts';
import { GROUPING_LEASE } from '../pipeline/group-stage.ts';
import { FOLDER_ROLES, folderOwner, type FolderIdentity } from './lock.ts';

/** What {@link recoverFolderWork} released. */
export interface Recovered {
  /** Feeds whose unexpired claims were ended (due again at once). */
  claims: number;
  /** Leases released, by name. */
  leases: string[];
}

/**
 * Releases the claims and leases every process of the data folder (`local-<id>-stack`, `local-<id>-cli`) holds.
 * Call only while holding the folder's lock: no other process of the folder runs then, so whatever those owners
 * hold was left by one that died (`kill -9`, a crash), and would otherwise block its feeds for the claim's term
 * (10 minutes) and grouping for the lease's.
 */
export async function recoverFolderWork(
  store: Pick<FeedStore, 'releaseClaims'> & Pick<LeaseStore, 'releaseLeaseOf'>,
  identity: FolderIdentity,
  now: string,
): Promise<Recovered> {
  const out: Recovered = { claims: 0, leases: [] };
  for (const role of FOLDER_ROLES) {
    const owner = folderOwner(identity, role);
    out.claims += await store.releaseClaims(owner, now);
    for (const lease of [GROUPING_LEASE, SCHEDULER_LEASE]) if (await store.releaseLeaseOf(lease, owner)) out.leases.push(lease);
  }
  return out;
}
