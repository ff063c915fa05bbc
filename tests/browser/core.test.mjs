// The landing page in a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('the landing page renders with its stylesheet and links, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page } = await phone(hearth.browser, { colorScheme: scheme });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const res = await page.goto(hearth.server.url + '/');
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
