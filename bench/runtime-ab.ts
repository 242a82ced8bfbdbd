// Two builds of the Node runtime, alternating round by round in one run (the machine's load moves
// more between runs than a change does): Pool start-up against a bare `node -e 0`, the CPU time a
// pool worker has used when it answers its first task (steadier than wall time), and the first
// default-chunked Pool.map of 10,000 items. Copy `dist/runtime` aside before a change, rebuild, then
// `npx tsx bench/runtime-ab.ts <old dist/runtime> [rounds]`. NODE_EXTRA_CA_CERTS is unset for both.
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

async function main(): Promise<void> {
  const ratio = new Map<string, number[]>(builds.map(([k]) => [k, []]));
  const mapMs = new Map<string, number[]>(builds.map(([k]) => [k, []]));
  const bootCpu = new Map<string, number[]>(builds.map(([k]) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, boot] of builds) {
      const s = await last<{ pool: number[]; bare: number[] }>('pool-startup.js', boot, { BENCH_ROUNDS: '5' });
      ratio.get(name)!.push(median(s.pool) / median(s.bare));
      const c = await last<{ cpu: number[] }>('pool-boot-cpu.js', boot, {});
      bootCpu.get(name)!.push(median(c.cpu));
      const m = await last<{ ms: number }>('pool-map.js', boot, { BENCH_N: '10000' });
      mapMs.get(name)!.push(m.ms);
    }
  }
  for (const [name] of builds) {
    const rs = ratio.get(name)!;
    const ms = mapMs.get(name)!;
    console.log(`${name}: start-up ratio ${f(median(rs))} [${rs.map((x) => f(x)).join(' ')}]`);
    const cs = bootCpu.get(name)!;
    console.log(
      `${name}: worker CPU at its first answer, ms ${f(median(cs), 1)} [${cs.map((x) => f(x, 1)).join(' ')}]`,
    );
    console.log(`${name}: Pool.map 10,000 ms ${f(median(ms), 1)} [${ms.map((x) => f(x, 1)).join(' ')}]`);
  }
}

void main();
