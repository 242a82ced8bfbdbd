// Level-of-detail buckets against span-by-span merging, and the standalone server's binary chunk
// transfer decoded by the panel's parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat } from '../../common/schema';
import { servePanel } from '../../engine/server';
import { buildLod, emitLod, lodBuckets } from '../../webview/lod';
import { mergeSpans, rangeIter } from '../../webview/merge';
import { parseChunks } from '../../webview/transport';
import { fixtureChunks } from '../webview/synthTrace';

/** `n` back-to-back 10 ns spans alternating task / sleep from t = 0, then a gap of equal length. */
function alternating(n: number) {
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const cat = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = i * 10;
    end[i] = i * 10 + 10;
    cat[i] = i % 2 ? Cat.Sleep : Cat.Task;
  }
  return { count: n, start, end, cat, depth: new Uint8Array(n) };
}

type Rect = [number, number, number];
function rects(draw: (sink: (x0: number, x1: number, d: number, cat: number) => void) => void): Rect[] {
  const out: Rect[] = [];
  draw((x0, x1, _d, cat) => out.push([x0, x1, cat]));
  return out;
}

test('buckets drawn zoomed out cover what the spans cover, at about one rectangle per pixel', () => {
  const cols = alternating(100_000);
  const lod = buildLod(cols, 0, 2_000_000);
  assert.equal(lod.levels[0].buckets, lodBuckets(100_000));
  assert.ok(lod.levels[lod.levels.length - 1].buckets >= 256);
  const width = 1000;
  const k = width / 2_000_000;
  const fromLod = rects((s) => emitLod(lod, 0, k, width, s));
  const fromSpans = rects((s) => mergeSpans(cols, rangeIter(0, cols.count), 0, k, width, s));
  for (const rs of [fromLod, fromSpans]) {
    assert.ok(rs.length <= 510, `${rs.length} rectangles for 500 px of spans`);
    assert.ok(rs[0][0] <= 0.5);
    const last = Math.max(...rs.map((r) => r[1]));
    assert.ok(last >= 499 && last <= 502, `spans end at 500 px, drawn to ${last}`);
    for (const r of rs) assert.ok(r[2] === Cat.Task || r[2] === Cat.Sleep);
  }
  // Nothing is drawn in the gap.
  assert.ok(fromLod.every((r) => r[0] < 501));
});

test('the bucket level follows the zoom and never draws buckets wider than a pixel', () => {
  const cols = alternating(100_000);
  const lod = buildLod(cols, 0, 1_000_000);
  for (const width of [300, 1000, 4000]) {
    const k = width / 1_000_000;
    const rs = rects((s) => emitLod(lod, 0, k, width, s));
    assert.ok(rs.length <= width + 10, `${rs.length} rectangles at ${width} px`);
  }
});

test('the server’s binary chunk body parses back into the same chunks', async () => {
  const chunks = fixtureChunks();
  const server = await servePanel(chunks, { title: 'fixture.py' });
  try {
    const url = new URL(server.url);
    const res = await fetch(`${url.origin}/chunks${url.search}&gen=1&from=0&to=${chunks.length}`);
    assert.equal(res.status, 200);
    const back = parseChunks(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(
      back.map((c) => [c.conn, Buffer.from(c.bytes).toString('hex')]),
      chunks.map((c) => [c.conn, Buffer.from(c.bytes).toString('hex')]),
    );
    assert.equal((await fetch(`${url.origin}/chunks${url.search}&gen=2&from=0&to=1`)).status, 410);
    assert.equal((await fetch(`${url.origin}/chunks${url.search}&gen=1&from=0&to=999`)).status, 400);
  } finally {
    await server.close();
  }
});
