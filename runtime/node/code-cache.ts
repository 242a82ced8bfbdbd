/**
 * Loading the runtime bundle with a V8 code cache kept next to it. Compiling the ~90 KB bundle is
 * ~2.5 ms of every process's start, and a run starts many processes; with the cache it is ~1 ms (Node
 * 20 has no `module.enableCompileCache`). The cache file is named by V8 version and architecture, its
 * header holds the bundle's size and mtime (a rebuilt bundle invalidates it: V8 itself only checks the
 * source length), and V8 rejects a cache made with other flags. A missing, stale or rejected cache is
 * written again after start-up, atomically; a read-only install just runs without one.
 */
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

interface ModuleInternals {
  _cache: Record<string, Module | undefined>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
}

/** Bytes before the V8 data: the bundle's mtime (ms) and size, as two doubles. */
const HEADER = 16;

/** Where the cache of `file` lives for this Node binary. */
export function cachePath(file: string): string {
  return `${file}.${process.versions.v8}-${process.arch}.cache`;
}

function readCache(path: string, st: Stats): Buffer | undefined {
  try {
    const buf = readFileSync(path);
    if (buf.length > HEADER && buf.readDoubleLE(0) === st.mtimeMs && buf.readDoubleLE(8) === st.size) {
      return buf.subarray(HEADER);
    }
  } catch {
    // no cache yet
  }
  return undefined;
}

function writeCache(path: string, st: Stats, script: Script): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const header = Buffer.alloc(HEADER);
    header.writeDoubleLE(st.mtimeMs, 0);
    header.writeDoubleLE(st.size, 8);
    writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]));
    renameSync(tmp, path);
  } catch {
    // read-only install, or the bundle's folder is gone: run without a cache
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/**
 * `require(file)` for a CommonJS bundle, compiled from its code cache when there is a valid one. The
 * module is registered in the require cache under `file`, so a later `require` of it gets this instance.
 */
export function requireWithCodeCache(file: string): unknown {
  const M = Module as unknown as ModuleInternals;
  const loaded = M._cache[file];
  if (loaded) return loaded.exports;
  let source: string;
  let st: Stats;
  try {
    source = readFileSync(file, 'utf8');
    st = statSync(file);
  } catch {
    return require(file);
  }
  const path = cachePath(file);
  const cachedData = readCache(path, st);
  const script = new Script(M.wrap(source), { filename: file, cachedData });
  const dir = dirname(file);
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = M._nodeModulePaths(dir);
  M._cache[file] = mod;
  try {
    const wrapper = script.runInThisContext() as (...a: unknown[]) => void;
    wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dir);
  } catch (e) {
    delete M._cache[file];
    throw e;
  }
  mod.loaded = true;
  // Written once start-up is over, so the functions that ran during it are in the cache too (a ref'd
  // immediate: a process whose `main` ends at once would otherwise exit before writing it).
  if (!cachedData || script.cachedDataRejected) setImmediate(() => writeCache(path, st, script));
  return mod.exports;
}
