/** Parses the command line: `run <snippet> [options] [-- args]` and `serve <trace.json>`. */

/** A parsed command, or a usage error. */
export type Command =
  | {
      cmd: 'run';
      snippet: string;
      out?: string;
      timeoutS?: number;
      maxProcs?: number;
      /** Cores the analyses compare busy processes with (default: `os.availableParallelism()`). */
      cores?: number;
      open: boolean;
      stopOnDeadlock: boolean;
      json: boolean;
      verbose: boolean;
      args: string[];
    }
  | { cmd: 'serve'; trace: string }
  | { cmd: 'help' }
  | { cmd: 'version' }
  | { error: string };

/** Usage text. */
export const USAGE = `usage:
  concurrency-lens run <snippet.js|.ts|.py> [--out trace.json] [--timeout <s>] [--max-procs N] [--cores N]
                       [--stop-on-deadlock] [--json] [--verbose] [--open] [-- args...]
  concurrency-lens serve <trace.json>

run      runs the snippet, prints its output with PID prefixes, a summary and the analyses (lock and
         queue contention, parallel efficiency, lints, lock-order inversions), exits with its exit code
  --out               write the trace (Chrome Trace Event Format, opens in Perfetto)
  --timeout           wall-time limit in seconds (default 60)
  --max-procs         most processes alive at once (default 64)
  --cores             cores to compare busy processes with (default: this machine's)
  --stop-on-deadlock  stop the run when a deadlock (or every process blocked for 2 s) is detected; exit code 3
  --json              print the summary and analyses as JSON on stdout (the snippet's output goes to stderr)
  --verbose           list every lock and queue in the contention table, not only those that had waits
  --open              show the run live in a browser panel
serve    shows a saved trace in a browser panel`;

function positiveNumber(name: string, v: string | undefined, integer: boolean): number | string {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    return `${name} needs a positive ${integer ? 'integer' : 'number'}, got '${v ?? ''}'`;
  }
  return n;
}

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') return { cmd: 'help' };
  if (cmd === '--version' || cmd === 'version') return { cmd: 'version' };
  if (cmd === 'serve') {
    if (rest.length !== 1 || rest[0].startsWith('-')) return { error: 'serve takes exactly one trace file' };
    return { cmd: 'serve', trace: rest[0] };
  }
  if (cmd !== 'run') return { error: `unknown command '${cmd}'` };
  const out: Extract<Command, { cmd: 'run' }> = {
    cmd: 'run',
    snippet: '',
    open: false,
    stopOnDeadlock: false,
    json: false,
    verbose: false,
    args: [],
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string | undefined => inline ?? rest[++i];
    if (a === '--') {
      out.args.push(...rest.slice(i + 1));
      break;
    } else if (flag === '--out' || flag === '-o') {
      const v = value();
      if (!v) return { error: '--out needs a file name' };
      out.out = v;
    } else if (flag === '--timeout') {
      const n = positiveNumber('--timeout', value(), false);
      if (typeof n === 'string') return { error: n };
      out.timeoutS = n;
    } else if (flag === '--max-procs') {
      const n = positiveNumber('--max-procs', value(), true);
      if (typeof n === 'string') return { error: n };
      out.maxProcs = n;
    } else if (flag === '--cores') {
      const n = positiveNumber('--cores', value(), true);
      if (typeof n === 'string') return { error: n };
      out.cores = n;
    } else if (flag === '--open') {
      out.open = true;
    } else if (a === '--stop-on-deadlock') {
      out.stopOnDeadlock = true;
    } else if (a === '--json') {
      out.json = true;
    } else if (a === '--verbose' || a === '-v') {
      out.verbose = true;
    } else if (a.startsWith('-')) {
      return { error: `unknown option '${a}'` };
    } else if (!out.snippet) {
      out.snippet = a;
    } else {
      out.args.push(a);
    }
  }
  if (!out.snippet) return { error: 'run needs a snippet file' };
  return out;
}
