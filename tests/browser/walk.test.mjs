// Two new people, on phones, from an invite link to their third day: a missed
// day found from Us, a swap while the other is typing, a written deep-dive
// evening both finish at their own pace, and a quick exit. Screenshots in
// light and dark along the way (tests/browser/out/walk-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, phone, shot } from './browser.mjs';
import { startServer } from '../http/server.mjs';

const DAY = 86_400_000;
let server;
let chrome;
let clockDir;
let clockFile;
let offset = 0;
let stamp = 1_700_000_000;

function advance(ms) {
  offset += ms;
  writeFileSync(clockFile, `${offset}\n`);
  stamp += 1; // a new mtime, so the server reads the file again
  utimesSync(clockFile, stamp, stamp);
}

before(async () => {
  clockDir = mkdtempSync(join(tmpdir(), 'hearth-walk-'));
  clockFile = join(clockDir, 'offset');
  advance(0);
  server = await startServer({ env: { HEARTH_CLOCK_FILE: clockFile } });
  // noon UTC, so a day's steps never cross midnight
  const now = new Date();
  const noon = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 12);
  advance(noon - Date.now());
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  assert.equal((await server.stop()).code, 0);
  rmSync(clockDir, { recursive: true, force: true });
});

async function signUp(page, name, email) {
  await page.getByLabel(/your name/i).fill(name);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill('sunflower-river-42');
  await page.getByRole('button', { name: /sign up/i }).click();
}

// Answers the question shown on page: in writing, the dive's form.
async function answer(page, text) {
  await page.getByLabel(/^your answer/i).fill(text);
  await page.getByRole('button', { name: /save/i }).click();
}

test('from an invite link to the third day, on two phones', async () => {
  const url = server.url;
  const ana = await phone(chrome.browser);
  const bo = await phone(chrome.browser, { colorScheme: 'dark' });

  // ---- day 1: the invite link, for someone without an account ----
  await ana.page.goto(`${url}/signup`);
  await signUp(ana.page, 'Ana', 'ana.walk@example.org');
  await ana.page.waitForURL(/\/pair$/);
  await ana.page.getByRole('button', { name: /make an invite/i }).click();
  const link = await ana.page.locator('.invite-link a').getAttribute('href');
  await shot(ana.page, 'walk-invite');

  await bo.page.goto(link);
  await bo.page.waitForURL(/\/signup\?next=/);
  assert.match(await bo.page.textContent('main'), /Your partner invited you/);
  await signUp(bo.page, 'Bo', 'bo.walk@example.org');
  await bo.page.waitForURL(/\/pair\/join\?code=/);
  assert.match(await bo.page.textContent('main'), /Ana invited you/);
  await shot(bo.page, 'walk-join-dark');
  await bo.page.getByRole('button', { name: /join ana/i }).click();
  await bo.page.waitForURL(/\/us$/);
  await ana.page.waitForURL(/\/us$/, { timeout: 2000 }); // by itself

  // Ana answers day 1; Bo does not
  await ana.page.goto(`${url}/share`);
  const day1 = (await ana.page.locator('h1.question').textContent()).trim();
  await answer(ana.page, 'The smell of bread on Saturday mornings.');
  await ana.page.waitForURL(/\/share$/);

  // ---- day 2: the missed day, found from Us ----
  advance(DAY);
  await bo.page.goto(`${url}/us`);
  const waiting = bo.page.locator('.waiting-list a', { hasText: /Ana answered the question of/ });
  await shot(bo.page, 'walk-us-waiting-dark');
  await waiting.click();
  await bo.page.waitForURL(/\/share\/\d{4}-\d\d-\d\d$/);
  assert.equal((await bo.page.locator('h1.question').textContent()).trim(), day1);
  await answer(bo.page, 'Climbing the plum tree at my aunt’s.');
  await bo.page.locator('#answers', { hasText: 'smell of bread' }).waitFor();
  await bo.page.goto(`${url}/us`);
  assert.equal(await bo.page.locator('.waiting-list').count(), 0, 'nothing waits any more');

  // a swap while the other types
  await ana.page.goto(`${url}/share`);
  await bo.page.goto(`${url}/share`);
  const before = (await ana.page.locator('h1.question').textContent()).trim();
  await ana.page.getByLabel(/^your answer/i).fill('Half a thought about');
  await bo.page.getByRole('button', { name: /swap it for another/i }).click();
  await bo.page.waitForURL(/\/share$/);
  // Ana's page shows the new question by itself, her words untouched
  await ana.page.locator('h1.question').filter({ hasNotText: before }).waitFor({ timeout: 2000 });
  assert.equal(await ana.page.getByLabel(/^your answer/i).inputValue(), 'Half a thought about');
  await ana.page.getByRole('button', { name: /save my answer/i }).click();
  assert.match(await ana.page.textContent('main'), /The question was swapped while you were writing/);
  assert.equal(await ana.page.getByLabel(/^your answer/i).inputValue(), 'Half a thought about');
  await shot(ana.page, 'walk-swapped');
  await answer(ana.page, 'Half a thought about the new question, finished.');
  assert.doesNotMatch(await ana.page.textContent('main'), /swapped/);

  // ---- day 3: a deep-dive evening in writing, each at their own pace ----
  advance(DAY);
  await ana.page.goto(`${url}/share/deep-dive`);
  await ana.page.getByLabel(/in writing/i).check();
  await ana.page.getByRole('button', { name: /start the evening/i }).click();
  for (let n = 1; n <= 36; n++) await answer(ana.page, `Ana on question ${n}`);
  assert.match(await ana.page.textContent('main'), /You have answered all 36 questions/);
  await bo.page.goto(`${url}/share/deep-dive`);
  for (let n = 1; n <= 35; n++) await answer(bo.page, `Bo on question ${n}`);
  await shot(bo.page, 'walk-dive-dark');
  await answer(bo.page, 'Bo on question 36');
  await bo.page.waitForURL(/finished=1/);
  await bo.page.locator('.evening-list a').first().click();
  const evening = await bo.page.textContent('main');
  assert.match(evening, /Ana on question 36/);
  assert.match(evening, /Bo on question 36/);
  await shot(bo.page, 'walk-evening-dark');

  // ---- a quick exit ----
  await ana.context.route('https://www.wikipedia.org/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Neutral</title>' }));
  await ana.page.goto(`${url}/us`);
  await ana.page.locator('[data-quick-exit]').first().click();
  await ana.page.waitForURL('https://www.wikipedia.org/');
  await ana.context.close();
  await bo.context.close();
});
