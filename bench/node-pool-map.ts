// Pool.map throughput with recording on, against Python's multiprocessing.Pool(2).map, jest-worker,
// workerpool (process workers) and tinypool (child_process runtime), all with 2 workers, in one run.
// `npx tsx bench/node-pool-map.ts [rounds]` (needs `npm run build`).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker as JestWorker } from 'jest-worker';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { lines, runSnippet } from '../test/runtime/harness';

const rounds = Number(process.argv[2] ?? 3);
const peers = join(__dirname, 'node-peers');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const items = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

async function ours(n: number, chunk?: number): Promise<number> {
  const env: Record<string, string> = { BENCH_N: String(n), ...(chunk ? { BENCH_CHUNK: String(chunk) } : {}) };
  const r = await runSnippet(join(__dirname, 'node-snippets/pool-map.js'), { env });
  if (r.code !== 0) throw new Error(r.stderr || lines(r).join('\n'));
  return JSON.parse(lines(r).at(-1)!).ms;
}

function python(n: number, chunk?: number): number {
  const args = [join(peers, 'pool_map.py'), String(n), ...(chunk ? [String(chunk)] : [])];
  return Number(execFileSync('python3', args).toString().trim()) * 1000;
}

async function jest(n: number): Promise<number> {
  const w = new JestWorker(join(peers, 'inc-jest.js'), { numWorkers: 2 }) as JestWorker & {
    inc(x: number): Promise<number>;
  };
  await Promise.all([w.inc(0), w.inc(1)]);
  const t = performance.now();
  await Promise.all(items(n).map((i) => w.inc(i)));
  const ms = performance.now() - t;
  await w.end();
  return ms;
}

async function wpool(n: number): Promise<number> {
  const pool = workerpool.pool(join(peers, 'inc-workerpool.js'), {
    minWorkers: 2,
    maxWorkers: 2,
    workerType: 'process',
  });
  await Promise.all([pool.exec('inc', [0]), pool.exec('inc', [1])]);
  const t = performance.now();
  await Promise.all(items(n).map((i) => pool.exec('inc', [i])));
  const ms = performance.now() - t;
  await pool.terminate();
  return ms;
}

async function tiny(n: number): Promise<number> {
  const pool = new Tinypool({
    filename: join(peers, 'inc-tinypool.js'),
    runtime: 'child_process',
    minThreads: 2,
    maxThreads: 2,
  });
  await Promise.all([pool.run(0), pool.run(1)]);
  const t = performance.now();
  await Promise.all(items(n).map((i) => pool.run(i)));
  const ms = performance.now() - t;
  await pool.destroy();
  return ms;
}

async function main(): Promise<void> {
  for (const n of [10_000, 100_000]) {
    const rows: [string, () => Promise<number> | number][] = [
      ['concurrency-lens map, default chunks', () => ours(n)],
      ['python Pool(2).map, default chunks', () => python(n)],
      ['concurrency-lens map, chunksize 1', () => ours(n, 1)],
      ['python Pool(2).map, chunksize=1', () => python(n, 1)],
      ['jest-worker', () => jest(n)],
      ['workerpool (process)', () => wpool(n)],
      ['tinypool (child_process)', () => tiny(n)],
    ];
    const times = rows.map(() => [] as number[]);
    // Interleave the contenders round by round, so load changes hit them all alike.
    for (let r = 0; r < rounds; r++) for (let i = 0; i < rows.length; i++) times[i].push(await rows[i][1]());
    console.log(`\n${n.toLocaleString('en')} tasks (median of ${rounds}; tasks/s)`);
    rows.forEach(([label], i) => {
      const all = times[i].map((ms) => Math.round((n / ms) * 1000).toLocaleString('en')).join(' / ');
      console.log(
        `  ${label.padEnd(40)} ${Math.round((n / median(times[i])) * 1000)
          .toLocaleString('en')
          .padStart(12)}   [${all}]`,
      );
    });
  }
}
void main();
