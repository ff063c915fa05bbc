// Signals in two browsers: one sends a hug, the other sees it arrive on
// whatever page is open, without reloading, and can dismiss it. Screenshots
// of /signals in light and dark at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('a hug sent from one phone appears on the other without a reload', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser, { colorScheme: 'dark' });
  await hearth.signUp(ana.page, 'Ana', 'ana.signals@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.signals@example.org');
  await hearth.pairUp(ana.page, bo.page);

  await ana.page.goto(`${hearth.server.url}/account`); // any page will do
  await bo.page.goto(`${hearth.server.url}/signals`);
  await bo.page.getByLabel(/a few words/i).fill('Thinking of you on the bus');
  await bo.page.getByRole('button', { name: /^hug$/i }).click();
  await bo.page.waitForURL(/\/signals\?sent=1$/);

  const note = ana.page.locator('.announce-item');
  await note.waitFor({ timeout: 2000 });
  assert.match(await note.textContent(), /Bo sent you a hug/);
  assert.match(await note.textContent(), /Thinking of you on the bus/);
  assert.equal(await ana.page.locator('.announce[aria-live="polite"]').count(), 1);
  await shot(ana.page, 'signals-announce');
  await ana.page.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await note.count(), 0);
  // nothing comes back to the sender
  await bo.page.waitForTimeout(500);
  assert.equal(await bo.page.locator('.announce-item').count(), 0);

  // a check-in, the loves, and the page in both schemes
  await ana.page.goto(`${hearth.server.url}/signals`);
  await ana.page.getByLabel('Good', { exact: true }).check();
  await ana.page.getByLabel('Steady', { exact: true }).check();
  await ana.page.getByLabel('Closeness', { exact: true }).check();
  await ana.page.getByRole('button', { name: /share how i am/i }).click();
  await ana.page.getByLabel('A hand to hold', { exact: true }).check();
  await ana.page.getByRole('button', { name: /^save$/i }).click();
  await bo.page.goto(`${hearth.server.url}/signals`);
  assert.match(await bo.page.textContent('main'), /Ana loves: a hand to hold/);
  assert.match(await bo.page.textContent('main'), /Mood: good/);
  await shot(ana.page, 'signals-light');
  await shot(bo.page, 'signals-dark');
  await ana.context.close();
  await bo.context.close();
});
