// What a stranger can send without taking the site or a login away: slow
// connections, requests refused before their body, too many query fields,
// invisible characters in names; and what only test builds can do (move the
// clock). Login floods, invite codes and sign-ups are in limits.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onceOnly, root, sql, startServer } from './server.mjs';
import { api, apiOk, login, newPerson, signup } from './people.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Opens a connection from localAddress and sends what, then keeps it open;
// resolves to {socket, closed} where closed resolves to the time it was
// closed by the server, and data collects what the server sent.
function connect(server, localAddress, what = '') {
  const { port } = new URL(server.url);
  return new Promise((resolveOpen, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
    const conn = { socket, data: '', opened: 0 };
    conn.closed = new Promise((done) => socket.on('close', () => done(Date.now())));
    socket.on('data', (d) => { conn.data += d; });
    socket.on('error', () => {});
    socket.once('connect', () => {
      conn.opened = Date.now();
      if (what) socket.write(what);
      resolveOpen(conn);
    });
    socket.once('error', reject);
  });
}

// A plain request on a connection of its own; resolves to {status, ms}.
async function timedGet(server, path) {
  const started = Date.now();
  const res = await fetch(server.url + path, { headers: { connection: 'close' } });
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

// Opens 1,100 connections (55 from each of addresses) that send their
// request one byte a second, checks that ordinary requests are answered at
// once meanwhile, and that every slow connection is closed at its deadline.
async function trickle(server, addresses) {
  const slow = [];
  try {
    const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowly, very slowly\r\nX-A: b\r\n';
    for (let i = 0; slow.length < 1100; i++) {
      const from = addresses[i % addresses.length];
      slow.push(...await Promise.all(Array.from({ length: 55 }, () => connect(server, from, 'G'))));
    }
    let sent = 1;
    const drip = setInterval(() => {
      for (const c of slow) if (!c.socket.destroyed) c.socket.write(request[sent % request.length]);
      sent += 1;
    }, 1000);
    try {
      // an ordinary visitor is answered at once, again and again
      for (let i = 0; i < 6; i++) {
        for (const path of ['/', '/healthz', '/guides']) {
          const { status, ms } = await timedGet(server, path);
          assert.equal(status, 200);
          assert.ok(ms < 1000, `${path} took ${ms} ms`);
        }
        await sleep(400);
      }
      // however slowly the bytes come, the headers get 10 seconds in all
      const closedAt = await Promise.race([
        Promise.all(slow.map((c) => c.closed)),
        sleep(16000).then(() => null),
      ]);
      assert.ok(closedAt, 'every slow connection was closed');
      const lifetimes = slow.map((c, i) => closedAt[i] - c.opened);
      assert.ok(Math.min(...lifetimes) >= 9500, `closed after ${Math.min(...lifetimes)} ms`);
      assert.ok(Math.max(...lifetimes) < 13000, `closed after ${Math.max(...lifetimes)} ms`);
      assert.equal((await timedGet(server, '/healthz')).status, 200);
    } finally {
      clearInterval(drip);
    }
  } finally {
    for (const c of slow) c.socket.destroy();
  }
}

test('1,100 connections trickling their headers neither block others nor outlive the deadline', onceOnly, async () => {
  const server = await startServer();
  try {
    await trickle(server, Array.from({ length: 20 }, (_, a) => `127.0.0.${a + 2}`));
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('behind a trusted proxy, slow connections from its pool meet the same deadline', onceOnly, async () => {
  // every connection comes from the proxy, which no per-address limit holds
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    await trickle(server, ['127.0.0.1']);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('a body must keep coming: one sent a byte a second is cut off', onceOnly, async () => {
  const server = await startServer();
  try {
    const headers = 'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n'
      + 'Content-Length: 4000\r\n\r\n';
    const c = await connect(server, '127.0.0.1', headers);
    const drip = setInterval(() => { if (!c.socket.destroyed) c.socket.write('a'); }, 1000);
    const closedAt = await Promise.race([c.closed, sleep(20000).then(() => null)]);
    clearInterval(drip);
    assert.ok(closedAt, 'the connection was closed');
    const lived = closedAt - c.opened;
    assert.ok(lived >= 9500 && lived < 16000, `closed after ${lived} ms`);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('one address holds at most 64 connections; others are not held back', onceOnly, async () => {
  const server = await startServer();
  const open = [];
  try {
    for (let i = 0; i < 64; i++) open.push(await connect(server, '127.0.0.9'));
    await sleep(300); // the server has taken them all
    const more = [];
    for (let i = 0; i < 6; i++) more.push(await connect(server, '127.0.0.9'));
    const closed = await Promise.all(more.map((c) => Promise.race([c.closed, sleep(1000).then(() => 0)])));
    assert.ok(closed.every((t) => t > 0), 'the connections past 64 were closed at once');
    open.push(...more);
    const kept = await Promise.all(open.slice(0, 64).map((c) => Promise.race([c.closed, sleep(10).then(() => 0)])));
    assert.ok(kept.every((t) => t === 0), 'the first 64 stay open');
    const { status, ms } = await timedGet(server, '/healthz');
    assert.equal(status, 200);
    assert.ok(ms < 1000);
  } finally {
    for (const c of open) c.socket.destroy();
    assert.equal((await server.stop()).code, 0);
  }
});

// Sends a request's headers only (the body is announced, never sent) and
// resolves to the status line that comes back.
async function headersOnly(server, lines) {
  const c = await connect(server, '127.0.0.1', `${lines.join('\r\n')}\r\n\r\n`);
  const answered = await Promise.race([
    new Promise((done) => c.socket.on('data', () => { if (/\r\n\r\n/.test(c.data)) done(c.data); })),
    sleep(3000).then(() => null),
  ]);
  c.socket.destroy();
  return answered ? answered.split('\r\n')[0] : 'no answer';
}

test('who may ask is decided before the body is read', onceOnly, async () => {
  const server = await startServer();
  try {
    const ana = await signup(server, newPerson('early'));
    const host = `Host: ${new URL(server.url).host}`;
    // the account API without a session
    assert.match(await headersOnly(server, ['POST /api/v1/account/delete HTTP/1.1', host,
      'Content-Type: application/json', 'Content-Length: 10000']), /^HTTP\/1\.1 401 /);
    // a page without a session is sent to log in
    assert.match(await headersOnly(server, ['POST /account/settings HTTP/1.1', host,
      'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 10000']), /^HTTP\/1\.1 303 /);
    // an operator page for someone who is not one does not exist
    assert.match(await headersOnly(server, ['POST /api/v1/admin/settings HTTP/1.1', host,
      `Authorization: Bearer ${ana.token}`, 'Content-Type: application/json', 'Content-Length: 100000']),
    /^HTTP\/1\.1 404 /);
    // a page that needs a couple, for someone unpaired
    assert.match(await headersOnly(server, ['POST /api/v1/share/answer HTTP/1.1', host,
      `Authorization: Bearer ${ana.token}`, 'Content-Type: application/json', 'Content-Length: 5000']),
    /^HTTP\/1\.1 403 /);
    assert.equal((await timedGet(server, '/healthz')).status, 200);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('an address with too many query fields answers 400 at once', onceOnly, async () => {
  const server = await startServer();
  try {
    const query = Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&');
    for (const path of [`/guides?${query}`, `/api/v1/guides?${query}`, `/login?${query}`]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 400, path);
      assert.match(await res.text(), /too many query fields/);
    }
    // past what a connection's 32 KiB hold, libmicrohttpd closes it unanswered
    const huge = Array.from({ length: 1000 }, (_, i) => `f${i}=1`).join('&');
    await assert.rejects(fetch(`${server.url}/guides?${huge}`));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'and the server goes on');
    const some = Array.from({ length: 50 }, (_, i) => `f${i}=1`).join('&');
    assert.equal((await fetch(`${server.url}/guides?${some}`)).status, 200, 'a few unknown fields are ignored');
    const form = Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&');
    const res = await fetch(`${server.url}/login`, {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 400, 'a form with too many fields too');
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('names refuse right-to-left overrides and zero-width characters', async () => {
  const server = await startServer();
  try {
    for (const name of ['Ana\u202Eevil', 'A\u200Bna', '\u2066Ana\u2069', 'Ana\uFEFF']) {
      const p = newPerson('bidi');
      const res = await api(server, 'POST', '/signup', { body: { name, email: p.email, password: p.password } });
      assert.equal(res.status, 422, JSON.stringify(name));
      assert.match((await res.json()).errors.name, /invisible formatting characters/);
    }
    const ok = await signup(server, newPerson('rtl', { name: 'נועה Zoë' }));
    assert.equal(ok.user.name, 'נועה Zoë');
    const rename = await api(server, 'POST', '/account/settings',
      { token: ok.token, body: { name: 'Zo\u200Dë', email: ok.email, time_zone: 'UTC' } });
    assert.equal(rename.status, 422);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('only a test build moves its clock; a release build tells real time', onceOnly, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-clock-'));
  const clock = join(dir, 'offset');
  const tenYears = 3650 * 24 * 3600 * 1000;
  writeFileSync(clock, String(tenYears));
  try {
    for (const [binary, shifted] of [[undefined, true], [resolve(root, 'build/hearth'), false]]) {
      const server = await startServer({ env: { HEARTH_CLOCK_FILE: clock }, binary });
      try {
        const p = await signup(server, newPerson('clock'));
        const { sessions } = await apiOk(server, 'GET', '/account/sessions', { token: p.token });
        const skew = sessions[0].created_at - Date.now();
        if (shifted) assert.ok(Math.abs(skew - tenYears) < 60000, `the test build is ${skew} ms ahead`);
        else assert.ok(Math.abs(skew) < 60000, `the release build is ${skew} ms off`);
      } finally {
        assert.equal((await server.stop()).code, 0);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a person keeps their 50 most recent sessions; older and expired ones are deleted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-clock-'));
  const clock = join(dir, 'offset');
  writeFileSync(clock, '0');
  const server = await startServer({ env: { HEARTH_CLOCK_FILE: clock }, args: ['--session-idle', '2h'] });
  try {
    const p = await signup(server, newPerson('many'));
    const tokens = [p.token];
    for (let i = 0; i < 54; i++) tokens.push(await login(server, p));
    const { sessions } = await apiOk(server, 'GET', '/account/sessions', { token: tokens.at(-1) });
    assert.equal(sessions.length, 50);
    for (const old of tokens.slice(0, 5)) {
      assert.equal((await api(server, 'GET', '/account', { token: old })).status, 401, 'the oldest ended');
    }
    assert.equal((await api(server, 'GET', '/account', { token: tokens[5] })).status, 200);
    // three hours later every one of them has expired, and the hourly
    // clean-up (a scheduled job) deletes them
    const rows = () => Number(sql(server, `SELECT count(*) FROM sessions WHERE user_id = ${p.id}`));
    assert.equal(rows(), 50);
    writeFileSync(clock, String(3 * 3600 * 1000));
    const deadline = Date.now() + 5000;
    while (rows() > 0 && Date.now() < deadline) await sleep(100);
    assert.equal(rows(), 0, 'the expired sessions were deleted');
    const again = await login(server, p);
    const mine = await apiOk(server, 'GET', '/account/sessions', { token: again });
    assert.equal(mine.sessions.length, 1, 'only the new session is left');
  } finally {
    assert.equal((await server.stop()).code, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
