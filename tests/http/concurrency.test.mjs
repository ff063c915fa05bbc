// Rules that must hold when many requests arrive at once, on either engine
// (make test runs this file on SQLite and on PostgreSQL): each request comes
// on a connection of its own, twenty at a time, so the server takes them up
// on all its threads together.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, startServer } from './server.mjs';
import { apiOk, newCouple, newPerson, signup } from './people.mjs';

const DAY = 24 * 3600 * 1000;
let server;
let clockDir;
let offset = 0;

before(async () => {
  clockDir = mkdtempSync(join(tmpdir(), 'hearth-clock-'));
  writeFileSync(join(clockDir, 'offset'), '0');
  server = await startServer({
    env: { HEARTH_CLOCK_FILE: join(clockDir, 'offset') },
    args: ['--trusted-proxy', '127.0.0.1'],
  });
});

after(async () => {
  assert.equal((await server.stop()).code, 0);
  rmSync(clockDir, { recursive: true, force: true });
});

// Moves the server's clock a day on (the clock file is read when it changes).
async function nextDay() {
  offset += DAY;
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(join(clockDir, 'offset'), String(offset));
  await new Promise((r) => setTimeout(r, 20));
}

let hop = 0;
// One JSON request on a connection of its own; resolves to {status, body}.
function alone(person, method, path, body, from) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    hop += 1;
    const req = http.request(`${server.url}/api/v1${path}`, {
      method,
      agent: false,
      headers: {
        authorization: `Bearer ${person.token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'x-forwarded-for': from ?? `198.51.${100 + Math.floor(hop / 250) % 100}.${(hop % 250) + 1}`,
        connection: 'close',
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const twenty = (fn) => Promise.all(Array.from({ length: 20 }, (_, i) => fn(i)));

test('both partners opening a new day at the same moment get one question, without an error', async () => {
  const { one, two, coupleId } = await newCouple(server, 'sameday');
  for (let round = 0; round < 3; round++) {
    await nextDay();
    const answers = await twenty((i) => alone(i % 2 ? one : two, 'GET', '/share'));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    const ids = new Set(answers.map((a) => a.body.id));
    const questions = new Set(answers.map((a) => a.body.question.id));
    assert.equal(ids.size, 1, `round ${round}: ${ids.size} different days were drawn`);
    assert.equal(questions.size, 1);
    const day = answers[0].body.day;
    assert.equal(sql(server, 'SELECT count(*) FROM share_items'
      + ` WHERE couple_id = ${coupleId} AND kind = 'daily' AND day = '${day}'`), '1');
  }
});

test('of twenty swaps at once, exactly two go through', async () => {
  const { one, two } = await newCouple(server, 'swaps');
  for (let round = 0; round < 3; round++) {
    await nextDay();
    const before = await apiOk(server, 'GET', '/share', { token: one.token });
    const answers = await twenty((i) => alone(i % 2 ? one : two, 'POST', '/share/swap', {}));
    const statuses = answers.map((a) => a.status).sort();
    assert.equal(statuses.filter((s) => s === 200).length, 2, `round ${round}: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 409).length, 18);
    const after = await apiOk(server, 'GET', '/share', { token: two.token });
    assert.equal(after.id, before.id);
    assert.equal(after.swaps_left, 0);
    assert.equal(sql(server, `SELECT swaps FROM share_items WHERE id = ${before.id}`), '2');
  }
});

test('both answering at the same moment reveal once, and each then sees both answers', async () => {
  const { one, two } = await newCouple(server, 'reveal');
  for (let round = 0; round < 3; round++) {
    await nextDay();
    const today = await apiOk(server, 'GET', '/share', { token: one.token });
    const answers = await twenty((i) => alone(i % 2 ? one : two, 'POST', '/share/answer',
      { text: `${i % 2 ? 'one' : 'two'} says ${i}` }));
    for (const a of answers) assert.ok([200, 409].includes(a.status), `answered ${a.status}`);
    assert.ok(answers.some((a, i) => i % 2 && a.status === 200), 'one answered');
    assert.ok(answers.some((a, i) => !(i % 2) && a.status === 200), 'two answered');
    const seenByOne = await apiOk(server, 'GET', '/share', { token: one.token });
    const seenByTwo = await apiOk(server, 'GET', '/share', { token: two.token });
    assert.equal(seenByOne.revealed, true);
    assert.equal(seenByOne.partner.text, seenByTwo.mine.text);
    assert.equal(seenByTwo.partner.text, seenByOne.mine.text);
    assert.match(seenByOne.mine.text, /^one says \d+$/);
    assert.match(seenByTwo.mine.text, /^two says \d+$/);
    // no answer changed after the reveal
    assert.equal(sql(server, 'SELECT count(*) FROM share_answers a JOIN share_items i'
      + ' ON i.couple_id = a.couple_id AND i.id = a.item_id'
      + ` WHERE i.id = ${today.id} AND a.updated_at > i.revealed_at`), '0');
  }
});

test('of twenty people joining with one code at once, exactly one pairs', async () => {
  const author = await signup(server, newPerson('codeowner'));
  const racers = [];
  for (let i = 0; i < 20; i++) racers.push(await signup(server, newPerson('racer')));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: author.token }, 201);
  const answers = await Promise.all(racers.map((r) => alone(r, 'POST', '/pair/join', { code })));
  const statuses = answers.map((a) => a.status).sort();
  assert.equal(statuses.filter((s) => s === 200).length, 1, `${statuses}`);
  assert.equal(statuses.filter((s) => s === 422).length, 19);
  const coupleId = (await apiOk(server, 'GET', '/account', { token: author.token })).couple.id;
  assert.equal(sql(server, `SELECT count(*) FROM memberships WHERE couple_id = ${coupleId}`), '2');
  assert.equal(sql(server, `SELECT count(*) FROM users WHERE couple_id = ${coupleId}`), '2');
});
