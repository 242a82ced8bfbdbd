/**
 * Synthetic traces for the panel benchmarks: `lanes` processes, each with one whole-run `Run` span
 * and a stream of short nested spans cycling through task, lock wait, sleep, queue wait and user
 * spans, written with `RecordEncoder` in 64 KB chunks as a runtime would send them.
 */
import type { Chunk } from '../common/protocol';
import { Cat, Kind, Role } from '../common/schema';
import { RecordEncoder } from '../common/wire';

const CATS = [Cat.Task, Cat.WaitLock, Cat.Sleep, Cat.WaitQueueGet, Cat.User];
const NAMES = ['work', 'acquire', 'sleep', 'get', 'step'];

/** A finished trace of about `spans` closed spans over `lanes` processes (50 µs apart per lane). */
export function synthSpans(spans: number, lanes = 16, t0 = 1e12): Chunk[] {
  const per = Math.max(1, Math.floor(spans / lanes) - 1);
  const chunks: Chunk[] = [];
  const end = t0 + (per + 2) * 50_000;
  const runner = new RecordEncoder();
  runner.add(Kind.RunStart, t0, 1, 0, ['bench.py', 'python']);
  chunks.push({ conn: 0, bytes: runner.take() });
  for (let k = 0; k < lanes; k++) {
    const pid = 1000 + k;
    const enc = new RecordEncoder();
    const flush = (): void => {
      chunks.push({ conn: k + 1, bytes: enc.take() });
    };
    enc.add(Kind.ProcStart, t0, pid, 0, [
      k === 0 ? 1 : 1000,
      k === 0 ? 'MainProcess' : `Worker-${k}`,
      k === 0 ? Role.Root : Role.PoolWorker,
    ]);
    enc.add(Kind.Begin, t0, pid, 0, [1, Cat.Run, 'run', '', '', 'bench.py:1:1']);
    for (let i = 0; i < per; i++) {
      const c = (i + k) % CATS.length;
      const s = t0 + 50_000 * (i + 1) + (k % 7) * 1_000;
      const d = 20_000 + (i % 7) * 4_000;
      enc.add(Kind.Begin, s, pid, 0, [
        i + 2,
        CATS[c],
        NAMES[c],
        '',
        c === 1 ? 'lock:1000:1' : '',
        `bench.py:${10 + c}:5`,
      ]);
      enc.add(Kind.End, s + d, pid, 0, [i + 2, 0]);
      if (i % 700 === 699) flush();
    }
    enc.add(Kind.End, end - 1000, pid, 0, [1, 0]);
    enc.add(Kind.ProcExit, end, pid, 0, [0, '']);
    flush();
  }
  runner.add(Kind.RunEnd, end + 1000, 1, 0, ['exit', 0]);
  chunks.push({ conn: 0, bytes: runner.take() });
  return chunks;
}
