// Forms in a real browser: the sign-up's time zone with and without
// JavaScript, and a form that comes back with errors (focus on its summary,
// whose links lead to the fields; without JavaScript the title says so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

let seq = 0;
const email = (tag) => `${tag}${++seq}.${process.pid}@example.org`;

test('without JavaScript, sign-up asks for the time zone in a select, UTC chosen, kept when the form comes back', async () => {
  const { context, page } = await phone(hearth.browser, { javaScriptEnabled: false, timezoneId: 'Asia/Tokyo' });
  await page.goto(`${hearth.server.url}/signup`);
  const zone = page.getByLabel('Your time zone');
  assert.equal(await zone.evaluate((el) => el.tagName), 'SELECT');
  assert.equal(await zone.inputValue(), 'UTC');
  await shot(page, 'signup-nojs');
  await zone.selectOption('Pacific/Auckland');
  await page.getByLabel(/your name/i).fill('Kiri');
  await page.getByLabel(/email/i).fill(email('kiri'));
  await page.getByLabel(/password/i).fill('short');
  await page.getByRole('button', { name: /sign up/i }).click();
  await page.waitForLoadState();
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.locator('.error-summary').getAttribute('tabindex'), '-1');
  assert.equal(await zone.inputValue(), 'Pacific/Auckland', 'the choice is kept');
  assert.match(await page.locator('#password-error').textContent(), /at least 12 characters/);
  await page.getByLabel(/password/i).fill('sunflower-river-42');
  await page.getByRole('button', { name: /sign up/i }).click();
  await page.waitForURL(/\/pair$/);
  await page.goto(`${hearth.server.url}/account`);
  assert.equal(await page.getByLabel('Your time zone').inputValue(), 'Pacific/Auckland');
  await context.close();
});

test('with JavaScript, sign-up starts from the browser\'s time zone', async () => {
  for (const [browserZone, listed] of [['America/Sao_Paulo', 'America/Sao_Paulo'], ['Asia/Kolkata', 'Asia/Kolkata']]) {
    const { context, page } = await phone(hearth.browser, { timezoneId: browserZone });
    await page.goto(`${hearth.server.url}/signup`);
    assert.equal(await page.getByLabel('Your time zone').inputValue(), listed, browserZone);
    if (browserZone === 'America/Sao_Paulo') await shot(page, 'signup');
    await context.close();
  }
});

test('a form that comes back with errors puts focus on its summary, whose links lead to the fields', async () => {
  const { context, page } = await phone(hearth.browser, { timezoneId: 'Europe/Lisbon' });
  await page.goto(`${hearth.server.url}/signup`);
  await page.getByLabel(/email/i).fill('not an email');
  await page.getByLabel(/password/i).fill('short');
  await page.getByRole('button', { name: /sign up/i }).click();
  await page.waitForLoadState();
  assert.match(await page.title(), /^Error: Sign up$/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.equal(await page.getByLabel('Your time zone').inputValue(), 'Europe/Lisbon',
    'the zone the script chose was sent and is kept');
  const links = page.locator('.error-summary a');
  assert.equal(await links.count(), 3);
  await shot(page, 'signup-errors');
  await page.getByRole('link', { name: /email address like/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  assert.equal(await page.getByLabel(/email/i).getAttribute('aria-invalid'), 'true');
  await context.close();
});

test('the account page at phone size: one list of zones for both fields', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser);
  await hearth.signUp(ana.page, 'Ana', email('ana'));
  await hearth.signUp(bo.page, 'Bo', email('bo'));
  await hearth.pairUp(ana.page, bo.page);
  await ana.page.goto(`${hearth.server.url}/account`);
  assert.equal(await ana.page.locator('datalist').count(), 1);
  assert.equal(await ana.page.getByLabel('Your time zone').getAttribute('list'), 'time-zones');
  assert.equal(await ana.page.getByLabel('Your couple\'s time zone').getAttribute('list'), 'time-zones');
  assert.match(await ana.page.textContent('main'), /decides when a new day starts/);
  await shot(ana.page, 'account');

  await ana.page.getByLabel('Your couple\'s time zone').fill('Europe/Atlantis');
  await ana.page.getByRole('button', { name: /save couple's time zone/i }).click();
  await ana.page.waitForLoadState();
  assert.match(await ana.page.title(), /^Error: /);
  assert.equal(await ana.page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.equal(await ana.page.getByLabel('Your couple\'s time zone').inputValue(), 'Europe/Atlantis');
  await shot(ana.page, 'account-errors');
  await ana.context.close();
  await bo.context.close();
});
