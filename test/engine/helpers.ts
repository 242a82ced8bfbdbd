/** Shared helpers for engine tests: snippet files in a temp dir, the stand-in boot, the real CLI, /proc checks. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const work = mkdtempSync(join(tmpdir(), 'cl-engine-test-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let bootPath: string | undefined;

/** Writes `text` to a fresh snippet file named `name` and returns its path. */
export function snippetFile(name: string, text: string): string {
  const dir = mkdtempSync(join(work, 's-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The stand-in runtime bootstrap (fixtures/wireBoot.ts), bundled once per test process. */
export function wireBoot(): string {
  if (!bootPath) {
    bootPath = join(work, 'wireBoot.js');
    esbuild.buildSync({
      entryPoints: [join(__dirname, 'fixtures', 'wireBoot.ts')],
      outfile: bootPath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
    });
  }
  return bootPath;
}

/** Pids of live (non-zombie) processes whose environment carries `NAME=value`. */
export function processesWithEnv(entry: string): number[] {
  const out: number[] = [];
  const needle = Buffer.from(entry);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || +name === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      const env = readFileSync(`/proc/${name}/environ`);
      if (env.includes(needle)) out.push(+name);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves after `ms`. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The command line's entry script (`bin/concurrency-lens.js` → `dist/cli.js`). */
export const cli = join(__dirname, '..', '..', 'bin', 'concurrency-lens.js');

/** What a CLI run printed, and its exit code. */
export interface CliDone {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs the real CLI; `onOut` / `onErr` see stdout / stderr so far on each write and may interrupt
 * it (SIGINT, as Ctrl-C does).
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  onOut?: (out: string, interrupt: () => void) => void,
  onErr?: (err: string, interrupt: () => void) => void,
): Promise<CliDone> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const interrupt = (): boolean => child.kill('SIGINT');
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      onOut?.(out, interrupt);
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      onErr?.(err, interrupt);
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
