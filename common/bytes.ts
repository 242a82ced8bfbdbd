/** Byte-array helpers shared by the stream readers. */

/** `a` followed by `b` in one new array; `b` itself when `a` is empty (the common case: no bytes held back). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
