// Headless Chromium for the panel tests, the code-server end-to-end test and the panel benchmarks:
// Debian's `chromium` driven by playwright-core, with the flags that keep it quiet and offline.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Path of the Chromium binary: $CHROMIUM_PATH (or $CHROMIUM), else the Debian package's. */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    process.env.CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found)
    throw new Error(
      'Chromium is not installed: run `apt-get install -y chromium` (scripts/setup.sh does it) or set CHROMIUM_PATH.',
    );
  return found;
}

/** Launches headless Chromium with a fresh profile, no sandbox, GPU, sync or background networking. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
