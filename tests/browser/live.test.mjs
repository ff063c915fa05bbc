// Pages that update themselves: what the partner does shows up on the other's
// open page within 2 s, without a reload, and never over what someone is
// typing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test("the inviter's open /pair page moves to Us when the partner joins", async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser);
  await hearth.signUp(ana.page, 'Ana', 'ana.live@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.live@example.org');
  await ana.page.getByRole('button', { name: /make an invite/i }).click();
  const code = (await ana.page.locator('[data-invite-code]').textContent()).trim();
  await bo.page.goto(`${hearth.server.url}/pair/join?code=${code}`);
  await bo.page.getByRole('button', { name: /^join/i }).click();
  await bo.page.waitForURL(/\/us$/);
  await ana.page.waitForURL(/\/us$/, { timeout: 2000 });
  assert.match(await ana.page.textContent('h1'), /Ana & Bo/);
  await ana.context.close();
  await bo.context.close();
});

test("a partner's answer and the reveal show up on the other's open page", async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser);
  await hearth.signUp(ana.page, 'Ana', 'ana.reveal@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.reveal@example.org');
  await hearth.pairUp(ana.page, bo.page);

  await ana.page.goto(`${hearth.server.url}/share`);
  await bo.page.goto(`${hearth.server.url}/share`);
  // Bo answers: Ana's open page says so, without a reload
  await bo.page.getByLabel(/your answer/i).fill('The lake at dawn.');
  await bo.page.getByRole('button', { name: /save my answer/i }).click();
  await ana.page.getByText(/Bo has answered/).waitFor({ timeout: 2000 });
  assert.doesNotMatch(await ana.page.textContent('main'), /lake at dawn/);

  // Ana answers: Bo's open page opens both answers
  await ana.page.getByLabel(/your answer/i).fill('Our first flat.');
  await ana.page.getByRole('button', { name: /save my answer/i }).click();
  await bo.page.locator('#answers', { hasText: 'Our first flat.' }).waitFor({ timeout: 2000 });
  await bo.page.getByLabel(/add to the conversation/i).waitFor({ timeout: 2000 });

  // Ana types a comment; Bo's comment arrives meanwhile and her words stay
  await ana.page.getByLabel(/add to the conversation/i).fill('I still have the key');
  await bo.page.getByLabel(/add to the conversation/i).fill('Remember the stairs?');
  await bo.page.getByRole('button', { name: /^send$/i }).click();
  await ana.page.waitForTimeout(1500);
  assert.equal(await ana.page.getByLabel(/add to the conversation/i).inputValue(), 'I still have the key');
  await ana.page.getByRole('button', { name: /^send$/i }).click();
  const talk = await ana.page.textContent('#talk');
  assert.match(talk, /Remember the stairs\?/);
  assert.match(talk, /I still have the key/);
  await shot(bo.page, 'share-live');
  await ana.context.close();
  await bo.context.close();
});

test('a hidden tab closes its stream and catches up when shown again', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser);
  await hearth.signUp(ana.page, 'Ana', 'ana.hidden@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.hidden@example.org');
  await hearth.pairUp(ana.page, bo.page);
  await ana.page.goto(`${hearth.server.url}/us`);
  await ana.page.waitForTimeout(300);
  const open = async () => (await fetch(`${hearth.server.url}/healthz`)).ok; // the server is up
  assert.ok(await open());
  // hide the tab: the page closes its stream
  await ana.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await bo.page.goto(`${hearth.server.url}/share`);
  await bo.page.getByLabel(/your answer/i).fill('Hidden meanwhile.');
  await bo.page.getByRole('button', { name: /save my answer/i }).click();
  await ana.page.waitForTimeout(1000);
  assert.doesNotMatch(await ana.page.textContent('main'), /Bo has answered/, 'no update while hidden');
  // shown again: one refresh brings it up to date
  await ana.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await ana.page.getByText(/Bo has answered/).waitFor({ timeout: 2000 });
  await ana.context.close();
  await bo.context.close();
});
