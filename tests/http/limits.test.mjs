// Limits that protect people from each other and the server from floods:
// the address behind a trusted proxy, per-account login limits, password
// confirmations, sign-ups per network, and stale pages in Share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, startServer } from './server.mjs';
import { api, apiOk, Browser, newCouple, newPerson, signup } from './people.mjs';

const login = (server, email, password, from) => api(server, 'POST', '/login', {
  body: { email, password },
  headers: from ? { 'x-forwarded-for': `203.0.113.250, ${from}` } : {},
});

test('behind the trusted proxy, login limits count the forwarded address', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const ana = await signup(server, newPerson('proxied'));
    for (let i = 0; i < 5; i++) {
      assert.equal((await login(server, ana.email, 'wrong wrong wrong', '198.51.100.7')).status, 401);
    }
    assert.equal((await login(server, ana.email, 'wrong wrong wrong', '198.51.100.7')).status, 429);
    // the real owner, elsewhere, is not held back by those failures
    assert.equal((await login(server, ana.email, ana.password, '192.0.2.44')).status, 200);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('without a trusted proxy, X-Forwarded-For is ignored', async () => {
  const server = await startServer();
  try {
    const bo = await signup(server, newPerson('direct'));
    for (let i = 0; i < 5; i++) {
      await login(server, bo.email, 'wrong wrong wrong', `198.51.100.${i + 1}`);
    }
    const res = await login(server, bo.email, bo.password, '192.0.2.9');
    assert.equal(res.status, 429, 'the forged header did not spread the failures');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('failures from many networks slow an account down but never refuse its owner', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const cy = await signup(server, newPerson('spread'));
    // a stranger fails 1,000 times from ten networks: a few guesses each are
    // checked (five, plus those sent at the same moment), every later one is
    // refused before any hashing, and a flood waits behind its own network
    const nets = Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`);
    const statuses = [];
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all(nets.flatMap((from) => Array.from({ length: 5 },
        () => login(server, cy.email, 'guess guess guess', from))));
      statuses.push(...batch.map((r) => r.status));
    }
    assert.equal(statuses.length, 1000);
    assert.deepEqual([...new Set(statuses)].filter((s) => ![401, 429, 503].includes(s)), []);
    const checked = statuses.filter((s) => s === 401).length;
    assert.ok(checked >= 50 && checked <= 100, `${checked} guesses were checked`);
    // the owner, in a new browser elsewhere, waits a few seconds at most and gets in
    const started = Date.now();
    const res = await login(server, cy.email, cy.password, '192.0.2.44');
    const waited = Date.now() - started;
    assert.equal(res.status, 200);
    assert.ok(waited >= 1000, `the account's logins were slowed (${waited} ms)`);
    assert.ok(waited < 5000, `but by a few seconds at most (${waited} ms)`);
    // an API client that logged in before carries its device token and is not slowed
    const { device_token: device } = await res.json();
    const again = Date.now();
    const known = await api(server, 'POST', '/login', {
      body: { email: cy.email, password: cy.password, device_token: device },
      headers: { 'x-forwarded-for': '203.0.113.250, 192.0.2.45' },
    });
    assert.equal(known.status, 200);
    assert.ok(Date.now() - again < 1000, 'a known device waits for no one');
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('during a flood of wrong logins, known browsers get in at once and new ones within seconds', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const owner = await signup(server, newPerson('flooded'));
    const known = new Browser(server);
    const fwd = (from) => ({ headers: { 'x-forwarded-for': from } });
    const first = await known.form('/login', { email: owner.email, password: owner.password }, fwd('192.0.2.10'));
    assert.equal(first.status, 303);
    // 300 wrong logins at once from 300 addresses in 30 networks, half at the
    // owner's account and half at accounts that do not exist
    const flood = Array.from({ length: 300 }, (_, i) => login(server,
      i % 2 ? owner.email : `nobody${i}@example.org`, 'wrong wrong wrong',
      `198.51.${100 + (i % 30)}.${1 + Math.floor(i / 30)}`));
    await new Promise((r) => setTimeout(r, 200));
    const timed = async (fn) => { const t = Date.now(); const res = await fn(); return { res, ms: Date.now() - t }; };
    const [again, fresh] = await Promise.all([
      timed(() => known.form('/login', { email: owner.email, password: owner.password }, fwd('192.0.2.10'))),
      timed(() => login(server, owner.email, owner.password, '192.0.2.99')),
    ]);
    assert.equal(again.res.status, 303);
    assert.ok(again.ms < 2000, `the known browser waited ${again.ms} ms`);
    assert.equal(fresh.res.status, 200);
    assert.ok(fresh.ms < 5000, `the new browser waited ${fresh.ms} ms`);
    // stopping answers what the flood still has queued with 503
    const stopped = server.stop();
    const statuses = (await Promise.all(flood)).map((r) => r.status);
    assert.deepEqual([...new Set(statuses)].filter((s) => ![401, 429, 503].includes(s)), []);
    assert.equal((await stopped).code, 0);
  } finally {
    await server.stop();
  }
});

test('wrong invite codes are limited per person and per network', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  const join = (who, code, from) => api(server, 'POST', '/pair/join',
    { token: who.token, body: { code }, headers: { 'x-forwarded-for': from } });
  try {
    const inviter = await signup(server, newPerson('inviter'));
    const { code } = await apiOk(server, 'POST', '/pair/invite', { token: inviter.token }, 201);
    // one person guessing from ten networks
    const guesser = await signup(server, newPerson('guesser'));
    for (let i = 0; i < 10; i++) {
      const res = await join(guesser, 'ZZZZ-ZZZZ', `198.51.100.${i + 1}`);
      assert.equal(res.status, 422);
      assert.equal((await res.json()).errors.code, "This code doesn't work. Ask your partner for a new one.");
    }
    const held = await join(guesser, code, '198.51.100.50');
    assert.equal(held.status, 429, 'even the right code waits');
    assert.ok(Number(held.headers.get('retry-after')) > 0);
    // ten people guessing from one network
    for (let i = 0; i < 10; i++) {
      const someone = await signup(server, newPerson('crowd'));
      assert.equal((await join(someone, 'ZZZZ-ZZZY', '203.0.113.9')).status, 422);
    }
    const neighbour = await signup(server, newPerson('neighbour'));
    assert.equal((await join(neighbour, code, '203.0.113.9')).status, 429);
    // someone else, elsewhere, joins with the code
    const partner = await signup(server, newPerson('partner'));
    assert.equal((await join(partner, code, '192.0.2.30')).status, 200);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('IPv6 addresses of one /64 share their login limit', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const di = await signup(server, newPerson('six'));
    for (let i = 0; i < 5; i++) {
      await login(server, di.email, 'wrong wrong wrong', `2001:db8:1:2::${(i + 1).toString(16)}`);
    }
    assert.equal((await login(server, di.email, 'wrong wrong wrong', '2001:db8:1:2:ffff::9')).status, 429);
    assert.equal((await login(server, di.email, di.password, '2001:db8:1:3::1')).status, 200);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('wrong passwords to confirm an action are limited too', async () => {
  const server = await startServer();
  try {
    const ed = await signup(server, newPerson('confirm'));
    for (let i = 0; i < 5; i++) {
      const res = await api(server, 'POST', '/account/password', {
        token: ed.token, body: { current_password: 'not it at all', password: 'a brand new harbour lamp' },
      });
      assert.equal(res.status, 422);
    }
    const held = await api(server, 'POST', '/account/export', { token: ed.token, body: { password: ed.password } });
    assert.equal(held.status, 429, 'even the right password waits');
    assert.ok(Number(held.headers.get('retry-after')) > 0);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('sign-ups from one network are limited, and the form keeps what was typed', async () => {
  const server = await startServer({ env: { HEARTH_SIGNUP_LIMIT: '2' } });
  try {
    await signup(server, newPerson('first'));
    await signup(server, newPerson('second'));
    const third = newPerson('third');
    const res = await api(server, 'POST', '/signup', {
      body: { name: third.name, email: third.email, password: third.password },
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('a Share page left open past midnight answers the day it showed', async () => {
  const clock = join(process.env.TMPDIR || '/tmp', `hearth-clock-${process.pid}`);
  writeFileSync(clock, '0');
  const server = await startServer({ env: { HEARTH_CLOCK_FILE: clock } });
  try {
    const { one, two } = await newCouple(server, 'late');
    const shown = await apiOk(server, 'GET', '/share', { token: one.token });
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(clock, String(24 * 3600 * 1000));
    await new Promise((r) => setTimeout(r, 20));
    await apiOk(server, 'POST', `/share/${shown.day}/answer`, { token: one.token, body: { text: 'Written last night' } });
    const then = await apiOk(server, 'GET', `/share/${shown.day}`, { token: one.token });
    assert.equal(then.mine.text, 'Written last night');
    const today = await apiOk(server, 'GET', '/share', { token: two.token });
    assert.notEqual(today.day, shown.day);
    assert.equal(today.partner.answered, false, 'nothing landed on the new day');
    const swap = await api(server, 'POST', '/share/swap', { token: one.token, body: { day: shown.day } });
    assert.equal(swap.status, 409, 'a swap from the old page does not touch the new day');
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('bad query fields show the page itself, and a refused reaction keeps the day page', async () => {
  const server = await startServer();
  try {
    const { one, two } = await newCouple(server, 'query');
    const day = (await apiOk(server, 'GET', '/share', { token: one.token })).day;
    await apiOk(server, 'POST', '/share/answer', { token: one.token, body: { text: 'one' } });
    await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: 'two' } });
    const cookie = `hearth_session=${one.token}`;
    const archive = await fetch(`${server.url}/share/archive?page=abc`, { headers: { cookie } });
    assert.equal(archive.status, 422);
    const html = await archive.text();
    assert.match(html, /Every question so far/);
    assert.match(html, /Page must be a whole number/);
    const page = await fetch(`${server.url}/share/${day}`, { headers: { cookie } });
    const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)[1];
    const react = await fetch(`${server.url}/share/${day}/react`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, reaction: 'bogus' }),
      redirect: 'manual',
    });
    assert.equal(react.status, 422);
    const body = await react.text();
    assert.match(body, /class="question">[^<]+</, 'the day\'s question is shown');
    assert.doesNotMatch(body, /action="\/share\/\/answer"/);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('a paused deep-dive evening takes no answers and does not move on', async () => {
  const server = await startServer();
  try {
    const { one } = await newCouple(server, 'pause');
    await apiOk(server, 'POST', '/share/deep-dive', { token: one.token, body: { mode: 'writing' } }, 201);
    await apiOk(server, 'POST', '/share/deep-dive/pause', { token: one.token });
    assert.equal((await api(server, 'POST', '/share/deep-dive/next', { token: one.token })).status, 409);
    assert.equal((await api(server, 'POST', '/share/deep-dive/answer',
      { token: one.token, body: { text: 'while paused' } })).status, 409);
    await apiOk(server, 'POST', '/share/deep-dive/resume', { token: one.token });
    const dive = (await apiOk(server, 'POST', '/share/deep-dive/answer',
      { token: one.token, body: { text: 'once resumed' } })).dive;
    assert.equal(dive.number, 2);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('deleting an account removes the words of its own questions, not the partner\'s answers', async () => {
  const server = await startServer();
  try {
    const { one, two } = await newCouple(server, 'erase');
    const asked = await apiOk(server, 'POST', '/share/ask',
      { token: one.token, body: { question: 'Secret wording of my question' } }, 201);
    await apiOk(server, 'POST', `/share/ask/${asked.id}/answer`, { token: two.token, body: { text: 'Partner answer kept' } });
    await apiOk(server, 'POST', '/account/delete', { token: one.token, body: { password: one.password } });
    const exported = await apiOk(server, 'POST', '/account/export', { token: two.token, body: { password: two.password } });
    const text = JSON.stringify(exported);
    assert.match(text, /Partner answer kept/);
    assert.doesNotMatch(text, /Secret wording/);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

// Comments on a server whose clock the test moves: past the 3-second check
// and the 15-second flood window without waiting for them.
async function commentServer() {
  const clock = join(process.env.TMPDIR || '/tmp', `hearth-clock-c-${process.pid}`);
  writeFileSync(clock, '0');
  const server = await startServer({ env: { HEARTH_CLOCK_FILE: clock } });
  let offset = 0;
  const advance = async (ms) => {
    offset += ms;
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(clock, String(offset));
    await new Promise((r) => setTimeout(r, 20));
  };
  const slug = (await apiOk(server, 'GET', '/guides')).guides[0].slug;
  const post = async (body) => {
    const t = (await apiOk(server, 'GET', `/guides/${slug}`)).form_time;
    await advance(16000);
    return api(server, 'POST', `/guides/${slug}/comments`, { body: { t, ...body } });
  };
  return { server, slug, advance, post };
}

test('a comment form open for more than a day comes back to be sent again, text kept', async () => {
  const { server, slug, advance } = await commentServer();
  try {
    const t = (await apiOk(server, 'GET', `/guides/${slug}`)).form_time;
    await advance(25 * 3600 * 1000);
    const res = await api(server, 'POST', `/guides/${slug}/comments`,
      { body: { t, name: 'Late reader', email: 'late@example.org', comment: 'Still here' } });
    assert.equal(res.status, 422);
    assert.match((await res.json()).errors.comment, /open for a long time/);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('deleting a comment deletes its replies with it', async () => {
  const { server, slug, post } = await commentServer();
  try {
    const op = await signup(server, newPerson('operator'));
    const granted = run(['admin', 'grant', op.email, '--db', server.db]);
    assert.equal(granted.status, 0, granted.stderr);
    const first = await (await post({ name: 'Root', email: 'root@example.org', comment: 'A first thought' })).json();
    await apiOk(server, 'POST', `/admin/comments/${first.id}/approve`, { token: op.token });
    const reply = await (await post({ name: 'Reply', email: 'root@example.org', comment: 'A reply to it', parent: first.id })).json();
    await apiOk(server, 'POST', `/admin/comments/${reply.id}/approve`, { token: op.token });
    await apiOk(server, 'POST', `/admin/comments/${first.id}/delete`, { token: op.token });
    const queue = JSON.stringify(await apiOk(server, 'GET', '/admin/comments', { token: op.token }));
    assert.doesNotMatch(queue, /A reply to it/);
    assert.doesNotMatch(queue, /A first thought/);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});
