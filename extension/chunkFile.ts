// Pure (no vscode): the lossless file a finished run is saved in, so a restored panel shows exactly
// what the live one showed. Layout: magic, u32 header length, JSON header, then per chunk
// u32 conn, u32 byte length, bytes (little-endian).
import type { Chunk } from '../common/protocol';

const MAGIC = 'CLCHUNK1';

/** What a saved run remembers besides its record streams. */
export interface ChunkFileHeader {
  title: string;
  /** Snippet path of the run, '' for imported traces. */
  snippet: string;
  savedAt: string;
}

/** Serialises a run's chunks (merged per connection first, so the file stays compact). */
export function encodeChunkFile(header: ChunkFileHeader, chunks: readonly Chunk[]): Uint8Array {
  const merged = mergeByConn(chunks);
  const head = new TextEncoder().encode(JSON.stringify(header));
  let size = MAGIC.length + 4 + head.length;
  for (const c of merged) size += 8 + c.bytes.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(MAGIC.length, head.length, true);
  out.set(head, MAGIC.length + 4);
  let at = MAGIC.length + 4 + head.length;
  for (const c of merged) {
    view.setUint32(at, c.conn, true);
    view.setUint32(at + 4, c.bytes.length, true);
    out.set(c.bytes, at + 8);
    at += 8 + c.bytes.length;
  }
  return out;
}

/** Parses a file written by `encodeChunkFile`; throws with a readable message when it is not one. */
export function decodeChunkFile(data: Uint8Array): { header: ChunkFileHeader; chunks: Chunk[] } {
  if (data.length < MAGIC.length + 4 || new TextDecoder().decode(data.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new Error('not a Concurrency Lens run file');
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headLen = view.getUint32(MAGIC.length, true);
  let at = MAGIC.length + 4 + headLen;
  if (at > data.length) throw new Error('run file is truncated');
  const header = JSON.parse(new TextDecoder().decode(data.subarray(MAGIC.length + 4, at))) as ChunkFileHeader;
  const chunks: Chunk[] = [];
  while (at < data.length) {
    if (at + 8 > data.length) throw new Error('run file is truncated');
    const conn = view.getUint32(at, true);
    const len = view.getUint32(at + 4, true);
    if (at + 8 + len > data.length) throw new Error('run file is truncated');
    chunks.push({ conn, bytes: data.slice(at + 8, at + 8 + len) });
    at += 8 + len;
  }
  return { header, chunks };
}

/** Concatenates the chunks of each connection, keeping connections in first-seen order. */
export function mergeByConn(chunks: readonly Chunk[]): Chunk[] {
  const parts = new Map<number, Uint8Array[]>();
  for (const c of chunks) {
    let list = parts.get(c.conn);
    if (!list) parts.set(c.conn, (list = []));
    list.push(c.bytes);
  }
  const out: Chunk[] = [];
  for (const [conn, list] of parts) {
    const bytes = new Uint8Array(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) {
      bytes.set(b, at);
      at += b.length;
    }
    out.push({ conn, bytes });
  }
  return out;
}
