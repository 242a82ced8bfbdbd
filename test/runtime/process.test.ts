import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { lines, ofKind, runCode, spans } from './harness';

test('a Process runs its exported target in a child, records start, run span and exit', async () => {
  const r = await runCode(`
    import { Process, main, currentProcess } from 'concurrency-lens';
    export function hello(word: string) { console.log(word, currentProcess().name, process.pid); }
    main(async () => {
      const p = new Process({ target: hello, args: ['hi'], name: 'greeter' });
      p.start();
      await p.join();
      console.log('exit', p.exitCode, p.isAlive());
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  const starts = ofKind(r.events, Kind.ProcStart);
  const root = starts.find((s) => s.role === Role.Root)!;
  const child = starts.find((s) => s.name === 'greeter')!;
  assert.equal(child.ppid, root.pid);
  assert.deepEqual(r.output.get(child.pid), [`hi greeter ${child.pid}`]);
  assert.deepEqual(r.output.get(root.pid), ['exit 0 false']);
  const run = spans(r.events, Cat.Run).find((s) => s.begin.pid === child.pid)!;
  assert.equal(run.begin.detail, 'hello');
  assert.equal(run.end?.status, Status.Ok);
  const exits = ofKind(r.events, Kind.ProcExit);
  assert.deepEqual(
    exits.map((e) => [e.pid, e.code]).sort(),
    [
      [root.pid, 0],
      [child.pid, 0],
    ].sort(),
  );
});

test('a Process subclass runs run() in the child with its fields copied', async () => {
  const r = await runCode(`
    import { Process, main } from 'concurrency-lens';
    export class Counter extends Process {
      constructor(public upTo: number) { super(); }
      override run() { for (let i = 1; i <= this.upTo; i++) console.log('count', i); }
    }
    main(async () => { const c = new Counter(3); c.start(); await c.join(); });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['count 1', 'count 2', 'count 3']);
  assert.equal(spans(r.events, Cat.Run)[0].begin.detail, 'Counter.run');
});

test('a target that is not exported fails in the parent with a message saying what to export', async () => {
  const r = await runCode(`
    import { Process, main } from 'concurrency-lens';
    function hidden() {}
    main(() => { new Process({ target: hidden }).start(); });
  `);
  assert.equal(r.code, 1);
  const err = ofKind(r.events, Kind.Error)[0];
  assert.match(err.message, /"hidden" is not exported from snippet\.ts.*export function hidden/);
  assert.equal(ofKind(r.events, Kind.ProcStart).length, 1, 'no child started');
});

test('join(timeout) gives up while the child still runs; terminate() ends it with SIGTERM', async () => {
  const r = await runCode(`
    import { Process, main, sleep } from 'concurrency-lens';
    export function slow() { sleep(5000); }
    main(async () => {
      const p = new Process({ target: slow });
      p.start();
      console.log('joined', await p.join(1500), p.isAlive());
      p.terminate();
      await p.join();
      console.log('code', p.exitCode);
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['joined false true', 'code -15']);
  const joins = spans(r.events, Cat.WaitJoin);
  assert.equal(joins[0].end?.status, Status.Timeout);
  const child = ofKind(r.events, Kind.ProcStart).find((s) => s.role === Role.Process)!;
  const exit = ofKind(r.events, Kind.ProcExit).find((e) => e.pid === child.pid)!;
  assert.equal(exit.signal, 'SIGTERM');
});

test('an error in a child is recorded with the stack in the user file and exit code 1', async () => {
  const r = await runCode(`
    import { Process, main } from 'concurrency-lens';
    export function boom() {
      throw new Error('kaput');
    }
    main(async () => { const p = new Process({ target: boom }); p.start(); await p.join(); console.log('code', p.exitCode); });
  `);
  assert.equal(r.code, 0);
  const err = ofKind(r.events, Kind.Error)[0];
  assert.equal(err.message, 'kaput');
  assert.match(err.stack, /snippet\.ts:4:13/);
  assert.ok(lines(r).includes('code 1'));
});

test('the process limit stops a fork bomb with a clear message', async () => {
  const r = await runCode(
    `
    import { Process, main } from 'concurrency-lens';
    export function noop() {}
    main(async () => {
      const started: Process[] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const p = new Process({ target: noop });
          p.start();
          started.push(p);
        }
      } catch (e) {
        console.log((e as Error).message);
      }
      for (const p of started) await p.join();
      console.log('started', started.length);
    });
  `,
    { maxProcs: 4 },
  );
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r);
  assert.match(out[0], /process limit reached: .* at most 4 processes at once .*"Process-4" was not started/);
  assert.equal(out[1], 'started 3');
  assert.equal(ofKind(r.events, Kind.ProcStart).length, 4);
});
