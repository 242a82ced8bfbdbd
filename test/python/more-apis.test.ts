// ThreadPoolExecutor tasks on thread lanes, SimpleQueue flows across processes, JoinableQueue.join;
// traced objects print as the untraced ones do.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Cat, Kind, ObjType, Status } from '../../common/schema';
import { ofKind, runPython, stdout } from './harness';

for (const startMethod of ['fork', 'spawn'] as const) {
  test(`ThreadPoolExecutor, SimpleQueue and JoinableQueue (${startMethod})`, async () => {
    const r = await runPython(resolve(__dirname, 'fixtures/more_apis.py'), { startMethod });
    assert.equal(r.code, 0, r.lines.map((l) => l.text).join('\n'));
    assert.deepEqual(stdout(r), ['[0, 2, 4, 6]', 'got 0', 'got 1', 'got 2', 'drained']);
    const threadLanes = new Set(ofKind(r.events, Kind.ThreadStart).map((e) => e.tid));
    const starts = ofKind(r.events, Kind.TaskStart);
    assert.equal(starts.length, 4);
    assert.ok(
      starts.every((s) => threadLanes.has(s.tid)),
      'tasks run on the executor thread lanes',
    );
    assert.ok(ofKind(r.events, Kind.TaskResult).every((e) => e.status === Status.Ok));
    const decls = ofKind(r.events, Kind.ObjDecl);
    const sq = decls.find((d) => d.name === 'sq')!.obj;
    const puts = ofKind(r.events, Kind.QueuePut).filter((e) => e.obj === sq);
    const gets = ofKind(r.events, Kind.QueueGet).filter((e) => e.obj === sq);
    assert.equal(puts.length, 4);
    assert.deepEqual(
      gets.map((g) => [g.putPid, g.item]),
      puts.map((p) => [p.pid, p.item]),
    );
    const jq = decls.find((d) => d.name === 'jq')!.obj;
    assert.ok(ofKind(r.events, Kind.Begin).some((b) => b.cat === Cat.WaitJoin && b.obj === jq));
  });
}

test('Barrier of multiprocessing (spawn) and threading: every party records its wait', async () => {
  const r = await runPython(resolve(__dirname, 'fixtures/barriers.py'), { startMethod: 'spawn' });
  assert.equal(r.code, 0, r.lines.map((l) => l.text).join('\n'));
  const decls = ofKind(r.events, Kind.ObjDecl).filter((d) => d.type === ObjType.Barrier);
  assert.deepEqual(
    decls.map((d) => [d.name, d.capacity]),
    [
      ['b', 3],
      ['tb', 2],
    ],
  );
  const waits = ofKind(r.events, Kind.Begin).filter((b) => b.cat === Cat.WaitCondition && b.name === 'barrier');
  assert.equal(new Set(waits.filter((w) => w.obj === decls[0].obj).map((w) => w.pid)).size, 3, 'three processes');
  assert.equal(new Set(waits.filter((w) => w.obj === decls[1].obj).map((w) => w.tid)).size, 2, 'two threads');
});

for (const startMethod of ['fork', 'spawn'] as const) {
  test(`traced objects have the names and reprs they have without the hook (${startMethod})`, async () => {
    const file = resolve(__dirname, 'fixtures/reprs.py');
    const first = `import multiprocessing; multiprocessing.set_start_method('${startMethod}', force=True)`;
    const code = `${first}\nimport runpy; runpy.run_path(${JSON.stringify(file)}, run_name='__main__')`;
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: '' };
    for (const k of Object.keys(env)) if (k.startsWith('CONCURRENCY_LENS_')) delete env[k];
    const noAddress = (l: string): string => l.replace(/0x[0-9a-f]+/g, '0x…');
    const plain = execFileSync('python3', ['-c', code], { env }).toString().trim().split('\n').map(noAddress);
    const r = await runPython(file, { startMethod });
    assert.equal(r.code, 0, r.lines.map((l) => l.text).join('\n'));
    assert.deepEqual(stdout(r).map(noAddress), plain);
    assert.ok(plain.includes('main Lock <Lock(owner=None)>'), plain.join('\n'));
    // The child's Run span shows its arguments as the user would print them.
    const run = ofKind(r.events, Kind.Begin).find((b) => b.cat === Cat.Run && b.name === 'child');
    assert.match(run?.detail ?? '', /^\(<Lock\(owner=/);
  });
}
