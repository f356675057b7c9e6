// Debian's Chromium driven by playwright-core (Playwright cannot download browsers here).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium` (installed by `.ci/run`). */
export const chromiumPath = (): string | undefined => {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
};

/**
 * Launches headless Chromium with a fresh profile (Playwright makes a new user-data-dir per launch).
 * The flags keep it off the network: this machine refuses outside connections, and Chromium's
 * background services would otherwise keep trying.
 */
export const launchChromium = (executablePath: string): Promise<Browser> =>
  chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

/** Where screenshots go: `test-output/screenshots/<group>/<name>.png` (not committed). */
export const screenshot = async (page: Page, group: string, name: string): Promise<void> => {
  const path = join('test-output', 'screenshots', group, `${name}.png`);
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
};
