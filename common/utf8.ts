/**
 * UTF-8 helpers for the codec. `common/` sees no DOM or Node types, so the two standard globals it
 * uses are declared here; both exist in Node, browsers and webviews.
 */
declare const TextEncoder: new () => {
  encodeInto(s: string, dst: Uint8Array): { read: number; written: number };
};
declare const TextDecoder: new (label?: string) => { decode(b: Uint8Array): string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Number of bytes `s` takes in UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 at `offset` of `dst` (which has room for `utf8Length(s)` bytes); returns bytes written. */
export function utf8Encode(s: string, dst: Uint8Array, offset: number): number {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    dst[offset + i] = c;
  }
  if (ascii) return s.length;
  return encoder.encodeInto(s, dst.subarray(offset)).written;
}

/** Decodes `n` bytes of UTF-8 from `offset` of `src`; invalid sequences become U+FFFD. */
export function utf8Decode(src: Uint8Array, offset: number, n: number): string {
  if (n < 64) {
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = src[offset + i];
      if (c >= 0x80) return decoder.decode(src.subarray(offset, offset + n));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(src.subarray(offset, offset + n));
}
