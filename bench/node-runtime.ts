// Node runtime benchmarks, each against its peer in the same run: recording cost per event, the
// lock-counter sample with and without recording, CPU tasks on Pool(2), Pool start-up, and the lock
// round trip. `npx tsx bench/node-runtime.ts [rounds]` (needs `npm run build`).
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lines, runSnippet, type RunOptions } from '../test/runtime/harness';

const rounds = Number(process.argv[2] ?? 5);
const snippets = join(__dirname, 'node-snippets');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number, d = 2): string => x.toFixed(d);
const list = (xs: number[], d = 2): string => `[${xs.map((x) => f(x, d)).join(' ')}]`;

async function json<T>(file: string, opts: RunOptions = {}): Promise<T> {
  const r = await runSnippet(join(snippets, file), opts);
  if (r.code !== 0) throw new Error(`${file}: ${r.stderr || lines(r).join('\n')}`);
  return JSON.parse(lines(r).at(-1)!) as T;
}

async function recordingCost(): Promise<void> {
  // The collector only counts bytes here, so the figure is the child's cost, not the decoder's.
  const out = join(tmpdir(), `cl-bench-${process.pid}.json`);
  const r = await runSnippet(join(snippets, 'recording-cost.js'), {
    env: { BENCH_ROUNDS: String(rounds), BENCH_OUT: out },
    decode: false,
  });
  if (r.code !== 0) throw new Error(r.stderr);
  const ns = JSON.parse(readFileSync(out, 'utf8')) as Record<'empty' | 'ours' | 'peer', number[]>;
  rmSync(out);
  const base = median(ns.empty);
  console.log('Recording cost, ns per event in a child (net of the bare loop, median of rounds):');
  console.log(`  concurrency-lens mark()           ${f(median(ns.ours) - base, 0)} ns   ${list(ns.ours, 0)}`);
  console.log(`  peer: array + JSON flush / 16 ms  ${f(median(ns.peer) - base, 0)} ns   ${list(ns.peer, 0)}`);
  console.log(`  bare loop                         ${f(base, 0)} ns`);
}

async function lockCounter(): Promise<void> {
  const sample = join(__dirname, '../samples/node/07_lock_counter.ts');
  const on: number[] = [];
  const off: number[] = [];
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const a = await runSnippet(sample, { record: false });
    const b = await runSnippet(sample);
    if (a.code !== 0 || b.code !== 0) throw new Error('lock counter failed');
    off.push(a.wallMs);
    on.push(b.wallMs);
    events = b.events.length;
  }
  console.log(`Lock-counter sample (4 processes x 200 increments), wall ms:`);
  console.log(`  without recording  ${f(median(off), 0)}   ${list(off, 0)}`);
  console.log(`  with recording     ${f(median(on), 0)}   ${list(on, 0)}   (${events} events)`);
  console.log(`  ratio ${f(median(on) / median(off))}x (goal <= 1.3x)`);
}

async function cpuTasks(): Promise<void> {
  const s: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < Math.min(rounds, 3); r++) {
    const x = await json<{ serial: number; parallel: number }>('cpu-tasks.js');
    s.push(x.serial);
    p.push(x.parallel);
  }
  console.log('CPU tasks, 64 x 20 ms on Pool(2), chunksize 1:');
  console.log(`  serial ${list(s, 0)} ms, pool ${list(p, 0)} ms, speed-up ${f(median(s) / median(p))} (goal >= 1.9)`);
}

async function poolStartup(): Promise<void> {
  for (const [label, env] of [
    ['as set here', {}],
    ['NODE_EXTRA_CA_CERTS unset on both sides', { NODE_EXTRA_CA_CERTS: '' }],
  ] as const) {
    const x = await json<{ pool: number[]; bare: number[] }>('pool-startup.js', {
      env: { ...env, BENCH_ROUNDS: String(rounds) },
    });
    console.log(`Pool start-up (environment ${label}), ms:`);
    console.log(`  new Pool(2) until both workers answered  ${f(median(x.pool), 1)}   ${list(x.pool, 1)}`);
    console.log(`  bare node -e 0                           ${f(median(x.bare), 1)}   ${list(x.bare, 1)}`);
    console.log(`  ratio ${f(median(x.pool) / median(x.bare))}x (goal <= 1.5x)`);
  }
}

async function lockRoundTrip(): Promise<void> {
  const x = await json<{ lock: number[]; ipc: number[] }>('lock-roundtrip.js', {
    env: { BENCH_ROUNDS: String(rounds) },
  });
  console.log('Lock round trip between processes, µs:');
  console.log(`  acquire + release  ${f(median(x.lock), 1)}   ${list(x.lock, 1)}`);
  console.log(`  raw IPC round trip ${f(median(x.ipc), 1)}   ${list(x.ipc, 1)}`);
  console.log(`  ratio ${f(median(x.lock) / median(x.ipc))}x (goal <= 2x)`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(3);
  const all: [string, () => Promise<void>][] = [
    ['recording', recordingCost],
    ['lock-counter', lockCounter],
    ['cpu', cpuTasks],
    ['startup', poolStartup],
    ['lock', lockRoundTrip],
  ];
  for (const [name, fn] of all) if (only.length === 0 || only.includes(name)) await fn();
}
void main();
