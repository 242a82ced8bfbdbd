/**
 * The bootstrap of every process of a run (called by boot.js): who am I, start recording, capture
 * output and errors, load the snippet, then run `main` (root), a Process target, or pool tasks.
 */
import { basename, resolve } from 'node:path';
import { ENV, Kind, Role } from '../../common/schema';
import { syncBroker } from './broker-client';
import { ctx, lookupExport, type ChildSpec, type TargetSpec } from './context';
import { setLibraryDir } from './location';
import { startSending } from './main-flush';
import { captureOutput, flushOutput } from './output';
import { servePool } from './pool-task';
import { setCurrentProcess, reportError, runTarget } from './process';
import { rec } from './recorder';
import { allocRing } from './ring';
import { unpack } from './share';
import { bootThread } from './thread';
import { CHILD_ENV } from './spawn';
import { isLibraryThread } from './worker-threads';

/** Bytes of each thread's event ring. */
export const RING_BYTES = 4 << 20;
/**
 * Tests only: the main thread's ring gets this many bytes and drops a record at once when full
 * (instead of waiting up to 1 s for the flusher), so a test can make a run lose records.
 */
const TEST_RING_ENV = 'CONCURRENCY_LENS_TEST_RING_BYTES';

function startRecording(role: Role): void {
  const socket = process.env[ENV.socket];
  const token = process.env[ENV.token];
  if (!socket || !token) return;
  const testBytes = Number(process.env[TEST_RING_ENV]) || 0;
  const ring = allocRing(testBytes > 0 ? testBytes : RING_BYTES, 0);
  rec.attach(ring, process.pid, 0, false);
  if (testBytes > 0) rec.ring!.waits = 0;
  startSending(ring, socket, token);
  rec.event(Kind.ProcStart, [role === Role.Root ? 0 : process.ppid, ctx.name, role], [1]);
  captureOutput();
}

function onExit(code: number): void {
  flushOutput();
  rec.event(Kind.ProcExit, [code, ''], [1]);
  rec.drain(2000);
}

/** Boots this process; `argv` is `[snippet.js]`. */
export function bootProcess(bootJs: string, argv: string[]): void {
  if (isLibraryThread()) return bootWorkerThread(bootJs, argv);
  const raw = process.env[CHILD_ENV];
  delete process.env[CHILD_ENV];
  const spec: ChildSpec | undefined = raw ? JSON.parse(raw) : undefined;
  ctx.role = spec?.role ?? Role.Root;
  ctx.name = spec?.name ?? 'MainProcess';
  ctx.bootJs = bootJs;
  ctx.snippetJs = resolve(argv[0] ?? '');
  ctx.snippetName = spec?.snippetName ?? basename(process.env[ENV.snippet] || ctx.snippetJs);
  setLibraryDir(__dirname);
  startRecording(ctx.role);
  process.on('exit', onExit);
  process.on('uncaughtException', (e) => {
    reportError(e, ctx.role === Role.Root ? 'Uncaught error:' : `Process ${ctx.name}:`);
    process.exit(1);
  });
  if (ctx.role === Role.PoolWorker) servePool();
  else if (ctx.role !== Role.Root) {
    process.once('message', (m: { t: 'start'; target?: TargetSpec; args: unknown[] }) => void startChild(m));
    process.on('disconnect', () => undefined);
  }
  const mod = require(ctx.snippetJs) as Record<string, unknown>;
  ctx.exports = mod;
  if (ctx.role === Role.Root) void runMains();
}

function bootWorkerThread(bootJs: string, argv: string[]): void {
  ctx.bootJs = bootJs;
  ctx.snippetJs = resolve(argv[0] ?? '');
  setLibraryDir(__dirname);
  if (!bootThread()) return;
  captureOutputIfRecording();
  process.on('uncaughtException', (e) => {
    reportError(e, `Exception in thread ${ctx.name}:`);
    process.exit(1);
  });
  ctx.exports = require(ctx.snippetJs) as Record<string, unknown>;
}

function captureOutputIfRecording(): void {
  if (rec.enabled) captureOutput();
}

async function runMains(): Promise<void> {
  for (const fn of ctx.mains.splice(0)) await fn();
}

async function startChild(m: { target?: TargetSpec; args: unknown[] }): Promise<void> {
  let code: number;
  try {
    const args = unpack(m.args) as unknown[];
    const t = m.target;
    if (!t) code = 0;
    else if (t.kind === 'fn') {
      const fn = lookupExport(t.name, 'Process target') as (...a: unknown[]) => unknown;
      code = await runTarget(ctx.name, t.name, () => fn(...args));
    } else {
      const Cls = lookupExport(t.name, 'Process subclass') as new () => { run(): unknown };
      const self = Object.assign(Object.create(Cls.prototype), unpack(t.fields), { pid: process.pid });
      setCurrentProcess(self);
      code = await runTarget(ctx.name, `${t.name}.run`, () => self.run());
    }
  } catch (e) {
    reportError(e, `Process ${ctx.name}:`);
    code = 1;
  }
  // Requests sent without an answer (releases, sets, sends) must reach the broker before we go.
  await syncBroker().catch(() => undefined);
  process.exit(code);
}
