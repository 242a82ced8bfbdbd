// Look for: four pool-worker lanes running `square` tasks in chunks for `map`, one `square` task for
// `applyAsync`, and `power` tasks for `starmap`; each result arrow ends where the main lane stops waiting.
import { Pool, main } from 'concurrency-lens';

export function square(x: number): number {
  return x * x;
}

export function power(x: number, y: number): number {
  return x ** y;
}

main(async () => {
  await using pool = new Pool(4);
  console.log('map:', await pool.map(square, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  const r = pool.applyAsync(square, [10]);
  console.log('applyAsync:', await r.get(1000));
  console.log(
    'starmap:',
    await pool.starmap(power, [
      [2, 3],
      [3, 2],
      [10, 2],
    ]),
  );
});
