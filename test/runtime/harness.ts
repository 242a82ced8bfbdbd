/**
 * Test harness that does the runner's part for a Node snippet: bundles it with esbuild, listens on a
 * private socket with a token, starts boot.js, and decodes every process's records.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { ENV, Kind, type EventOf, type Hello, type TraceEvent } from '../../common/schema';
import { WireDecoder } from '../../common/wire';

const root = resolve(__dirname, '../..');
/** The built bootstrap that every run starts. */
export const BOOT = join(root, 'dist/runtime/node/boot.js');

/** What a run produced. */
export interface RunResult {
  events: TraceEvent[];
  /** When each event reached the collector (monotonic ns, the run's clock). */
  arrivals: number[];
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Raw stdout/stderr of the root process (user output travels as Output records). */
  stdout: string;
  stderr: string;
  /** Output records' text, per pid, in order. */
  output: Map<number, string[]>;
  /** Connections dropped for a bad token. */
  rejected: number;
  runDir: string;
  /** Wall time from starting the root process until it exited, in ms. */
  wallMs: number;
}

/** Options of `runSnippet`. */
export interface RunOptions {
  /** Kill the run (close the event sockets and kill the root) after this many ms. */
  stopAfter?: number;
  maxProcs?: number;
  /** Record events (default true); false runs without a socket. */
  record?: boolean;
  env?: Record<string, string>;
  /** false: count the event bytes without decoding them (a collector that never slows the run). */
  decode?: boolean;
  /** Another build's `boot.js` (a copy of an older `dist/runtime`), to compare two runtimes in one run. */
  boot?: string;
}

/** Bundles and runs a snippet file (`.ts`/`.js`) and collects its events. */
export async function runSnippet(file: string, opts: RunOptions = {}): Promise<RunResult> {
  const runDir = mkdtempSync(join(tmpdir(), 'cl-test-'));
  const snippetJs = join(runDir, 'snippet.js');
  await esbuild.build({
    entryPoints: [file],
    outfile: snippetJs,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    external: ['concurrency-lens'],
    logLevel: 'silent',
  });
  const token = randomBytes(8).toString('hex');
  const events: TraceEvent[] = [];
  const arrivals: number[] = [];
  const sockets = new Set<Socket>();
  let rejected = 0;
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let decoder: WireDecoder | undefined;
    sock.on('data', (chunk: Buffer) => {
      if (decoder) return decoder.push(chunk);
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(10);
      if (nl < 0) return;
      const hello = JSON.parse(head.subarray(0, nl).toString()) as Hello;
      if (hello.token !== token) {
        rejected++;
        return sock.destroy();
      }
      decoder =
        opts.decode === false
          ? ({ push: () => undefined } as unknown as WireDecoder)
          : new WireDecoder((e) => {
              // Output records carry raw text, one line with its newline: compare lines without it.
              if (e.kind === Kind.Output && e.text.endsWith('\n')) e.text = e.text.slice(0, -1);
              events.push(e);
              arrivals.push(Number(process.hrtime.bigint()));
            });
      decoder.push(head.subarray(nl + 1));
    });
  });
  const sockPath = join(runDir, 'events.sock');
  await new Promise<void>((r) => server.listen(sockPath, r));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...opts.env };
  if (opts.record !== false) Object.assign(env, { [ENV.socket]: sockPath, [ENV.token]: token });
  Object.assign(env, {
    [ENV.runDir]: runDir,
    [ENV.snippet]: resolve(file),
    [ENV.maxProcs]: String(opts.maxProcs ?? 64),
  });
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', opts.boot ?? BOOT, snippetJs], { env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const stopper = opts.stopAfter
    ? setTimeout(() => {
        for (const s of sockets) s.destroy();
        child.kill('SIGKILL');
      }, opts.stopAfter)
    : undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.on('exit', (c, s) => r([c, s])),
  );
  const wallMs = performance.now() - t0;
  clearTimeout(stopper);
  // Children may still be starting or sending: wait until no connection was open for 300 ms (at most 3 s).
  const deadline = Date.now() + 3000;
  let quietSince = Date.now();
  while (Date.now() < deadline && (sockets.size > 0 || Date.now() - quietSince < 300)) {
    if (sockets.size > 0) quietSince = Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const s of sockets) s.destroy();
  server.close();
  const output = new Map<number, string[]>();
  for (const e of events) if (e.kind === Kind.Output) output.set(e.pid, [...(output.get(e.pid) ?? []), e.text]);
  return { events, arrivals, code, signal, stdout, stderr, output, rejected, runDir, wallMs };
}

/** Writes `code` to a temporary `.ts` snippet and runs it. */
export async function runCode(code: string, opts: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cl-src-'));
  const file = join(dir, 'snippet.ts');
  writeFileSync(file, code);
  try {
    return await runSnippet(file, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Events of one kind. */
export function ofKind<K extends TraceEvent['kind']>(
  events: TraceEvent[],
  kind: K,
): Extract<TraceEvent, { kind: K }>[] {
  return events.filter((e) => e.kind === kind) as Extract<TraceEvent, { kind: K }>[];
}

/** All output lines of the run, any pid, in time order. */
export function lines(r: RunResult): string[] {
  return ofKind(r.events, Kind.Output)
    .sort((a, b) => a.t - b.t)
    .map((e) => e.text);
}

/** Spans (Begin with its End) of a category. */
export function spans(events: TraceEvent[], cat: number): { begin: EventOf<Kind.Begin>; end?: EventOf<Kind.End> }[] {
  const ends = new Map<string, EventOf<Kind.End>>();
  for (const e of ofKind(events, Kind.End)) ends.set(`${e.pid}/${e.tid}/${e.span}`, e);
  return ofKind(events, Kind.Begin)
    .filter((b) => b.cat === cat)
    .map((begin) => ({ begin, end: ends.get(`${begin.pid}/${begin.tid}/${begin.span}`) }));
}
