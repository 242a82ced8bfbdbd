// Lock round trip between processes: a child acquires and releases a Lock (kept by the broker in the
// root) N times, against a raw IPC round trip (process.send ping-pong with a plain forked echo process)
// measured in the same child, alternately.
import { spawn } from 'node:child_process';
import { Lock, Process, main } from 'concurrency-lens';

export async function measure(lock, n, rounds) {
  const code = "process.on('message', (m) => process.send(m)); process.on('disconnect', () => process.exit())";
  const echo = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  let resolveEcho;
  echo.on('message', () => resolveEcho());
  const ping = () =>
    new Promise((r) => {
      resolveEcho = r;
      echo.send(1);
    });
  await ping();
  const us = { lock: [], ipc: [] };
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < n; i++) await ping();
    us.ipc.push(((performance.now() - t) * 1e3) / n);
    t = performance.now();
    for (let i = 0; i < n; i++) {
      await lock.acquire();
      lock.release();
    }
    us.lock.push(((performance.now() - t) * 1e3) / n);
  }
  echo.disconnect();
  console.log(JSON.stringify(us));
}

main(async () => {
  const lock = new Lock();
  const p = new Process({
    target: measure,
    args: [lock, Number(process.env.BENCH_N ?? 2000), Number(process.env.BENCH_ROUNDS ?? 5)],
  });
  p.start();
  await p.join();
});
