// Look for: three thread lanes inside the main process that only sleep (I/O-bound: they overlap), then
// three process lanes each running a 10-million-step CPU loop in parallel, with their CPU strips full.
import { Process, Thread, main, sleep } from 'concurrency-lens';

export function taskIoBound(name: string): void {
  console.log(`thread ${name}: start I/O-bound task...`);
  sleep(2000);
  console.log(`thread ${name}: done.`);
}

export function taskCpuBound(name: string): void {
  console.log(`process ${name} (PID: ${process.pid}): start CPU-bound task...`);
  let result = 0;
  for (let i = 0; i < 10_000_000; i++) result += Math.sqrt(i) > -1 ? 1 : 0;
  console.log(`process ${name} (PID: ${process.pid}): done, result ${result}.`);
}

main(async () => {
  const threads = [0, 1, 2].map((i) => new Thread({ target: taskIoBound, args: [`T${i}`] }));
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
  const procs = [0, 1, 2].map((i) => new Process({ target: taskCpuBound, args: [`P${i}`] }));
  for (const p of procs) p.start();
  for (const p of procs) await p.join();
});
