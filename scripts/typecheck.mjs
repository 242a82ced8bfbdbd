// Type-checks each environment with its own tsconfig, so a Node import in common/ or a DOM use in
// runtime/ is a compile error.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const projects = ['common', 'runtime/node', 'engine', 'extension', 'tsplugin', 'webview', 'test', 'bench'];
let failed = false;
for (const p of projects) {
  if (!existsSync(`${p}/tsconfig.json`)) continue;
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p], { stdio: 'inherit' });
  } catch {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
