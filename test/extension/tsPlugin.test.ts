// The TS server plugin against the real tsserver, started as VS Code starts it: snippets outside any
// project that import `concurrency-lens` get the shipped declarations (no "Cannot find module", real
// type errors, documented hovers and completion), in TypeScript and in checked JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsServer } from './tsserver';

const PLUGIN = 'concurrency-lens-ts-plugin';
const CANNOT_FIND_MODULE = [2307, 2792];
// What VS Code's TypeScript extension sets for files outside any tsconfig/jsconfig.
const inferred = {
  module: 'ESNext',
  moduleResolution: 'Bundler',
  target: 'ES2020',
  allowJs: true,
  strictNullChecks: true,
};

const tsSnippet = `import { Pool, main, Queue } from 'concurrency-lens';

export function square(x: number): number {
  return x * x;
}

main(async () => {
  await using pool = new Pool(3);
  const squares: number[] = await pool.map(square, [1, 2, 3]);
  const q = new Queue<string>();
  await q.put(String(squares[0]));
});
`;
const misuse = `import { Pool } from 'concurrency-lens';

const pool = new Pool('x');
`;
const jsSnippet = `// @ts-check
const { Pool, main } = require('concurrency-lens');

main(async () => {
  const pool = new Pool(2);
  pool.
});
`;

let dir: string;
let server: TsServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cl-tsplugin-'));
  server = new TsServer([PLUGIN]);
  await server.request('compilerOptionsForInferredProjects', { options: inferred });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a TypeScript snippet resolves concurrency-lens and type-checks clean', async () => {
  const file = join(dir, 'snippet.ts');
  await server.open(file, tsSnippet);
  assert.deepEqual(await server.errors(file), []);
});

test('misusing the API is a real type error, and hovers show the documentation', async () => {
  const file = join(dir, 'misuse.ts');
  await server.open(file, misuse);
  const errors = await server.errors(file);
  assert.deepEqual(
    errors.map((e) => [e.code, e.start.line]),
    [[2345, 3]],
    JSON.stringify(errors),
  );
  assert.match(errors[0].text, /'string' is not assignable to parameter of type 'number'/);
  const hover = await server.quickInfo(file, misuse, 'Pool', 'new ');
  assert.match(hover.displayString, /Pool\(processes\?: number/);
  assert.match(hover.documentation, /pool of worker processes \(multiprocessing\.Pool\)/);
});

test('a checked JavaScript snippet resolves it too and completes the Pool methods', async () => {
  const file = join(dir, 'snippet.js');
  await server.open(file, jsSnippet);
  const missing = (await server.errors(file)).filter((e) => CANNOT_FIND_MODULE.includes(e.code));
  assert.deepEqual(missing, []);
  const names = await server.completions(file, jsSnippet, 'pool.');
  for (const m of ['map', 'starmap', 'applyAsync', 'imap', 'close', 'join']) assert.ok(names.includes(m), m);
  const hover = await server.quickInfo(file, jsSnippet, 'main', 'const { Pool, ');
  assert.match(hover.documentation, /\S/, 'main has a doc comment');
});

test("the repository's Node samples type-check clean", async () => {
  const samples = join(__dirname, '..', '..', 'samples', 'node');
  for (const name of readdirSync(samples)) {
    const file = join(samples, name);
    await server.open(file, readFileSync(file, 'utf8'));
    assert.deepEqual(await server.errors(file), [], name);
  }
});

test('without the plugin the same snippet cannot find the module (the check above is meaningful)', async () => {
  const bare = new TsServer([]);
  try {
    await bare.request('compilerOptionsForInferredProjects', { options: inferred });
    const file = join(dir, 'bare.ts');
    await bare.open(file, misuse);
    const codes = (await bare.errors(file)).map((e) => e.code);
    assert.ok(
      codes.some((c) => CANNOT_FIND_MODULE.includes(c)),
      JSON.stringify(codes),
    );
  } finally {
    bare.close();
  }
});
