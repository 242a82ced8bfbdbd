/**
 * The launcher contract: one launcher per runtime, chosen by the snippet's file extension
 * (`registry.ts`). A launcher checks and prepares the snippet (transpile, syntax check) and says how
 * to start the root process; it never starts anything itself.
 */

/** What the runner hands a launcher. */
export interface LaunchContext {
  /** Absolute path of the user's snippet (it exists and is a file). */
  snippet: string;
  /** The run's private directory (mode 0700): put compiled files, hooks and maps here. */
  runDir: string;
  /**
   * Environment for the root process: the runner's environment, the caller's extra variables and
   * every `ENV` variable of `common/schema.ts` (socket, token, run dir, snippet, process limit).
   */
  env: Record<string, string>;
  /** Working directory of the root process. */
  cwd: string;
  /** Arguments for the snippet itself (`process.argv.slice(2)` / `sys.argv[1:]`). */
  args: string[];
  /** Node executable chosen by the caller (default: the runner's own `process.execPath`). */
  nodePath: string;
  /** Python executable chosen by the caller, if any (the Python launcher picks a default). */
  pythonPath?: string;
}

/** How to start the root process. `env` is the complete environment (not merged again). */
export interface LaunchPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** A failure before anything started, as one actionable line (`file:line:col: message` for syntax errors). */
export interface LaunchError {
  error: string;
}

/** Prepares the root process of one runtime. */
export interface Launcher {
  prepare(ctx: LaunchContext): Promise<LaunchPlan | LaunchError>;
}

/** True when `r` is a launch failure. */
export function isLaunchError(r: LaunchPlan | LaunchError): r is LaunchError {
  return 'error' in r;
}
