// Lock-counter overhead of the Python hook: runs bench/python-lock-counter.py alternately untraced
// (plain python3) and traced (the hook, through the engine's runner), and prints the medians of the wall
// time and of the workers' CPU time, and their ratios. `npx tsx bench/python-lock-counter.ts [rounds]`
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runPython, stdout } from '../test/python/harness';

const file = resolve(__dirname, 'python-lock-counter.py');
const rounds = Number(process.argv[2] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const plain: number[][] = [];
  const traced: number[][] = [];
  let events = 0;
  const parse = (line: string | undefined): number[] => (line ?? '').trim().split(' ').map(Number);
  for (let i = 0; i < rounds; i++) {
    plain.push(parse(execFileSync('python3', [file]).toString().trim().split('\n').pop()));
    const run = await runPython(file, { timeoutMs: 120_000 });
    traced.push(parse(stdout(run).pop()));
    events = run.events.length;
  }
  for (const [i, what] of ['wall', 'cpu'].entries()) {
    const p = median(plain.map((x) => x[i]));
    const t = median(traced.map((x) => x[i]));
    const all = (xs: number[][]): string => xs.map((x) => x[i].toFixed(2)).join(' ');
    console.log(`${what}: untraced median ${p.toFixed(3)} s [${all(plain)}]`);
    console.log(`${what}: traced   median ${t.toFixed(3)} s [${all(traced)}]`);
    console.log(`${what}: ratio ${(t / p).toFixed(2)}x (goal <= 1.3x)`);
  }
  console.log(`${events} events recorded in the last traced run`);
}
void main();
