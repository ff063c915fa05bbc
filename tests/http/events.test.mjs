// Live events (GET /events): what reaches whose open page, how fast, what
// an event carries, replay after a lost connection, the limit of streams
// per session, the heartbeat, the end of a session, shutdown, and (on
// PostgreSQL) events crossing from one server to another. Scheduled jobs
// run once however many servers share the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { engine, newDatabase, openStream, run, sql, startServer } from './server.mjs';
import { api, apiOk, newCouple, newPerson, signup } from './people.mjs';

let server;
before(async () => {
  server = await startServer({ env: { HEARTH_TEST_HEARTBEAT_MS: '300' } });
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

const listen = (srv, person, headers = {}) =>
  openStream(`${srv.url}/events`, { cookie: `hearth_session=${person.token}`, ...headers });

test('a visitor gets no stream', async () => {
  const res = await fetch(`${server.url}/events`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^\/login/);
});

test("a partner's answer reaches the other's open page within 2 s, and the reveal reaches both; events carry no words", async () => {
  const { one, two } = await newCouple(server, 'live');
  const today = await apiOk(server, 'GET', '/share', { token: one.token });
  const s1 = await listen(server, one);
  const s2 = await listen(server, two);
  assert.equal(s1.res.status, 200);
  assert.match(s1.res.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(s1.res.headers.get('cache-control'), 'no-store');

  const secret = 'a secret only the couple should read';
  let t = Date.now();
  await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: secret } });
  const answered = await s1.until((e) => e.type === 'share.answered');
  assert.ok(Date.now() - t < 2000, `${Date.now() - t} ms`);
  assert.equal(answered.ref, today.id);
  t = Date.now();
  await apiOk(server, 'POST', '/share/answer', { token: one.token, body: { text: `${secret}, too` } });
  await s1.until((e) => e.type === 'share.revealed');
  await s2.until((e) => e.type === 'share.revealed');
  assert.ok(Date.now() - t < 2000);
  for (const s of [s1, s2]) {
    assert.ok(!s.text.includes('secret'), 'no words in an event');
    for (const e of s.events) assert.deepEqual(Object.keys(e).sort(), ['id', 'ref', 'type']);
    s.close();
  }
});

test('another couple hears nothing of it', async () => {
  const a = await newCouple(server, 'livea');
  const b = await newCouple(server, 'liveb');
  const sb = await listen(server, b.one, { 'last-event-id': '0' });
  await apiOk(server, 'GET', '/share', { token: a.one.token });
  await apiOk(server, 'POST', '/share/answer', { token: a.one.token, body: { text: 'A answers.' } });
  await apiOk(server, 'POST', '/share/answer', { token: a.two.token, body: { text: 'A answers too.' } });
  // b's own event arrives; a's never do
  await apiOk(server, 'GET', '/share', { token: b.two.token });
  await apiOk(server, 'POST', '/share/answer', { token: b.two.token, body: { text: 'B answers.' } });
  await sb.until((e) => e.type === 'share.answered');
  assert.equal(sb.events.length, 1, JSON.stringify(sb.events));
  sb.close();
});

test("the partner joining moves the inviter's open /pair page on", async () => {
  const one = await signup(server, newPerson('inviter'));
  const two = await signup(server, newPerson('joiner'));
  const invite = await apiOk(server, 'POST', '/pair/invite', { token: one.token }, 201);
  const s = await listen(server, one);
  const t = Date.now();
  await apiOk(server, 'POST', '/pair/join', { token: two.token, body: { code: invite.code } });
  await s.until((e) => e.type === 'pair.joined');
  assert.ok(Date.now() - t < 2000);
  s.close();
  // and the page the script fetches again now leads to the couple's home
  const again = await fetch(`${server.url}/pair`, { headers: { cookie: `hearth_session=${one.token}` }, redirect: 'manual' });
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), '/us');
});

test('a stream that reconnects with Last-Event-ID gets what it missed, once', async () => {
  const { one, two } = await newCouple(server, 'replay');
  const s = await listen(server, one);
  await apiOk(server, 'GET', '/share', { token: two.token });
  await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: 'first' } });
  const first = await s.until((e) => e.type === 'share.answered');
  s.close();
  // while the page is away: a question of their own is asked
  await apiOk(server, 'POST', '/share/ask', { token: two.token, body: { question: 'Missed?' } }, 201);
  const back = await listen(server, one, { 'last-event-id': first.id });
  const missed = await back.until((e) => e.type === 'share.asked');
  assert.ok(BigInt(missed.id) > BigInt(first.id));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(back.events.filter((e) => e.type === 'share.answered').length, 0, 'not the one it had');
  back.close();
  // a new stream without Last-Event-ID starts from now
  const fresh = await listen(server, one);
  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual(fresh.events, []);
  fresh.close();
});

test('a burst of events reaches a stream once each, in order', async () => {
  const { one, two } = await newCouple(server, 'burst');
  await apiOk(server, 'GET', '/share', { token: one.token });
  await apiOk(server, 'POST', '/share/answer', { token: one.token, body: { text: 'a' } });
  await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: 'b' } });
  const { day } = await apiOk(server, 'GET', '/share', { token: one.token });
  const s = await listen(server, two);
  const N = 150; // more than a stream remembers sending, all within its look-back
  for (let i = 0; i < N; i++) {
    await apiOk(server, 'POST', `/share/${day}/react`, { token: one.token, body: { reaction: i % 2 ? 'love' : 'thanks' } });
  }
  await s.until((e, k) => k === N - 1);
  await new Promise((r) => setTimeout(r, 500));
  const ids = s.events.map((e) => e.id);
  assert.equal(ids.length, N, 'each once');
  assert.deepEqual(ids, [...ids].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)), 'in order');
  s.close();
});

test('a third stream of one session ends the oldest; other sessions keep theirs', async () => {
  const { one } = await newCouple(server, 'three');
  const other = await apiOk(server, 'POST', '/login', { body: { email: one.email, password: one.password } });
  const elsewhere = await listen(server, { token: other.token });
  const a = await listen(server, one);
  await new Promise((r) => setTimeout(r, 100));
  const b = await listen(server, one);
  await new Promise((r) => setTimeout(r, 100));
  const c = await listen(server, one);
  await a.ended(2000);
  await new Promise((r) => setTimeout(r, 700)); // two heartbeats
  assert.ok(!b.closed && !c.closed && !elsewhere.closed);
  for (const s of [b, c, elsewhere]) s.close();
});

test('a quiet stream hears a heartbeat', async () => {
  const { one } = await newCouple(server, 'beat');
  const s = await listen(server, one);
  await new Promise((r) => setTimeout(r, 800)); // the heartbeat is 300 ms here
  assert.ok((s.text.match(/^: still here$/gm) || []).length >= 1, s.text);
  assert.match(s.text, /^retry: \d+$/m);
  s.close();
});

test('logging out ends the stream at its next wake-up', async () => {
  const { one, two } = await newCouple(server, 'bye');
  const s = await listen(server, one);
  await apiOk(server, 'POST', '/logout', { token: one.token });
  await apiOk(server, 'GET', '/share', { token: two.token });
  await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: 'after logout' } });
  await s.ended(2000);
  assert.ok(!s.events.some((e) => e.type === 'share.answered'), 'nothing after the session ended');
});

test('shutting down ends every open stream and the server exits cleanly', async () => {
  const own = await startServer();
  const { one, two } = await newCouple(own, 'down');
  const streams = [await listen(own, one), await listen(own, two), await listen(own, two)];
  const t = Date.now();
  assert.equal((await own.stop()).code, 0);
  assert.ok(Date.now() - t < 5000, `${Date.now() - t} ms to stop`);
  for (const s of streams) await s.ended(1000);
});

test('a job runs once however many servers share the database', async () => {
  const shared = newDatabase();
  const first = await startServer({ db: shared.db });
  const second = await startServer({ db: shared.db });
  try {
    const JOBS = 30;
    const now = Date.now();
    const values = Array.from({ length: JOBS }, (_, i) =>
      `(${9000 + i}, 'test-probe', '${i + 1}', ${now}, '', 0, ${now})`).join(', ');
    sql(first, `INSERT INTO jobs (id, kind, key, run_at, payload, attempts, created_at) VALUES ${values}`);
    const deadline = Date.now() + 10000;
    while (Number(sql(first, "SELECT count(*) FROM jobs WHERE kind = 'test-probe'")) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(sql(first, "SELECT count(*) FROM jobs WHERE kind = 'test-probe'"), '0', 'every job ran');
    const runs = sql(first, "SELECT ref, count(*) FROM events WHERE type = 'test.probe' GROUP BY ref ORDER BY ref")
      .split('\n').map((l) => l.split('|'));
    assert.equal(runs.length, JOBS);
    for (const [ref, n] of runs) assert.equal(n, '1', `job ${ref} ran ${n} times`);
  } finally {
    assert.equal((await first.stop()).code, 0);
    assert.equal((await second.stop()).code, 0);
    shared.remove();
  }
});

test('on PostgreSQL an action on one server reaches a stream on another within 2 s',
  { skip: engine !== 'postgres' && 'events cross servers on PostgreSQL only' }, async () => {
    const shared = newDatabase();
    const first = await startServer({ db: shared.db });
    // the second listens through its own URL, as behind pgbouncer
    const second = await startServer({ db: shared.db, args: ['--db-listen', shared.db] });
    try {
      const { one, two } = await newCouple(first, 'across');
      await apiOk(first, 'GET', '/share', { token: one.token });
      const s = await listen(second, one);
      const t = Date.now();
      await apiOk(first, 'POST', '/share/answer', { token: two.token, body: { text: 'from the first server' } });
      await s.until((e) => e.type === 'share.answered');
      assert.ok(Date.now() - t < 2000, `${Date.now() - t} ms`);
      s.close();
    } finally {
      assert.equal((await first.stop()).code, 0);
      assert.equal((await second.stop()).code, 0);
      shared.remove();
    }
  });

test('--db-listen is refused on SQLite, with a message', { skip: engine !== 'sqlite' && 'SQLite only' }, async () => {
  const fresh = newDatabase();
  try {
    const r = run(['serve', '--listen', '127.0.0.1:0', '--db', fresh.db, '--db-listen', fresh.db], { timeout: 10000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--db-listen must be a PostgreSQL URL/);
  } finally {
    fresh.remove();
  }
});
