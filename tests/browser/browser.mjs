// Launches Debian's Chromium through playwright-core, headless, with a fresh
// profile and without background networking (the machine has no network).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { here, startServer } from '../http/server.mjs';

export const outDir = resolve(here(import.meta.url), 'out');
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

// One server and one browser for a test file: registers the hooks that start
// and stop them, and checks the server exits cleanly. Use hearth.server and
// hearth.browser inside tests.
export function useHearth() {
  const hearth = {
    server: null,
    chrome: null,
    get browser() { return this.chrome.browser; },
    // Signs up through the form and lands on /pair.
    async signUp(page, name, email) {
      await page.goto(`${this.server.url}/signup`);
      await page.getByLabel(/your name/i).fill(name);
      await page.getByLabel(/email/i).fill(email);
      await page.getByLabel(/password/i).fill('sunflower-river-42');
      await page.getByRole('button', { name: /sign up/i }).click();
      await page.waitForURL(/\/pair$/);
    },
    // inviter (on /pair) makes an invite; joiner joins with its link; both
    // end on /us.
    async pairUp(inviter, joiner) {
      await inviter.getByRole('button', { name: /make an invite/i }).click();
      const code = (await inviter.locator('[data-invite-code]').textContent()).trim();
      await joiner.goto(`${this.server.url}/pair/join?code=${code}`);
      await joiner.getByRole('button', { name: /^join/i }).click();
      await joiner.waitForURL(/\/us$/);
      await inviter.waitForURL(/\/us$/); // the inviter's page follows by itself
    },
  };
  before(async () => {
    hearth.server = await startServer();
    hearth.chrome = await launch();
  });
  after(async () => {
    await hearth.chrome?.close();
    assert.equal((await hearth.server.stop()).code, 0);
  });
  return hearth;
}
