/** Growable typed-array helpers shared by the store's columnar tables. */

/** A typed array constructor the tables use. */
type TypedArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** Returns `a` if it holds `need` elements, else a copy at least twice as large with the first `used` kept. */
export function grow<T extends TypedArray>(a: T, need: number, used: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 16));
  next.set(a.subarray(0, used) as never);
  return next;
}

/** First index in [lo, hi) whose value is > x (values sorted ascending). */
export function upperBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) whose value is >= x (values sorted ascending). */
export function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
