import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { lines, ofKind, runCode, spans } from './harness';

test('a Queue carries items between processes in order, with put/get records that follow each item', async () => {
  const r = await runCode(`
    import { Process, Queue, main } from 'concurrency-lens';
    export async function producer(q: Queue<number | null>) {
      for (let i = 1; i <= 3; i++) await q.put(i * 10);
      await q.put(null);
    }
    main(async () => {
      const q = new Queue<number | null>();
      const p = new Process({ target: producer, args: [q] });
      p.start();
      const got: number[] = [];
      for (let v = await q.get(); v !== null; v = await q.get()) got.push(v);
      await p.join();
      console.log(got.join(','), await q.empty(), await q.qsize());
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['10,20,30 true 0']);
  const producer = ofKind(r.events, Kind.ProcStart).find((s) => s.role === Role.Process)!;
  const puts = ofKind(r.events, Kind.QueuePut);
  const gets = ofKind(r.events, Kind.QueueGet);
  assert.equal(puts.length, 4);
  assert.ok(puts.every((p) => p.pid === producer.pid));
  assert.deepEqual(
    gets.map((g) => [g.putPid, g.item]),
    puts.map((p) => [producer.pid, p.item]),
  );
  assert.ok(gets.every((g) => g.obj === puts[0].obj && g.pid !== producer.pid));
  const decl = ofKind(r.events, Kind.ObjDecl).find((d) => d.obj === puts[0].obj)!;
  assert.equal(decl.name, 'Queue-1');
  assert.match(decl.loc, /snippet\.ts:8:17$/);
  assert.equal(spans(r.events, Cat.WaitQueueGet).length, 4);
});

test('put on a full queue waits (recorded as WaitQueuePut) until a get makes room; timeouts raise Full and Empty', async () => {
  const r = await runCode(`
    import { Process, Queue, main, sleep, Full, Empty } from 'concurrency-lens';
    export async function slowConsumer(q: Queue<number>) {
      sleep(300);
      console.log('took', await q.get());
    }
    main(async () => {
      const q = new Queue<number>(1);
      await q.put(1);
      console.log('full', await q.full());
      try { await q.put(2, { timeout: 50 }); } catch (e) { console.log((e as Error).name, e instanceof Full); }
      const c = new Process({ target: slowConsumer, args: [q] });
      c.start();
      await q.put(3);
      console.log('put 3');
      await c.join();
      console.log('got', await q.get());
      try { await q.get({ timeout: 50 }); } catch (e) { console.log((e as Error).name, e instanceof Empty); }
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r);
  // 'took 1' (child) and 'put 3' (parent) happen at the same moment: the get makes room for the put.
  assert.deepEqual(
    [...out.slice(0, 2), ...out.slice(2, 4).sort(), ...out.slice(4)],
    ['full true', 'Full true', 'put 3', 'took 1', 'got 3', 'Empty true'],
  );
  const putWaits = spans(r.events, Cat.WaitQueuePut);
  assert.deepEqual(
    putWaits.map((s) => s.end?.status),
    [Status.Ok, Status.Timeout, Status.Ok],
  );
  const blocked = putWaits[2];
  assert.ok(blocked.end!.t - blocked.begin.t > 200e6, 'the third put waited for the slow consumer');
  const getWaits = spans(r.events, Cat.WaitQueueGet);
  assert.equal(getWaits.at(-1)?.end?.status, Status.Timeout);
  const depths = ofKind(r.events, Kind.QueuePut).map((p) => p.depth);
  assert.deepEqual(depths, [1, 1]);
});

test('Pipe ping-pong between two processes records sends and receives', async () => {
  const r = await runCode(`
    import { Process, Pipe, Connection, main } from 'concurrency-lens';
    export async function ponger(conn: Connection<string>) {
      for (let i = 0; i < 3; i++) conn.send((await conn.recv()).replace('ping', 'pong'));
    }
    main(async () => {
      const [a, b] = Pipe<string>();
      const p = new Process({ target: ponger, args: [b] });
      p.start();
      for (let i = 0; i < 3; i++) {
        a.send('ping ' + i);
        console.log(await a.recv());
      }
      console.log('poll', await a.poll(10));
      await p.join();
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['pong 0', 'pong 1', 'pong 2', 'poll false']);
  const sends = ofKind(r.events, Kind.PipeSend);
  const recvs = ofKind(r.events, Kind.PipeRecv);
  assert.equal(sends.length, 6);
  assert.equal(recvs.length, 6);
  for (const rv of recvs) assert.ok(sends.some((s) => s.pid === rv.sendPid && s.msg === rv.msg && s.pid !== rv.pid));
  assert.equal(spans(r.events, Cat.WaitRecv).length, 6);
});
