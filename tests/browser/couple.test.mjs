// Two people in two separate browsers: sign up, pair with the code, see their
// home, and one leaves alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

test('two partners sign up, pair with a code, see Us, and either can leave alone', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser);
  await hearth.signUp(ana.page, 'Ana', 'ana@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo@example.org');

  await ana.page.getByRole('button', { name: /make an invite/i }).click();
  const code = (await ana.page.locator('[data-invite-code]').textContent()).trim();
  assert.match(code, /^[A-HJ-KM-NP-Z2-9]{8}$/);
  assert.ok(await ana.page.locator('svg.qr').isVisible(), 'the QR code shows');
  await shot(ana.page, 'pair');

  await bo.page.getByRole('link', { name: /enter their code/i }).click();
  await bo.page.getByLabel(/partner's code/i).fill(code.toLowerCase().replace(/(....)/, '$1-'));
  await bo.page.getByRole('button', { name: /^join$/i }).click();
  await bo.page.waitForURL(/\/us$/);
  assert.match(await bo.page.locator('h1').textContent(), /Bo & Ana/);

  await ana.page.goto(hearth.server.url + '/us');
  assert.match(await ana.page.locator('h1').textContent(), /Ana & Bo/);
  await shot(ana.page, 'us');

  await bo.page.goto(hearth.server.url + '/couple/leave');
  assert.match(await bo.page.textContent('main'), /gets no message/);
  await bo.page.getByLabel(/password/i).fill('sunflower-river-42');
  await bo.page.getByRole('button', { name: /leave now/i }).click();
  await bo.page.waitForURL(/\/pair\?left=1$/);
  assert.match(await bo.page.textContent('main'), /You have left your couple/);

  await ana.page.goto(hearth.server.url + '/us');
  await ana.page.waitForURL(/\/pair$/);
  assert.doesNotMatch(await ana.page.textContent('main'), /left/i, 'no message for the partner');
  await ana.context.close();
  await bo.context.close();
});

test('quick exit replaces the page in the history', async () => {
  const { context, page } = await phone(hearth.browser);
  await context.route('https://www.wikipedia.org/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Neutral</title>' }));
  await page.goto(hearth.server.url + '/');
  await page.goto(hearth.server.url + '/safety');
  await page.getByRole('link', { name: /quick exit/i }).click();
  await page.waitForURL('https://www.wikipedia.org/');
  await page.goBack();
  assert.equal(page.url(), hearth.server.url + '/', 'back skips the safety page');
  await context.close();
});
