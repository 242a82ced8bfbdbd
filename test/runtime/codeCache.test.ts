import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cachePath } from '../../runtime/node/code-cache';
import { BOOT, lines, runCode } from './harness';

// A private copy of the built runtime, so the cache files these tests write and break are their own.
const dir = mkdtempSync(join(tmpdir(), 'cl-codecache-'));
cpSync(join(BOOT, '..'), join(dir, 'node'), { recursive: true });
const boot = join(dir, 'node/boot.js');
const bundle = join(dir, 'node/index.js');
const cache = cachePath(bundle);
after(() => rmSync(dir, { recursive: true, force: true }));

const SNIPPET = `
  import { Pool, main } from 'concurrency-lens';
  export function square(x: number) { return x * x; }
  main(async () => {
    const pool = new Pool(2);
    console.log((await pool.map(square, [1, 2, 3, 4], { chunksize: 1 })).join(' '));
    pool.close();
    await pool.join();
  });
`;

async function runAndCheck(): Promise<void> {
  const r = await runCode(SNIPPET, { boot });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['1 4 9 16']);
}

function header(): { mtimeMs: number; size: number } {
  const buf = readFileSync(cache);
  return { mtimeMs: buf.readDoubleLE(0), size: buf.readDoubleLE(8) };
}

test('the runtime bundle gets a code cache next to it, which later processes use as it is', async () => {
  rmSync(cache, { force: true });
  // A process whose main ends at once (nothing recorded, so nothing else keeps it) writes it too.
  const r = await runCode(`import { main } from 'concurrency-lens'; main(() => console.log('done'));`, {
    boot,
    record: false,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'done\n');
  assert.ok(existsSync(cache), 'a cache after a run that ends at once');
  await runAndCheck();
  const st = statSync(bundle);
  assert.deepEqual(header(), { mtimeMs: st.mtimeMs, size: st.size });
  const written = statSync(cache).mtimeMs;
  await runAndCheck();
  assert.equal(statSync(cache).mtimeMs, written, 'an accepted cache is not written again');
});

test('a damaged or stale code cache does not change what a run does, and is written again', async () => {
  // Damaged: the header still matches the bundle, the V8 data is garbage (V8 rejects it).
  await runAndCheck();
  const buf = readFileSync(cache);
  buf.fill(0x5a, 16);
  writeFileSync(cache, buf);
  await runAndCheck();
  assert.notEqual(readFileSync(cache).subarray(16).toString('latin1'), buf.subarray(16).toString('latin1'));

  // Stale: the bundle was rebuilt (another mtime), so the old cache must not be used for it.
  const later = new Date(statSync(bundle).mtimeMs + 5000);
  utimesSync(bundle, later, later);
  await runAndCheck();
  assert.equal(header().mtimeMs, statSync(bundle).mtimeMs);
});

test('a cache that cannot be written leaves the run as it is and no temporary file behind', async () => {
  rmSync(cache, { force: true });
  mkdirSync(cache); // a folder where the file should go: the rename fails
  try {
    await runAndCheck();
    assert.deepEqual(
      readdirSync(join(dir, 'node')).filter((f) => f.endsWith('.tmp')),
      [],
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
