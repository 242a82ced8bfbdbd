// Pool start-up: from `new Pool(2)` until both workers answered once, against starting and ending a
// bare `node -e 0` with the same environment, alternately.
import { spawn } from 'node:child_process';
import { Pool, main } from 'concurrency-lens';

export function pid() {
  return process.pid;
}

const bare = () =>
  new Promise((resolve) => {
    const t = performance.now();
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('exit', () => resolve(performance.now() - t));
  });

main(async () => {
  const out = { pool: [], bare: [] };
  for (let r = 0; r < Number(process.env.BENCH_ROUNDS ?? 5); r++) {
    out.bare.push(await bare());
    const t = performance.now();
    const pool = new Pool(2);
    const pids = await pool.map(pid, [0, 1], { chunksize: 1 });
    out.pool.push(performance.now() - t);
    if (new Set(pids).size !== 2) throw new Error('both workers must answer');
    pool.terminate();
    await pool.join();
  }
  console.log(JSON.stringify(out));
});
