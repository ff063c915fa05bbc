// A forgotten password: the operator prints a one-time link with `hearth
// admin reset-link EMAIL`; the link's page sets a new password with the
// sign-up's rules, works once and for one hour, ends every session of the
// account and logs the browser in. Links that cannot be used get one
// message and are throttled per network; tokens never reach the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run, startServer } from './server.mjs';
import {
  api, apiOk, Browser, fieldError, inputValue, login, newPerson, signup, signupBrowser, sql,
} from './people.mjs';

const UNUSABLE = 'This link cannot be used: it is unknown, was used already or is more than an hour old. '
  + 'Ask the person who runs this Hearth for a new one.';
const HOUR = 3600 * 1000;

// Wrong links are limited per network: each test comes from addresses of
// its own, through the server's trusted proxy.
let hop = 0;
const network = () => ({ 'x-forwarded-for': `203.0.${113 + Math.floor(hop / 250)}.${(hop++ % 250) + 1}` });

const clock = join(process.env.TMPDIR || '/tmp', `hearth-clock-reset-${process.pid}`);
let offset = 0;
let server;
const tokens = new Set(); // every reset token handed out, for the log check
before(async () => {
  writeFileSync(clock, '0');
  server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'], env: { HEARTH_CLOCK_FILE: clock } });
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
  rmSync(clock, { force: true });
});

// Moves the server's clock (and the command's) ms forward.
async function advance(ms) {
  offset += ms;
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(clock, String(offset));
  await new Promise((r) => setTimeout(r, 20));
}

// Runs `hearth admin reset-link` on the server's database, on the same
// clock as the server.
function resetLink(email, args = [], env = {}) {
  return run(['admin', 'reset-link', email, '--db', server.db, ...args],
    { env: { ...process.env, HEARTH_CLOCK_FILE: clock, ...env } });
}

// A link for person; returns its token.
function tokenFor(person) {
  const out = resetLink(person.email);
  assert.equal(out.status, 0, out.stderr);
  const token = new URL(out.stdout.trim()).searchParams.get('token');
  tokens.add(token);
  return token;
}

const alive = async (token) => (await api(server, 'GET', '/account', { token })).status === 200;
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];

test('hearth admin reset-link prints a one-time link on the base URL and stores only its hash', async () => {
  const person = await signup(server, newPerson('cli'));
  {
    const out = resetLink(` ${person.email.toUpperCase()} `, ['--base-url', 'https://hearth.example.org/']);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /^https:\/\/hearth\.example\.org\/reset\?token=[A-Za-z0-9_-]{43}\n$/);
    assert.match(out.stderr, /once, within one hour/);
    const token = new URL(out.stdout.trim()).searchParams.get('token');
    tokens.add(token);
    const stored = sql(server, `SELECT token_hash FROM password_resets WHERE user_id = ${person.id}`);
    assert.match(stored, /^[0-9a-f]{64}$/, 'one link, kept as a hash');
    const dump = run(['dump', '--db', server.db]);
    assert.ok(!dump.stdout.includes(token), 'the token itself is stored nowhere');

    const fromEnv = resetLink(person.email, [], { HEARTH_BASE_URL: 'https://env.example.org' });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /^https:\/\/env\.example\.org\/reset\?token=/);
    tokens.add(new URL(fromEnv.stdout.trim()).searchParams.get('token'));
    assert.equal(sql(server, `SELECT count(*) FROM password_resets WHERE user_id = ${person.id}`), '1',
      'a newer link replaces the older one');

    const unknown = resetLink('nobody-here@example.org');
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /no account has the email nobody-here@example\.org/);
  }
});

test('a reset link sets a new password with the sign-up rules, ends every session and logs the browser in', async () => {
  const { person, browser: old } = await signupBrowser(server, newPerson('forgot'));
  const other = await login(server, person);
  const token = tokenFor(person);
  const headers = network();
  const b = new Browser(server);

  let res = await b.get(`/reset?token=${token}`, headers);
  assert.equal(res.status, 200);
  let html = await res.text();
  assert.match(html, /<title>Set a new password<\/title>/);
  assert.ok(main(html).includes(person.email), 'names the account');
  assert.equal(inputValue(html, 'token'), token);

  // the sign-up's rules: length, and nothing easy to guess
  for (const [password, message] of [
    ['short', /at least 12 characters/],
    ['password1234', /too easy to guess/],
    ['x'.repeat(129), /at most 128 characters/],
  ]) {
    res = await b.form('/reset', { token, password }, { headers });
    assert.equal(res.status, 422, password);
    html = await res.text();
    assert.match(fieldError(html, 'password'), message);
    assert.match(html, /<title>Error: Set a new password<\/title>/);
    assert.equal(inputValue(html, 'token'), token, 'the link is kept');
    assert.ok(!html.includes(`value="${password}"`), 'the password is not echoed');
  }
  assert.ok(await alive(person.token), 'nothing changed yet');

  const fresh = 'copper meadow violin 48';
  res = await b.form('/reset', { token, password: fresh }, { headers });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/account?done=reset');
  assert.ok(b.session, 'the browser is logged in');
  html = await (await b.get('/account?done=reset')).text();
  assert.match(html, /Your new password is set, and every other session of your account has ended\./);

  for (const t of [person.token, other]) assert.equal(await alive(t), false, 'older sessions ended');
  assert.equal((await old.get('/account')).status, 303, 'the old browser is logged out');
  assert.equal((await api(server, 'POST', '/login',
    { body: { email: person.email, password: person.password } })).status, 401, 'the old password is gone');
  assert.ok(await alive(await login(server, { email: person.email, password: fresh })));

  // once only
  res = await b.get(`/reset?token=${token}`, headers);
  assert.equal(res.status, 410);
  assert.ok(main(await res.text()).includes(UNUSABLE));
  res = await b.form('/reset', { token, password: 'another fresh lantern 91' }, { headers });
  assert.equal(res.status, 410);
  assert.ok((await res.text()).includes(UNUSABLE));
  assert.equal(sql(server, `SELECT count(*) FROM password_resets WHERE user_id = ${person.id}`), '0');
});

test('the API twin sets the password and answers a new session token', async () => {
  const person = await signup(server, newPerson('apireset'));
  const token = tokenFor(person);
  const out = await apiOk(server, 'POST', '/reset',
    { body: { token, password: 'silver orchard kettle 12' }, headers: network() });
  assert.match(out.token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(await alive(out.token));
  assert.equal(await alive(person.token), false);
  const again = await api(server, 'POST', '/reset',
    { body: { token, password: 'silver orchard kettle 13' }, headers: network() });
  assert.equal(again.status, 410);
  assert.equal((await again.json()).detail, UNUSABLE);
});

test('a link is used once, even by two requests at once', async () => {
  const person = await signup(server, newPerson('twice'));
  const token = tokenFor(person);
  const send = (password) => api(server, 'POST', '/reset', { body: { token, password }, headers: network() });
  const answers = await Promise.all([send('first harbour window 31'), send('second harbour window 32')]);
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 410]);
  const won = answers[0].status === 200 ? 'first harbour window 31' : 'second harbour window 32';
  assert.ok(await alive(await login(server, { email: person.email, password: won })));
});

test('a newer link, a password change and a deleted account end older links', async () => {
  const person = await signup(server, newPerson('newer'));
  const first = tokenFor(person);
  const second = tokenFor(person);
  const headers = network();
  assert.equal((await api(server, 'GET', `/reset?token=${first}`, { headers })).status, 410);
  assert.equal((await api(server, 'GET', `/reset?token=${second}`, { headers })).status, 200);

  await apiOk(server, 'POST', '/account/password',
    { token: person.token, body: { current_password: person.password, password: 'plum ferry compass 55' } });
  assert.equal((await api(server, 'GET', `/reset?token=${second}`, { headers })).status, 410);

  const third = tokenFor(person);
  assert.equal((await api(server, 'GET', `/reset?token=${third}`, { headers })).status, 200);
  await apiOk(server, 'POST', '/account/delete', { token: person.token, body: { password: 'plum ferry compass 55' } });
  assert.equal(sql(server, `SELECT count(*) FROM password_resets WHERE user_id = ${person.id}`), '0');
});

test('unknown, malformed and missing links get the one message; the page offers a log-in', async () => {
  const headers = network();
  for (const query of [`?token=${randomBytes(32).toString('base64url')}`, '?token=abc', '?token=', '']) {
    const res = await new Browser(server).get(`/reset${query}`, headers);
    assert.equal(res.status, 410, query);
    const html = main(await res.text());
    assert.ok(html.includes(UNUSABLE), query);
    assert.match(html, /href="\/login"/);
    assert.doesNotMatch(html, /<form/, 'no form for a link that cannot be used');
  }
  const api410 = await api(server, 'GET', '/reset?token=abc', { headers });
  assert.equal(api410.status, 410);
  assert.equal((await api410.json()).detail, UNUSABLE);
});

test('wrong links are throttled per network: the right one waits too, other networks do not', async () => {
  const person = await signup(server, newPerson('guessed'));
  const token = tokenFor(person);
  const headers = network();
  const b = new Browser(server);
  for (let i = 0; i < 9; i++) {
    const res = await b.get(`/reset?token=${randomBytes(32).toString('base64url')}`, headers);
    assert.equal(res.status, 410, `guess ${i + 1}`);
  }
  const post = await b.form('/reset', { token: randomBytes(32).toString('base64url'), password: 'a guess and a guess' },
    { headers });
  assert.equal(post.status, 410, 'a post counts as well');
  const held = await b.get(`/reset?token=${token}`, headers);
  assert.equal(held.status, 429);
  assert.ok(Number(held.headers.get('retry-after')) > 0);
  assert.match(await held.text(), /Too many links were tried\. Please wait \d+ minutes?\./);
  const heldPost = await b.form('/reset', { token, password: 'copper meadow violin 49' }, { headers });
  assert.equal(heldPost.status, 429, 'refused before any hashing');
  assert.equal((await b.get(`/reset?token=${token}`, network())).status, 200, 'another network is not held');
});

test('a link expires one hour after it was issued', async () => {
  const person = await signup(server, newPerson('late'));
  const token = tokenFor(person);
  const headers = network();
  await advance(HOUR - 60 * 1000);
  assert.equal((await api(server, 'GET', `/reset?token=${token}`, { headers })).status, 200);
  await advance(2 * 60 * 1000);
  const res = await new Browser(server).get(`/reset?token=${token}`, headers);
  assert.equal(res.status, 410);
  assert.ok((await res.text()).includes(UNUSABLE));
  const post = await api(server, 'POST', '/reset', { body: { token, password: 'late lantern harbour 21' }, headers });
  assert.equal(post.status, 410);
  assert.ok(await alive(person.token), 'the account is untouched');
});

test('the log-in page says where a forgotten password goes', async () => {
  const html = await (await new Browser(server).get('/login')).text();
  assert.match(html, /Forgot your password\? Ask the person who runs this Hearth for a reset link\./);
});

test('no reset token reaches the log, which names the route pattern only', () => {
  const logs = server.logs();
  assert.match(logs, /GET \/reset 200 /);
  assert.match(logs, /POST \/reset 303 /);
  assert.ok(tokens.size >= 8);
  for (const token of tokens) assert.ok(!logs.includes(token), 'a reset token is logged');
  assert.doesNotMatch(logs, /token=/);
});
