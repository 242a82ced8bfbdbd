// Lock-counter overhead of the Python hook: runs bench/python-lock-counter.py alternately untraced
// (plain python3) and traced (the hook, a real collector), and prints the median times and ratio.
// `npx tsx bench/python-lock-counter.ts [rounds]`
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runPython, stdout } from '../test/python/harness';

const file = resolve(__dirname, 'python-lock-counter.py');
const rounds = Number(process.argv[2] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const plain: number[] = [];
  const traced: number[] = [];
  let events = 0;
  for (let i = 0; i < rounds; i++) {
    plain.push(Number(execFileSync('python3', [file]).toString().trim().split('\n').pop()));
    const run = await runPython(file, { timeoutMs: 120_000 });
    traced.push(Number(stdout(run).pop()));
    events = run.events.length;
  }
  const p = median(plain);
  const t = median(traced);
  console.log(`untraced median ${p.toFixed(3)} s  [${plain.map((x) => x.toFixed(3)).join(' ')}]`);
  console.log(`traced   median ${t.toFixed(3)} s  [${traced.map((x) => x.toFixed(3)).join(' ')}]  (${events} events)`);
  console.log(`ratio ${(t / p).toFixed(2)}x (goal <= 1.3x)`);
}
void main();
