// Array helpers for the grouping engine's hot paths (V8 elements kinds).

/**
 * An empty array that already has the elements kind it will hold (`sample` is only used for that): V8 code
 * optimized while one engine instance filled its arrays expects their final kind, and a fresh array of
 * another kind (an empty `[]` starts as small integers) would throw the next instance's calls back to
 * unoptimized code, to be compiled again.
 */
export function emptyOf<T>(sample: T): T[] {
  // Array.of, not a literal: a literal's allocation site remembers the kinds its arrays later took, so
  // arrays made for other element types would start with another kind in the next engine instance.
  const a = Array.of(sample);
  a.length = 0;
  return a;
}

/** A typed array that can be grown by copying into a larger one of the same kind. */
type Growable = Int8Array | Uint8Array | Int32Array | Float64Array;

/** A copy of `a` with room for `length` elements (zero-filled beyond the old length). */
export function grown<T extends Growable>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
