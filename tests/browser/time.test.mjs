// Time together in two browsers: a ritual from a suggestion in one tap, an
// occurrence logged, time together started on one phone and seen (and
// joined) on the other without a reload. Screenshots in light and dark at
// 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('a ritual from a suggestion, an occurrence logged, and time together seen live', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser, { colorScheme: 'dark' });
  await hearth.signUp(ana.page, 'Ana', 'ana.time@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.time@example.org');
  await hearth.pairUp(ana.page, bo.page);

  await ana.page.goto(`${hearth.server.url}/time`);
  await ana.page.getByRole('button', { name: /add “six-second kiss hello”/i }).click();
  await ana.page.waitForURL(/\/time#rituals$/);
  assert.match(await ana.page.locator('.ritual-list').textContent(), /Six-second kiss hello/);
  assert.match(await ana.page.locator('#calendar').textContent(), /Today, .*18:00/);

  // log today's: it happened, and it felt close
  const today = ana.page.locator('.occurrence', { hasText: 'Six-second kiss hello' }).first();
  await today.getByRole('link', { name: 'Move or log it' }).click();
  await ana.page.waitForURL(/\/occurrences\/\d{4}-\d\d-\d\d$/);
  await ana.page.getByLabel('It happened').check();
  await ana.page.getByLabel('5', { exact: true }).check();
  await ana.page.getByLabel(/a note/i).fill('Right at the door');
  await ana.page.getByRole('button', { name: 'Save' }).click();
  await ana.page.waitForURL(/\/time#calendar$/);
  assert.match(await ana.page.locator('.ritual-list').textContent(), /Together once so far/);

  // time together: Ana starts, Bo's open page shows it by itself
  await bo.page.goto(`${hearth.server.url}/time`);
  await ana.page.getByRole('button', { name: /start time together/i }).click();
  await ana.page.waitForURL(/\/time\/together$/);
  await bo.page.getByRole('button', { name: /join ana/i }).waitFor({ timeout: 2000 });
  await bo.page.getByRole('button', { name: /join ana/i }).click();
  await bo.page.waitForURL(/\/time\/together$/);
  assert.match(await bo.page.textContent('main'), /since \d\d:\d\d/);
  await shot(bo.page, 'time-together-dark');
  await bo.page.getByRole('button', { name: /we are done/i }).click();

  // an idea, picked at random
  await ana.page.goto(`${hearth.server.url}/time#ideas`);
  await ana.page.getByLabel('Pick one for us').selectOption('far-apart');
  await ana.page.getByRole('button', { name: /pick at random/i }).click();
  assert.match(await ana.page.locator('#ideas [role="status"]').textContent(), /Far apart/);
  await shot(ana.page, 'time-light');
  await ana.context.close();
  await bo.context.close();
});
