import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setLibraryDir, userStack } from '../../runtime/node/location';

const LIB = '/opt/ext/dist/runtime/node';
setLibraryDir(LIB);

test('frames inside the library and the machinery below the outermost user frame are left out', () => {
  const stack = [
    'RangeError: bad item 2',
    '    at fails (/home/ann/projects/squares.ts:4:13)',
    `    at step (${LIB}/index.js:1663:31)`,
    `    at runOne (${LIB}/index.js:1680:10)`,
    '    at process.emit (node:events:524:28)',
    '    at emit (node:internal/child_process:950:14)',
  ].join('\n');
  assert.equal(
    userStack(stack),
    [
      'RangeError: bad item 2',
      '    at fails (/home/ann/projects/squares.ts:4:13)',
      '    (4 frames of concurrency-lens and Node.js not shown)',
    ].join('\n'),
  );
});

test('user frames around library calls stay, with a native frame inside a library call left out', () => {
  const stack = [
    'Error: Pool task function "twice" is not exported from squares.ts',
    '    multi-line messages keep their lines',
    `    at lookupExport (${LIB}/index.js:234:9)`,
    '    at new Promise (<anonymous>)',
    `    at Pool.map (${LIB}/index.js:1909:21)`,
    '    at run (/home/ann/projects/squares.ts:9:26)',
    '    at new Promise (<anonymous>)',
    '    at /home/ann/projects/squares.ts:12:3',
  ].join('\n');
  assert.equal(
    userStack(stack),
    [
      'Error: Pool task function "twice" is not exported from squares.ts',
      '    multi-line messages keep their lines',
      '    at run (/home/ann/projects/squares.ts:9:26)',
      '    at new Promise (<anonymous>)',
      '    at /home/ann/projects/squares.ts:12:3',
      '    (3 frames of concurrency-lens not shown)',
    ].join('\n'),
  );
});

test('a stack with no frame of the user, or nothing to leave out, is kept whole', () => {
  const library = [
    'TypeError: x is undefined',
    `    at tick (${LIB}/index.js:1486:3)`,
    '    at listOnTimeout (node:internal/timers:573:17)',
  ].join('\n');
  assert.equal(userStack(library), library);
  const user = ['Error: boom', '    at main (/home/ann/projects/a.ts:3:9)'].join('\n');
  assert.equal(userStack(user), user);
});
