// Listen in two browsers: a conversation in writing through one swap, each
// step reaching the other's open page by itself; then a conversation
// together on one page, with the timer and "did you feel understood?".
// Screenshots in light and dark at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('a conversation in writing through one swap, live on both phones; then one together', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser, { colorScheme: 'dark' });
  await hearth.signUp(ana.page, 'Ana', 'ana.listen@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.listen@example.org');
  await hearth.pairUp(ana.page, bo.page);

  // Ana picks a topic from the list and starts in writing
  await ana.page.goto(`${hearth.server.url}/listen`);
  await ana.page.getByText('Everyday friction').click();
  const topic = ana.page.locator('details[open] .topic-list a').first();
  const title = await topic.textContent();
  await topic.click();
  assert.equal(await ana.page.getByLabel(/what would you like to talk about/i).inputValue(), title);
  await ana.page.getByLabel(/in writing/i).check();
  await ana.page.getByRole('button', { name: 'Start' }).click();
  await ana.page.waitForURL(/\/listen\/sessions\/\d+$/);
  const session = ana.page.url();

  await bo.page.goto(session);
  assert.match(await bo.page.textContent('main'), /Ana is writing/);
  await ana.page.getByLabel('What you want to say').fill('When the dishes wait until morning, I start the day tired.');
  await ana.page.getByRole('button', { name: /send to bo/i }).click();
  // Bo's open page moves on by itself
  await bo.page.getByLabel('What you hear').waitFor({ timeout: 2000 });
  assert.match(await bo.page.textContent('main'), /dishes wait until morning/);
  await bo.page.getByLabel('What you hear').fill('What I hear is that mornings start heavy when the kitchen is full.');
  await bo.page.getByText('Sad', { exact: true }).click();
  const feeling = bo.page.locator('details[open] .chip-choice').first();
  const word = (await feeling.textContent()).trim();
  await feeling.click();
  await bo.page.getByRole('button', { name: /send my reflection/i }).click();
  await ana.page.locator('legend', { hasText: 'Did you feel understood?' }).waitFor({ timeout: 2000 });
  assert.ok((await ana.page.locator('.steps .chip').allTextContents()).includes(word), 'the feeling picked');
  await ana.page.getByLabel('Understood', { exact: true }).check();
  await ana.page.getByRole('button', { name: 'Send', exact: true }).click();
  await shot(ana.page, 'listen-writing');

  // Bo takes the floor; the roles turn round on both phones
  await bo.page.getByRole('button', { name: /take the floor/i }).waitFor({ timeout: 2000 });
  await bo.page.getByRole('button', { name: /take the floor/i }).click();
  await bo.page.getByLabel('What you want to say').fill('I leave them because I am done in by nine.');
  await bo.page.getByRole('button', { name: /send to ana/i }).click();
  await ana.page.getByLabel('What you hear').waitFor({ timeout: 2000 });
  await ana.page.getByLabel('What you hear').fill('It sounds like you feel worn out by evening.');
  await ana.page.getByRole('button', { name: /send my reflection/i }).click();
  await bo.page.getByLabel('Not yet', { exact: true }).waitFor({ timeout: 2000 });
  await bo.page.getByLabel('Not yet', { exact: true }).check();
  await bo.page.getByLabel(/what i also meant/i).fill('More that I would like us to do them together.');
  await bo.page.getByRole('button', { name: 'Send', exact: true }).click();
  await ana.page.getByText(/one more round/i).waitFor({ timeout: 2000 });
  await shot(bo.page, 'listen-writing-dark');
  await ana.page.getByRole('button', { name: /end the conversation/i }).click();
  assert.match(await ana.page.textContent('main'), /This conversation has ended/);

  // together, on Ana's phone
  await ana.page.goto(`${hearth.server.url}/listen`);
  await ana.page.getByLabel(/what would you like to talk about/i).fill('Planning the summer');
  await ana.page.getByLabel(/together, on this phone/i).check();
  await ana.page.getByRole('button', { name: 'Start' }).click();
  await ana.page.getByText('You hold the floor', { exact: false }).waitFor();
  await ana.page.getByRole('button', { name: /start the timer/i }).click();
  await ana.page.getByText(/left for this turn/).waitFor();
  await shot(ana.page, 'listen-together');
  await ana.page.getByRole('button', { name: 'Partly' }).click();
  assert.match(await ana.page.textContent('main'), /One more round/);
  await ana.page.getByRole('button', { name: 'Yes' }).click();
  await ana.page.getByRole('button', { name: /pass the floor to bo/i }).click();
  assert.match(await ana.page.textContent('main'), /Bo holds the floor/);
  await ana.page.getByRole('button', { name: /end the conversation/i }).click();
  await ana.page.goto(`${hearth.server.url}/listen`);
  assert.match(await ana.page.textContent('main'), /You have held 2 conversations\. 1 of 3 reflections were understood at the first try\./);
  await shot(ana.page, 'listen-light');
  await ana.context.close();
  await bo.context.close();
});
