import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../engine/cli/args';

test('run options parse in any order, with = or a separate value, and -- passes the rest to the snippet', () => {
  assert.deepEqual(
    parseArgs(['run', 'a.ts', '--out=t.json', '--timeout', '2.5', '--max-procs', '8', '--open', '--', '-x', 'y']),
    {
      cmd: 'run',
      snippet: 'a.ts',
      out: 't.json',
      timeoutS: 2.5,
      maxProcs: 8,
      open: true,
      stopOnDeadlock: false,
      json: false,
      verbose: false,
      args: ['-x', 'y'],
    },
  );
  assert.deepEqual(parseArgs(['run', '--stop-on-deadlock', '--cores=3', '--json', 'a.py', '--verbose']), {
    cmd: 'run',
    snippet: 'a.py',
    cores: 3,
    open: false,
    stopOnDeadlock: true,
    json: true,
    verbose: true,
    args: [],
  });
  assert.deepEqual(parseArgs(['serve', 'trace.json']), { cmd: 'serve', trace: 'trace.json' });
  assert.deepEqual(parseArgs([]), { cmd: 'help' });
});

test('bad command lines say what is wrong', () => {
  assert.deepEqual(parseArgs(['run']), { error: 'run needs a snippet file' });
  assert.deepEqual(parseArgs(['run', 'a.ts', '--max-procs', '2.5']), {
    error: "--max-procs needs a positive integer, got '2.5'",
  });
  assert.deepEqual(parseArgs(['run', 'a.ts', '--timeout', '-1']), {
    error: "--timeout needs a positive number, got '-1'",
  });
  assert.deepEqual(parseArgs(['run', 'a.ts', '--out']), { error: '--out needs a file name' });
  assert.deepEqual(parseArgs(['run', 'a.ts', '--fast']), { error: "unknown option '--fast'" });
  assert.deepEqual(parseArgs(['run', 'a.ts', '--cores', '0']), { error: "--cores needs a positive integer, got '0'" });
  assert.deepEqual(parseArgs(['serve']), { error: 'serve takes exactly one trace file' });
  assert.deepEqual(parseArgs(['frob']), { error: "unknown command 'frob'" });
});
