// Look for: four processes taking turns on one Lock: hold spans never overlap, lock-wait spans fill the
// gaps, and hand-off arrows go from the releasing process to the next holder. The final count is exact.
import { Lock, Process, SharedValue, Value, main } from 'concurrency-lens';

export async function addOne(lock: Lock, counter: SharedValue, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await lock.acquire();
    counter.set((await counter.get()) + 1);
    lock.release();
  }
}

main(async () => {
  const lock = new Lock();
  const counter = Value('i', 0);
  const procs = [1, 2, 3, 4].map(() => new Process({ target: addOne, args: [lock, counter, 200] }));
  for (const p of procs) p.start();
  for (const p of procs) await p.join();
  console.log(`counter = ${await counter.get()} (expected 800)`);
});
