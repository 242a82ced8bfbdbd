/**
 * Test harness: headless Chromium (Debian's `chromium`, driven by playwright-core) opening the
 * standalone panel server. Builds the panel first if `dist/webview/panel.js` is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import { fixtureChunks } from './synthTrace';
import { servePanel, type PanelServer, type PanelSource, type ServeOptions } from '../../engine/server';

const root = join(__dirname, '..', '..');
/** Where screenshots go (gitignored). */
export const SHOTS = join(root, '.artifacts', 'screenshots');

/** Launches headless Chromium, building the panel first if it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(join(root, 'dist', 'webview', 'panel.js')))
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  return launchChromium();
}

/** A served panel open in a page. */
export interface OpenPanel {
  page: Page;
  server: PanelServer;
  /** Console errors and CSP violations the page reported. */
  errors: string[];
  close(): Promise<void>;
}

/** Serves `source` and opens it in a new page of `browser`; waits until the panel has drawn rows (unless `waitRows` is false). */
export async function openPanel(
  browser: Browser,
  source: PanelSource,
  opts: Partial<ServeOptions> & { width?: number; height?: number; waitRows?: boolean } = {},
): Promise<OpenPanel> {
  const server = await servePanel(source, { title: 'fixture.py', ...opts });
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 700 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  if (opts.waitRows !== false)
    await page.waitForFunction(() => (window as unknown as { __lens: { rows: unknown[] } }).__lens.rows.length > 0);
  return {
    page,
    server,
    errors,
    async close() {
      await page.close();
      await server.close();
    },
  };
}

/** The panel's debug snapshot (see webview/debug.ts). */
export type LensDebug = ReturnType<typeof import('../../webview/debug').describeDebug>;

/** Reads `window.__lens` after the next two animation frames (so pending redraws have happened). */
export async function lens(page: Page): Promise<LensDebug> {
  return page.evaluate(
    () =>
      new Promise<LensDebug>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => resolve((window as unknown as { __lens: LensDebug }).__lens)),
        ),
      ),
  );
}

/**
 * One browser and the fixture trace's panel for a test file: opened before its tests, closed after
 * them. The fields are set once `before` has run.
 */
export function fixturePanelPerFile(opts: Partial<ServeOptions> = {}): { browser: Browser; panel: OpenPanel } {
  const fx = {} as { browser: Browser; panel: OpenPanel };
  before(async () => {
    fx.browser = await launchBrowser();
    fx.panel = await openPanel(fx.browser, fixtureChunks(), opts);
  });
  after(async () => {
    await fx.panel?.close();
    await fx.browser?.close();
  });
  return fx;
}
