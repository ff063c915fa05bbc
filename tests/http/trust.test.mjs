// Trust: promises (who may change what, the job that marks them due, the
// follow-through in words), the weekly State of Us (the reveal on every
// path), the pulse (private unless shared), and the card on /us.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, startServer, testClock } from './server.mjs';
import { api, apiOk, Browser, newCouple } from './people.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let server;
let clock;
const advance = (ms) => clock.advance(ms);

before(async () => {
  clock = testClock('trust');
  server = await startServer({ env: { HEARTH_CLOCK_FILE: clock.file } });
  // a Wednesday, noon UTC: weeks and days have room either side
  const now = new Date();
  let t = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 12);
  while (new Date(t).getUTCDay() !== 3) t += DAY;
  advance(t - Date.now());
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
  clock.remove();
});

const json = (p, path) => apiOk(server, 'GET', path, { token: p.token });
const send = (p, path, body = {}, expected = 200) => apiOk(server, 'POST', path, { token: p.token, body }, expected);
const call = (p, path, body = {}) => api(server, 'POST', path, { token: p.token, body });
const day = (n) => new Date(clock.now() + n * DAY).toISOString().slice(0, 10);
const find = (model, text) => [...model.promises, ...model.closed].find((p) => p.text === text);

test('a promise is for today or later, both see it, and only its maker changes it', async () => {
  const { one, two } = await newCouple(server, 'promise');
  assert.equal((await call(one, '/trust/promises', { text: 'I will call your mum', due: day(-1) })).status, 422);
  assert.equal((await call(one, '/trust/promises', { text: 'x'.repeat(281), due: day(1) })).status, 422);
  const made = await send(one, '/trust/promises', { text: 'I will fix the shelf', due: day(2) }, 201);
  const seen = find(await json(two, '/trust'), 'I will fix the shelf');
  assert.equal(made.id, seen.id);
  assert.equal(seen.who, one.name);
  assert.equal(seen.state, 'open');
  assert.equal(seen.mine, false);
  const id = seen.id;
  for (const verb of ['edit', 'withdraw', 'kept', 'renegotiate', 'not-kept']) {
    const res = await call(two, `/trust/promises/${id}/${verb}`, { text: 'I will not', due: day(3), reason: 'r' });
    assert.equal(res.status, 403, verb);
  }
  assert.equal((await call(one, `/trust/promises/${id}/acknowledge`, { thanks: 'me' })).status, 403, 'not your own');
  await send(one, `/trust/promises/${id}/edit`, { text: 'I will fix the kitchen shelf', due: day(3) });
  assert.ok(find(await json(two, '/trust'), 'I will fix the kitchen shelf'));
  const other = await newCouple(server, 'promiseother');
  assert.equal((await call(other.one, `/trust/promises/${id}/kept`)).status, 404);
  assert.equal((await call(other.two, `/trust/promises/${id}/acknowledge`)).status, 404);
});

test('on its day a job marks the promise due; kept, the partner thanks; the follow-through is told in words', async () => {
  const { one, two } = await newCouple(server, 'due');
  await send(one, '/trust/promises', { text: 'I will book the trip', due: day(1) }, 201);
  await send(one, '/trust/promises', { text: 'I will water the plants', due: day(1) }, 201);
  await send(one, '/trust/promises', { text: 'I will sort the photos', due: day(1) }, 201);
  const { id } = find(await json(one, '/trust'), 'I will book the trip');
  assert.equal((await call(two, `/trust/promises/${id}/acknowledge`)).status, 409, 'nothing to thank yet');
  advance(DAY);
  const deadline = Date.now() + 5000; // the scheduler looks every second
  while (sql(server, `SELECT state FROM trust_promises WHERE id = ${id}`) !== 'due' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(sql(server, `SELECT state FROM trust_promises WHERE id = ${id}`), 'due', 'the job marked it');
  assert.equal(find(await json(two, '/trust'), 'I will book the trip').state, 'due');
  // editing or withdrawing is for before its day
  assert.equal((await call(one, `/trust/promises/${id}/withdraw`)).status, 409);
  await send(one, `/trust/promises/${id}/kept`);
  await send(two, `/trust/promises/${id}/acknowledge`, { thanks: 'Thank you, I love the plan' });
  assert.equal((await call(two, `/trust/promises/${id}/acknowledge`)).status, 409, 'once');
  const after = find(await json(one, '/trust'), 'I will book the trip');
  assert.deepEqual([after.state, after.thanks, after.acknowledged], ['kept', 'Thank you, I love the plan', true]);
  // renegotiated on its day, before it passed: in time; then not kept
  const plants = find(await json(one, '/trust'), 'I will water the plants').id;
  assert.equal((await call(one, `/trust/promises/${plants}/renegotiate`, { due: day(2) })).status, 422, 'a reason is needed');
  await send(one, `/trust/promises/${plants}/renegotiate`, { due: day(2), reason: 'Away until Friday' });
  const moved = find(await json(two, '/trust'), 'I will water the plants');
  assert.deepEqual([moved.state, moved.reason, moved.renegotiations], ['open', 'Away until Friday', 1]);
  const photos = find(await json(one, '/trust'), 'I will sort the photos').id;
  await send(one, `/trust/promises/${photos}/not-kept`, { note: 'Ran out of time' });
  advance(2 * DAY);
  await send(one, `/trust/promises/${plants}/kept`);
  const words = await json(one, '/trust');
  assert.equal(words.my_follow, 'You kept 2 of your 3 promises; 1 was renegotiated in time.');
  assert.equal((await json(two, '/trust')).partner_follow, `${one.name} kept 2 of 3 promises; 1 was renegotiated in time.`);
  assert.ok(!/%|score|rate|fail/i.test(words.my_follow));
  assert.equal(words.partner_follow, `None of ${two.name}’s promises came to its day in the last 90 days.`);
});

const notes = (tag) => ({
  appreciation_1: `${tag}: thank you for the soup`,
  appreciation_2: `${tag}: for waiting up`,
  appreciation_3: `${tag}: for the walk`,
  went_well: `${tag}: a calm Sunday`,
  feel: 'stretched', about: 'the mornings', need: 'an earlier night on Tuesdays',
  loved: `${tag}: a long walk on Saturday`,
});

test('State of Us: each writes privately; both read both only when both have, on every path', async () => {
  const { one, two } = await newCouple(server, 'week');
  const short = { ...notes('one'), appreciation_3: '' };
  assert.equal((await call(one, '/trust/state-of-us', short)).status, 422, 'three appreciations at least');
  await send(one, '/trust/state-of-us', notes('one secret'));
  const twoSees = await json(two, '/trust/state-of-us');
  assert.equal(twoSees.partner_written, true);
  assert.equal(twoSees.revealed, false);
  const everywhere = [twoSees, await json(two, '/trust'), await json(two, '/us'),
    await send(two, '/account/export', { password: two.password })];
  const b = new Browser(server);
  b.jar.set('hearth_session', two.token);
  everywhere.push(await (await b.get('/trust/state-of-us')).text(), await (await b.get('/us')).text());
  for (const [i, v] of everywhere.entries()) {
    assert.ok(!JSON.stringify(v).includes('one secret'), `path ${i} shows nothing of one's notes`);
  }
  // one can still change theirs until two writes
  await send(one, '/trust/state-of-us', notes('one'));
  await send(two, '/trust/state-of-us', notes('two'));
  const seen = await json(one, '/trust/state-of-us');
  assert.equal(seen.revealed, true);
  assert.equal(seen.partner_notes.went_well, 'two: a calm Sunday');
  assert.deepEqual(seen.turns.map((t) => t.who), ['You', two.name, 'You', two.name, 'You', two.name]);
  assert.equal(seen.wish_promise.text, 'I will make this happen for you this week: two: a long walk on Saturday');
  assert.ok(seen.guide.topic_listener.length >= 3, 'the cues come from content/trust');
  assert.equal((await call(one, '/trust/state-of-us', notes('later'))).status, 409, 'no changes after both');
  // one tap makes the partner's wish a promise for the week
  await send(one, '/trust/promises', seen.wish_promise, 201);
  assert.ok(find(await json(two, '/trust'), seen.wish_promise.text));
  // export: your own notes, never the partner's
  const data = await send(one, '/account/export', { password: one.password });
  assert.equal(data.trust.state_of_us[0].notes.went_well, 'one: a calm Sunday');
  assert.ok(!JSON.stringify(data.trust).includes('two: a calm Sunday'));
  // next week: a new page; the last stays readable
  advance(7 * DAY);
  const next = await json(one, '/trust/state-of-us');
  assert.equal(next.revealed, false);
  assert.equal(next.earlier.length, 1);
  const old = await json(two, `/trust/state-of-us/${next.earlier[0].path}`);
  assert.equal(old.partner_notes.went_well, 'one: a calm Sunday');
  const other = await newCouple(server, 'weekother');
  assert.equal((await api(server, 'GET', `/trust/state-of-us/${next.earlier[0].path}`, { token: other.one.token })).status, 404);
});

test('a long wish becomes a promise cut at a character, within the promise\'s limit', async () => {
  const { one, two } = await newCouple(server, 'wish');
  await send(one, '/trust/state-of-us', { ...notes('one'), loved: 'é'.repeat(900) });
  await send(two, '/trust/state-of-us', notes('two'));
  const { wish_promise: wish } = await json(two, '/trust/state-of-us');
  assert.equal([...wish.text].length, 280);
  assert.ok(wish.text.endsWith('é'));
  await send(two, '/trust/promises', wish, 201);
});

test('a pulse is private unless its author shares it; each sees their own trend', async () => {
  const { one, two } = await newCouple(server, 'pulse');
  assert.equal((await call(one, '/trust/pulse', { close: 11, understood: 5 })).status, 422);
  await send(one, '/trust/pulse', { close: 3, understood: 4 });
  const theirs = await json(two, '/trust');
  assert.deepEqual(theirs.partner_pulses, [], 'private by default');
  assert.ok(!JSON.stringify(theirs).includes('"close":3'));
  await send(one, '/trust/pulse', { close: 8, understood: 7, share: true });
  const shared = (await json(two, '/trust')).partner_pulses;
  assert.deepEqual(shared.map((p) => [p.close, p.understood]), [[8, 7]]);
  const mine = (await json(one, '/trust')).my_pulse;
  assert.equal(mine.count, 2);
  assert.equal((await json(two, '/trust')).my_pulse.count, 0);
  const data = await send(two, '/account/export', { password: two.password });
  assert.deepEqual(data.trust.pulses, []);
});

test('the card on /us: promises due today and this week, and whether this week\'s State of Us waits', async () => {
  const { one, two } = await newCouple(server, 'card');
  await send(two, '/trust/promises', { text: 'I will cook tonight', due: day(0) }, 201);
  await send(two, '/trust/promises', { text: 'I will ring the landlord', due: day(3) }, 201);
  await send(two, '/trust/promises', { text: 'I will plan the summer', due: day(30) }, 201);
  const card = (await json(one, '/us')).practices.find((p) => p.name === 'trust').card;
  assert.deepEqual(card.due_today.map((p) => p.text), ['I will cook tonight']);
  assert.deepEqual(card.due_week.map((p) => p.text), ['I will ring the landlord']);
  assert.equal(card.week_waits, true);
  await send(two, '/trust/state-of-us', notes('two'));
  const after = (await json(one, '/us')).practices.find((p) => p.name === 'trust').card;
  assert.equal(after.week_state, `${two.name} has written: your turn.`);
});

test('leaving closes the open promises and each keeps their own in the export; deleting an account erases its trust', async () => {
  const { one, two, coupleId } = await newCouple(server, 'gone');
  await send(one, '/trust/promises', { text: 'I will paint the door', due: day(5) }, 201);
  await send(one, '/trust/pulse', { close: 6, understood: 6 });
  await send(two, '/trust/state-of-us', notes('two'));
  await send(two, '/couple/leave', { password: two.password });
  assert.equal(sql(server, `SELECT count(*) FROM trust_promises WHERE couple_id = ${coupleId} AND state IN ('open', 'due')`), '0');
  const data = await send(one, '/account/export', { password: one.password });
  assert.deepEqual(data.trust.promises.map((p) => [p.text, p.state]), [['I will paint the door', 'withdrawn']]);
  assert.equal(data.trust.pulses.length, 1);
  assert.equal((await send(two, '/account/export', { password: two.password })).trust.state_of_us.length, 1);

  await send(one, '/account/delete', { password: one.password });
  await send(two, '/account/delete', { password: two.password });
  for (const [table, who] of [['trust_promises', one.id], ['trust_pulses', one.id], ['trust_week_notes', two.id]]) {
    assert.equal(sql(server, `SELECT count(*) FROM ${table} WHERE user_id = ${who}`), '0', table);
  }
});
