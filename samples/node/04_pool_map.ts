// Look for: three pool-worker lanes. Five `square` tasks of 1 s each: three run at once, then two, so
// the map takes about 2 s. The main lane waits for the result (`map square`) meanwhile.
import { Pool, main, sleep } from 'concurrency-lens';

export function square(x: number): number {
  sleep(1000);
  return x * x;
}

main(async () => {
  const pool = new Pool(3);
  const results = await pool.map(square, [0, 1, 2, 3, 4]);
  console.log(results);
  pool.close();
  await pool.join();
});
