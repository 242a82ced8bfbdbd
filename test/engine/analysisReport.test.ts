/** The command line's text layout of the analyses and the deadlock banner, on hand-made inputs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRun } from '../../common/analysis';
import { ObjType, Role } from '../../common/schema';
import { align, formatAnalysis, shortLoc, wrap } from '../../engine/cli/analysisReport';
import { deadlockBanner } from '../../engine/cli/deadlockBanner';
import type { RunDeadlock } from '../../engine/liveDeadlock';
import { TraceBuilder } from '../unit/analysis-trace';

test('table columns are padded to the widest cell: text left, numbers right', () => {
  assert.deepEqual(
    align(
      [
        ['object', 'acq', 'lines'],
        ['lock counter_lock', '12', 'a.py:9'],
        ['queue q', '3', ''],
      ],
      new Set([0, 2]),
    ),
    ['object             acq  lines', 'lock counter_lock   12  a.py:9', 'queue q              3'],
  );
});

test('long warnings wrap at 100 columns without splitting a number from its unit', () => {
  const text = `${'word '.repeat(18)}held for 1.64 ms in total`;
  const lines = wrap(text, '', '      ');
  assert.ok(lines.every((l) => l.length <= 100));
  assert.equal(lines.join(' ').replace(/ +/g, ' '), text.replace(/ +/g, ' '));
  assert.ok(lines.some((l) => l.includes('1.64 ms')));
  assert.ok(lines.slice(1).every((l) => l.startsWith('      ')));
  assert.equal(shortLoc('/home/me/x/convoy.py:9:5'), 'convoy.py:9');
  assert.equal(shortLoc('C:\\x\\a.ts:3'), 'a.ts:3');
});

const step = (pid: number, loc: string, alive = true): RunDeadlock['steps'][number] => ({
  pid,
  tid: 0,
  label: `process ${pid}`,
  holds: [],
  cat: 0,
  obj: 'lock:1:1',
  detail: '',
  loc,
  since: 0,
  alive,
});

test('the banner names the cycle, where each process is blocked, and what the user can do', () => {
  const d: RunDeadlock = {
    kind: 'cycle',
    t: 5e9,
    atNs: 1e9,
    sentence: 'process 41 holds lock a and waits for lock b; process 42 holds b and waits for a',
    steps: [step(41, 'x.py:8:9'), step(42, 'x.py:8:9')],
    graph: [],
  };
  assert.deepEqual(deadlockBanner(d, false, 60), [
    '',
    '!! Deadlock: process 41 holds lock a and waits for lock b; process 42 holds b and waits for a',
    '   process 41 is blocked at x.py:8:9',
    '   process 42 is blocked at x.py:8:9',
    '   Press Ctrl-C to stop, or wait for the time limit (60 s).',
    '',
  ]);
  const stall: RunDeadlock = { ...d, kind: 'stall', sentence: 'every live process has been blocked for 2.00 s: …' };
  const dead: RunDeadlock = { ...d, kind: 'dead-holder', steps: [step(41, 'x.py:3:1'), step(42, '', false)] };
  assert.equal(deadlockBanner(stall, true, 60)[1], '!! Stall: every live process has been blocked for 2.00 s: …');
  assert.equal(deadlockBanner(stall, true, 60)[4], '   Stopping the run (--stop-on-deadlock).');
  assert.deepEqual(deadlockBanner(dead, false, 5).slice(2), [
    '   process 41 is blocked at x.py:3:1',
    '   Press Ctrl-C to stop, or wait for the time limit (5 s).',
    '',
  ]);
});

test('paths under the folder the command runs in are printed relative to it', () => {
  const { store, facts } = new TraceBuilder()
    .proc(41, 0, 100, { role: Role.Root })
    .proc(42, 1, 120, { ppid: 41, role: Role.PoolWorker })
    .obj(41, 'pool:41:1', ObjType.Pool, 'Pool-1', '/home/ann/projects/jobs/pool.py:8:10', 1)
    .build();
  const analysis = analyzeRun(store, { cores: 2, facts });
  const text = (cwd?: string): string =>
    formatAnalysis({ analysis, inversions: [], deadlocks: [], verbose: false, cwd }).join('\n');
  assert.match(text('/home/ann/projects'), /pool Pool-1 \(jobs\/pool\.py:8:10\) was never closed and joined/);
  assert.match(text('/home/bob'), /pool Pool-1 \(\/home\/ann\/projects\/jobs\/pool\.py:8:10\)/);
  assert.match(text(), /\(\/home\/ann\/projects\/jobs\/pool\.py:8:10\)/);
});
