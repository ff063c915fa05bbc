// Accounts, sessions, CSRF, log-in throttling, pairing, leaving, export,
// deletion and the safety page: each flow through the HTML forms and through
// its JSON twin under /api/v1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { engine, sqliteOnly, startServer } from './server.mjs';
import {
  api, apiOk, Browser, CHROME_ANDROID, csrfOf, fieldError, inputValue, login, newCouple,
  newPerson, pair, secrets, setCookies, signup, signupBrowser, sql, startServerBehind, unique,
  unmaskCsrf,
} from './people.mjs';

const CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;
const DAY_MS = 24 * 3600 * 1000;

// Wrong invite codes are limited per network: tests that send them come
// from addresses of their own, through the server's trusted proxy.
let hop = 0;
const elsewhere = () => ({ 'x-forwarded-for': `198.51.${100 + Math.floor(hop / 250)}.${(hop++ % 250) + 1}` });

let server;
let solo; // signed up, never paired; only read from
let couple; // {one, two}, paired; only read from
before(async () => {
  server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  solo = await signup(server, newPerson('solo'));
  couple = await newCouple(server, 'home');
});
after(async () => {
  const status = await server.stop();
  assert.equal(status.code, 0);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function problem(res, status) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  const body = await res.json();
  assert.equal(body.status, status);
  assert.equal(body.type, 'about:blank');
  return body;
}

function assertNoSecrets(logs) {
  for (const password of secrets.passwords) assert.ok(!logs.includes(password), 'a password is logged');
  for (const email of secrets.emails) assert.ok(!logs.includes(email), `${email} is logged`);
  for (const token of secrets.tokens) assert.ok(!logs.includes(token), 'a token is logged');
  assert.doesNotMatch(logs, /[\w.+-]+@[\w-]+\.[a-z]{2,}/i, 'no email address at all');
}

// A page fetched with token as the session cookie (redirects not followed).
function asPage(path, token) {
  return fetch(server.url + path, { headers: { cookie: `hearth_session=${token}` }, redirect: 'manual' });
}

// The session answers as signed in (200 from the API twin of /account).
async function alive(token) {
  const res = await api(server, 'GET', '/account', { token });
  await res.arrayBuffer();
  return res.status === 200;
}

// ---- sign up ----

test('signing up through the API answers 201 with the user and a token, and sets the cookies', async () => {
  const p = newPerson('su');
  const res = await api(server, 'POST', '/signup',
    { body: { name: p.name, email: p.email, password: p.password } });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-type'), 'application/json');
  const out = await res.json();
  secrets.tokens.add(out.token);
  secrets.tokens.add(out.device_token);
  assert.deepEqual(Object.keys(out).sort(), ['device_token', 'token', 'user']);
  assert.deepEqual(Object.keys(out.user).sort(), ['email', 'id', 'name', 'paired', 'time_zone']);
  assert.match(out.user.id, /^[1-9]\d*$/);
  assert.equal(out.user.name, p.name);
  assert.equal(out.user.email, p.email);
  assert.equal(out.user.time_zone, 'UTC');
  assert.equal(out.user.paired, false);
  assert.match(out.token, /^[A-Za-z0-9_-]{43}$/);

  const cookies = setCookies(res);
  const session = cookies.hearth_session;
  assert.ok(session, 'a session cookie');
  assert.equal(session.value, out.token, 'the cookie holds the same session as the token');
  for (const [name, c] of Object.entries(cookies)) {
    assert.equal(c.attrs.httponly, true, `${name} is HttpOnly`);
    assert.equal(c.attrs.samesite, 'Lax', `${name} is SameSite=Lax`);
    assert.equal(c.attrs.path, '/', `${name} has Path=/`);
    assert.match(c.attrs['max-age'] || '', /^[1-9]\d*$/, `${name} has a Max-Age`);
    assert.equal(c.attrs.secure, undefined, `${name} is not Secure on an http site`);
  }
  assert.ok(cookies.hearth_device, 'a device cookie');
  assert.match(cookies.hearth_device.value, new RegExp(`^${out.user.id}\\.[0-9a-f]{24}\\.[0-9a-f]{64}$`));
  assert.equal(out.device_token, cookies.hearth_device.value, 'API clients keep the same device token');

  const me = await apiOk(server, 'GET', '/account', { token: out.token });
  assert.equal(me.account.email, p.email);
});

test('signing up with the form redirects to /pair, signed in', async () => {
  const b = new Browser(server);
  const page = await b.get('/signup');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(b.jar.get('hearth_csrf'), 'an anonymous visitor gets a csrf cookie');
  assert.equal(unmaskCsrf(csrfOf(html)), b.jar.get('hearth_csrf'), 'the form carries the cookie\'s token');
  const p = newPerson('suform');
  const res = await b.form('/signup', { name: p.name, email: p.email, password: p.password },
    { csrf: csrfOf(html) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/pair');
  assert.ok(b.session, 'a session cookie');
  const pairPage = await b.get('/pair');
  assert.equal(pairPage.status, 200);
  assert.match(await pairPage.text(), /Pair with your partner/);
  const account = await (await b.get('/account')).text();
  assert.ok(account.includes(p.email));
});

test('a sign-up form with a guessable password comes back with 422, keeping name and email but not the password', async () => {
  const b = new Browser(server);
  const p = newPerson('weak', { password: 'password1234' });
  const res = await b.form('/signup', { name: p.name, email: p.email, password: p.password });
  assert.equal(res.status, 422);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const html = await res.text();
  assert.equal(inputValue(html, 'name'), p.name);
  assert.equal(inputValue(html, 'email'), p.email);
  assert.equal(inputValue(html, 'password'), undefined, 'the password field is empty');
  assert.ok(!html.includes('password1234'), 'the password is never echoed');
  assert.match(fieldError(html, 'password'), /too easy to guess/);
  assert.match(html, /id="password"[^>]*aria-describedby="password-hint password-error" aria-invalid="true"/);
  assert.match(html, /Please check the form/);
  assert.equal(b.session, undefined, 'not signed in');
  const login = await api(server, 'POST', '/login', { body: { email: p.email, password: p.password } });
  assert.equal(login.status, 401, 'no account was made');
});

test('passwords must be 12 to 128 characters and hard to guess', async () => {
  const cases = [
    ['short-pw-1', /at least 12 characters/],
    ['x'.repeat(129), /at most 128 characters/],
    ['password1234', /too easy to guess/],
    ['qwertyuiopasdf', /too easy to guess/],
  ];
  for (const [password, message] of cases) {
    const p = newPerson('pwrule');
    const res = await api(server, 'POST', '/signup', { body: { name: p.name, email: p.email, password } });
    const body = await problem(res, 422);
    assert.match(body.errors.password, message, password);
    assert.ok(!JSON.stringify(body).includes(password), 'the password is not echoed');
  }
  const ok = newPerson('pwok', { password: 'sunflower-river-42' });
  await signup(server, ok);
  assert.equal(ok.user.email, ok.email);
});

test('a password made of the person\'s own name or email is refused', async () => {
  const id = unique('own');
  const res = await api(server, 'POST', '/signup',
    { body: { name: `Marguerite${id}`, email: `${id}@example.org`, password: `${id}${id}` } });
  const body = await problem(res, 422);
  assert.match(body.errors.password, /too easy to guess/);
});

test('an email that already has an account, in any letter case, answers 422 on the email field', async () => {
  const res = await api(server, 'POST', '/signup',
    { body: { name: 'Someone', email: solo.email.toUpperCase(), password: 'sunflower-river-42' } });
  const body = await problem(res, 422);
  assert.match(body.errors.email, /already exists/);

  const b = new Browser(server);
  const form = await b.form('/signup', { name: 'Someone Else', email: solo.email, password: 'sunflower-river-42' });
  assert.equal(form.status, 422);
  const html = await form.text();
  assert.match(fieldError(html, 'email'), /already exists/);
  assert.equal(inputValue(html, 'email'), solo.email);
  assert.equal(inputValue(html, 'name'), 'Someone Else');
  assert.ok(!html.includes('sunflower-river-42'));
});

test('sign-up fields are validated: a name is required and the email must look like one', async () => {
  const res = await api(server, 'POST', '/signup',
    { body: { name: '   ', email: 'not-an-email', password: 'sunflower-river-42' } });
  const body = await problem(res, 422);
  assert.match(body.errors.name, /required/);
  assert.match(body.errors.email, /email address/);
});

test('sign-up keeps a known time zone and falls back to UTC for an unknown one', async () => {
  const tokyo = await signup(server, newPerson('tz'), { timeZone: 'Asia/Tokyo' });
  assert.equal(tokyo.user.time_zone, 'Asia/Tokyo');
  const mars = await signup(server, newPerson('tz'), { timeZone: 'Mars/Olympus_Mons' });
  assert.equal(mars.user.time_zone, 'UTC');
  // names that would reach a file: only the listed zones are zones
  for (const path of ['../../../etc/localtime', 'Europe/./Paris', 'Europe//Paris', '../../../dev/stdin']) {
    const odd = await signup(server, newPerson('tz'), { timeZone: path });
    assert.equal(odd.user.time_zone, 'UTC', path);
    const changed = await api(server, 'POST', '/account/settings',
      { token: odd.token, body: { name: 'Odd', email: odd.email, time_zone: path } });
    assert.equal(changed.status, 422, path);
  }
});

test('API writes that are not application/json answer 415', async () => {
  const form = await fetch(`${server.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: solo.email, password: solo.password }).toString(),
  });
  const body = await problem(form, 415);
  assert.match(body.detail, /application\/json/);
  assert.equal(setCookies(form).hearth_session, undefined, 'nobody was logged in');

  const text = await api(server, 'POST', '/account/settings', {
    token: solo.token,
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ name: 'Changed', email: solo.email, time_zone: 'UTC' }),
  });
  await problem(text, 415);
  const none = await fetch(`${server.url}/api/v1/pair/invite`, {
    method: 'POST', headers: { authorization: `Bearer ${solo.token}` },
  });
  await problem(none, 415);
  const me = await apiOk(server, 'GET', '/account', { token: solo.token });
  assert.equal(me.account.name, solo.name, 'nothing changed');

  const charset = await api(server, 'POST', '/login', {
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { email: solo.email, password: solo.password },
  });
  assert.equal(charset.status, 200, 'a charset parameter is fine');
  secrets.tokens.add((await charset.json()).token);
});

// ---- log in ----

test('logging in through the API answers the user and a new token', async () => {
  const res = await api(server, 'POST', '/login', { body: { email: solo.email, password: solo.password } });
  assert.equal(res.status, 200);
  const out = await res.json();
  secrets.tokens.add(out.token);
  assert.deepEqual(out.user, { ...solo.user, paired: false });
  assert.match(out.token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(out.token, solo.token);
  assert.equal(setCookies(res).hearth_session.value, out.token);
  assert.match(setCookies(res).hearth_device.value, new RegExp(`^${solo.id}\\.[0-9a-f]{24}\\.[0-9a-f]{64}$`),
    'a signed device cookie is set at log-in');
  assert.ok(await alive(out.token));
  assert.ok(await alive(solo.token), 'the earlier session goes on');
});

test('an email typed in another case or with spaces still logs in', async () => {
  const token = await login(server, { email: `  ${solo.email.toUpperCase()} `, password: solo.password });
  assert.ok(await alive(token));
});

test('a wrong password and an unknown email answer 401 with the same message', async () => {
  const wrong = await problem(await api(server, 'POST', '/login',
    { body: { email: couple.one.email, password: 'not the right password' } }), 401);
  const unknown = await problem(await api(server, 'POST', '/login',
    { body: { email: `${unique('nobody')}@example.org`, password: 'not the right password' } }), 401);
  assert.equal(wrong.detail, 'The email or the password is not right.');
  assert.deepEqual(unknown, wrong);
});

test('a failed log-in form answers 401 with the message, keeping the email and next but not the password', async () => {
  const b = new Browser(server);
  const page = await (await b.get('/login?next=/account')).text();
  assert.equal(inputValue(page, 'next'), '/account');
  const res = await b.form('/login', { email: couple.two.email, password: 'wrong password here', next: '/account' });
  assert.equal(res.status, 401);
  const html = await res.text();
  assert.equal(fieldError(html, 'email'), 'The email or the password is not right.');
  assert.match(html, /<a href="#email">The email or the password is not right\.<\/a>/, 'in the summary too');
  assert.match(html, /id="email"[^>]*aria-invalid="true" aria-describedby="email-error"/);
  assert.equal(inputValue(html, 'email'), couple.two.email);
  assert.equal(inputValue(html, 'next'), '/account');
  assert.ok(!html.includes('wrong password here'));
  assert.equal(b.session, undefined);

  const unknown = await b.form('/login', { email: `${unique('ghost')}@example.org`, password: 'wrong password here' });
  assert.equal(unknown.status, 401);
  assert.match(await unknown.text(), /The email or the password is not right\./);
});

test('a form log-in lands unpaired people on /pair and paired people on /us', async () => {
  const b1 = new Browser(server);
  const unpaired = await b1.login(solo);
  assert.equal(unpaired.headers.get('location'), '/pair');
  const b2 = new Browser(server);
  const paired = await b2.login(couple.one);
  assert.equal(paired.headers.get('location'), '/us');
  const us = await b2.get('/us');
  assert.equal(us.status, 200);
});

test('a log-in form follows a local next, never another site', async () => {
  const b = new Browser(server);
  const local = await b.login(solo, { next: '/account/sessions' });
  assert.equal(local.headers.get('location'), '/account/sessions');
  for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'account']) {
    const res = await b.login(solo, { next });
    assert.equal(res.headers.get('location'), '/pair', next);
  }
});

test('a next value is escaped on the log-in page', async () => {
  const b = new Browser(server);
  const html = await (await b.get(`/login?next=${encodeURIComponent('/x"><script>alert(1)</script>')}`)).text();
  assert.ok(!html.includes('<script>alert(1)'));
  assert.ok(html.includes('value="/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    || html.includes('value="/x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
});

test('a page that needs a session redirects to log in, then back to it', async () => {
  const b = new Browser(server);
  const res = await b.get('/account/sessions');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login?next=/account/sessions');
  const page = await (await b.get('/login?next=/account/sessions')).text();
  assert.equal(inputValue(page, 'next'), '/account/sessions');
  const landed = await b.login(solo, { next: inputValue(page, 'next') });
  assert.equal(landed.headers.get('location'), '/account/sessions');
  const api401 = await api(server, 'GET', '/account/sessions');
  const body = await problem(api401, 401);
  assert.equal(body.title, 'Please log in');
});

// ---- sessions ----

test('every log-in gets a new token, so a planted session cookie is never adopted', async () => {
  // a made-up token planted before log-in
  const planted = 'A'.repeat(43);
  const b = new Browser(server);
  b.jar.set('hearth_session', planted);
  await b.login(solo);
  assert.ok(b.session);
  assert.notEqual(b.session, planted);
  assert.equal(await alive(planted), false);

  // logging in again in the same browser replaces the token
  const first = b.session;
  await b.login(solo);
  assert.notEqual(b.session, first);

  // an attacker's real session planted in the victim's browser stays the attacker's
  const attacker = await signup(server, newPerson('attacker'));
  const victim = new Browser(server);
  victim.jar.set('hearth_session', attacker.token);
  await victim.login(couple.two);
  assert.notEqual(victim.session, attacker.token);
  const theirs = await apiOk(server, 'GET', '/account', { token: attacker.token });
  assert.equal(theirs.account.email, attacker.email, 'the planted token did not become the victim\'s');
  const mine = await apiOk(server, 'GET', '/account', { token: victim.session });
  assert.equal(mine.account.email, couple.two.email);
});

test('logging out ends the session: its cookie replayed gets 401 from the API and a log-in redirect from pages', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('out'));
  const old = browser.session;
  const res = await browser.form('/logout');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/');
  const cleared = setCookies(res).hearth_session;
  assert.equal(cleared.value, '');
  assert.equal(cleared.attrs['max-age'], '0');
  assert.equal(browser.session, undefined);

  const cookie = `hearth_session=${old}`;
  await problem(await api(server, 'GET', '/account', { cookie }), 401);
  await problem(await api(server, 'GET', '/account', { token: old }), 401);
  for (const path of ['/account', '/pair', '/account/sessions']) {
    const page = await fetch(server.url + path, { headers: { cookie }, redirect: 'manual' });
    assert.equal(page.status, 303, path);
    assert.equal(page.headers.get('location'), `/login?next=${path}`);
    assert.equal(setCookies(page).hearth_session.value, '', 'the stale cookie is dropped');
  }
  const post = await fetch(`${server.url}/pair/invite`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'csrf=x',
    redirect: 'manual',
  });
  assert.equal(post.status, 303);
  assert.match(post.headers.get('location'), /^\/login/);
  assert.equal(sql(server, `SELECT count(*) FROM invites WHERE user_id = ${person.id}`), '0');
});

test('logging out through the API ends that token only', async () => {
  const p = await signup(server, newPerson('apiout'));
  const other = await login(server, p);
  const res = await api(server, 'POST', '/logout', { token: p.token });
  assert.equal(res.status, 200);
  assert.equal(await alive(p.token), false);
  assert.ok(await alive(other));
});

test('the sessions list shows each session\'s browser family, start, last use and which one is current', async () => {
  const p = await signup(server, newPerson('list'));
  const firefox = new Browser(server);
  await firefox.login(p);
  const phone = new Browser(server, { userAgent: CHROME_ANDROID });
  await phone.login(p);

  const list = await apiOk(server, 'GET', '/account/sessions', { token: firefox.session });
  assert.equal(list.sessions.length, 3);
  const browsers = list.sessions.map((s) => s.browser).sort();
  assert.deepEqual(browsers, ['Chrome on Android', 'Firefox on Linux', 'Other browser']);
  for (const s of list.sessions) {
    assert.match(s.id, /^[1-9]\d*$/);
    assert.match(s.started, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    assert.match(s.last_used, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    assert.equal(typeof s.current, 'boolean');
  }
  const current = list.sessions.filter((s) => s.current);
  assert.equal(current.length, 1);
  assert.equal(current[0].browser, 'Firefox on Linux');

  const res = await phone.get('/account/sessions');
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<strong>Chrome on Android<\/strong> <span class="tag">this browser<\/span>/);
  assert.match(html, /<strong>Firefox on Linux<\/strong><br>/);
  for (const s of list.sessions) assert.ok(html.includes(`action="/account/sessions/${s.id}/revoke"`));
  assert.ok(html.includes('action="/account/sessions/revoke-all"'));
  assert.ok(!html.includes('Pixel 8'), 'only the browser family is shown');
  const stored = sql(server, `SELECT browser FROM sessions WHERE user_id = ${p.id}`);
  assert.ok(!stored.includes('Pixel') && !stored.includes('Mozilla'), 'only the family is stored');
});

test('revoking one session ends only that one', async () => {
  const p = await signup(server, newPerson('revoke'));
  const here = new Browser(server);
  await here.login(p);
  const there = new Browser(server, { userAgent: CHROME_ANDROID });
  await there.login(p);
  const list = await apiOk(server, 'GET', '/account/sessions', { token: here.session });
  const target = list.sessions.find((s) => s.browser === 'Chrome on Android');

  const res = await here.form(`/account/sessions/${target.id}/revoke`);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/account/sessions');
  assert.equal((await there.get('/account')).status, 303, 'the other browser is logged out');
  assert.equal((await here.get('/account')).status, 200, 'this browser is not');
  assert.ok(await alive(p.token));

  const again = await here.form(`/account/sessions/${target.id}/revoke`);
  assert.equal(again.status, 404, 'a session that is gone is not found');
  const viaApi = await api(server, 'POST', `/account/sessions/${target.id}/revoke`, { token: p.token });
  await problem(viaApi, 404);

  const left = await apiOk(server, 'GET', '/account/sessions', { token: p.token });
  const apiSession = left.sessions.find((s) => s.current);
  const self = await api(server, 'POST', `/account/sessions/${apiSession.id}/revoke`, { token: here.session });
  assert.equal(self.status, 200);
  assert.equal(await alive(p.token), false);
  assert.equal((await here.get('/account')).status, 200);
});

test('a session ended from outside the server (hearth sql) is refused on its next request', async () => {
  const p = await signup(server, newPerson('outside'));
  assert.ok(await alive(p.token));
  assert.ok(await alive(p.token)); // the second from the server's memory
  sql(server, `DELETE FROM sessions WHERE user_id = ${p.id}`);
  // SQLite: the very next request. PostgreSQL: as soon as the command's
  // notification arrives, well before the 1 s a kept row may live at most.
  const since = Date.now();
  let still = await alive(p.token);
  while (still && engine !== 'sqlite' && Date.now() - since < 300) {
    await sleep(20);
    still = await alive(p.token);
  }
  assert.equal(still, false);
});

test('on PostgreSQL a session ended on one server is refused on another at once',
  { skip: engine !== 'postgres' && 'servers share a database on PostgreSQL' }, async () => {
    const other = await startServer({ db: server.db });
    try {
      const p = await signup(server, newPerson('elsewhere'));
      const there = async () => {
        const res = await api(other, 'GET', '/account', { token: p.token });
        await res.arrayBuffer();
        return res.status === 200;
      };
      assert.ok(await there());
      assert.ok(await there()); // kept in the other server's memory now
      const out = await api(server, 'POST', '/logout', { token: p.token });
      await out.arrayBuffer();
      // the other server hears of it through PostgreSQL, well before the
      // 1 s a kept session may live at most
      const since = Date.now();
      let still = await there();
      while (still && Date.now() - since < 300) {
        await sleep(20);
        still = await there();
      }
      assert.equal(still, false);
    } finally {
      assert.equal((await other.stop()).code, 0);
    }
  });

test('a partner cannot revoke the other\'s sessions', async () => {
  const { one, two } = await newCouple(server, 'partners');
  const mine = await apiOk(server, 'GET', '/account/sessions', { token: one.token });
  const id = mine.sessions[0].id;
  await problem(await api(server, 'POST', `/account/sessions/${id}/revoke`, { token: two.token }), 404);
  const theirs = await apiOk(server, 'GET', '/account/sessions', { token: two.token });
  assert.ok(!theirs.sessions.some((s) => s.id === id), 'nor see them');
  assert.ok(await alive(one.token));
});

test('revoking the current session logs this browser out', async () => {
  const { browser } = await signupBrowser(server, newPerson('selfrevoke'));
  const token = browser.session;
  const list = await apiOk(server, 'GET', '/account/sessions', { token });
  assert.equal(list.sessions.length, 1);
  const res = await browser.form(`/account/sessions/${list.sessions[0].id}/revoke`);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login');
  assert.equal(browser.session, undefined, 'the cookie is cleared');
  assert.equal(await alive(token), false);
});

test('log out everywhere, from the safety page, ends every session including the current one', async () => {
  const p = await signup(server, newPerson('everywhere'));
  const apiToken = await login(server, p);
  const phone = new Browser(server, { userAgent: CHROME_ANDROID });
  await phone.login(p);
  const laptop = new Browser(server);
  await laptop.login(p);

  const safety = await (await laptop.get('/safety')).text();
  assert.match(safety, /<form method="post" action="\/account\/sessions\/revoke-all">/);
  const res = await laptop.form('/account/sessions/revoke-all', {}, { csrf: csrfOf(safety) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login');
  assert.equal(laptop.session, undefined);
  for (const token of [p.token, apiToken, phone.session]) assert.equal(await alive(token), false);
  assert.equal(sql(server, `SELECT count(*) FROM sessions WHERE user_id = ${p.id}`), '0');
});

test('log out everywhere through the API ends every session', async () => {
  const p = await signup(server, newPerson('everywhereapi'));
  const other = await login(server, p);
  const res = await api(server, 'POST', '/account/sessions/revoke-all', { token: other });
  assert.equal(res.status, 200);
  assert.equal(await alive(p.token), false);
  assert.equal(await alive(other), false);
});

test('changing the password ends every other session and keeps this one', async () => {
  const p = await signup(server, newPerson('chpw'));
  const other = await login(server, p);
  const b = new Browser(server);
  await b.login(p);
  const fresh = 'lighthouse meadow copper 77';
  secrets.passwords.add(fresh);
  const res = await b.form('/account/password', { current_password: p.password, password: fresh });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/account?done=password');
  assert.equal(await alive(p.token), false);
  assert.equal(await alive(other), false);
  assert.equal((await b.get('/account?done=password')).status, 200, 'this browser stays logged in');
  assert.match(await (await b.get('/account?done=password')).text(), /Saved\./);

  await problem(await api(server, 'POST', '/login', { body: { email: p.email, password: p.password } }), 401);
  assert.ok(await alive(await login(server, { email: p.email, password: fresh })));
});

test('changing the password through the API says how many other sessions ended', async () => {
  const p = await signup(server, newPerson('chpwapi'));
  await login(server, p);
  await login(server, p);
  const fresh = 'orchard violin glacier 19';
  secrets.passwords.add(fresh);
  const out = await apiOk(server, 'POST', '/account/password',
    { token: p.token, body: { current_password: p.password, password: fresh } });
  assert.equal(out.sessions_ended, 2);
  assert.ok(await alive(p.token));
});

test('a password change with a wrong current password or a weak new one answers 422 next to the field', async () => {
  const p = await signup(server, newPerson('chpwbad'));
  const other = await login(server, p);
  const b = new Browser(server);
  await b.login(p);
  const wrong = await b.form('/account/password',
    { current_password: 'this is not it at all', password: 'lighthouse meadow copper 77' });
  assert.equal(wrong.status, 422);
  const html = await wrong.text();
  assert.match(fieldError(html, 'current_password'), /not your current password/);
  assert.match(html, /id="current_password"[^>]*aria-invalid="true" aria-describedby="current_password-error"/);
  assert.ok(!html.includes('this is not it at all') && !html.includes('lighthouse meadow copper 77'));

  const weak = await b.form('/account/password', { current_password: p.password, password: 'password1234' });
  assert.equal(weak.status, 422);
  const weakHtml = await weak.text();
  assert.match(fieldError(weakHtml, 'password'), /too easy to guess/);
  assert.ok(!weakHtml.includes('password1234') && !weakHtml.includes(p.password));

  const short = await api(server, 'POST', '/account/password',
    { token: p.token, body: { current_password: p.password, password: 'short' } });
  assert.match((await problem(short, 422)).errors.password, /at least 12/);
  assert.ok(await alive(other), 'nothing was changed, no session ended');
  assert.ok(await alive(await login(server, p)), 'the old password still works');
});

test('the database never holds a raw session token or a password', async () => {
  assert.ok(secrets.tokens.size >= 20, 'many tokens were handed out by now');
  // every value of every table the server wrote
  const tables = sql(server, engine === 'sqlite'
    ? "SELECT name FROM sqlite_master WHERE type = 'table'"
    : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").split('\n');
  const dump = tables.map((t) => sql(server, `SELECT * FROM ${t}`)).join('\n');
  assert.ok(dump.length > 0);
  for (const token of secrets.tokens) {
    assert.ok(!dump.includes(token), `token ${token.slice(0, 6)}... is in the database`);
  }
  for (const password of secrets.passwords) {
    assert.ok(!dump.includes(password), 'a password is in the database');
  }
  const hashes = sql(server, 'SELECT token_hash FROM session_tokens LIMIT 5').split('\n');
  for (const h of hashes) assert.match(h, /^[0-9a-f]{64}$/);
});

test('nor do its files, the write-ahead log included', sqliteOnly, async () => {
  const files = [server.db, `${server.db}-wal`].filter((f) => existsSync(f));
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  assert.ok(bytes.length > 0);
  for (const token of secrets.tokens) {
    assert.ok(!bytes.includes(token), `token ${token.slice(0, 6)}... is in the database file`);
  }
  for (const password of secrets.passwords) {
    assert.ok(!bytes.includes(password), 'a password is in the database file');
  }
});

// ---- CSRF ----

test('a form post marked cross-site or same-site by Sec-Fetch-Site answers 403 and changes nothing', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('xsite'));
  const fields = { name: 'Hijacked', email: person.email, time_zone: 'UTC' };
  for (const site of ['cross-site', 'same-site']) {
    const res = await browser.form('/account/settings', fields, { headers: { 'sec-fetch-site': site } });
    assert.equal(res.status, 403, site);
    assert.match(await res.text(), /came from another site/);
  }
  const me = await apiOk(server, 'GET', '/account', { token: person.token });
  assert.equal(me.account.name, person.name);
  const direct = await browser.form('/account/settings', fields, { headers: { 'sec-fetch-site': 'none' } });
  assert.equal(direct.status, 303, 'a request the person typed in (none) passes');
});

test('a form post with a foreign Origin answers 403; the site\'s own origin passes', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('origin'));
  const port = Number(new URL(server.url).port);
  const foreign = ['https://evil.example', 'null', `http://127.0.0.1:${port === 1 ? 2 : port - 1}`,
    server.url.replace('127.0.0.1', 'localhost')];
  for (const origin of foreign) {
    const res = await browser.form('/pair/invite', {}, { headers: { 'sec-fetch-site': undefined, origin } });
    assert.equal(res.status, 403, origin);
  }
  assert.equal(sql(server, `SELECT count(*) FROM invites WHERE user_id = ${person.id}`), '0');
  const own = await browser.form('/pair/invite', {}, { headers: { 'sec-fetch-site': undefined, origin: server.url } });
  assert.equal(own.status, 303);
  const neither = await browser.form('/pair/invite', {},
    { headers: { 'sec-fetch-site': undefined, origin: undefined } });
  assert.equal(neither.status, 303, 'without either header the csrf field decides');
});

test('a signed-in form post without the csrf field, or with a wrong one, answers 403', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('csrf'));
  const other = new Browser(server);
  await other.login(solo);
  const wrongs = {
    missing: null,
    empty: '',
    made_up: 'A'.repeat(43),
    another_session: await other.csrf(),
    anonymous_cookie: browser.jar.get('hearth_csrf') || 'B'.repeat(43),
  };
  for (const [what, csrf] of Object.entries(wrongs)) {
    const res = await browser.form('/pair/invite', {}, { csrf });
    assert.equal(res.status, 403, what);
    assert.match(await res.text(), /This form has expired/);
  }
  assert.equal(sql(server, `SELECT count(*) FROM invites WHERE user_id = ${person.id}`), '0');
  const logout = await browser.form('/logout', {}, { csrf: null });
  assert.equal(logout.status, 403, 'logging out needs the token too');
  assert.ok(await alive(browser.session));
});

test('a signed-in session has its own csrf token, not the anonymous one', async () => {
  const b = new Browser(server);
  await b.get('/login');
  const anonymous = b.jar.get('hearth_csrf');
  await b.login(solo);
  const own = unmaskCsrf(await b.csrf());
  assert.match(own, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(own, anonymous);
  const account = await (await b.get('/account')).text();
  const tokens = new Set([...account.matchAll(/name="csrf" value="([^"]*)"/g)].map((m) => unmaskCsrf(m[1])));
  assert.deepEqual([...tokens], [own], 'every form on the page carries the session\'s token');
});

test('the anonymous log-in and sign-up forms need the csrf cookie and the same value in the form', async () => {
  const fresh = new Browser(server);
  const noCookie = await fresh.form('/login', { email: solo.email, password: solo.password }, { csrf: 'C'.repeat(43) });
  assert.equal(noCookie.status, 403, 'no csrf cookie yet');
  const b = new Browser(server);
  await b.get('/login');
  const cookie = b.jar.get('hearth_csrf');
  assert.match(cookie, /^[A-Za-z0-9_-]{43}$/);
  for (const csrf of [null, 'D'.repeat(43), cookie.slice(1)]) {
    const res = await b.form('/login', { email: solo.email, password: solo.password }, { csrf });
    assert.equal(res.status, 403, String(csrf));
    assert.equal(b.session, undefined);
  }
  const p = newPerson('csrfsignup');
  const signupNo = await b.form('/signup', { name: p.name, email: p.email, password: p.password }, { csrf: null });
  assert.equal(signupNo.status, 403);
  const ok = await b.form('/login', { email: solo.email, password: solo.password }, { csrf: cookie });
  assert.equal(ok.status, 303);
});

test('the csrf check comes before validation: a cross-site post with bad fields answers 403, not 422', async () => {
  const b = new Browser(server);
  const res = await b.form('/signup', { name: '', email: 'nope', password: 'x' },
    { headers: { 'sec-fetch-site': 'cross-site' } });
  assert.equal(res.status, 403);
  const missing = await b.form('/signup', { name: '', email: 'nope', password: 'x' }, { csrf: null });
  assert.equal(missing.status, 403);
});

test('API writes need no csrf token with a bearer token; with the session cookie other sites are refused', async () => {
  const p = await signup(server, newPerson('apicsrf'));
  const bearer = await api(server, 'POST', '/pair/invite', { token: p.token });
  assert.equal(bearer.status, 201);
  const cookie = `hearth_session=${p.token}`;
  const cross = await api(server, 'POST', '/pair/invite', { cookie, headers: { 'sec-fetch-site': 'cross-site' } });
  await problem(cross, 403);
  const foreign = await api(server, 'POST', '/pair/invite', { cookie, headers: { origin: 'https://evil.example' } });
  await problem(foreign, 403);
  const same = await api(server, 'POST', '/pair/invite', { cookie, headers: { 'sec-fetch-site': 'same-origin' } });
  assert.equal(same.status, 201, 'JSON from the site itself needs no csrf field');
});

// ---- pairing ----

test('an invite has an 8-character code from the unambiguous alphabet, a join link and lasts 7 days', async () => {
  const p = await signup(server, newPerson('inv'));
  const t0 = Date.now();
  const res = await api(server, 'POST', '/pair/invite', { token: p.token });
  assert.equal(res.status, 201);
  const invite = await res.json();
  assert.match(invite.code, CODE);
  assert.equal(invite.link, `${server.url}/pair/join?code=${invite.code}`);
  assert.ok(Math.abs(invite.expires_at - (t0 + 7 * DAY_MS)) < 60000, 'expires in 7 days');

  const json = await apiOk(server, 'GET', '/pair', { token: p.token });
  assert.equal(json.paired, false);
  assert.equal(json.invite.code, invite.code);
  assert.equal(json.invite.link, invite.link);
  assert.equal(json.invite.expires_at, invite.expires_at);
  assert.match(json.invite.valid_until, /\d{4}/);
  assert.equal(json.invite.qr_svg_html, undefined, 'the QR code is only for the page');

  const html = await (await asPage('/pair', p.token)).text();
  assert.match(html, new RegExp(`<p class="invite-code"><span class="visually-hidden">Invite code: </span><span data-invite-code>${invite.code}</span></p>`));
  assert.ok(html.includes(`<a href="${invite.link}">${invite.link}</a>`));
  assert.match(html,
    /<div class="qr-box"><svg [^>]*class="qr"[^>]*role="img" aria-label="QR code of the invite link"[^>]*>[\s\S]*<\/svg><\/div>/);
  assert.match(html, /Make a new code/);
});

test('codes differ and use only the unambiguous alphabet', async () => {
  const p = await signup(server, newPerson('codes'));
  const codes = new Set();
  for (let i = 0; i < 20; i++) {
    const { code } = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
    assert.match(code, CODE);
    codes.add(code);
  }
  assert.equal(codes.size, 20);
});

test('the invite form redirects to /pair, which shows the code and a QR code', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('invform'));
  const before = await (await browser.get('/pair')).text();
  assert.match(before, />Make an invite</);
  assert.doesNotMatch(before, /class="qr-box"/);
  const res = await browser.form('/pair/invite');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/pair');
  const html = await (await browser.get('/pair')).text();
  const code = sql(server, `SELECT code FROM invites WHERE user_id = ${person.id}`);
  assert.match(code, CODE);
  assert.ok(html.includes(code));
  assert.match(html, /<div class="qr-box"><svg/);
});

test('a new invite replaces the old one, whose code is then unknown', async () => {
  const p = await signup(server, newPerson('replace'));
  const q = await signup(server, newPerson('replace'));
  const first = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
  const second = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
  assert.notEqual(first.code, second.code);
  assert.equal(sql(server, `SELECT count(*) FROM invites WHERE user_id = ${p.id}`), '1');
  const old = await api(server, 'POST', '/pair/join', { headers: elsewhere(), token: q.token, body: { code: first.code } });
  assert.match((await problem(old, 422)).errors.code, /This code doesn't work\. Ask your partner for a new one\./);
  const json = await apiOk(server, 'GET', '/pair', { token: p.token });
  assert.equal(json.invite.code, second.code);
});

test('joining with a code pairs the two; spaces, dashes and lower case are fine', async () => {
  const inviter = await signup(server, newPerson('inviter'));
  const joiner = await signup(server, newPerson('joiner'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: inviter.token }, 201);
  const typed = ` ${code.slice(0, 4).toLowerCase()} - ${code.slice(4)} `;
  const res = await api(server, 'POST', '/pair/join', { token: joiner.token, body: { code: typed } });
  assert.equal(res.status, 200);
  const out = await res.json();
  assert.equal(out.couple.partner_name, inviter.name);
  assert.match(out.couple.id, /^[1-9]\d*$/);

  for (const [me, partner] of [[inviter, joiner], [joiner, inviter]]) {
    const account = await apiOk(server, 'GET', '/account', { token: me.token });
    assert.equal(account.account.paired, true);
    assert.equal(account.couple.partner_name, partner.name);
    assert.equal(account.couple.id, out.couple.id);
  }
  assert.equal(sql(server, `SELECT count(*) FROM users WHERE couple_id = ${out.couple.id}`), '2');
  assert.equal(sql(server, `SELECT count(*) FROM memberships WHERE couple_id = ${out.couple.id}`), '2');
  assert.equal(sql(server, `SELECT count(*) FROM invites WHERE code = '${code}' AND used_at IS NOT NULL`), '1');
});

test('the join form takes the code from the link, and joining lands on /us', async () => {
  const inviter = await signup(server, newPerson('linkinv'));
  const { person, browser } = await signupBrowser(server, newPerson('linkjoin'));
  const { code, link } = await apiOk(server, 'POST', '/pair/invite', { token: inviter.token }, 201);
  const page = await browser.get(new URL(link).pathname + new URL(link).search);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.equal(inputValue(html, 'code'), code);
  const res = await browser.form('/pair/join', { code: code.toLowerCase() });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/us');
  const us = await browser.get('/us');
  assert.equal(us.status, 200);
  assert.ok((await us.text()).includes(`${person.name} &amp; ${inviter.name}`));
  const nav = await (await browser.get('/account')).text();
  assert.match(nav, /href="\/us">Us</);
});

test('an invite link keeps its code through sign-up, says who invited, and one tap joins', async () => {
  const inviter = await signup(server, newPerson('inviteflow'));
  const { code, link } = await apiOk(server, 'POST', '/pair/invite', { token: inviter.token }, 201);
  const path = new URL(link).pathname + new URL(link).search;
  const visitor = new Browser(server);
  const first = await visitor.get(path);
  assert.equal(first.status, 303);
  const to = first.headers.get('location');
  assert.equal(to, `/signup?next=${encodeURIComponent(`/pair/join?code=${code}`)}`);
  const signupHtml = await (await visitor.get(to)).text();
  assert.match(signupHtml, /Your partner invited you/);
  assert.equal(inputValue(signupHtml, 'next'), `/pair/join?code=${code}`);
  assert.ok(signupHtml.includes(`href="/login?next=${encodeURIComponent(`/pair/join?code=${code}`)}"`));
  const person = newPerson('inviteflow');
  const made = await visitor.signup(person, 'UTC', { next: `/pair/join?code=${code}` });
  assert.equal(made.headers.get('location'), `/pair/join?code=${code}`);
  const join = await visitor.get(`/pair/join?code=${code}`);
  assert.equal(join.status, 200);
  const joinHtml = await join.text();
  assert.ok(joinHtml.includes(`${inviter.name} invited you`), 'the inviter is named');
  assert.ok(!joinHtml.includes('id="code"'), 'nothing to type');
  const joined = await visitor.form('/pair/join', { code });
  assert.equal(joined.headers.get('location'), '/us');
  assert.equal((await apiOk(server, 'GET', '/us', { token: inviter.token })).couple.partner_name, person.name);
});

test('an invite link keeps its code through log-in too, and a link to another site is never followed', async () => {
  const inviter = await signup(server, newPerson('invitelogin'));
  const known = await signup(server, newPerson('invitelogin'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: inviter.token }, 201);
  const b = new Browser(server);
  const loginHtml = await (await b.get(`/login?next=${encodeURIComponent(`/pair/join?code=${code}`)}`)).text();
  assert.ok(loginHtml.includes(`href="/signup?next=${encodeURIComponent(`/pair/join?code=${code}`)}"`));
  const res = await b.form('/login', { email: known.email, password: known.password, next: `/pair/join?code=${code}` });
  assert.equal(res.headers.get('location'), `/pair/join?code=${code}`);
  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
    const away = new Browser(server);
    const p = newPerson('nextaway');
    const made = await away.signup(p, 'UTC', { next });
    assert.equal(made.headers.get('location'), '/pair', next);
    assert.ok(!(await (await away.get(`/login?next=${encodeURIComponent(next)}`)).text()).includes('evil'));
  }
});

test('a link with a code that does not work says so, and counts like a wrong code typed', async () => {
  const { browser } = await signupBrowser(server, newPerson('badlink'));
  const from = elsewhere(); // a network of its own, so other tests keep theirs
  const res = await browser.get('/pair/join?code=ZZZZZZZZ', from);
  assert.equal(res.status, 422);
  assert.equal(fieldError(await res.text(), 'code'), 'This code doesn&#39;t work. Ask your partner for a new one.');
  for (let i = 0; i < 9; i++) await browser.get('/pair/join?code=ZZZZZZZZ', from);
  const held = await browser.get('/pair/join?code=ZZZZZZZZ', from);
  assert.equal(held.status, 429);
});

test('joining with one\'s own code is refused', async () => {
  const p = await signup(server, newPerson('own'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
  const res = await api(server, 'POST', '/pair/join', { token: p.token, body: { code } });
  assert.match((await problem(res, 422)).errors.code, /your own code/);
  assert.equal((await apiOk(server, 'GET', '/account', { token: p.token })).account.paired, false);
});

test('a code that was used is refused, so a couple never has a third person', async () => {
  const { one } = await newCouple(server, 'used');
  const code = sql(server, `SELECT code FROM invites WHERE user_id = ${one.id} AND used_at IS NOT NULL`);
  const third = await signup(server, newPerson('third'));
  const res = await api(server, 'POST', '/pair/join', { headers: elsewhere(), token: third.token, body: { code } });
  assert.match((await problem(res, 422)).errors.code, /This code doesn't work\. Ask your partner for a new one\./);
  assert.equal((await apiOk(server, 'GET', '/account', { token: third.token })).account.paired, false);
  const coupleId = sql(server, `SELECT couple_id FROM users WHERE id = ${one.id}`);
  assert.equal(sql(server, `SELECT count(*) FROM users WHERE couple_id = ${coupleId}`), '2');
});

test('an expired code is refused and no longer shown', async () => {
  const p = await signup(server, newPerson('exp'));
  const q = await signup(server, newPerson('exp'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
  sql(server, `UPDATE invites SET expires_at = 1 WHERE code = '${code}'`);
  const res = await api(server, 'POST', '/pair/join', { headers: elsewhere(), token: q.token, body: { code } });
  assert.match((await problem(res, 422)).errors.code, /This code doesn't work\. Ask your partner for a new one\./);
  const json = await apiOk(server, 'GET', '/pair', { token: p.token });
  assert.equal(json.invite, undefined);
  const fresh = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
  assert.notEqual(fresh.code, code, 'a new code can be made');
});

test('every wrong code, unknown or malformed, gets the same message', async () => {
  const p = await signup(server, newPerson('unk'));
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let unknown;
  do unknown = Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
  while (sql(server, `SELECT count(*) FROM invites WHERE code = '${unknown}'`) !== '0');
  const res = await api(server, 'POST', '/pair/join', { headers: elsewhere(), token: p.token, body: { code: unknown } });
  assert.match((await problem(res, 422)).errors.code, /This code doesn't work\. Ask your partner for a new one\./);
  for (const code of ['ABC', 'ABCDEFGHJ', 'ABCD-EFG0', 'ABCDEFG1', 'ABCDEFGO', 'ABCD_EFG']) {
    const bad = await api(server, 'POST', '/pair/join', { headers: elsewhere(), token: p.token, body: { code } });
    assert.match((await problem(bad, 422)).errors.code, /This code doesn't work\. Ask your partner for a new one\./, code);
  }
  const empty = await api(server, 'POST', '/pair/join', { token: p.token, body: {} });
  assert.match((await problem(empty, 422)).errors.code, /required/);
});

test('a join form with a wrong code comes back with 422, the error next to the field and the code kept', async () => {
  const { browser } = await signupBrowser(server, newPerson('joinform'));
  const res = await browser.form('/pair/join', { code: 'zz99-zz99' }, { headers: elsewhere() });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.equal(inputValue(html, 'code'), 'zz99-zz99');
  assert.equal(fieldError(html, 'code'), 'This code doesn&#39;t work. Ask your partner for a new one.');
  assert.match(html, /aria-describedby="code-hint code-error" aria-invalid="true"/);
});

test('when several people race for one code, exactly one pairs with its author', async () => {
  const author = await signup(server, newPerson('race'));
  const racers = [];
  for (let i = 0; i < 4; i++) racers.push(await signup(server, newPerson('racer')));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: author.token }, 201);
  const answers = await Promise.all(racers.map((r) =>
    api(server, 'POST', '/pair/join', { headers: elsewhere(), token: r.token, body: { code } })));
  const statuses = answers.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 422, 422, 422]);
  for (const r of answers.filter((x) => x.status === 422)) {
    assert.match((await r.json()).errors.code, /This code doesn't work\. Ask your partner for a new one\./);
  }
  const coupleId = sql(server, `SELECT couple_id FROM users WHERE id = ${author.id}`);
  assert.equal(sql(server, `SELECT count(*) FROM users WHERE couple_id = ${coupleId}`), '2');
});

test('two people joining each other\'s codes at once end up in one couple', async () => {
  const p = await signup(server, newPerson('mutual'));
  const q = await signup(server, newPerson('mutual'));
  const pc = await apiOk(server, 'POST', '/pair/invite', { token: p.token }, 201);
  const qc = await apiOk(server, 'POST', '/pair/invite', { token: q.token }, 201);
  const [a, b] = await Promise.all([
    api(server, 'POST', '/pair/join', { token: p.token, body: { code: qc.code } }),
    api(server, 'POST', '/pair/join', { token: q.token, body: { code: pc.code } }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 422]);
  const pCouple = sql(server, `SELECT couple_id FROM users WHERE id = ${p.id}`);
  assert.notEqual(pCouple, '');
  assert.equal(sql(server, `SELECT couple_id FROM users WHERE id = ${q.id}`), pCouple);
  const couples = `SELECT count(DISTINCT couple_id) FROM memberships WHERE user_id IN (${p.id}, ${q.id})`;
  assert.equal(sql(server, couples), '1');
});

test('someone already paired can neither join another code nor make an invite', async () => {
  const other = await signup(server, newPerson('lonely'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: other.token }, 201);
  const join = await api(server, 'POST', '/pair/join', { token: couple.one.token, body: { code } });
  assert.match((await problem(join, 422)).errors.code, /already paired/);
  const invite = await api(server, 'POST', '/pair/invite', { token: couple.two.token });
  assert.match((await problem(invite, 409)).detail, /already paired/);
  assert.equal(sql(server, `SELECT count(*) FROM invites WHERE code = '${code}' AND used_at IS NULL`), '1',
    'the code stays usable');
});

test('once the author of a code pairs with someone else, that code stops working', async () => {
  const a = await signup(server, newPerson('fickle'));
  const b = await signup(server, newPerson('fickle'));
  const c = await signup(server, newPerson('fickle'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: a.token }, 201);
  await pair(server, b, a);
  const res = await api(server, 'POST', '/pair/join', { headers: elsewhere(), token: c.token, body: { code } });
  await problem(res, 422);
  assert.equal((await apiOk(server, 'GET', '/account', { token: c.token })).account.paired, false);
});

test('the couple\'s time zone starts as the inviter\'s and either partner can change it', async () => {
  const inviter = await signup(server, newPerson('tzinv'), { timeZone: 'Asia/Tokyo' });
  const joiner = await signup(server, newPerson('tzjoin'), { timeZone: 'Europe/Paris' });
  const joined = await pair(server, inviter, joiner);
  assert.equal(joined.couple.time_zone, 'Asia/Tokyo');

  const changed = await apiOk(server, 'POST', '/couple/settings',
    { token: joiner.token, body: { couple_time_zone: 'America/Chicago' } });
  assert.equal(changed.time_zone, 'America/Chicago');
  const seen = await apiOk(server, 'GET', '/account', { token: inviter.token });
  assert.equal(seen.couple.time_zone, 'America/Chicago');
  assert.equal(seen.account.time_zone, 'Asia/Tokyo', 'each person keeps their own');

  const b = new Browser(server);
  await b.login(inviter);
  const form = await b.form('/couple/settings', { couple_time_zone: 'Europe/Lisbon' });
  assert.equal(form.status, 303);
  assert.equal(form.headers.get('location'), '/account?done=time_zone');
  const page = await (await b.get('/account?done=time_zone')).text();
  assert.match(page, /now Europe\/Lisbon/);
  assert.equal(inputValue(page, 'couple_time_zone'), 'Europe/Lisbon');

  const bad = await b.form('/couple/settings', { couple_time_zone: 'Europe/Atlantis' });
  assert.equal(bad.status, 422);
  const html = await bad.text();
  assert.match(fieldError(html, 'couple_time_zone'), /Choose a time zone/);
  assert.equal(inputValue(html, 'couple_time_zone'), 'Europe/Atlantis');
  const badApi = await api(server, 'POST', '/couple/settings',
    { token: joiner.token, body: { couple_time_zone: 'Europe/Atlantis' } });
  assert.match((await problem(badApi, 422)).errors.couple_time_zone, /time zone/);
  assert.equal((await apiOk(server, 'GET', '/account', { token: joiner.token })).couple.time_zone, 'Europe/Lisbon');

  const unpaired = await api(server, 'POST', '/couple/settings',
    { token: solo.token, body: { couple_time_zone: 'UTC' } });
  await problem(unpaired, 403);
});

test('/us needs a couple: unpaired pages go to /pair, the API answers 403', async () => {
  const page = await asPage('/us', solo.token);
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/pair');
  const body = await problem(await api(server, 'GET', '/us', { token: solo.token }), 403);
  assert.match(body.detail, /Pair with your partner/);
  const leave = await api(server, 'GET', '/couple/leave', { token: solo.token });
  await problem(leave, 403);
});

test('/us shows both names and since when, as a page and as JSON', async () => {
  const json = await apiOk(server, 'GET', '/us', { token: couple.one.token });
  assert.equal(json.my_name, couple.one.name);
  assert.equal(json.couple.partner_name, couple.two.name);
  assert.match(json.couple.since, /^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
  const page = await asPage('/us', couple.two.token);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(`<h1>${couple.two.name} &amp; ${couple.one.name}</h1>`));
  assert.ok(html.includes(`since ${json.couple.since}`));
  assert.ok(!html.includes(couple.one.email), 'the partner\'s email is not shown');
});

test('a paired person opening /pair is sent to /us', async () => {
  const page = await asPage('/pair', couple.one.token);
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/us');
});

// ---- leaving ----

test('the leave page says the partner gets no message and what each keeps', async () => {
  const page = await asPage('/couple/leave', couple.one.token);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(`You are paired with ${couple.two.name} since`));
  assert.ok(html.includes(`${couple.two.name} gets no message, email or notification.`));
  assert.match(html, /You each keep your own account and can still export what you yourself wrote\./);
  assert.match(html, /shared space closes for both of you/);
  assert.match(html, /<form class="form" method="post" action="\/couple\/leave"/);
  assert.match(html, /name="password" type="password"/);
  const json = await apiOk(server, 'GET', '/couple/leave', { token: couple.two.token });
  assert.equal(json.couple.partner_name, couple.one.name);
});

test('leaving with a wrong password answers 422 and keeps the couple', async () => {
  const { one, two } = await newCouple(server, 'stay');
  const b = new Browser(server);
  await b.login(one);
  const res = await b.form('/couple/leave', { password: 'definitely not mine' });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(fieldError(html, 'password'), /not your password/);
  assert.ok(!html.includes('definitely not mine'));
  assert.ok(html.includes(`${two.name} gets no message`), 'the page is shown again in full');
  const api422 = await api(server, 'POST', '/couple/leave', { token: two.token, body: { password: 'nope nope nope' } });
  await problem(api422, 422);
  assert.equal((await apiOk(server, 'GET', '/us', { token: two.token })).couple.partner_name, one.name);
});

test('leaving unpairs both at once; /us is closed for either, who can each still export their own data', async () => {
  const { one, two, coupleId } = await newCouple(server, 'leave');
  const b = new Browser(server);
  await b.login(two);
  const res = await b.form('/couple/leave', { password: two.password });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/pair?left=1');
  const after = await (await b.get('/pair?left=1')).text();
  assert.match(after, /You have left your couple\. Your partner was not told\./);

  for (const p of [one, two]) {
    await problem(await api(server, 'GET', '/us', { token: p.token }), 403);
    const page = await asPage('/us', p.token);
    assert.equal(page.headers.get('location'), '/pair');
    const account = await apiOk(server, 'GET', '/account', { token: p.token });
    assert.equal(account.account.paired, false);
    assert.equal(account.couple, undefined);
  }
  const partnerPair = await (await asPage('/pair', one.token)).text();
  assert.doesNotMatch(partnerPair, /You have left/, 'the partner is not told who or why');
  assert.match(partnerPair, /This shared space has closed\./, 'but finds one neutral line');
  assert.doesNotMatch(await (await b.get('/pair')).text(), /This shared space has closed/, 'not for the one who left');
  assert.notEqual(sql(server, `SELECT ended_at FROM couples WHERE id = ${coupleId}`), '');

  for (const [me, partner] of [[one, two], [two, one]]) {
    const data = await apiOk(server, 'POST', '/account/export', { token: me.token, body: { password: me.password } });
    assert.equal(data.format, 'hearth-export-1');
    assert.equal(data.account.email, me.email);
    assert.equal(data.account.id, me.id);
    assert.equal(data.couples.length, 1);
    assert.equal(data.couples[0].couple_id, coupleId);
    assert.equal(typeof data.couples[0].left_at, 'number');
    const text = JSON.stringify(data);
    assert.ok(!text.includes(partner.email), 'not the partner\'s email');
    assert.ok(!text.includes(partner.name), 'not the partner\'s name');
    assert.ok(!text.includes(partner.id), 'not the partner\'s id');
    assert.ok(!/password/.test(text), 'no password hash');
  }
  // either can pair again, with anyone
  await pair(server, one, await signup(server, newPerson('again')));
});

test('the export form downloads a JSON file; a wrong password answers 422', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('exp'));
  const page = await browser.get('/account/data');
  assert.equal(page.status, 200);
  const wrong = await browser.form('/account/export', { password: 'that is not right' });
  assert.equal(wrong.status, 422);
  const html = await wrong.text();
  assert.match(fieldError(html, 'password'), /not your password/);
  assert.ok(!html.includes('that is not right'));

  const res = await browser.form('/account/export', { password: person.password });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="hearth-export.json"');
  const data = JSON.parse(await res.text());
  assert.equal(data.account.email, person.email);
  assert.equal(data.account.name, person.name);
  assert.deepEqual(data.couples, []);
  assert.ok(data.sessions.length >= 1);
  assert.ok(data.sessions.every((s) => !('token_hash' in s) && !('csrf' in s)), 'no session secrets');
});

// ---- the account ----

test('the account page shows name, email, time zone and couple, also as JSON', async () => {
  const json = await apiOk(server, 'GET', '/account', { token: couple.one.token });
  assert.equal(json.account.name, couple.one.name);
  assert.equal(json.account.email, couple.one.email);
  assert.equal(json.account.time_zone, 'UTC');
  assert.equal(json.couple.partner_name, couple.two.name);
  assert.ok(json.time_zones.some((z) => z.name === 'Europe/Paris'));
  assert.deepEqual(json.time_zones.filter((z) => z.selected).map((z) => z.name), ['UTC']);

  const html = await (await asPage('/account', couple.one.token)).text();
  for (const fact of [`<dd>${couple.one.name}</dd>`, `<dd>${couple.one.email}</dd>`, '<dd>UTC</dd>',
    `Paired with ${couple.two.name} since`]) assert.ok(html.includes(fact), fact);
  assert.ok(!html.includes(couple.two.email), 'not the partner\'s email');
  const unpaired = await (await asPage('/account', solo.token)).text();
  assert.match(unpaired, /Not paired\./);
});

test('account settings change name, email and time zone', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('settings'));
  const email = `${unique('renamed')}@example.org`;
  secrets.emails.add(email);
  const res = await browser.form('/account/settings', {
    name: 'Renamed Person', email: email.toUpperCase(), time_zone: 'Europe/Berlin',
    confirm_password: person.password,
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/account?done=settings');
  const html = await (await browser.get('/account?done=settings')).text();
  assert.match(html, /Saved\./);
  assert.ok(html.includes('<dd>Renamed Person</dd>'));
  assert.ok(html.includes(`<dd>${email}</dd>`), 'stored lower-cased');
  assert.equal(inputValue(html, 'time_zone'), 'Europe/Berlin');
  await problem(await api(server, 'POST', '/login', { body: { email: person.email, password: person.password } }), 401);
  assert.ok(await alive(await login(server, { email, password: person.password })));

  const out = await apiOk(server, 'POST', '/account/settings',
    { token: person.token, body: { name: 'Via The Api', email, time_zone: 'Asia/Tokyo' } });
  assert.equal(out.account.name, 'Via The Api');
  assert.equal(out.account.time_zone, 'Asia/Tokyo');
});

test('account settings with an unknown time zone or another account\'s email answer 422, keeping the input', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('settingsbad'));
  const tz = await browser.form('/account/settings', { name: 'Kept Name', email: person.email, time_zone: 'Moon/Crater' });
  assert.equal(tz.status, 422);
  const tzHtml = await tz.text();
  assert.match(fieldError(tzHtml, 'time_zone'), /Choose a time zone/);
  assert.match(tzHtml, /id="time_zone" name="time_zone"[^>]*aria-describedby="time_zone-hint time_zone-error" aria-invalid="true"/);
  assert.equal(inputValue(tzHtml, 'time_zone'), 'Moon/Crater', 'what was typed is kept');
  assert.equal(inputValue(tzHtml, 'name'), 'Kept Name');

  const taken = await browser.form('/account/settings',
    { name: 'Kept Again', email: solo.email, time_zone: 'UTC', confirm_password: person.password });
  assert.equal(taken.status, 422);
  const takenHtml = await taken.text();
  assert.match(fieldError(takenHtml, 'email'), /Another account already uses this email/);
  assert.equal(inputValue(takenHtml, 'email'), solo.email);
  assert.equal(inputValue(takenHtml, 'name'), 'Kept Again');

  const viaApi = await api(server, 'POST', '/account/settings', {
    token: person.token,
    body: { name: 'X', email: solo.email, time_zone: 'UTC', confirm_password: person.password },
  });
  assert.match((await problem(viaApi, 422)).errors.email, /Another account/);
  const me = await apiOk(server, 'GET', '/account', { token: person.token });
  assert.equal(me.account.name, person.name, 'nothing changed');
  assert.equal(me.account.email, person.email);
});

test('changing the login email needs the current password; other settings do not', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('emailpw'));
  const email = `${unique('moved')}@example.org`;
  secrets.emails.add(email);
  const none = await browser.form('/account/settings', { name: 'Still Me', email, time_zone: 'UTC' });
  assert.equal(none.status, 422);
  const noneHtml = await none.text();
  assert.match(fieldError(noneHtml, 'confirm_password'), /Enter your password to change your email/);
  assert.equal(inputValue(noneHtml, 'email'), email, 'what was typed is kept');
  const wrong = await api(server, 'POST', '/account/settings', {
    token: person.token, body: { name: 'Still Me', email, time_zone: 'UTC', confirm_password: 'not the password at all' },
  });
  assert.match((await problem(wrong, 422)).errors.confirm_password, /not your current password/);
  let me = await apiOk(server, 'GET', '/account', { token: person.token });
  assert.equal(me.account.email, person.email, 'the email did not change');
  // a new name alone needs no password
  await apiOk(server, 'POST', '/account/settings',
    { token: person.token, body: { name: 'Renamed Only', email: person.email, time_zone: 'UTC' } });
  me = await apiOk(server, 'GET', '/account', { token: person.token });
  assert.equal(me.account.name, 'Renamed Only');
});

test('deleting an account needs the password', async () => {
  const { person, browser } = await signupBrowser(server, newPerson('nodelete'));
  const res = await browser.form('/account/delete', { password: 'wrong wrong wrong' });
  assert.equal(res.status, 422);
  assert.match(fieldError(await res.text(), 'password'), /not your password/);
  await problem(await api(server, 'POST', '/account/delete', { token: person.token, body: { password: 'nope nope' } }), 422);
  assert.ok(await alive(person.token));
});

test('deleting an account leaves the couple first, deletes the account and logs out; the partner ends unpaired', async () => {
  const { one, two, coupleId } = await newCouple(server, 'del');
  const b = new Browser(server);
  await b.login(one);
  const data = await (await b.get('/account/data')).text();
  assert.match(data, /You leave your couple first: your partner is not told/);
  const res = await b.form('/account/delete', { password: one.password });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/?deleted=1');
  assert.equal(setCookies(res).hearth_session.value, '');
  assert.equal(b.session, undefined);
  assert.match(await (await b.get('/?deleted=1')).text(), /have been deleted/);

  assert.equal(await alive(one.token), false);
  await problem(await api(server, 'POST', '/login', { body: { email: one.email, password: one.password } }), 401);
  assert.equal(sql(server, `SELECT count(*) FROM users WHERE id = ${one.id}`), '0');
  assert.equal(sql(server, `SELECT count(*) FROM sessions WHERE user_id = ${one.id}`), '0');

  const partner = await apiOk(server, 'GET', '/account', { token: two.token });
  assert.equal(partner.account.paired, false);
  await problem(await api(server, 'GET', '/us', { token: two.token }), 403);
  const exported = await apiOk(server, 'POST', '/account/export', { token: two.token, body: { password: two.password } });
  assert.equal(exported.couples[0].couple_id, coupleId);
  assert.equal(typeof exported.couples[0].left_at, 'number');
  assert.ok(!JSON.stringify(exported).includes(one.email));

  const again = await signup(server, newPerson('reuse', { email: one.email }));
  assert.equal(again.user.email, one.email, 'the email is free again');
});

test('deleting an account through the API ends its sessions', async () => {
  const p = await signup(server, newPerson('apidel'));
  const other = await login(server, p);
  const res = await api(server, 'POST', '/account/delete', { token: p.token, body: { password: p.password } });
  assert.equal(res.status, 200);
  assert.equal(await alive(p.token), false);
  assert.equal(await alive(other), false);
});

// ---- safety ----

test('the safety page is public: what the partner sees and cannot see, how to leave, and a quick exit', async () => {
  const res = await fetch(`${server.url}/safety`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<h2>What your partner can see<\/h2>/);
  assert.match(html, /<h2>What your partner can never see<\/h2>/);
  assert.match(html, /Your sessions, devices, browsers or network addresses\./);
  assert.match(html, /Your email address, password and account settings\./);
  // each registered practice says what it shows the partner, and what never
  assert.match(html, /<li><strong>Share:<\/strong> Whether you have answered the day’s question, but not what;/);
  assert.match(html, /<li><strong>Trust:<\/strong> Your State of Us notes before they have written theirs/);
  assert.match(html, /<a href="\/couple\/leave">Leave your couple<\/a>\. Your partner gets no message\./);
  assert.match(html,
    /<a class="button button-danger" href="https:\/\/www\.wikipedia\.org\/" data-quick-exit rel="noreferrer">Quick exit<\/a>/);
  assert.doesNotMatch(html, /action="\/account\/sessions\/revoke-all"/, 'no log-out form for visitors');
  assert.match(html, /href="\/login">log in<\/a>/);
  const json = await apiOk(server, 'GET', '/safety');
  assert.equal(json.signed_in, false);
  assert.equal(json.quick_exit_url, 'https://www.wikipedia.org/');
});

test('signed in, the safety page offers log out everywhere with the session\'s csrf token', async () => {
  const b = new Browser(server);
  await b.login(couple.two);
  const html = await (await b.get('/safety')).text();
  assert.match(html,
    /<form method="post" action="\/account\/sessions\/revoke-all">\s*<input type="hidden" name="csrf" value="[^"]+">/);
  assert.equal(unmaskCsrf(csrfOf(html)), unmaskCsrf(await b.csrf()));
  const json = await apiOk(server, 'GET', '/safety', { token: couple.two.token });
  assert.equal(json.signed_in, true);
  assert.equal(json.paired, true);
});

// ---- throttling, idle sessions, https (each on a server of its own) ----

// Runs fn with a server of its own, then checks its logs hold no secrets.
async function withServer(args, fn, start = () => startServer({ args })) {
  const own = await start();
  try {
    await fn(own);
    await sleep(50);
    assertNoSecrets(own.logs());
  } finally {
    assert.equal((await own.stop()).code, 0);
  }
}

test('after five failed log-ins to an account from one address the sixth answers 429 with Retry-After', async () => {
  await withServer([], async (own) => {
    const p = await signup(own, newPerson('thr'));
    for (let i = 0; i < 5; i++) {
      const res = await api(own, 'POST', '/login', { body: { email: p.email, password: `wrong guess ${i}` } });
      await problem(res, 401);
    }
    const blocked = await api(own, 'POST', '/login', { body: { email: p.email, password: p.password } });
    const body = await problem(blocked, 429);
    assert.match(body.detail, /Too many attempts\. Please wait 15 minutes/);
    const wait = Number(blocked.headers.get('retry-after'));
    assert.ok(wait > 800 && wait <= 900, `Retry-After ${wait}`);

    const b = new Browser(own);
    const form = await b.form('/login', { email: p.email, password: p.password });
    assert.equal(form.status, 429);
    assert.match(form.headers.get('retry-after'), /^\d+$/);
    const html = await form.text();
    assert.match(html, /Too many attempts/);
    assert.equal(inputValue(html, 'email'), p.email);
    assert.ok(!html.includes(p.password));
    assert.equal(b.session, undefined);

    const other = await signup(own, newPerson('thr'));
    assert.ok(await login(own, other), 'another account from the same address is not held back');
  });
});

test('a browser that logged in before is not blocked by failures from elsewhere, even from its address', async () => {
  await withServer([], async (own) => {
    const p = await signup(own, newPerson('device'));
    const b = new Browser(own);
    await b.login(p);
    assert.ok(b.jar.get('hearth_device'));
    await b.form('/logout');
    assert.equal(b.session, undefined);
    assert.ok(b.jar.get('hearth_device'), 'the device cookie stays after logging out');

    for (let i = 0; i < 5; i++) {
      await problem(await api(own, 'POST', '/login', { body: { email: p.email, password: `attacker ${i}` } }), 401);
    }
    await problem(await api(own, 'POST', '/login', { body: { email: p.email, password: p.password } }), 429);

    const slip = await b.form('/login', { email: p.email, password: 'a typo of mine' });
    assert.equal(slip.status, 401, 'the known browser gets its own count');
    const res = await b.form('/login', { email: p.email, password: p.password });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/pair');
    const me = await apiOk(own, 'GET', '/account', { token: b.session });
    assert.equal(me.account.email, p.email);

    const forged = new Browser(own);
    forged.jar.set('hearth_device', b.jar.get('hearth_device').replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    const refused = await forged.form('/login', { email: p.email, password: p.password });
    assert.equal(refused.status, 429, 'a tampered device cookie counts for nothing');
  });
});

test('a device cookie only helps with the account that issued it', async () => {
  await withServer([], async (own) => {
    const p = await signup(own, newPerson('devone'));
    const q = await signup(own, newPerson('devtwo'));
    const b = new Browser(own);
    await b.login(q);
    await b.form('/logout');
    for (let i = 0; i < 5; i++) {
      await problem(await api(own, 'POST', '/login', { body: { email: p.email, password: `attacker ${i}` } }), 401);
    }
    const res = await b.form('/login', { email: p.email, password: p.password });
    assert.equal(res.status, 429);
  });
});

test('a known browser is throttled on its own after ten failures', async () => {
  await withServer([], async (own) => {
    const p = await signup(own, newPerson('devlimit'));
    const b = new Browser(own);
    await b.login(p);
    await b.form('/logout');
    for (let i = 0; i < 10; i++) {
      const res = await b.form('/login', { email: p.email, password: `my own typo ${i}` });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const blocked = await b.form('/login', { email: p.email, password: p.password });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.ok(await login(own, p), 'elsewhere, with no failures of its own, the account still logs in');
  });
});

test('fifty failures from one address hold back log-ins to any account from it, but not a known browser', async () => {
  await withServer([], async (own) => {
    const p = await signup(own, newPerson('addr'));
    const b = new Browser(own);
    await b.login(p);
    await b.form('/logout');
    const emails = Array.from({ length: 10 }, () => `${unique('spray')}@example.org`);
    await Promise.all(emails.map(async (email) => {
      for (let i = 0; i < 5; i++) {
        await problem(await api(own, 'POST', '/login', { body: { email, password: `spray attempt ${i}` } }), 401);
      }
    }));
    const blocked = await api(own, 'POST', '/login', { body: { email: p.email, password: p.password } });
    assert.match((await problem(blocked, 429)).detail, /Too many attempts/);
    const known = await b.form('/login', { email: p.email, password: p.password });
    assert.equal(known.status, 303);
  });
});

test('a session unused for longer than the idle lifetime is refused', async () => {
  await withServer(['--session-idle', '2s'], async (own) => {
    const p = await signup(own, newPerson('idle'));
    const b = new Browser(own);
    await b.login(p);
    assert.equal((await api(own, 'GET', '/account', { token: p.token })).status, 200);
    await sleep(2500);
    await problem(await api(own, 'GET', '/account', { token: p.token }), 401);
    const page = await b.get('/account');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login?next=/account');
    assert.equal(b.session, undefined, 'the stale cookie is dropped');
    assert.equal(sql(own, `SELECT count(*) FROM sessions WHERE user_id = ${p.id}`), '0', 'and deleted');
  });
});

test('a session in use stays valid past the idle lifetime', async () => {
  await withServer(['--session-idle', '2s'], async (own) => {
    const p = await signup(own, newPerson('busy'));
    for (let elapsed = 0; elapsed < 4000; elapsed += 800) {
      await sleep(800);
      const res = await api(own, 'GET', '/account', { token: p.token });
      assert.equal(res.status, 200, `after ${elapsed + 800} ms, used every 800 ms`);
    }
  });
});

test('on an https site the cookies are Secure with the __Host- prefix, and forms must come from that origin', async () => {
  await withServer([], async (own) => {
    const p = newPerson('https');
    const res = await api(own, 'POST', '/signup', { body: { name: p.name, email: p.email, password: p.password } });
    assert.equal(res.status, 201);
    secrets.tokens.add((await res.json()).token);
    const cookies = setCookies(res);
    for (const name of ['__Host-hearth_session', '__Host-hearth_device']) {
      assert.ok(cookies[name], name);
      assert.equal(cookies[name].attrs.secure, true);
      assert.equal(cookies[name].attrs.path, '/');
    }
    assert.equal(cookies.hearth_session, undefined);

    const b = new Browser(own);
    await b.get('/login');
    const csrf = b.jar.get('__Host-hearth_csrf');
    assert.ok(csrf);
    const wrongOrigin = await b.form('/login', { email: p.email, password: p.password },
      { csrf, headers: { 'sec-fetch-site': undefined, origin: own.url } });
    assert.equal(wrongOrigin.status, 403, 'the listening address is not the site\'s origin');
    const ok = await b.form('/login', { email: p.email, password: p.password },
      { csrf, headers: { 'sec-fetch-site': undefined, origin: 'https://hearth.example' } });
    assert.equal(ok.status, 303);
    const invite = await apiOk(own, 'POST', '/pair/invite', { token: b.session }, 201);
    assert.equal(invite.link, `https://hearth.example/pair/join?code=${invite.code}`);
  }, () => startServerBehind('https://hearth.example'));
});

test('API writes that answer without a model (log out, revoke, delete) leak no memory', async () => {
  await withServer([], async (own) => {
    const p = await signup(own, newPerson('leak'));
    const res = await api(own, 'POST', '/logout', { token: p.token });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  });
});

// ---- last: nothing secret was logged ----

test('the logs never hold a password, an email address or a token', async () => {
  await sleep(50);
  const logs = server.logs();
  assert.match(logs, /POST \/api\/v1\/login 401/, 'the log has the requests');
  assertNoSecrets(logs);
});
