// Look for: three child lanes whose 2-second `sleep` spans lie side by side: they run in parallel, so
// the whole run takes about 2 s, not 6. The main lane waits in `join` meanwhile.
import { Process, main, sleep } from 'concurrency-lens';

export function nap(n: number): void {
  console.log(`process ${n} going to sleep`);
  sleep(2000);
  console.log(`process ${n} woke up`);
}

main(async () => {
  const started = Date.now();
  const procs = [1, 2, 3].map((n) => new Process({ target: nap, args: [n] }));
  for (const p of procs) p.start();
  for (const p of procs) await p.join();
  console.log(`all done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
