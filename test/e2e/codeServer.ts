// Starts a real VS Code (code-server from `.e2e/`, installed by scripts/setup.sh) in a throw-away
// profile with our packaged extension installed, and stops its whole process group afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Repository root. */
export const ROOT = join(__dirname, '..', '..');
const CACHE = process.env.E2E_CACHE ?? join(ROOT, '.e2e');

/** Node 24 binary and code-server entry installed by `test/e2e/install-code-server.sh`, or undefined. */
export function findCodeServer(): { node: string; entry: string } | undefined {
  if (!existsSync(CACHE)) return undefined;
  const nodeDir = readdirSync(CACHE).find((d) => d.startsWith('node-'));
  const csDir = readdirSync(CACHE).find((d) => d.startsWith('cs-') && existsSync(join(CACHE, d, '.installed')));
  if (!nodeDir || !csDir) return undefined;
  return {
    node: join(CACHE, nodeDir, 'bin', 'node'),
    entry: join(CACHE, csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** A running code-server. */
export interface CodeServer {
  url: string;
  /** Private directory of this instance (profile, workspace, temp). */
  dir: string;
  workspace: string;
  /** PID of code-server; also its process-group id. */
  pid: number;
  log: string;
  stop(): Promise<void>;
}

/** Workbench settings that keep the UI quiet and deterministic. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'files.simpleDialog.enable': true,
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Installs `vsix` into a fresh profile and starts code-server on a free loopback port. With
 * `restricted`, Workspace Trust is on and the folder opens untrusted (Restricted Mode), without a prompt.
 */
export async function startCodeServer(
  vsix: string,
  extraSettings: Record<string, unknown> = {},
  restricted = false,
): Promise<CodeServer> {
  const cs = findCodeServer();
  if (!cs) throw new Error('code-server is not installed: run bash scripts/setup.sh');
  // Short paths: code-server's IPC sockets and the runs' sockets live under TMPDIR (limit 107 bytes).
  const dir = mkdtempSync(join(tmpdir(), 'cl-e2e-'));
  for (const d of ['home', 'ud/User', 'exts', 'ws', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const trust = restricted
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : {};
  const settings = { ...SETTINGS, ...trust, ...extraSettings };
  writeFileSync(join(dir, 'ud/User/settings.json'), JSON.stringify(settings, null, 2));
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(cs.node, '..')}:${process.env.PATH ?? ''}`,
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'home/.config'),
    XDG_DATA_HOME: join(dir, 'home/.local/share'),
    XDG_CACHE_HOME: join(dir, 'home/.cache'),
    TMPDIR: join(dir, 'tmp'),
    LANG: 'C.UTF-8',
  };
  const profile = ['--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'exts')];
  await run(cs.node, [cs.entry, ...profile, '--install-extension', vsix], { env, timeout: 120_000 });
  const port = await freePort();
  const log = join(dir, 'code-server.log');
  const child: ChildProcess = spawn(
    cs.node,
    [
      cs.entry,
      ...['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...profile],
      ...['--disable-telemetry', '--disable-update-check', ...(restricted ? [] : ['--disable-workspace-trust'])],
      ...['--disable-getting-started-override', join(dir, 'ws')],
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => out.push(b));
  const pid = child.pid!;
  const stop = async () => {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 40 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 250));
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    writeFileSync(log, Buffer.concat(out));
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`code-server did not come up:\n${Buffer.concat(out).toString().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url: `${url}/?folder=${join(dir, 'ws')}`, dir, workspace: join(dir, 'ws'), pid, log, stop };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
