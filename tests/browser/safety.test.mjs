// Quick exit in a real browser: the header's button on every private page and
// Escape pressed twice leave for a neutral site and take the page out of the
// history; without JavaScript the button is a plain link, as the safety page
// says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phone, useHearth } from './browser.mjs';

const hearth = useHearth();
const NEUTRAL = 'https://www.wikipedia.org/';

// A phone whose requests to the neutral site are answered locally (the
// machine has no network); delay_ms holds that answer back.
async function phoneFor(person, options = {}, delay_ms = 0) {
  const p = await phone(hearth.browser, options);
  await p.context.route(`${NEUTRAL}**`, async (route) => {
    if (delay_ms) await new Promise((r) => setTimeout(r, delay_ms));
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Neutral</title>' });
  });
  await p.context.addCookies([{ name: 'hearth_session', value: person.session, url: hearth.server.url }]);
  return p;
}

// Ana, signed up through the form (alone): {session}. Made by the first test
// that needs her (the hooks of useHearth start the server and browser).
let signedUp;
const anaOnce = () => {
  signedUp ??= (async () => {
    const { context, page } = await phone(hearth.browser);
    await hearth.signUp(page, 'Ana', 'ana.safety@example.org');
    const session = (await context.cookies()).find((c) => c.name === 'hearth_session').value;
    await context.close();
    return { session };
  })();
  return signedUp;
};

const historyLength = (page) => page.evaluate(() => window.history.length);

test('the header\'s quick exit leaves at once, and Back skips the page it left', async () => {
  const { context, page } = await phoneFor(await anaOnce());
  await page.goto(`${hearth.server.url}/guides`);
  await page.goto(`${hearth.server.url}/account`);
  const before = await historyLength(page);
  const button = page.getByRole('banner').getByRole('link', { name: 'Quick exit' });
  assert.ok(await button.isVisible(), 'the button shows in the header');
  await button.click();
  await page.waitForURL(NEUTRAL);
  assert.equal(await historyLength(page), before, 'the page was replaced, not added to');
  await page.goBack();
  assert.equal(page.url(), `${hearth.server.url}/guides`, 'Back leads to the page before it');
  await context.close();
});

test('the page goes blank the moment quick exit is used, before the other site answers', async () => {
  const { context, page } = await phoneFor(await anaOnce(), {}, 800);
  await page.goto(`${hearth.server.url}/account`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).visibility), 'visible');
  // the click's handler runs at once; the other site answers 800 ms later
  const seen = await page.evaluate(() => {
    document.querySelector('.site-header [data-quick-exit]').click();
    return getComputedStyle(document.body).visibility;
  });
  assert.equal(seen, 'hidden');
  await page.waitForURL(NEUTRAL);
  await context.close();
});

test('Escape pressed twice within a second leaves, from anywhere on the page, and replaces the page', async () => {
  const { context, page } = await phoneFor(await anaOnce());
  await page.goto(`${hearth.server.url}/guides`);
  await page.goto(`${hearth.server.url}/account`);
  const before = await historyLength(page);
  // typing in a field: Escape still counts
  await page.getByLabel('Display name').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForURL(NEUTRAL);
  assert.equal(await historyLength(page), before);
  await page.goBack();
  assert.equal(page.url(), `${hearth.server.url}/guides`);
  await context.close();
});

test('one Escape, two more than a second apart, or a held Escape key do not leave', async () => {
  const { context, page } = await phoneFor(await anaOnce());
  await page.goto(`${hearth.server.url}/account`);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(1300);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  assert.equal(page.url(), `${hearth.server.url}/account`, 'two presses 1.3 s apart');
  await page.waitForTimeout(1300);
  // a held key repeats: the repeats are not a second press
  await page.keyboard.down('Escape');
  await page.keyboard.down('Escape');
  await page.keyboard.down('Escape');
  await page.keyboard.up('Escape');
  await page.waitForTimeout(300);
  assert.equal(page.url(), `${hearth.server.url}/account`, 'a held key');
  await page.waitForTimeout(1300);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForURL(NEUTRAL);
  await context.close();
});

test('Escape does nothing on a visitor\'s page without a quick-exit link', async () => {
  const { context, page } = await phone(hearth.browser);
  await page.goto(`${hearth.server.url}/guides`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  assert.equal(page.url(), `${hearth.server.url}/guides`);
  await context.close();
});

test('without JavaScript the quick exit is a plain link, and Back returns to the page, as the safety page says', async () => {
  const { context, page } = await phoneFor(await anaOnce(), { javaScriptEnabled: false });
  await page.goto(`${hearth.server.url}/safety`);
  assert.match(await page.textContent('main'), /If JavaScript is turned off in your browser, Quick exit is an ordinary link and Esc does nothing: Back returns to the Hearth page you left\./);
  await page.goto(`${hearth.server.url}/account`);
  const before = await historyLength(page);
  await page.getByRole('banner').getByRole('link', { name: 'Quick exit' }).click();
  await page.waitForURL(NEUTRAL);
  assert.equal(await historyLength(page), before + 1, 'a plain link adds to the history');
  await page.goBack();
  assert.equal(page.url(), `${hearth.server.url}/account`);
  await context.close();
});
