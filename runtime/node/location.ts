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
