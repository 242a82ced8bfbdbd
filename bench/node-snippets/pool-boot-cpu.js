// CPU time a pool worker has used (its Node start included) when it answers its first task, and the
// wall time until both workers answered: five fresh Pool(2)s.
import { Pool, main } from 'concurrency-lens';

export function cpu() {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

main(async () => {
  const out = { cpu: [], wall: [] };
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const pool = new Pool(2);
    out.cpu.push(...(await pool.map(cpu, [0, 1], { chunksize: 1 })));
    out.wall.push(performance.now() - t);
    pool.terminate();
    await pool.join();
  }
  console.log(JSON.stringify(out));
});
