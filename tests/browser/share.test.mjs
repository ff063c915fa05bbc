// Both partners answer the daily question in their own browsers; each sees
// the other's answer only after both have answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('both partners answer and see the reveal', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser);
  await hearth.signUp(ana.page, 'Ana', 'ana@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo@example.org');
  await hearth.pairUp(ana.page, bo.page);

  await ana.page.goto(hearth.server.url + '/us');
  await ana.page.getByRole('link', { name: /answer it/i }).click();
  const question = (await ana.page.locator('h1.question').textContent()).trim();
  await ana.page.getByLabel(/your answer/i).fill('The smell of rain on the walk to school.');
  await ana.page.getByRole('button', { name: /save my answer/i }).click();
  await ana.page.waitForURL(/\/share$/);
  assert.match(await ana.page.textContent('main'), /private/);

  await bo.page.goto(hearth.server.url + '/share');
  assert.equal((await bo.page.locator('h1.question').textContent()).trim(), question);
  const before = await bo.page.textContent('main');
  assert.match(before, /Ana has answered/);
  assert.doesNotMatch(before, /smell of rain/, 'nothing of Ana\'s answer before Bo answers');
  await bo.page.getByLabel(/your answer/i).fill('Sunday pancakes with my grandmother.');
  await bo.page.getByRole('button', { name: /save my answer/i }).click();
  await bo.page.waitForURL(/\/share$/);
  assert.match(await bo.page.textContent('#answers'), /smell of rain/);
  await bo.page.getByRole('button', { name: /tell me more/i }).click();
  await bo.page.getByLabel(/add to the conversation/i).fill('Tell me about that walk tonight?');
  await bo.page.getByRole('button', { name: /^send$/i }).click();

  await ana.page.goto(hearth.server.url + '/share');
  const revealed = await ana.page.textContent('main');
  assert.match(revealed, /Sunday pancakes/);
  assert.match(revealed, /Tell me about that walk tonight\?/);
  await shot(ana.page, 'share-revealed');
  await ana.context.close();
  await bo.context.close();
});
