// `npm test`: builds, type-checks, lints, then runs every test file under test/ with Node's test runner.
// `npm test -- unit runtime` runs only those folders of test/.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });

run(['scripts/build.mjs']);
run(['scripts/typecheck.mjs']);
// Zero lint warnings and prettier formatting are part of the bar, so they are part of the tests.
run(['node_modules/eslint/bin/eslint.js', '.', '--max-warnings', '0']);
run(['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '.']);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const files = find('test').filter((f) => only.length === 0 || only.some((o) => f.startsWith(join('test', o))));
if (files.length === 0) {
  console.error(`no test files match ${only.join(' ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
