// Look for: ten `work` tasks on four pool-worker lanes, 1 s each, so they run in batches of four, four
// and two (about 3 s in all); each callback prints as its result reaches the main process.
import { Pool, main, sleep, type AsyncResult } from 'concurrency-lens';

export function work(msg: string): string {
  console.log(`working on ${msg}`);
  sleep(1000);
  return `${msg} done`;
}

main(async () => {
  const pool = new Pool(4);
  const results: AsyncResult<string>[] = [];
  for (let i = 0; i < 10; i++) {
    results.push(pool.applyAsync(work, [`message ${i}`], { callback: (r) => console.log(r) }));
  }
  pool.close();
  await pool.join();
  console.log(`all ${results.filter((r) => r.successful()).length} tasks done`);
});
