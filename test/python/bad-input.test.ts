// Bad input for the Python runtime: each gets a clear message, and what was recorded before it went
// wrong stays in the trace.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { ofKind, pidsWithRole, runPython, stdout } from './harness';

const fixture = (name: string): string => resolve(__dirname, 'fixtures', name);

test('a syntax error is reported as file:line:col and nothing starts', async () => {
  const r = await runPython(fixture('syntax_error.py'));
  assert.match(r.error ?? '', /syntax_error\.py:3:\d+: SyntaxError: /);
  assert.equal(r.events.length, 0);
});

test('a missing interpreter gets a clear message', async () => {
  const r = await runPython(fixture('main_raises.py'), { pythonPath: '/nonexistent/python3' });
  assert.match(r.error ?? '', /'\/nonexistent\/python3' was not found.*3\.8/);
});

test('an exception in the main process: Error event, traceback on stderr, exit code 1', async () => {
  const r = await runPython(fixture('main_raises.py'));
  assert.equal(r.code, 1);
  assert.ok(stdout(r).includes('before the error'));
  const [err] = ofKind(r.events, Kind.Error);
  assert.equal(err.message, 'ValueError: boom in main');
  assert.match(err.stack, /main_raises\.py", line 2/);
  assert.ok(r.lines.some((l) => l.stream === 'stderr' && l.text.includes('ValueError: boom in main')));
  assert.equal(ofKind(r.events, Kind.ProcExit)[0].code, 1);
});

test('an exception in a Process: Error event, its Run span ends in error, exit code 1', async () => {
  const r = await runPython(fixture('process_raises.py'));
  assert.equal(r.code, 0);
  const [child] = pidsWithRole(r.events, Role.Process);
  const err = ofKind(r.events, Kind.Error).find((e) => e.pid === child);
  assert.equal(err?.message, 'RuntimeError: boom in child');
  const run = ofKind(r.events, Kind.Begin).find((b) => b.pid === child && b.cat === Cat.Run)!;
  const end = ofKind(r.events, Kind.End).find((e) => e.pid === child && e.span === run.span);
  assert.equal(end?.status, Status.Error);
  assert.equal(ofKind(r.events, Kind.ProcExit).find((e) => e.pid === child)?.code, 1);
  assert.ok(
    r.lines.some((l) => l.pid === child && l.stream === 'stderr' && l.text.includes('RuntimeError: boom in child')),
  );
  assert.ok(stdout(r).includes('child exit code 1'));
});

test('an exception in a pool worker: the task ends in error and the caller sees it', async () => {
  const r = await runPython(fixture('worker_raises.py'));
  assert.equal(r.code, 0);
  const failed = ofKind(r.events, Kind.TaskEnd).filter((e) => e.status === Status.Error);
  assert.equal(failed.length, 1);
  assert.ok(pidsWithRole(r.events, Role.PoolWorker).includes(failed[0].pid));
  assert.ok(ofKind(r.events, Kind.TaskResult).some((e) => e.status === Status.Error));
  assert.ok(ofKind(r.events, Kind.Error).some((e) => e.message === 'ValueError: bad item 2'));
  assert.ok(stdout(r).includes('caught bad item 2'));
});

test('a worker killed by a signal: ProcExit names the signal, the task result is an error (BrokenProcessPool)', async () => {
  const r = await runPython(fixture('worker_killed.py'));
  assert.equal(r.code, 0);
  const [worker] = pidsWithRole(r.events, Role.PoolWorker);
  const exit = ofKind(r.events, Kind.ProcExit).find((e) => e.pid === worker);
  assert.equal(exit?.signal, 'SIGKILL');
  assert.ok(ofKind(r.events, Kind.TaskStart).some((e) => e.pid === worker));
  assert.deepEqual(
    ofKind(r.events, Kind.TaskResult).map((e) => e.status),
    [Status.Error],
  );
  assert.ok(stdout(r).includes('pool broken'));
});

test('a deadlock can be stopped and its waits are in the trace', async () => {
  const r = await runPython(fixture('deadlock.py'), {
    stopWhen: (ev) => ev.filter((e) => e.kind === Kind.Begin && e.cat === Cat.WaitLock).length >= 2,
    timeoutMs: 20_000,
  });
  assert.ok(r.stopped);
  const waits = ofKind(r.events, Kind.Begin).filter((e) => e.cat === Cat.WaitLock);
  assert.equal(new Set(waits.map((w) => w.pid)).size, 2, 'both processes wait');
  const ended = new Set(ofKind(r.events, Kind.End).map((e) => `${e.pid}:${e.span}`));
  assert.ok(
    waits.every((w) => !ended.has(`${w.pid}:${w.span}`)),
    'neither wait ever ended',
  );
  assert.equal(new Set(waits.map((w) => w.obj)).size, 2, 'each waits for the other lock');
});

test('megabytes of output arrive whole and attributed to the writer', async () => {
  const r = await runPython(fixture('flood.py'));
  assert.equal(r.code, 0);
  const [child] = pidsWithRole(r.events, Role.Process);
  const mine = r.lines.filter((l) => l.pid === child);
  assert.equal(mine.filter((l) => l.text === 'x'.repeat(99)).length, 30000);
  assert.ok(mine.some((l) => l.text === 'raw write from C level'));
  assert.ok(stdout(r).includes('main done'));
  assert.equal(ofKind(r.events, Kind.ProcExit).length, 2);
});
