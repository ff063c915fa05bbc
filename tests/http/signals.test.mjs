// Signals: gestures that reach the partner live (and nothing back to the
// sender), check-ins, what each loves, the prompt of the day, the card on
// /us, and what export, deleting an account and leaving do to them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStream, root, sql, startServer, testClock } from './server.mjs';
import { api, apiOk, Browser, login, newCouple } from './people.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let server;
let clock;
const advance = (ms) => clock.advance(ms);

before(async () => {
  clock = testClock('signals');
  server = await startServer({ env: { HEARTH_CLOCK_FILE: clock.file } });
  const now = new Date();
  advance(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 12) - Date.now());
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
  clock.remove();
});

const json = (p, path) => apiOk(server, 'GET', path, { token: p.token });
const send = (p, path, body = {}, expected = 200) => apiOk(server, 'POST', path, { token: p.token, body }, expected);
const listen = (p) => openStream(`${server.url}/events`, { cookie: `hearth_session=${p.token}` });
const keysOf = (v, out = []) => {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); keysOf(x, out); }
  return out;
};

test('a gesture reaches the partner within 2 s, with its note for them alone, and tells the sender nothing back', async () => {
  const { one, two } = await newCouple(server, 'hug');
  const toTwo = await listen(two);
  const toOne = await listen(one);
  const t = Date.now();
  const { id } = await send(one, '/signals/gestures', { kind: 'hug', note: 'Big one, from the train' }, 201);
  const heard = await toTwo.until((e) => e.type === 'signals.gesture', 2000);
  assert.ok(Date.now() - t < 2000);
  assert.equal(heard.ref, id);
  assert.ok(!toTwo.text.includes('train'), 'no note in an event');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!toOne.events.some((e) => e.type === 'signals.gesture'), 'the sender hears nothing');
  toTwo.close();
  toOne.close();

  const got = await json(two, `/signals/gestures/${id}`);
  assert.equal(got.gesture.note, 'Big one, from the train');
  assert.equal(got.gesture.words, 'a hug');
  assert.equal(got.gesture.from, one.name);
  assert.match(got.gesture.icon_html, /^<svg /);
  assert.equal((await api(server, 'GET', `/signals/gestures/${id}`, { token: one.token })).status, 404, 'not for the sender');
  const other = await newCouple(server, 'hugother');
  assert.equal((await api(server, 'GET', `/signals/gestures/${id}`, { token: other.two.token })).status, 404);

  const theirs = await json(two, '/signals');
  assert.deepEqual(theirs.received.map((g) => [g.kind, g.note]), [['hug', 'Big one, from the train']]);
  const mine = await json(one, '/signals');
  assert.deepEqual(mine.sent_list.map((g) => [g.kind, g.note]), [['hug', 'Big one, from the train']]);
  assert.deepEqual(mine.received, []);
  for (const word of ['seen', 'read', 'delivered', 'online', 'last_seen', 'opened']) {
    assert.ok(!keysOf(mine).includes(word), `no "${word}" for the sender`);
  }
  const page = await (await new Browser(server).fetch('/signals', { headers: { cookie: `hearth_session=${one.token}` } })).text();
  const sentList = page.slice(page.indexOf('What you sent'));
  assert.doesNotMatch(sentList.slice(0, sentList.indexOf('</ul>')), /seen|delivered|read/i);
});

test('gestures are checked: a known kind, a note of at most 140 characters, 30 an hour', async () => {
  const { one } = await newCouple(server, 'limit');
  assert.equal((await api(server, 'POST', '/signals/gestures', { token: one.token, body: { kind: 'wink' } })).status, 422);
  assert.equal((await api(server, 'POST', '/signals/gestures', { token: one.token, body: { kind: 'kiss', note: 'x'.repeat(141) } })).status, 422);
  for (let i = 0; i < 30; i++) await send(one, '/signals/gestures', { kind: 'kiss' }, 201);
  const refused = await api(server, 'POST', '/signals/gestures', { token: one.token, body: { kind: 'kiss' } });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  assert.match((await refused.json()).detail, /a lot of love for one hour/);
  advance(HOUR + 1000);
  await send(one, '/signals/gestures', { kind: 'kiss' }, 201);
});

test('a check-in shows to the partner with how long ago, as older after a day, and as a chart to yourself', async () => {
  const { one, two } = await newCouple(server, 'checkin');
  for (const bad of [{ mood: 0, energy: 3, need: 'fun' }, { mood: 3, energy: 6, need: 'fun' },
    { mood: 3, energy: 3, need: 'cake' }, { mood: 3, energy: 3, need: 'fun', word: 'w'.repeat(41) }]) {
    assert.equal((await api(server, 'POST', '/signals/checkin', { token: one.token, body: bad })).status, 422, JSON.stringify(bad));
  }
  // the form that comes back keeps the choices and the word
  const b = new Browser(server);
  b.jar.set('hearth_session', one.token);
  const back = await b.form('/signals/checkin', { mood: '4', energy: '2', need: 'space', word: 'w'.repeat(41) });
  assert.equal(back.status, 422);
  const html = await back.text();
  for (const kept of ['name="mood" value="4" checked', 'name="energy" value="2" checked', 'name="need" value="space" checked']) {
    assert.ok(html.includes(kept), kept);
  }
  assert.equal((html.match(/ checked>/g) || []).length, 3, 'nothing else checked');
  assert.equal((await json(two, '/signals')).partner_checkin, undefined);
  const stream = await listen(two);
  await send(one, '/signals/checkin', { mood: 4, energy: 2, need: 'closeness', word: 'homeward' });
  await stream.until((e) => e.type === 'signals.checkin');
  stream.close();
  const seen = (await json(two, '/signals')).partner_checkin;
  assert.deepEqual([seen.mood_words, seen.energy_words, seen.need, seen.word, seen.older],
    ['good', 'tired', 'closeness', 'homeward', false]);
  assert.equal(seen.when, 'just now');
  advance(3 * HOUR);
  assert.equal((await json(two, '/signals')).partner_checkin.when, '3 hours ago');
  advance(DAY);
  const old = (await json(two, '/signals')).partner_checkin;
  assert.equal(old.older, true);
  assert.equal(old.when, 'yesterday');
  const card = (await json(two, '/us')).practices.find((p) => p.name === 'signals').card;
  assert.equal(card.partner_checkin.older, true);
  await send(one, '/signals/checkin', { mood: 2, energy: 4, need: 'space' });
  const chart = (await json(one, '/signals')).my_chart;
  assert.equal(chart.count, 2);
  assert.equal(chart.mood_points.split(' ').length, 2);
  assert.equal((await json(two, '/signals')).my_chart.count, 0, 'your chart holds only your own');
});

test('what each loves most shows to the partner in words', async () => {
  const { one, two } = await newCouple(server, 'loves');
  await send(one, '/signals/preferences', { loves: ['hold-hand', 'good-night', 'back-rub'] });
  const seen = await json(two, '/signals');
  assert.equal(seen.partner_loves, 'a hand to hold, good night and a back rub');
  const mine = await json(one, '/signals');
  assert.deepEqual(mine.my_loves.filter((c) => c.checked).map((c) => c.name), ['hold-hand', 'good-night', 'back-rub']);
  assert.equal((await api(server, 'POST', '/signals/preferences', { token: one.token, body: { loves: ['gold'] } })).status, 422);
  await send(one, '/signals/preferences', { loves: [] });
  assert.equal((await json(two, '/signals')).partner_loves, '');
});

test('the prompt of the day is the same for both, changes with the couple\'s day, and none repeats within a cycle', async () => {
  const prompts = readFileSync(join(root, 'content/signals/prompts.txt'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#'));
  assert.ok(prompts.length >= 120, `${prompts.length} prompts`);
  assert.equal(new Set(prompts).size, prompts.length, 'no duplicates');
  const { one, two } = await newCouple(server, 'prompt');
  const seen = [];
  for (let d = 0; d < prompts.length; d++) {
    if (d % 60 === 59) { // a session lasts 90 days: log in again on the way
      one.token = await login(server, one);
      two.token = await login(server, two);
    }
    const a = (await json(one, '/signals')).prompt;
    if (d % 20 === 0) assert.equal((await json(two, '/signals')).prompt, a, 'the same for both');
    assert.ok(prompts.includes(a));
    seen.push(a);
    advance(DAY);
  }
  assert.equal(new Set(seen).size, prompts.length, 'every prompt once in a cycle');
  const other = await newCouple(server, 'promptother');
  const theirs = (await json(other.one, '/signals')).prompt;
  assert.ok(prompts.includes(theirs));
});

test('the card on /us: the partner\'s latest check-in, today\'s gestures, and one tap to send', async () => {
  const { one, two } = await newCouple(server, 'card');
  await send(one, '/signals/gestures', { kind: 'miss-you', note: 'Soon' }, 201);
  await send(one, '/signals/checkin', { mood: 5, energy: 5, need: 'fun' });
  const card = (await json(two, '/us')).practices.find((p) => p.name === 'signals').card;
  assert.deepEqual(card.received_today.map((g) => g.kind), ['miss-you']);
  assert.equal(card.partner_checkin.mood_words, 'bright');
  assert.equal(card.kinds.length, 8);
  const b = new Browser(server);
  b.jar.set('hearth_session', two.token);
  const html = await (await b.get('/us')).text();
  assert.match(html, /<button class="gesture gesture-small" type="submit" name="kind" value="hug" aria-label="Send Hug">/);
  const tapped = await b.form('/signals/gestures', { kind: 'hug', from: 'us' });
  assert.equal(tapped.status, 303);
  assert.equal(tapped.headers.get('location'), '/us?sent=signals');
  assert.deepEqual((await json(one, '/signals')).received.map((g) => g.kind), ['hug']);
  // the day is the couple's: gestures from before their midnight are not today's
  advance(DAY);
  const later = (await json(two, '/us')).practices.find((p) => p.name === 'signals').card;
  assert.deepEqual(later.received_today, []);
});

test('export holds what you sent and received; deleting an account erases what it sent; leaving ends the feed', async () => {
  const { one, two, coupleId } = await newCouple(server, 'gone');
  await send(one, '/signals/gestures', { kind: 'hug', note: 'from one' }, 201);
  await send(two, '/signals/gestures', { kind: 'kiss', note: 'from two' }, 201);
  await send(one, '/signals/checkin', { mood: 3, energy: 3, need: 'to-talk' });
  await send(one, '/signals/preferences', { loves: ['hug'] });
  const data = await send(one, '/account/export', { password: one.password });
  assert.deepEqual(data.signals.gestures_sent.map((g) => g.note), ['from one']);
  assert.deepEqual(data.signals.gestures_received.map((g) => g.note), ['from two']);
  assert.equal(data.signals.checkins.length, 1);
  assert.equal(data.signals.loves[0].loves, 'hug');

  await send(two, '/couple/leave', { password: two.password });
  for (const table of ['signals_gestures', 'signals_checkins', 'signals_preferences']) {
    assert.equal(sql(server, `SELECT count(*) FROM ${table} WHERE couple_id = ${coupleId}`), '0', table);
  }

  const next = await newCouple(server, 'erase');
  await send(next.one, '/signals/gestures', { kind: 'hug' }, 201);
  await send(next.two, '/signals/gestures', { kind: 'kiss' }, 201);
  await send(next.one, '/account/delete', { password: next.one.password });
  assert.equal(sql(server, `SELECT count(*) FROM signals_gestures WHERE from_user_id = ${next.one.id}`), '0');
});
