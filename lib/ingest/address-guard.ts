// Enforces the address policy when the fetcher connects: a DNS lookup that checks every address it hands to the socket.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { blockedReason, type AddressPolicy } from '../addresses.ts';
import { BlockedAddressError } from './errors.ts';

// Which addresses are public lives apart (lib/addresses.ts), so OPML imports in the API check URLs without the fetch stack.
export { blockedReason, policyFor, urlAddressProblem, type AddressPolicy } from '../addresses.ts';

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default; tests inject their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver: getaddrinfo, so /etc/hosts and search domains behave as for any other program. */
export const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Throws BlockedAddressError unless the policy accepts `address`. */
export function assertAllowedAddress(address: string, policy: AddressPolicy, host = address): void {
  if (policy.allowPrivateNetwork) return;
  const bare = address.replace(/^\[|\]$/g, '');
  if (policy.allowAddresses?.includes(bare)) return;
  const reason = blockedReason(bare);
  if (reason) {
    throw new BlockedAddressError(
      bare,
      `Refusing to connect to ${host === bare ? bare : `${host} (${bare})`}: ${reason} address ` +
        '(set ROUNDUP_ALLOW_PRIVATE_NETWORK=true or --allow-private-network for local testing)',
    );
  }
}

/**
 * A `lookup` for http.request that resolves, checks every address and hands only checked addresses to the
 * socket: the address we checked is the address we connect to (no time-of-check/time-of-use gap).
 * A name with any blocked address is refused outright, so a DNS answer mixing public and private records
 * cannot steer us inside.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return ((hostname: string, options: { family?: number | string; all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new Error(`${hostname} has no addresses`);
          for (const a of addresses) assertAllowedAddress(a.address, policy, hostname);
        } catch (err) {
          callback(err);
          return;
        }
        const fam = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
        const usable = fam === 4 || fam === 6 ? addresses.filter((a) => a.family === fam) : addresses;
        if (usable.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no IPv${fam} address`), { code: 'ENOTFOUND' }));
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: unknown) => callback(err),
    );
  }) as unknown as LookupFunction;
}

/** True when `host` (URL hostname, possibly bracketed IPv6) is an IP literal, which sockets connect to without DNS. */
export function isIpLiteral(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) !== 0;
}
