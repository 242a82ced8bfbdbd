import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeChunkFile, encodeChunkFile } from '../../extension/chunkFile';
import { errorHeadline, findErrorLoc, locInside, parseLoc } from '../../extension/locations';
import { findMainGuards, runtimeFor } from '../../extension/mainGuard';

test('main guards are found in JS/TS and Python snippets only', () => {
  const ts = "import { main } from 'concurrency-lens';\nexport function f() {}\nmain(async () => {\n});\n";
  assert.deepEqual(findMainGuards('typescript', ts), [2]);
  assert.deepEqual(findMainGuards('javascript', 'void main(run)\n  remain(1)\n'), [0]);
  const py = 'def f():\n    pass\n\nif __name__ == "__main__":\n    f()\n';
  assert.deepEqual(findMainGuards('python', py), [3]);
  assert.deepEqual(findMainGuards('python', 'if __name__ == \'__main__":\n'), []);
  assert.deepEqual(findMainGuards('markdown', py), []);
  assert.equal(runtimeFor('/a/b.mts'), 'node');
  assert.equal(runtimeFor('/a/b.py'), 'python');
  assert.equal(runtimeFor('/a/b.rb'), undefined);
});

test('source locations parse with and without a column, and reject junk', () => {
  assert.deepEqual(parseLoc('/w/a.ts:12:5'), { file: '/w/a.ts', line: 12, col: 5 });
  assert.deepEqual(parseLoc('C:\\w\\a.py:3'), { file: 'C:\\w\\a.py', line: 3, col: 1 });
  assert.equal(parseLoc('/w/a.ts'), undefined);
  assert.equal(parseLoc('/w/a.ts:0:1'), undefined);
});

test('error locations are found in launcher, Node and Python error texts', () => {
  const snip = '/w/s p/x.ts';
  assert.deepEqual(findErrorLoc(`${snip}:4:11: ERROR: Expected ")" but found "{"`, snip), {
    file: snip,
    line: 4,
    col: 11,
  });
  const py = 'Traceback:\n  File "/w/y.py", line 7\n    def f(:\n          ^\nSyntaxError: invalid syntax\n';
  assert.deepEqual(findErrorLoc(py, '/w/y.py'), { file: '/w/y.py', line: 7, col: 7 });
  assert.equal(findErrorLoc('/w/other.ts:1:1: boom', snip), undefined);
  assert.equal(errorHeadline(py), 'SyntaxError: invalid syntax');
});

test('a saved run file round-trips its header and per-connection streams', () => {
  const chunks = [
    { conn: 1, bytes: new Uint8Array([1, 2]) },
    { conn: 2, bytes: new Uint8Array([]) },
    { conn: 1, bytes: new Uint8Array([3]) },
  ];
  const header = { title: 'pool.ts', snippet: '/w/pool.ts', savedAt: '2026-01-01T00:00:00.000Z' };
  const back = decodeChunkFile(encodeChunkFile(header, chunks));
  assert.deepEqual(back.header, header);
  assert.deepEqual(
    back.chunks.map((c) => [c.conn, [...c.bytes]]),
    [
      [1, [1, 2, 3]],
      [2, []],
    ],
  );
  assert.throws(() => decodeChunkFile(new TextEncoder().encode('{"traceEvents":[]}')), /not a Concurrency Lens/);
  const cut = encodeChunkFile(header, chunks);
  assert.throws(() => decodeChunkFile(cut.subarray(0, cut.length - 1)), /truncated/);
});

test('a location from the panel is only opened inside the allowed folders', () => {
  const roots = ['/w/project', '/ext/samples/python'];
  assert.deepEqual(locInside('/w/project/a.py:3:1', roots), { file: '/w/project/a.py', line: 3, col: 1 });
  assert.equal(locInside('/w/project/../secret/key.py:1:1', roots), undefined);
  assert.equal(locInside('/etc/passwd:1:1', roots), undefined);
  assert.equal(locInside('relative/a.py:1:1', roots), undefined);
  assert.equal(locInside('/w/project:1:1', roots), undefined);
  assert.equal(locInside('/w/project-other/a.py:1:1', roots), undefined);
});
