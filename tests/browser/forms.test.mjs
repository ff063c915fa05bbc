// Forms in a real browser: a form that comes back with errors (focus on its
// summary, whose links lead to the fields; without JavaScript the title says
// so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('a form that comes back with errors puts focus on its summary, whose links lead to the fields', async () => {
  const { context, page } = await phone(hearth.browser);
  await page.goto(`${hearth.server.url}/signup`);
  await page.getByLabel(/email/i).fill('not an email');
  await page.getByLabel(/password/i).fill('short');
  await page.getByRole('button', { name: /sign up/i }).click();
  await page.waitForLoadState();
  assert.match(await page.title(), /^Error: Sign up$/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  const links = page.locator('.error-summary a');
  assert.equal(await links.count(), 3);
  await shot(page, 'signup-errors');
  await page.getByRole('link', { name: /email address like/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  assert.equal(await page.getByLabel(/email/i).getAttribute('aria-invalid'), 'true');
  await context.close();
});
