// Pure (no vscode): source locations as the runtimes write them ("file:line:col", 1-based) and as
// error messages of Node, esbuild and Python print them.
import * as path from 'node:path';

/** A 1-based source position. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

/** Parses "file:line[:col]" (file may itself contain colons, e.g. a Windows drive). */
export function parseLoc(loc: string): SourceLoc | undefined {
  const m = /^(.+?):(\d+)(?::(\d+))?$/.exec(loc.trim());
  if (!m) return undefined;
  const line = Number(m[2]);
  const col = m[3] === undefined ? 1 : Number(m[3]);
  if (!(line >= 1) || !(col >= 1)) return undefined;
  return { file: m[1].replace(/^file:\/\//, ''), line, col };
}

/**
 * Finds the first location inside `snippet` that an error text names: `snippet:12:5` (Node, esbuild,
 * our runner) or `File "snippet", line 12` plus a caret line (Python). Undefined when none does.
 */
export function findErrorLoc(text: string, snippet: string): SourceLoc | undefined {
  const esc = snippet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const colon = new RegExp(`${esc}:(\\d+)(?::(\\d+))?`).exec(text);
  if (colon) return { file: snippet, line: Number(colon[1]), col: colon[2] ? Number(colon[2]) : 1 };
  const py = new RegExp(`File "${esc}", line (\\d+)[^\\n]*\\n(?:([^\\n]*)\\n([ \\t]*)\\^)?`).exec(text);
  if (py) {
    const caret = py[3] !== undefined ? py[3].length - leadingSpaces(py[2]) + 1 : 1;
    return { file: snippet, line: Number(py[1]), col: Math.max(1, caret) };
  }
  return undefined;
}

function leadingSpaces(s: string): number {
  return /^[ \t]*/.exec(s)![0].length;
}

/** The first line of an error text that says what went wrong (e.g. "SyntaxError: ..."). */
export function errorHeadline(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^(?:\w+Error|\w+Exception|error)\b/i.test(l)) ?? lines[0] ?? 'the run failed';
}

/**
 * The file a `loc` from the panel names, if it is an absolute path strictly inside one of `roots`
 * (after resolving `..`); undefined otherwise. The panel is untrusted input.
 */
export function locInside(loc: string, roots: readonly string[]): SourceLoc | undefined {
  const parsed = parseLoc(loc);
  if (!parsed || !path.isAbsolute(parsed.file)) return undefined;
  const file = path.resolve(parsed.file);
  const inside = roots.some((r) => {
    const rel = path.relative(r, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
  return inside ? { ...parsed, file } : undefined;
}
