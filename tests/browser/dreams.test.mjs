// Dreams in two browsers: a dream shared and answered; both rank their
// values on their own, and the comparison opens for both when the second
// has ranked. Screenshots in light and dark at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

async function rank(page, labels) {
  await page.goto(`${hearth.server.url}/dreams/values`);
  for (const [i, label] of labels.entries()) {
    await page.locator(`#rank_${i + 1}`).selectOption({ label });
  }
  await page.getByRole('button', { name: /save my ranking/i }).click();
  await page.waitForURL(/\/dreams\/values$/);
}

test('a dream shared and answered; values ranked apart and compared together', async () => {
  const ana = await phone(hearth.browser);
  const bo = await phone(hearth.browser, { colorScheme: 'dark' });
  await hearth.signUp(ana.page, 'Ana', 'ana.dreams@example.org');
  await hearth.signUp(bo.page, 'Bo', 'bo.dreams@example.org');
  await hearth.pairUp(ana.page, bo.page);

  await ana.page.goto(`${hearth.server.url}/dreams`);
  await ana.page.getByLabel('Your dream').fill('A small boat on the lake');
  await ana.page.getByLabel(/share it with bo now/i).check();
  await ana.page.getByRole('button', { name: /keep this dream/i }).click();
  await bo.page.goto(`${hearth.server.url}/dreams`);
  await bo.page.getByLabel('How I can support this').fill('I will learn to row');
  await bo.page.getByRole('button', { name: 'Send' }).click();
  await ana.page.reload();
  assert.match(await ana.page.locator('.dream').first().textContent(), /I will learn to row/);

  const labels = await ana.page.evaluate(async () => (await (await fetch('/api/v1/dreams/values')).json()).values.map((v) => v.label));
  await rank(ana.page, labels.slice(0, 10));
  assert.match(await ana.page.textContent('main'), /Yours is saved and private/);
  await bo.page.goto(`${hearth.server.url}/dreams/values`);
  assert.match(await bo.page.textContent('main'), /Ana has ranked theirs/);
  await rank(bo.page, [...labels.slice(0, 4), ...labels.slice(30, 36)]);
  // Ana's open page opens by itself
  await ana.page.getByRole('heading', { name: 'Values you share' }).waitFor({ timeout: 2000 });
  assert.match(await ana.page.textContent('main'), /You both chose 4 of your ten/);
  await shot(ana.page, 'dreams-values');
  await shot(bo.page, 'dreams-values-dark');
  await ana.page.goto(`${hearth.server.url}/dreams`);
  await shot(ana.page, 'dreams-light');
  await ana.context.close();
  await bo.context.close();
});
