// Pure (no vscode): which lines of a snippet start its main program. Unit-tested in Node.

const MAIN_GUARD: Record<string, RegExp> = {
  javascript: /^\s*(?:void\s+|await\s+)?main\s*\(/,
  typescript: /^\s*(?:void\s+|await\s+)?main\s*\(/,
  python: /^\s*if\s+__name__\s*==\s*(['"])__main__\1\s*:/,
};

/** Line numbers (0-based) of the main guards in `text` for a VS Code `languageId`. */
export function findMainGuards(languageId: string, text: string): number[] {
  const re = MAIN_GUARD[languageId];
  if (!re) return [];
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (re.test(line)) out.push(i);
  });
  return out;
}

/** Runtime that runs a snippet, by file extension; undefined for files it cannot run. */
export function runtimeFor(file: string): 'node' | 'python' | undefined {
  if (/\.(?:[cm]?js|[cm]?ts)$/i.test(file)) return 'node';
  if (/\.py$/i.test(file)) return 'python';
  return undefined;
}
