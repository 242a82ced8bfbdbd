// Abrupt paths under the hook: a signal handler runs between bytecodes of whatever the main thread
// is doing, the hook's own output path included, so it must never wait there for itself; os._exit
// skips atexit, so what is still buffered must go before it; a record stream that turns corrupt
// stops the recording of that process, not the process.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Role } from '../../common/schema';
import { pidsWithRole, runPython, stdout } from './harness';

const fixture = (name: string): string => resolve(__dirname, 'fixtures', name);

test('a signal handler that prints while the main thread prints: the run ends and every line arrives once', async () => {
  const r = await runPython(fixture('signal_prints.py'), { timeoutMs: 30_000 });
  assert.equal(r.hung, false, 'the program ran to its end');
  assert.equal(r.code, 0);
  // A handler may print between `print`'s text and its newline, as without the hook: so the words
  // are checked, not the line breaks.
  const text = stdout(r).join('\n');
  const words = (what: string): string[] => text.match(new RegExp(`${what} \\d+`, 'g')) ?? [];
  assert.deepEqual(
    words('line'),
    Array.from({ length: 8000 }, (_, i) => `line ${i}`),
  );
  const [done] = words('done');
  assert.ok(done, 'the last line arrived');
  const handled = Number(done.slice(5));
  assert.ok(handled > 0, 'the handler ran');
  assert.deepEqual(
    words('signal'),
    Array.from({ length: handled }, (_, i) => `signal ${i + 1}`),
  );
});

test('a burst of prints right before os._exit arrives whole, in a child and in the main process', async () => {
  const r = await runPython(fixture('exit_after_burst.py'));
  assert.equal(r.code, 5);
  const out = stdout(r);
  const seq = (what: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${what} ${i}`);
  assert.deepEqual(
    out.filter((l) => l.startsWith('child ') && !l.startsWith('child exit')),
    seq('child', 500),
  );
  assert.ok(out.includes('child exit 3'));
  assert.deepEqual(
    out.filter((l) => l.startsWith('main ')),
    seq('main', 300),
  );
});

test('a process whose record stream turns corrupt goes on unrecorded, its output kept, and the run says why', async () => {
  const r = await runPython(fixture('corrupt_stream.py'));
  assert.equal(r.code, 0);
  const [child] = pidsWithRole(r.events, Role.Process);
  const mine = r.lines.filter((l) => l.pid === child && l.stream === 'stdout').map((l) => l.text);
  assert.deepEqual(mine, ['child recorded', 'child goes on 0', 'child goes on 1', 'child goes on 2']);
  assert.ok(stdout(r).includes('child exit 0'), 'the child was not killed');
  const note = r.lines.find((l) => l.stream === 'stderr' && l.text.includes('corrupt stream'));
  assert.match(note?.text ?? '', new RegExp(`corrupt stream from pid ${child}: .*the program goes on`));
});
