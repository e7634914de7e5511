// Which IP addresses and host names are public: one rule for the fetcher's connect-time guard and for imports.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

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

