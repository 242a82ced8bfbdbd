// ThreadPoolExecutor tasks on thread lanes, SimpleQueue flows across processes, JoinableQueue.join.
import { strict as assert } from 'node:assert';
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
