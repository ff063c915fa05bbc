// Every form, sent with mistakes: it comes back with each message beside its
// own field, a summary whose links lead to ids on the page (focusable, and
// named in the title, "Error: ..."), and what was typed or chosen kept. And
// the time zones: a select on the sign-up form, one list on the account page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { run, startServer } from './server.mjs';
import {
  api, apiOk, Browser, fieldError, inputValue, newPerson, signupBrowser,
} from './people.mjs';

let server;
let one; // {person, browser}: paired with two
let two;
let solo; // {person, browser}: not paired
let operator; // {person, browser}: an operator, not paired
let slug; // a guide's
before(async () => {
  server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  one = await signupBrowser(server, newPerson('formone'));
  two = await signupBrowser(server, newPerson('formtwo'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: one.person.token }, 201);
  await apiOk(server, 'POST', '/pair/join', { token: two.person.token, body: { code } });
  solo = await signupBrowser(server, newPerson('formsolo'));
  operator = await signupBrowser(server, newPerson('formop'));
  assert.equal(run(['admin', 'grant', operator.person.email, '--db', server.db]).status, 0);
  slug = (await apiOk(server, 'GET', '/guides')).guides[0].slug;
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

let hop = 0;
const network = () => ({ 'x-forwarded-for': `198.18.${Math.floor(hop / 250)}.${(hop++ % 250) + 1}` });

const ids = (html) => new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));

// The error summary of a page: {links: [[id, message]], plain: [message]}.
function summary(html) {
  const box = html.match(/<div class="error-summary"([^>]*)>([\s\S]*?)<\/div>/);
  assert.ok(box, 'the page has an error summary');
  assert.match(box[1], /tabindex="-1"/, 'the summary can take focus');
  const items = [...box[2].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
  const links = [];
  const plain = [];
  for (const item of items) {
    const link = item.match(/^<a href="#([^"]+)">([^<]*)<\/a>$/);
    if (link) links.push([link[1], link[2]]);
    else plain.push(item);
  }
  return { links, plain };
}

// Checks a page that came back with errors: the title, the summary, and for
// each field in fields (the ids its links must name, in any order) the
// control with that id and its message beside it, the same as the summary's.
function assertErrors(html, fields, { plain = 0, control = true } = {}) {
  assert.match(html, /<title>Error: [^<]+<\/title>/);
  const { links, plain: unlinked } = summary(html);
  assert.deepEqual(links.map(([id]) => id).sort(), [...fields].sort());
  assert.equal(unlinked.length, plain, `messages without a link: ${unlinked.join(' | ')}`);
  const present = ids(html);
  for (const [id, message] of links) {
    assert.ok(present.has(id), `the summary links to #${id}, which the page has`);
    assert.equal(fieldError(html, id), message, `the message of ${id} sits beside it`);
    if (control) {
      assert.match(html, new RegExp(`<(input|select|textarea)[^>]*\\bid="${id}"[^>]*aria-invalid="true"`),
        `#${id} is a field marked invalid`);
    }
  }
  return links;
}

// Posts a form as browser and returns {status, html}.
async function send(browser, path, fields, headers = {}) {
  const res = await browser.form(path, fields, { headers });
  return { status: res.status, html: await res.text() };
}

const checked = (html, name) => [...html.matchAll(new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g'))]
  .map((m) => m[0]).filter((tag) => / checked\b/.test(tag)).map((tag) => tag.match(/value="([^"]*)"/)[1]);

// ---- accounts ----

test('sign-up: each mistake beside its field, the time zone chosen kept', async () => {
  const b = new Browser(server);
  const r = await send(b, '/signup', { name: ' ', email: 'not-an-email', password: 'short', time_zone: 'Asia/Tokyo' });
  assert.equal(r.status, 422);
  assertErrors(r.html, ['name', 'email', 'password']);
  assert.match(r.html, /<option selected>Asia\/Tokyo\n?/);
  assert.doesNotMatch(r.html, /data-time-zone/, 'the script leaves a kept choice alone');
  assert.equal(inputValue(r.html, 'email'), 'not-an-email');
});

test('log-in: the message sits beside the email, and the summary links to it', async () => {
  const r = await send(new Browser(server), '/login', { email: solo.person.email, password: 'not it at all' }, network());
  assert.equal(r.status, 401);
  assertErrors(r.html, ['email']);
  const empty = await send(new Browser(server), '/login', { email: '', password: '' }, network());
  assertErrors(empty.html, ['email', 'password']);
});

test('account settings, password and couple time zone: each message beside its field', async () => {
  const b = one.browser;
  let r = await send(b, '/account/settings', { name: ' ', email: one.person.email, time_zone: 'UTC' });
  assertErrors(r.html, ['name']);
  r = await send(b, '/account/settings', { name: 'Kept Name', email: one.person.email, time_zone: 'Atlantis/Capital' });
  assertErrors(r.html, ['time_zone']);
  assert.equal(inputValue(r.html, 'time_zone'), 'Atlantis/Capital');
  assert.equal(inputValue(r.html, 'name'), 'Kept Name');
  r = await send(b, '/account/settings', { name: 'Kept Name', email: `new.${one.person.email}`, time_zone: 'UTC' });
  assertErrors(r.html, ['confirm_password']);
  r = await send(b, '/account/password', { current_password: 'not the password', password: 'copper lantern field 8' });
  assertErrors(r.html, ['current_password']);
  r = await send(b, '/account/password', { current_password: one.person.password, password: 'short' });
  assertErrors(r.html, ['password']);
  r = await send(b, '/couple/settings', { couple_time_zone: 'Nowhere/Town' });
  assertErrors(r.html, ['couple_time_zone']);
  assert.equal(inputValue(r.html, 'couple_time_zone'), 'Nowhere/Town');
});

test('export and delete: the message sits in the form that was sent', async () => {
  const b = two.browser;
  let r = await send(b, '/account/export', { password: 'wrong password here' });
  assert.equal(r.status, 422);
  assertErrors(r.html, ['password']);
  const form = (action) => r.html.match(new RegExp(`<form[^>]*action="${action}"[\\s\\S]*?</form>`))[0];
  assert.match(form('/account/export'), /id="password"[\s\S]*id="password-error"/);
  assert.doesNotMatch(form('/account/delete'), /field-error|id="password"/);
  r = await send(b, '/account/delete', { password: 'wrong password here' });
  assertErrors(r.html, ['password']);
  assert.match(form('/account/delete'), /id="password"[\s\S]*id="password-error"/);
  assert.doesNotMatch(form('/account/export'), /field-error|id="password"/);
});

test('join and leave: the message beside the code and the password', async () => {
  let r = await send(solo.browser, '/pair/join', { code: 'ABCD-EFGH' }, network());
  assertErrors(r.html, ['code']);
  assert.equal(inputValue(r.html, 'code'), 'ABCD-EFGH');
  r = await send(one.browser, '/couple/leave', { password: 'not the password' });
  assertErrors(r.html, ['password']);
});

// ---- Share ----

test('Share settings keep what was chosen and name the topics as the page does', async () => {
  const { categories } = await apiOk(server, 'GET', '/share/settings', { token: one.person.token });
  let r = await send(one.browser, '/share/settings', { depth: 'deep' });
  assert.equal(r.status, 422);
  const [[, message]] = assertErrors(r.html, ['categories']);
  assert.equal(message, 'Topics: choose at least one.');
  assert.doesNotMatch(r.html, /Categories/);
  assert.deepEqual(checked(r.html, 'depth'), ['deep'], 'the depth chosen is kept');
  assert.deepEqual(checked(r.html, 'categories'), [], 'no topic, as sent');

  const two_ = categories.slice(1, 3).map((c) => c.name);
  r = await send(one.browser, '/share/settings', { depth: 'bottomless', categories: two_ });
  const [[, depthMessage]] = assertErrors(r.html, ['depth']);
  assert.match(depthMessage, /^How deep /);
  assert.deepEqual(checked(r.html, 'categories'), two_, 'the topics chosen are kept');
  const api422 = await api(server, 'POST', '/share/settings', { token: one.person.token, body: { depth: 'light', categories: [] } });
  assert.equal((await api422.json()).errors.categories, 'Topics: choose at least one.');
});

test('Share answers, questions, comments and the deep dive: each message beside its field', async () => {
  const { one: a, two: b } = { one, two };
  let r = await send(a.browser, '/share/answer', { text: ' ' });
  assertErrors(r.html, ['text']);
  r = await send(a.browser, '/share/ask', { question: 'q'.repeat(301) });
  assertErrors(r.html, ['question']);
  const ask = await apiOk(server, 'POST', '/share/ask', { token: b.person.token, body: { question: 'Tea or coffee?' } }, 201);
  r = await send(a.browser, `/share/ask/${ask.id}/answer`, { text: '' });
  assertErrors(r.html, ['text']);

  const { day } = await apiOk(server, 'GET', '/share', { token: a.person.token });
  await apiOk(server, 'POST', '/share/answer', { token: a.person.token, body: { text: 'Mine.' } });
  await apiOk(server, 'POST', '/share/answer', { token: b.person.token, body: { text: 'Yours.' } });
  r = await send(a.browser, `/share/${day}/comments`, { text: 'c'.repeat(2001) });
  assertErrors(r.html, ['text']);
  assert.ok(r.html.includes(`>${'c'.repeat(2001)}</textarea>`), 'the comment is kept');

  r = await send(a.browser, '/share/deep-dive', { mode: 'sideways' });
  assertErrors(r.html, ['mode']);
  await apiOk(server, 'POST', '/share/deep-dive', { token: a.person.token, body: { mode: 'writing' } }, 201);
  r = await send(a.browser, '/share/deep-dive/answer', { text: '' });
  assertErrors(r.html, ['text']);
  // a second start while an evening is under way: told where it stands
  r = await send(b.browser, '/share/deep-dive', { mode: 'together' });
  assertErrors(r.html, ['mode'], { control: false });
  assert.match(r.html, /<div id="mode"><p class="field-error" id="mode-error">/);
});

test('a query field without an input is listed without a link; the search box is linked', async () => {
  let res = await one.browser.get('/share/archive?page=soon');
  let html = await res.text();
  assert.equal(res.status, 422);
  assertErrors(html, [], { plain: 1 });
  res = await one.browser.get(`/share/archive?q=${'q'.repeat(101)}`);
  html = await res.text();
  assertErrors(html, ['q']);
});

// ---- guides and their administration ----

test('guide comments: each message beside its field; a broken reply target is listed without a link', async () => {
  const b = new Browser(server);
  const t = (await apiOk(server, 'GET', `/guides/${slug}`)).form_time;
  let r = await send(b, `/guides/${slug}/comments`, { name: '', email: 'nope', comment: '', t }, network());
  assert.equal(r.status, 422);
  assertErrors(r.html, ['name', 'email', 'comment']);
  assert.equal(inputValue(r.html, 'email'), 'nope');
  r = await send(b, `/guides/${slug}/comments`, { name: 'Reader', email: 'reader@example.org', comment: 'Kept.', parent: 'abc', t }, network());
  assertErrors(r.html, [], { plain: 1 });
  assert.match(r.html, />Kept\.<\/textarea>/);
});

test('operator forms: guides, blocked words and replies as the site', async () => {
  const b = operator.browser;
  let r = await send(b, '/admin/guides', { title: '', slug: 'a-guide', summary: 'S', practice: 'karaoke', body: 'Body.' });
  assertErrors(r.html, ['title', 'practice']);
  r = await send(b, '/admin/settings', { blocked_words: 'w'.repeat(20001) });
  assertErrors(r.html, ['blocked_words']);

  const t = (await apiOk(server, 'GET', `/guides/${slug}`)).form_time;
  const held = await apiOk(server, 'POST', `/guides/${slug}/comments`,
    { body: { name: 'Held Reader', email: 'held@example.org', comment: 'Hold me.', t }, headers: network() }, 201);
  r = await send(b, `/admin/comments/${held.id}/reply`, { comment: ' \n ' });
  assert.equal(r.status, 422);
  assertErrors(r.html, ['comment']);
  assert.match(r.html, /<details class="reply-box" open>[\s\S]*?action="\/admin\/comments\/\d+\/reply"[\s\S]*?id="comment"/);
  assert.equal((r.html.match(/<details class="reply-box" open>/g) || []).length, 1, 'only that reply is open');
});

// ---- time zones ----

test('the sign-up form asks for the time zone in a select of every zone, UTC chosen', async () => {
  const html = await (await new Browser(server).get('/signup')).text();
  const select = html.match(/<select id="time_zone" name="time_zone"([^>]*)>([\s\S]*?)<\/select>/);
  assert.ok(select, 'a select, not a hidden field');
  assert.match(select[1], /data-time-zone/, 'the script may start it at the browser\'s zone');
  assert.match(html, /<label for="time_zone">/);
  const options = [...select[2].matchAll(/<option( selected)?>([^<\n]+)/g)];
  assert.ok(options.length > 300, `${options.length} zones`);
  assert.deepEqual(options.filter((o) => o[1]).map((o) => o[2]), ['UTC']);
  assert.ok(options.some((o) => o[2] === 'Europe/Lisbon'));

  const b = new Browser(server);
  const person = newPerson('tzform');
  const res = await b.form('/signup', { name: person.name, email: person.email, password: person.password, time_zone: 'Europe/Lisbon' });
  assert.equal(res.status, 303);
  const me = await apiOk(server, 'GET', '/account', { token: b.session });
  assert.equal(me.account.time_zone, 'Europe/Lisbon');
});

test('the account page lists the zones once for both fields and says what the couple\'s zone decides', async () => {
  const html = await (await one.browser.get('/account')).text();
  const zones = (await apiOk(server, 'GET', '/account', { token: one.person.token })).time_zones.length;
  assert.equal((html.match(/<datalist/g) || []).length, 1);
  assert.equal((html.match(/<option/g) || []).length, zones, 'every zone once');
  assert.match(html, /<input id="time_zone" name="time_zone" type="text" list="time-zones"/);
  assert.match(html, /<input id="couple_time_zone" name="couple_time_zone" type="text" list="time-zones"/);
  assert.match(html, /Your couple's time zone decides when a new day starts for you both/);
  assert.ok(html.length < 20000, `the page is ${html.length} bytes`);
  const alone = await (await solo.browser.get('/account')).text();
  assert.match(alone, /your couple's time zone decides when a new day starts for you both/);
  assert.equal((alone.match(/<option/g) || []).length, zones);
});
