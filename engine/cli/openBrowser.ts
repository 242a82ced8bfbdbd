// Opens the panel URL in the user's browser, the way `code .` or `jupyter notebook` do. Best effort: on
// a machine without a desktop (SSH, CI) the URL printed on stderr is the way in.
import { spawn } from 'node:child_process';

/** The command that opens a URL on this platform. */
function opener(): [string, string[]] {
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  return ['xdg-open', []];
}

/** Tries to open `url` in a browser; false when there is no desktop to open it in. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CI || env.CONCURRENCY_LENS_NO_BROWSER) return false;
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  const [cmd, args] = opener();
  try {
    const child = spawn(cmd, [...args, url], { detached: true, stdio: 'ignore', env });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
