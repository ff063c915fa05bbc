// The landing page in a real browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../http/server.mjs';
import { launch, phone, shot } from './browser.mjs';

let server;
let chrome;
before(async () => {
  server = await startServer();
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  assert.equal((await server.stop()).code, 0);
});

test('the landing page renders with its stylesheet and links, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page } = await phone(chrome.browser, { colorScheme: scheme });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const res = await page.goto(server.url + '/');
    assert.equal(res.status(), 200);
    await assert.doesNotReject(page.getByRole('link', { name: /start together/i }).first().waitFor());
    assert.ok(await page.getByRole('link', { name: /log in/i }).first().isVisible());
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the stylesheet applied');
    assert.deepEqual(errors, [], 'no console errors (CSP included)');
    await shot(page, `landing-${scheme}`);
    await context.close();
  }
});
