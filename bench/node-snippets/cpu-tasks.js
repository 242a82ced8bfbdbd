// 64 CPU tasks of 20 ms: serially in the root, then on Pool(2) (chunksize 1).
import { Pool, busy, main } from 'concurrency-lens';

export function work(i) {
  busy(20);
  return i;
}

main(async () => {
  const items = Array.from({ length: 64 }, (_, i) => i);
  let t = performance.now();
  for (const i of items) work(i);
  const serial = performance.now() - t;
  const pool = new Pool(2);
  await pool.map(work, [0, 1], { chunksize: 1 });
  t = performance.now();
  await pool.map(work, items, { chunksize: 1 });
  const parallel = performance.now() - t;
  console.log(JSON.stringify({ serial, parallel }));
  pool.terminate();
});
