// Drives the VS Code workbench in headless Chromium (playwright-core, Debian's chromium): the
// command palette, quick picks, the simple file dialog, and our webview's nested frames.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import { ROOT } from './codeServer';

/** Where screenshots of the end-to-end run are kept (gitignored). */
export const ARTIFACTS = join(ROOT, '.artifacts', 'e2e');

/** Launches headless Chromium with a fresh profile. */
export const launchBrowser = launchChromium;

/** Opens the workbench at `url` and waits until the editor area and status bar are up. */
export async function openWorkbench(browser: Browser, url: string, log: (s: string) => void): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: 90_000 });
  return page;
}

/**
 * Runs a command from the palette by its title. Retries while the extension host is still starting
 * and the command is not listed yet.
 */
export async function runCommand(page: Page, title: string, log: (s: string) => void): Promise<void> {
  const input = page.locator('.quick-input-widget input').first();
  for (let attempt = 1; attempt <= 20; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`);
      // Wait for the filtered list: before it updates, the focused row may be a recently used command.
      await page
        .locator('.quick-input-list .monaco-list-row.focused', { hasText: title })
        .first()
        .waitFor({ timeout: 3_000 });
      await page.keyboard.press('Enter');
      log(`command "${title}" (attempt ${attempt})`);
      return;
    } catch {
      await page.keyboard.press('Escape');
      // F1 goes nowhere while a webview holds the keyboard focus: give it back to the editor area.
      await page
        .locator('#workbench\\.parts\\.editor')
        .click({ position: { x: 200, y: 300 } })
        .catch(() => undefined);
      await page.waitForTimeout(1_000);
    }
  }
  throw new Error(`command "${title}" never appeared in the command palette`);
}

/** Picks the quick-pick row whose label contains `text`. */
export async function pickQuickItem(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** The active editor tab showing `name` in any editor group (our panel's tab, titled after the snippet, excluded). */
export function activeTab(page: Page, name: string): Locator {
  return page
    .locator('.tabs-container .tab.active', { hasText: name })
    .filter({ hasNotText: 'Concurrency Lens' })
    .first();
}

/** Opens a workspace file by clicking it in the Explorer (keyboard focus may sit inside a webview). */
export async function openFromExplorer(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await activeTab(page, name).waitFor({ timeout: 15_000 });
}

/** The value of the quick-input box once it has not changed for `quietMs`. */
async function settledInput(page: Page, quietMs = 600): Promise<string> {
  const read = () =>
    page.evaluate(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ?? '');
  let last = await read();
  let since = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() - since < quietMs || last === '') {
    if (Date.now() > deadline) throw new Error('the file dialog never settled on a path');
    await page.waitForTimeout(100);
    const now = await read();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

/**
 * Answers VS Code's simple (in-workbench) file dialog: with `file` if given, else with the path the
 * dialog proposes. Returns the path that was submitted.
 */
export async function answerFileDialog(page: Page, file?: string): Promise<string> {
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // The dialog fills in its proposal asynchronously, in steps; anything typed before it settles is overwritten.
  let value = await settledInput(page);
  if (file !== undefined) {
    await input.fill(file);
    value = await settledInput(page, 300);
    if (value !== file) throw new Error(`the file dialog shows ${value}, not ${file}`);
  }
  await page.keyboard.press('Enter');
  // "File exists, overwrite?" and similar confirmations.
  const ok = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(OK|Replace|Overwrite)$/ });
  if (await ok.count().catch(() => 0)) await ok.first().click();
  return value;
}

/** The document inside our webview (VS Code nests it: outer iframe → `#active-frame`). */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Saves a screenshot under `.artifacts/e2e/`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
