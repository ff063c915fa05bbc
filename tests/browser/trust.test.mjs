// A weekly State of Us in two browsers: each writes privately, the notes open
// when both have, one turns the other's wish into a promise, and a promise is
// kept and thanked. Screenshots in light and dark at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

async function write(page, who) {
  await page.goto(`${hearth.server.url}/trust/state-of-us`);
  await page.getByLabel('First', { exact: true }).fill(`${who}: thank you for making Tuesday easy`);
  await page.getByLabel('Second', { exact: true }).fill(`${who}: for fixing my bike chain`);
  await page.getByLabel('Third', { exact: true }).fill(`${who}: for the note in my bag`);
  await page.getByLabel(/what went well/i).fill(`${who}: we ate together four nights`);
  await page.getByLabel('I feel', { exact: true }).fill('a bit stretched');
  await page.getByLabel('about', { exact: true }).fill('the weekend plans');
  await page.getByLabel('I need', { exact: true }).fill('one free morning');
  await page.getByLabel(/feel loved this week/i).fill(`${who} would love breakfast in bed`);
  await page.getByRole('button', { name: /save mine/i }).click();
  await page.waitForURL(/\/trust\/state-of-us$/);
}

test('a weekly State of Us, written apart and read together, and a promise kept', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser, { colorScheme: 'dark' });
  await hearth.signUp(ana.page, 'Ana', 'ana.trust@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.trust@example.org');
  await hearth.pairUp(ana.page, bo.page);

  await write(ana.page, 'Ana');
  assert.match(await ana.page.textContent('main'), /opens for both of you when Bo writes too/);
  await bo.page.goto(`${hearth.server.url}/trust/state-of-us`);
  assert.match(await bo.page.textContent('main'), /Ana has written/);
  assert.doesNotMatch(await bo.page.textContent('main'), /fixing my bike chain/);
  await write(bo.page, 'Bo');
  // Ana's open page opens by itself
  await ana.page.getByRole('heading', { name: /appreciations, in turn/i }).waitFor({ timeout: 2000 });
  const meeting = await ana.page.textContent('main');
  assert.match(meeting, /Bo: for fixing my bike chain/);
  assert.match(meeting, /When you listen/);
  await shot(ana.page, 'trust-meeting');
  await shot(bo.page, 'trust-meeting-dark');
  await ana.page.getByRole('button', { name: /make bo’s wish my promise/i }).click();
  await ana.page.waitForURL(/\/trust#promises$/);
  assert.match(await ana.page.textContent('main'), /I will make this happen for you this week: Bo would love breakfast in bed/);

  await ana.page.getByRole('button', { name: /kept it/i }).click();
  await bo.page.goto(`${hearth.server.url}/trust`);
  await bo.page.getByPlaceholder(/thank you for/i).fill('Best morning in ages');
  await bo.page.getByRole('button', { name: /thank them/i }).click();
  await ana.page.goto(`${hearth.server.url}/trust`);
  assert.match(await ana.page.textContent('main'), /Best morning in ages/);
  assert.match(await ana.page.textContent('main'), /You kept your one promise\./);
  await shot(ana.page, 'trust-light');
  await shot(bo.page, 'trust-dark');
  await ana.context.close();
  await bo.context.close();
});
