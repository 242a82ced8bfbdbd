/** The `concurrency-lens` command line (`dist/cli.js`). */
import { readFileSync } from 'node:fs';
import { version } from '../../package.json';
import { parseArgs, USAGE } from './args';
import { fromChromeTrace } from '../../common/chrome/import';
import { servePanel } from '../server';
import { openBrowser } from './openBrowser';
import { runCommand } from './runCommand';

async function serveCommand(trace: string): Promise<number> {
  let imported: ReturnType<typeof fromChromeTrace>;
  try {
    imported = fromChromeTrace(readFileSync(trace, 'utf8'));
  } catch (err) {
    process.stderr.write(`error: ${trace}: ${(err as Error).message}\n`);
    return 1;
  }
  for (const w of imported.warnings) process.stderr.write(`warning: ${w}\n`);
  const server = await servePanel(imported.chunks, { title: trace });
  process.stderr.write(`panel: ${server.url} — press Ctrl-C to quit\n`);
  openBrowser(server.url);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const c = parseArgs(argv);
  if ('error' in c) {
    process.stderr.write(`error: ${c.error}\n${USAGE}\n`);
    return 2;
  }
  switch (c.cmd) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`concurrency-lens ${version}\n`);
      return 0;
    case 'serve':
      return serveCommand(c.trace);
    case 'run':
      return runCommand(c);
    default: {
      const never: never = c;
      return never;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`error: ${err.stack ?? err.message}\n`);
    process.exitCode = 1;
  },
);
