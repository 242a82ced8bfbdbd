// Print throughput under the Python hook: runs bench/python-prints.py alternately untraced (plain
// python3 writing to a file, which no reader slows down, and to a pipe read by Node, buffered and
// with -u) and traced (the hook, through the engine's runner), and prints the medians of the loop's
// wall and CPU time and the ratios.
// `npx tsx bench/python-prints.ts [rounds] [lines]`
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPython, stdout } from '../test/python/harness';

const file = resolve(__dirname, 'python-prints.py');
const rounds = Number(process.argv[2] ?? 7);
const lines = process.argv[3] ?? '20000';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parse = (line: string | undefined): number[] => (line ?? '').trim().split(' ').map(Number);
const plain = (flags: string[]): number[] =>
  parse(
    execFileSync('python3', [...flags, file, lines], { maxBuffer: 1 << 28 })
      .toString()
      .trim()
      .split('\n')
      .pop(),
  );

const dir = mkdtempSync(join(tmpdir(), 'cl-prints-'));
function toFile(): number[] {
  const out = join(dir, 'out');
  const fd = openSync(out, 'w');
  spawnSync('python3', [file, lines], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  return parse(readFileSync(out, 'utf8').trim().split('\n').pop());
}

async function main(): Promise<void> {
  const rows: Record<string, number[][]> = { file: [], buffered: [], unbuffered: [], traced: [] };
  for (let i = 0; i < rounds; i++) {
    rows.file.push(toFile());
    rows.buffered.push(plain([]));
    rows.unbuffered.push(plain(['-u']));
    const run = await runPython(file, { timeoutMs: 120_000, env: { PYTHONFAULTHANDLER: '' } });
    const out = stdout(run);
    if (run.code !== 0 || out.length !== Number(lines) + 1)
      throw new Error(`traced run: code ${run.code}, ${out.length} lines`);
    rows.traced.push(parse(out.pop()));
  }
  for (const [i, what] of ['wall', 'cpu'].entries()) {
    const med = (k: string): number => median(rows[k].map((x) => x[i]));
    for (const k of Object.keys(rows)) {
      console.log(
        `${what}: ${k.padEnd(10)} median ${(med(k) * 1000).toFixed(1)} ms [${rows[k].map((x) => (x[i] * 1000).toFixed(0)).join(' ')}]`,
      );
    }
    console.log(
      `${what}: traced / file ${(med('traced') / med('file')).toFixed(2)}x, traced / buffered ${(med('traced') / med('buffered')).toFixed(2)}x, traced / -u ${(med('traced') / med('unbuffered')).toFixed(2)}x`,
    );
  }
}
void main().finally(() => rmSync(dir, { recursive: true, force: true }));
