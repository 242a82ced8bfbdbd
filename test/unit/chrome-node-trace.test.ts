import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromChromeTrace } from '../../common/chrome/import';
import { TraceStore } from '../../common/store';

test('a trace written by Node.js itself (--trace-event-categories) imports as lanes and spans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-node-trace-'));
  try {
    // A 20 ms timer: Node records it as an async slice, the timer run as a complete slice.
    const script = `setTimeout(() => { let x = 0; for (let i = 0; i < 1e6; i++) x += i; }, 20);`;
    execFileSync(process.execPath, ['--trace-event-categories', 'v8,node,node.async_hooks', '-e', script], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const file = readdirSync(dir).find((f) => f.startsWith('node_trace'));
    assert.ok(file, `node wrote no trace file in ${readdirSync(dir).join(', ')}`);
    const text = readFileSync(join(dir, file), 'utf8');
    const raw = JSON.parse(text) as {
      traceEvents: { pid: number; ph: string; name: string; args?: { name?: string } }[];
    };
    const pid = raw.traceEvents.find((e) => e.ph !== 'M')!.pid;
    const processName = raw.traceEvents.find((e) => e.ph === 'M' && e.name === 'process_name')?.args?.name;

    const { chunks, warnings } = fromChromeTrace(text);
    const s = new TraceStore();
    for (const c of chunks) s.ingest(c);
    assert.equal(s.problems.length, 0);
    assert.deepEqual(warnings, []);
    const main = s.lanes().find((l) => l.pid === pid && l.tid === 0);
    assert.ok(main, 'the process has a main lane');
    assert.equal(main.name, processName);
    const spans = main ? s.spans(main.id) : undefined;
    const names = new Set(Array.from({ length: spans?.count ?? 0 }, (_, i) => s.str(spans!.name[i])));
    const at = (name: string): number =>
      Array.from({ length: spans!.count }, (_, k) => k).find((k) => s.str(spans!.name[k]) === name)!;
    assert.ok(names.has('Timeout'), `the timer's async slice is a span; got ${[...names].join(', ')}`);
    assert.ok(spans!.end[at('Timeout')] - spans!.start[at('Timeout')] >= 15e6, 'the timer span lasts its 20 ms');
    assert.ok(names.has('RunTimers'), 'complete (X) slices are spans');
    assert.ok(names.has('ContextifyScript::New'), 'B/E slices are spans');
    assert.ok(
      s.marks().some((m) => m.name === 'loopStart'),
      'instant events are marks',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
