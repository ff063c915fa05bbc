// Launches Debian's Chromium through playwright-core, headless, with a fresh
// profile and without background networking (the machine has no network).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const outDir = resolve(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });

// playwright-core gives each launch a fresh, temporary profile directory.
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

// A phone-sized page in a fresh context (its own cookies).
export async function phone(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, ...options,
  });
  return { context, page: await context.newPage() };
}

export const shot = (page, name) =>
  page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
