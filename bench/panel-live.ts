/**
 * Live latency of the panel in headless Chromium: a live source writes 50,000 events per second
 * (8 processes, spans of 20 µs, stamped with the wall clock in ns) through the standalone server;
 * the panel logs, for every frame, the wall-clock time it was drawn and the newest event time it
 * showed. Latency of a batch = first frame showing it − the batch's timestamp. Reports p50/p95/max.
 * Run: `npx tsx bench/panel-live.ts [seconds]` (after `npm run build`).
 */
import type { Chunk } from '../common/protocol';
import { Cat, Kind, Role } from '../common/schema';
import { RecordEncoder } from '../common/wire';
import type { LiveSource } from '../engine/server';
import { launch, open, pct, read, until } from './panel-browser';

const RATE = 50_000;
const LANES = 8;
const TICK_MS = 5;

/** A live source writing `RATE` events per second for `seconds`. */
export function liveSource(seconds: number): { source: LiveSource; batches: number[]; events: () => number } {
  const chunks: Chunk[] = [];
  const listeners = new Set<(c: Chunk) => void>();
  const encs = Array.from({ length: LANES }, () => new RecordEncoder());
  const batches: number[] = [];
  let events = 0;
  let span = 0;
  const wallNs = (): number => (performance.timeOrigin + performance.now()) * 1e6;
  const push = (c: Chunk): void => {
    chunks.push(c);
    for (const l of listeners) l(c);
  };
  let resolveDone: (r: { exitCode: number; reason: string; message: string }) => void = () => {};
  const done = new Promise<{ exitCode: number; reason: string; message: string }>((r) => (resolveDone = r));
  const t0 = wallNs();
  encs.forEach((e, k) => {
    e.add(Kind.ProcStart, t0, 2000 + k, 0, [
      k ? 2000 : 1,
      k ? `Worker-${k}` : 'MainProcess',
      k ? Role.PoolWorker : Role.Root,
    ]);
    push({ conn: k + 1, bytes: e.take() });
  });
  let owed = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const nowMs = performance.now();
    owed += ((nowMs - last) / 1000) * RATE;
    last = nowMs;
    const t = wallNs();
    const n = Math.floor(owed / 2) * 2;
    owed -= n;
    for (let i = 0; i < n; i += 2) {
      const k = (i / 2) % LANES;
      const s = t - 20_000;
      encs[k].add(Kind.Begin, s, 2000 + k, 0, [
        ++span,
        i % 4 ? Cat.Task : Cat.WaitLock,
        'work',
        '',
        '',
        'bench.py:3:1',
      ]);
      encs[k].add(Kind.End, t, 2000 + k, 0, [span, 0]);
    }
    events += n;
    batches.push(t);
    encs.forEach((e, k) => push({ conn: k + 1, bytes: e.take() }));
  }, TICK_MS);
  setTimeout(() => {
    clearInterval(timer);
    resolveDone({ exitCode: 0, reason: 'exit', message: 'done' });
  }, seconds * 1000);
  const source: LiveSource = {
    chunks,
    onChunk(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    done,
    stop: async () => {},
  };
  return { source, batches, events: () => events };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const browser = await launch();
  try {
    const live = liveSource(seconds);
    const { page, server } = await open(browser, live.source);
    await live.source.done;
    await until(page, "d.phase === 'ended'");
    const log = await read<{ at: number; shown: number; ms: number }[]>(page, 'd.frameLog');
    const lat: number[] = [];
    for (const b of live.batches) {
      const f = log.find((x) => x.shown >= b - 1);
      if (f) lat.push(f.at - b / 1e6);
    }
    // Skip the first second (page start-up, JIT warm-up).
    const steady = lat.slice(Math.floor(1000 / TICK_MS));
    const frames = log.length;
    const draw = log.map((f) => f.ms);
    console.log(`frame draw p50 ${pct(draw, 50).toFixed(1)} ms, p95 ${pct(draw, 95).toFixed(1)} ms`);
    console.log(
      `live ${(live.events() / seconds / 1000).toFixed(0)}k events/s for ${seconds} s: latency p50 ${pct(steady, 50).toFixed(0)} ms, p95 ${pct(steady, 95).toFixed(0)} ms, max ${Math.max(...steady).toFixed(0)} ms over ${steady.length} batches; ${frames} frames logged`,
    );
    await page.close();
    await server.close();
  } finally {
    await browser.close();
  }
}

if (require.main === module) void main();
