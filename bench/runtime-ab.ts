// Two builds of the Node runtime, alternating round by round in one run (the machine's load moves
// more between runs than a change does): the CPU time of one process start (boot.js, the library and
// a snippet, no recording; steadier than wall time), Pool start-up against a bare `node -e 0`, and the
// first default-chunked Pool.map of 10,000 items. Copy `dist/runtime` aside before a change, rebuild, then
// `npx tsx bench/runtime-ab.ts <old dist/runtime> [rounds]`. NODE_EXTRA_CA_CERTS is unset for both.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { lines, runSnippet } from '../test/runtime/harness';

const [oldDir, roundsArg] = process.argv.slice(2);
if (!oldDir) throw new Error('usage: bench/runtime-ab.ts <old dist/runtime folder> [rounds]');
const rounds = Number(roundsArg ?? 6);
const builds: [string, string][] = [
  ['old', join(resolve(oldDir), 'node/boot.js')],
  ['new', join(__dirname, '../dist/runtime/node/boot.js')],
];
const snippets = join(__dirname, 'node-snippets');
const env = { NODE_EXTRA_CA_CERTS: '' };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number, d = 2): string => x.toFixed(d);

async function last<T>(file: string, boot: string, extra: Record<string, string>): Promise<T> {
  const r = await runSnippet(join(snippets, file), { boot, env: { ...env, ...extra } });
  if (r.code !== 0) throw new Error(`${file}: ${r.stderr || lines(r).join('\n')}`);
  return JSON.parse(lines(r).at(-1)!) as T;
}

/** CPU ms one process of a run uses until `main` ran (no recording socket: the start alone). */
function processStartCpu(boot: string): number {
  const out = execFileSync(process.execPath, ['--enable-source-maps', boot, join(snippets, 'start-cpu.cjs')], {
    env: { ...process.env, ...env },
  });
  return Number(out.toString().trim());
}

async function main(): Promise<void> {
  const ratio = new Map<string, number[]>(builds.map(([k]) => [k, []]));
  const mapMs = new Map<string, number[]>(builds.map(([k]) => [k, []]));
  const startCpu = new Map<string, number[]>(builds.map(([k]) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, boot] of builds) {
      const s = await last<{ pool: number[]; bare: number[] }>('pool-startup.js', boot, { BENCH_ROUNDS: '5' });
      ratio.get(name)!.push(median(s.pool) / median(s.bare));
      for (let i = 0; i < 5; i++) startCpu.get(name)!.push(processStartCpu(boot));
      const m = await last<{ ms: number }>('pool-map.js', boot, { BENCH_N: '10000' });
      mapMs.get(name)!.push(m.ms);
    }
  }
  for (const [name] of builds) {
    const rs = ratio.get(name)!;
    const ms = mapMs.get(name)!;
    console.log(`${name}: start-up ratio ${f(median(rs))} [${rs.map((x) => f(x)).join(' ')}]`);
    const cs = [...startCpu.get(name)!].sort((a, b) => a - b);
    const q = (p: number): string => f(cs[Math.floor(p * (cs.length - 1))], 1);
    console.log(`${name}: CPU of a process start, ms: median ${q(0.5)}, quartiles ${q(0.25)}–${q(0.75)}`);
    console.log(`${name}: Pool.map 10,000 ms ${f(median(ms), 1)} [${ms.map((x) => f(x, 1)).join(' ')}]`);
  }
}

void main();
