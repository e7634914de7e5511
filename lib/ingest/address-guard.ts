// Decides which IP addresses the fetcher may connect to, and a DNS lookup that enforces it at connect time.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { BlockedAddressError } from './errors.ts';

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default; tests inject their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Which addresses are acceptable. */
export interface AddressPolicy {
  /** Lifts the public-address check entirely (local testing opt-in). */
  allowPrivateNetwork: boolean;
  /** Exact addresses exempt from the check (a test fixture server), everything else is still checked. */
  allowAddresses?: readonly string[];
  /**
   * Exact origins (`http://127.0.0.1:43210`) whose requests skip the check: the local stack's own sample server.
   * A redirect elsewhere is checked again, so this lifts the guard for those feeds only.
   */
  allowOrigins?: readonly string[];
}

/** The policy for one request: an origin on the allow-list may use any address. */
export function policyFor(url: URL, policy: AddressPolicy): AddressPolicy {
  return !policy.allowPrivateNetwork && policy.allowOrigins?.includes(url.origin) ? { ...policy, allowPrivateNetwork: true } : policy;
}

// Names that only ever resolve inside a network: RFC 6761 `localhost`, mDNS `.local` (RFC 6762), `.internal`
// (reserved for private use by ICANN, 2024) and `.home.arpa` (RFC 8375).
const PRIVATE_NAME = /(?:^|\.)(?:localhost|local|internal|home\.arpa)\.?$/i;

/**
 * Why a feed URL may not be registered, or undefined when it may: checked when outlets are imported, before any
 * fetch (which checks every resolved address again). http(s) only, no credentials, no IP literal outside public
 * unicast, no name that only resolves inside a network (`localhost`, `*.local`, single labels such as `intranet`)
 * unless the policy allows private addresses or the URL's origin.
 */
export function urlAddressProblem(raw: string, policy: AddressPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs are fetched, not ${url.protocol.slice(0, -1)}`;
  if (url.username || url.password) return 'URLs with credentials are not fetched';
  if (policyFor(url, policy).allowPrivateNetwork) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const suffix = ' (allowed only with --allow-private-network / ROUNDUP_ALLOW_PRIVATE_NETWORK=true)';
  if (isIP(host)) {
    if (policy.allowAddresses?.includes(host)) return undefined;
    const reason = blockedReason(host);
    return reason ? `${reason} address ${host}${suffix}` : undefined;
  }
  if (PRIVATE_NAME.test(host)) return `${host} is a local network name${suffix}`;
  if (!host.replace(/\.$/, '').includes('.')) return `${host} is a single-label name, resolved inside the network${suffix}`;
  return undefined;
}

/** The system resolver: getaddrinfo, so /etc/hosts and search domains behave as for any other program. */
export const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Why `address` is not a public unicast address, or undefined when it is.
 * Only ipaddr.js's `unicast` range passes; IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4
 * address it carries, and so are NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses, which embed one.
 */
export function blockedReason(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'not an IP address';
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return blockedReason(v6.toIPv4Address().toString());
    const range = v6.range();
    const parts = v6.parts;
    if (range === 'rfc6052' && parts[0] === 0x64 && parts[1] === 0xff9b && parts[2] === 0) {
      return blockedReason(embeddedV4(parts[6]!, parts[7]!));
    }
    if (range === '6to4') return blockedReason(embeddedV4(parts[1]!, parts[2]!));
    return range === 'unicast' ? undefined : range;
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}

const embeddedV4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

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
