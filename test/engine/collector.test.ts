import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kind } from '../../common/schema';
import { startRun } from '../../engine/runner';
import { isAlive, snippetFile, wireBoot } from './helpers';

const repo = join(__dirname, '..', '..');

/**
 * A snippet that, from inside the run, opens connections of its own: a wrong token, no token, an
 * oversized hello, a valid events connection that turns to garbage after two good records, and a
 * raw stderr channel. It waits for every connection to end before exiting.
 */
const HOSTILE = `
import { createConnection } from 'node:net';
import { RecordEncoder } from ${JSON.stringify(join(repo, 'common', 'wire'))};
const env = process.env;
const hello = (o: object) => JSON.stringify({ token: env.CONCURRENCY_LENS_TOKEN, schema: 1, pid: process.pid, runtime: 'python', channel: 'events', ...o }) + '\\n';
function send(...parts: (string | Uint8Array)[]): Promise<void> {
  return new Promise((resolve) => {
    const s = createConnection(env.CONCURRENCY_LENS_SOCKET!);
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.resume(); // what the runner sends back (the stop-recording line) is read and dropped, as runtimes do
    s.on('connect', () => { for (const p of parts) s.write(p); s.end(); });
  });
}
const enc = new RecordEncoder();
const t = Number(process.hrtime.bigint());
enc.add(${Kind.Mark}, t, process.pid, 0, ['kept-1']);
enc.add(${Kind.Mark}, t + 1, process.pid, 0, ['kept-2']);
const good = enc.take();
const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 6, 7]);
enc.add(${Kind.Mark}, t + 2, process.pid, 0, ['never']);
(async () => {
  await send(hello({ token: 'wrong' }), good);
  await send(hello({ token: undefined }), good);
  await send('{"token":"' + 'x'.repeat(10000) + '"}\\n', good);
  await send('\\x00\\x01 binary before any hello\\n');
  await send(hello({}), good, garbage, enc.take());
  // A valid connection that claims an unrelated process: the runner must never signal it.
  const victim = Number(env.CL_TEST_VICTIM);
  const claim = new RecordEncoder();
  claim.add(${Kind.ProcStart}, t, victim, 0, [process.pid, 'not mine', 1]);
  await send(hello({ pid: victim }), claim.take());
  await send(hello({ channel: 'stderr' }), 'raw line one\\npartial', ' end\\n', Buffer.from([0xff, 0xfe, 0x0a]));
})();
`;

test('connections without the token or with a bad hello are dropped, a corrupt stream is no longer read; all counted, good data stays', async () => {
  const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
  const run = startRun({
    snippet: snippetFile('hostile.ts', HOSTILE),
    nodeBoot: wireBoot(),
    env: { CL_TEST_VICTIM: String(victim.pid) },
  });
  const lines: string[] = [];
  run.onOutput((l) => lines.push(`${l.stream}:${l.text}`));
  const r = await run.done;
  assert.equal(r.reason, 'exit');
  assert.equal(r.exitCode, 0);
  assert.equal(run.droppedConnections, 5);
  const marks = run.store.marks().map((m) => m.name);
  assert.deepEqual(marks, ['kept-1', 'kept-2']);
  // The corrupt stream is read no further, and the run says so (the process itself would go on).
  const corrupt =
    /^stderr:concurrency-lens: corrupt stream from pid \d+: corrupt record length 4294967295; the rest of what pid \d+ does is not recorded, the program goes on$/;
  assert.equal(lines.filter((l) => corrupt.test(l)).length, 1, lines.join('\n'));
  const raw = lines.filter((l) => !corrupt.test(l));
  assert.deepEqual(raw, ['stderr:raw line one', 'stderr:partial end', 'stderr:\ufffd\ufffd']);
  const out = run.store
    .output()
    .map((o) => o.text)
    .filter((t) => !t.startsWith('concurrency-lens: corrupt stream'));
  assert.deepEqual(out, ['raw line one', 'partial end', '\ufffd\ufffd']);
  assert.ok(run.store.output().every((o) => o.pid === run.store.lanes()[0].pid));
  assert.ok(isAlive(victim.pid!), 'a process the run merely claimed was left alone');
  victim.kill();
});
