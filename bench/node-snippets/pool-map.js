// Pool.map throughput with recording on: BENCH_N trivial tasks, default chunking or BENCH_CHUNK.
import { Pool, main } from 'concurrency-lens';

export function inc(x) {
  return x + 1;
}

main(async () => {
  const n = Number(process.env.BENCH_N);
  const chunk = process.env.BENCH_CHUNK ? { chunksize: Number(process.env.BENCH_CHUNK) } : {};
  const pool = new Pool(2);
  await pool.map(inc, [0, 1], { chunksize: 1 });
  const items = Array.from({ length: n }, (_, i) => i);
  const t = performance.now();
  const out = await pool.map(inc, items, chunk);
  const ms = performance.now() - t;
  if (out.length !== n || out[n - 1] !== n) throw new Error('wrong results');
  console.log(JSON.stringify({ ms }));
  pool.terminate();
});
