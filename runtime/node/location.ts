/**
 * Source locations (`file:line:col` in the user's original file) of the code that called into the
 * library. Reads structured call sites instead of formatting a stack, and maps compiled positions
 * through the snippet's source map itself, caching each position.
 */
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rec } from './recorder';

const cache = new Map<string, string>();
let libDir = __dirname;

/** Tells the locator which directory holds the library, whose frames are skipped. */
export function setLibraryDir(dir: string): void {
  libDir = dir;
}

function frames(): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, sites) => sites;
  Error.stackTraceLimit = 12;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, frames);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  return sites;
}

function mapped(file: string, line: number, col: number): string {
  const key = `${file}:${line}:${col}`;
  let loc = cache.get(key);
  if (loc !== undefined) return loc;
  loc = key;
  try {
    const entry = findSourceMap(file)?.findEntry(line - 1, col - 1) as
      { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      const src = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      loc = `${src}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    }
  } catch {
    // keep the compiled position
  }
  cache.set(key, loc);
  return loc;
}

/** Location of the innermost caller outside this library and Node's internals, or '' if none (or not recording). */
export function callerLocation(): string {
  if (!rec.enabled) return '';
  for (const site of frames()) {
    const file = site.getFileName();
    if (!file || file.startsWith('node:') || file.startsWith(libDir)) continue;
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    return mapped(path, site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0);
  }
  return '';
}

const FRAME = '    at ';

/** A frame of Node.js itself (`node:internal/...`, `node:events`). */
function inNode(line: string): boolean {
  return line.includes('(node:') || line.startsWith(`${FRAME}node:`);
}

/** A frame of the snippet's own code (not this library's, not Node's, not a native one). */
function inUserCode(line: string): boolean {
  return line.startsWith(FRAME) && !line.includes(libDir) && !inNode(line) && !line.endsWith('(<anonymous>)');
}

/**
 * `stack` as a snippet's author wants it: the frames inside this library (positions in its bundle
 * mean nothing to them) and the machinery below the outermost user frame (the event loop, the IPC
 * that delivered a pool task) left out, with one line saying how many. Unchanged if no frame is the
 * user's (an error of the library itself keeps its whole stack).
 */
export function userStack(stack: string): string {
  const lines = stack.split('\n');
  let last = -1;
  lines.forEach((l, i) => {
    if (inUserCode(l)) last = i;
  });
  if (last < 0) return stack;
  // A native frame right after a library frame (`new Promise` inside a library call) goes with it.
  const shown = lines.map((l, i) => !l.startsWith(FRAME) || (i <= last && !l.includes(libDir)));
  lines.forEach((l, i) => {
    if (shown[i] && l.endsWith('(<anonymous>)') && i > 0 && lines[i - 1].includes(libDir)) shown[i] = false;
  });
  const kept = lines.filter((_, i) => shown[i]);
  const hidden = lines.filter((_, i) => !shown[i]);
  if (hidden.length === 0) return stack;
  const whose = hidden.some(inNode) ? 'concurrency-lens and Node.js' : 'concurrency-lens';
  const n = hidden.length;
  return [...kept, `    (${n} frame${n === 1 ? '' : 's'} of ${whose} not shown)`].join('\n');
}

const sites = new Map<string, { n: number; last: string }>();

/**
 * Location of a wait on object `key`. Capturing a stack costs microseconds, which a hot loop of
 * lock acquisitions would feel: each process captures the first 16 waits per object exactly, then
 * every 16th, and reuses the last captured location for the waits in between.
 */
export function waitLocation(key: string): string {
  let s = sites.get(key);
  if (!s) sites.set(key, (s = { n: 0, last: '' }));
  if (s.n < 16 || s.n % 16 === 0) s.last = callerLocation();
  s.n++;
  return s.last;
}
