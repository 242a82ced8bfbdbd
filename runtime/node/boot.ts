/**
 * Entry point of every process of a run: `node --enable-source-maps boot.js <snippet.js>`. Makes
 * `require('concurrency-lens')` resolve to the library next to this file (one instance per process)
 * (compiled from its code cache, see code-cache.ts) and hands over to it.
 */
import Module from 'node:module';
import { join } from 'node:path';
import { requireWithCodeCache } from './code-cache';

const lib = join(__dirname, 'index.js');
const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const resolveFilename = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]): string {
  if (request === 'concurrency-lens') return lib;
  return resolveFilename.call(this, request, ...rest);
};

const runtime = requireWithCodeCache(lib) as { __boot(bootJs: string, argv: string[]): void };
runtime.__boot(__filename, process.argv.slice(2));
