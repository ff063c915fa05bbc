// Guides in a real browser: a reader without JavaScript comments on an
// article, an operator approves and answers it from /admin/comments, and a
// new reader sees the conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../http/server.mjs';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();

const slug = 'listen-so-your-partner-feels-understood';
const title = 'Listen so your partner feels understood';

// A phone-sized reader with JavaScript turned off.
const reader = () => phone(hearth.browser, { javaScriptEnabled: false });

async function signUpOperator(page, name, email) {
  await hearth.signUp(page, name, email);
  const granted = run(['admin', 'grant', email, '--db', hearth.server.db]);
  assert.equal(granted.status, 0, granted.stderr);
}

test('without JavaScript, a form with a mistake comes back with the message next to the field and the text kept', async () => {
  const { context, page } = await reader();
  await page.goto(`${hearth.server.url}/guides/${slug}`);
  const comment = page.getByRole('textbox', { name: 'Comment' });
  await comment.fill('A thought I do not want to lose.');
  await page.getByRole('textbox', { name: 'Name' }).fill('Robin');
  await page.getByRole('textbox', { name: 'Email' }).fill('not an email');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.waitForURL(/\/comments#respond$/);
  assert.equal(await comment.inputValue(), 'A thought I do not want to lose.');
  const email = page.getByRole('textbox', { name: 'Email' });
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#email-error').textContent(), /email address like name@example\.org/);
  assert.equal(await email.getAttribute('aria-describedby'), 'email-error');
  assert.ok(await page.locator('.error-summary').isVisible(), 'the error summary shows');
  assert.match(await page.title(), /^Error: /, 'the title says so, without JavaScript');
  const trap = await page.locator('.field:has(#website)').boundingBox();
  assert.ok(trap.width <= 1 && trap.height <= 1, 'the honeypot takes no room');
  assert.equal(await page.getByRole('textbox', { name: /leave this field/i }).count(), 0,
    'the honeypot is hidden from assistive technology');
  assert.equal(await page.locator('#website').getAttribute('tabindex'), '-1');
  await context.close();
});

test('a reader comments without JavaScript, an operator approves and answers it, and a new reader sees both', async () => {
  // the reader: opens the guide, reads for more than 3 seconds, comments
  const first = await reader();
  await first.page.goto(`${hearth.server.url}/guides/${slug}`);
  const openedAt = Date.now();
  assert.equal(await first.page.locator('h1').textContent(), title);
  await first.page.getByRole('textbox', { name: 'Comment' })
    .fill('We tried the speaker and listener turns last night.\n\nIt felt slow at first, then it helped a lot.');
  await first.page.getByRole('textbox', { name: 'Name' }).fill('Sam');
  await first.page.getByRole('textbox', { name: 'Email' }).fill('sam.reader@example.org');
  await first.page.waitForTimeout(Math.max(0, 3300 - (Date.now() - openedAt)));
  await first.page.getByRole('button', { name: 'Post comment' }).click();
  await first.page.waitForURL(/\?posted=pending#comment-\d+$/);
  const id = first.page.url().match(/#comment-(\d+)$/)[1];
  assert.match(await first.page.getByRole('status').textContent(), /Your comment is awaiting moderation\./);
  const mine = first.page.locator(`#comment-${id}`);
  assert.match(await mine.textContent(), /awaiting moderation/);
  assert.match(await mine.textContent(), /We tried the speaker and listener turns/);
  assert.ok(!(await first.page.content()).includes('sam.reader@example.org'), 'the email is not shown');

  // the operator: signs up, is granted, approves and answers from /admin/comments
  const admin = await phone(hearth.browser);
  await signUpOperator(admin.page, 'Olive Operator', 'olive.operator@example.org');
  await admin.page.goto(`${hearth.server.url}/admin/comments`);
  const item = admin.page.locator(`#c${id}`);
  assert.match(await item.textContent(), /Sam <sam\.reader@example\.org>/);
  assert.match(await item.textContent(), new RegExp(title));
  assert.ok(await admin.page.locator('#pending ~ ol.moderation').first().locator(`#c${id}`).isVisible());
  await shot(admin.page, 'moderation');
  await item.getByRole('button', { name: 'Approve' }).click();
  await admin.page.waitForURL(/\/admin\/comments$/);
  const approved = admin.page.locator(`#c${id}`);
  assert.match(await admin.page.locator('#approved ~ ol.moderation').first().textContent(), /speaker and listener/);
  await approved.locator('summary', { hasText: 'Reply as the site' }).click();
  await approved.getByLabel('Reply').fill('Thank you, Sam. Slow is fine: it gets quicker with practice.');
  await approved.getByRole('button', { name: 'Publish reply' }).click();
  await admin.page.waitForURL(/\/admin\/comments$/);

  // a new reader, in a fresh browser, sees the comment and the site's answer
  const second = await reader();
  await second.page.goto(`${hearth.server.url}/guides/${slug}`);
  const comment = second.page.locator(`#comment-${id}`);
  assert.ok(await comment.isVisible(), 'the approved comment is shown');
  assert.match(await comment.textContent(), /Sam/);
  assert.doesNotMatch(await comment.textContent(), /awaiting moderation/);
  assert.equal(await comment.locator('.comment-body p').count(), 2, 'two paragraphs');
  const answer = second.page.locator('li.comment.depth-1').filter({ hasText: 'Slow is fine' });
  assert.ok(await answer.isVisible(), 'the answer is nested under it');
  assert.match(await answer.locator('.tag').textContent(), /^site$/);
  assert.match(await second.page.locator('#comments-title').textContent(), /Comments \(2\)/);
  await second.page.locator('#comments').scrollIntoViewIfNeeded();
  await shot(second.page, 'guide-comments');

  // the first reader's browser now sees it published
  await first.page.goto(`${hearth.server.url}/guides/${slug}`);
  assert.doesNotMatch(await first.page.locator(`#comment-${id}`).textContent(), /awaiting moderation/);
  for (const c of [first, admin, second]) await c.context.close();
});
