// Dependency-free id helpers shared by the grouping engine and the editor desk (keeps lib/group out of the API bundle).

/**
 * 48-bit (12 hex characters) non-cryptographic hash of a string: two 32-bit FNV/Murmur-style lanes.
 * Stable across releases: story ids derive from it, so changing it would orphan stored stories.
 */
export function hash48(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) >>> 0;
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35) >>> 0;
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 12);
}
