// Listen: starting a session (one open per couple), the turns in writing
// (only the speaker writes pieces and verdicts, only the listener reflects,
// nothing out of turn), together on one phone, live updates, the measure,
// the feelings vocabulary and the topics, the card on /us, another couple's
// 404, and what export, deleting an account and leaving do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStream, root, sql, startServer } from './server.mjs';
import { api, apiOk, Browser, newCouple } from './people.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

const json = (p, path) => apiOk(server, 'GET', path, { token: p.token });
const send = (p, path, body = {}, expected = 200) => apiOk(server, 'POST', path, { token: p.token, body }, expected);
const call = (p, path, body = {}) => api(server, 'POST', path, { token: p.token, body });
const pageAs = async (p, path) => {
  const b = new Browser(server);
  b.jar.set('hearth_session', p.token);
  return (await b.get(path)).text();
};
const listen = (p) => openStream(`${server.url}/events`, { cookie: `hearth_session=${p.token}` });

// The sections of a content file: {name: [entries]}.
function sections(file) {
  const out = {};
  let current = null;
  for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
    const m = line.match(/^\[(.+)\]$/);
    if (m) out[(current = m[1])] = [];
    else if (line.trim() && !line.startsWith('#')) out[current].push(line);
  }
  return out;
}

test('a session in writing keeps the turns: piece, reflection, verdict; nothing out of turn', async () => {
  const { one, two } = await newCouple(server, 'turns');
  assert.equal((await call(one, '/listen/sessions', { topic: '', mode: 'writing' })).status, 422);
  assert.equal((await call(one, '/listen/sessions', { topic: 'x'.repeat(201), mode: 'writing' })).status, 422);
  assert.equal((await call(one, '/listen/sessions', { topic: 'Sundays', mode: 'shouting' })).status, 422);
  const { id } = await send(one, '/listen/sessions', { topic: 'How Sundays feel lately', mode: 'writing' }, 201);
  assert.equal((await call(two, '/listen/sessions', { topic: 'Another', mode: 'together' })).status, 422, 'one open at a time');
  const path = `/listen/sessions/${id}`;

  // the speaker (one, who started) writes first; the listener cannot
  assert.equal((await call(two, `${path}/pieces`, { text: 'Not mine to write' })).status, 403);
  assert.equal((await call(one, `${path}/reflections`, { text: 'I hear myself' })).status, 403);
  assert.equal((await call(one, `${path}/verdicts`, { verdict: 'understood' })).status, 409, 'nothing to answer yet');
  await send(one, `${path}/pieces`, { text: 'Sunday evenings feel heavy and I go quiet.' });
  assert.equal((await call(one, `${path}/pieces`, { text: 'And another' })).status, 409, 'no second piece before a reflection');
  assert.equal((await call(one, `${path}/swap`)).status, 409, 'no swap while the listener has a piece');
  const twoSees = await json(two, path);
  assert.equal(twoSees.can_reflect, true);
  assert.equal(twoSees.turn.mine, true);
  assert.equal((await call(two, `${path}/reflections`, { text: 'x', feelings: ['not a feeling'] })).status, 422);
  await send(two, `${path}/reflections`, { text: 'What I hear is that Sundays end too soon.', feelings: ['uneasy', 'lonely'] });
  assert.equal((await call(two, `${path}/verdicts`, { verdict: 'understood' })).status, 403, 'only the speaker answers');
  assert.equal((await call(one, `${path}/verdicts`, { verdict: 'understood', clarify: 'but' })).status, 422);
  await send(one, `${path}/verdicts`, { verdict: 'partly', clarify: 'It is more that the week starts before I am ready.' });
  assert.equal((await json(two, path)).can_reflect, true, 'a clarification asks for another reflection');
  await send(two, `${path}/reflections`, { text: 'It sounds like you feel rushed into Monday.' });
  await send(one, `${path}/verdicts`, { verdict: 'understood' });

  // then the floor passes on request, and the roles turn round
  await send(two, `${path}/swap`);
  const after = await json(one, path);
  assert.equal(after.i_speak, false);
  assert.equal((await call(one, `${path}/pieces`, { text: 'Still me' })).status, 403);
  await send(two, `${path}/pieces`, { text: 'I like Sunday evenings; I did not know.' });
  await send(one, `${path}/reflections`, { text: 'What I hear is that it surprised you.' });
  await send(two, `${path}/verdicts`, { verdict: 'understood' });
  const steps = (await json(one, path)).steps;
  assert.deepEqual(steps.map((s) => s.kind),
    ['piece', 'reflection', 'verdict', 'reflection', 'verdict', 'swap', 'piece', 'reflection', 'verdict']);
  assert.deepEqual(steps[1].feelings, ['uneasy', 'lonely']);

  await send(one, `${path}/end`);
  assert.equal((await call(two, `${path}/pieces`, { text: 'Late' })).status, 409);
  const page = await json(two, '/listen');
  assert.equal(page.open, null);
  assert.equal(page.history[0].topic, 'How Sundays feel lately');
  assert.equal(page.measure, 'You have held one conversation. 1 of 2 reflections were understood at the first try.');
  // a new one can start now
  await send(two, '/listen/sessions', { topic: 'Next time', mode: 'together' }, 201);

  const other = await newCouple(server, 'turnsother');
  assert.equal((await api(server, 'GET', path, { token: other.one.token })).status, 404);
  assert.equal((await call(other.two, `${path}/end`)).status, 404);
});

test('together on one phone: the floor, the cues, the timer, and "did you feel understood?" until yes', async () => {
  const { one, two } = await newCouple(server, 'together');
  const { id } = await send(two, '/listen/sessions', { topic: 'Visiting my parents', mode: 'together' }, 201);
  const path = `/listen/sessions/${id}`;
  const view = await json(one, path);
  assert.equal(view.speaker_name, two.name);
  assert.equal(view.can_verdict, true, 'the phone is shared: either taps');
  assert.ok(view.cues.speaker.length >= 3 && view.cues.listener.length >= 3);
  assert.ok(view.timer_seconds > 0);
  assert.equal((await call(two, `${path}/pieces`, { text: 'Written' })).status, 409, 'spoken, not written');
  await send(one, `${path}/verdicts`, { verdict: 'not-yet' });
  assert.equal((await json(two, path)).clarify, true, 'back to the speaker to clarify');
  await send(two, `${path}/verdicts`, { verdict: 'yes' });
  await send(one, `${path}/swap`);
  assert.equal((await json(one, path)).i_speak, true);
  await send(one, `${path}/verdicts`, { verdict: 'yes' });
  await send(one, `${path}/end`);
  const { measure } = await json(one, '/listen');
  assert.equal(measure, 'You have held one conversation. 1 of 2 reflections were understood at the first try.');
  const html = await pageAs(one, path);
  assert.match(html, /This conversation has ended/);
});

test('each step reaches the partner\'s open page within 2 s, and the events carry no words', async () => {
  const { one, two } = await newCouple(server, 'live');
  const { id } = await send(one, '/listen/sessions', { topic: 'Live', mode: 'writing' }, 201);
  const stream = await listen(two);
  const t = Date.now();
  await send(one, `/listen/sessions/${id}/pieces`, { text: 'A secret sentence about work' });
  const heard = await stream.until((e) => e.type === 'listen.step', 2000);
  assert.ok(Date.now() - t < 2000);
  assert.equal(heard.ref, id);
  assert.ok(!stream.text.includes('secret'));
  stream.close();
});

test('the card on /us shows an open conversation where it is your turn, and only then', async () => {
  const { one, two } = await newCouple(server, 'card');
  const card = async (p) => (await json(p, '/us')).practices.find((x) => x.name === 'listen').card ?? null;
  assert.equal(await card(one), null);
  const { id } = await send(one, '/listen/sessions', { topic: 'Our kitchen', mode: 'writing' }, 201);
  assert.equal((await card(one)).topic, 'Our kitchen');
  assert.equal(await card(two), null, 'nothing for the listener to do yet');
  await send(one, `/listen/sessions/${id}/pieces`, { text: 'The counter.' });
  assert.equal(await card(one), null);
  assert.match((await card(two)).words, /tell back what you hear/);
});

test('the feelings vocabulary and the topics: counts, groups, no duplicates', async () => {
  const feelings = sections('content/listen/feelings.txt');
  const words = Object.values(feelings).flat();
  assert.ok(Object.keys(feelings).length >= 6 && words.length >= 120, `${words.length} words`);
  assert.equal(new Set(words.map((w) => w.toLowerCase())).size, words.length);
  const { one } = await newCouple(server, 'words');
  const page = await json(one, '/listen/feelings');
  assert.deepEqual(page.feelings.map((g) => g.words.length), Object.values(feelings).map((w) => w.length));
  // the check-in's word in Signals offers the same words
  const signals = await pageAs(one, '/signals');
  assert.match(signals, /<input id="word" name="word" type="text" maxlength="40" list="feeling-words"/);
  for (const w of words) assert.ok(signals.includes(`<option value="${w.replace(/'/g, '&#39;')}">`), w);
  const topics = sections('content/listen/topics.txt');
  const all = Object.values(topics).flat();
  assert.deepEqual(Object.keys(topics), ['light', 'everyday', 'deeper']);
  assert.ok(all.length >= 60 && Object.values(topics).every((t) => t.length >= 20));
  assert.equal(new Set(all.map((t) => t.toLowerCase())).size, all.length);
  const listed = (await json(one, '/listen')).topics;
  assert.deepEqual(listed.map((l) => l.topics.length), Object.values(topics).map((t) => t.length));
  // a topic from the list fills the box
  const html = await pageAs(one, listed[2].topics[0].href);
  assert.ok(html.includes(`value="${all.find((t) => t === listed[2].topics[0].text).replace(/'/g, '&#39;')}"`));
});

test('export holds what you wrote; deleting an account erases it; leaving ends an open session', async () => {
  const { one, two, coupleId } = await newCouple(server, 'gone');
  const { id } = await send(one, '/listen/sessions', { topic: 'Money', mode: 'writing' }, 201);
  await send(one, `/listen/sessions/${id}/pieces`, { text: 'One wrote this' });
  await send(two, `/listen/sessions/${id}/reflections`, { text: 'Two heard this' });
  const data = await send(one, '/account/export', { password: one.password });
  assert.deepEqual(data.listen.written.map((w) => w.text), ['One wrote this']);
  assert.equal(data.listen.sessions_started[0].topic, 'Money');
  await send(two, '/couple/leave', { password: two.password });
  assert.equal(sql(server, `SELECT count(*) FROM listen_sessions WHERE couple_id = ${coupleId} AND ended_at IS NULL`), '0');
  await send(one, '/account/delete', { password: one.password });
  assert.equal(sql(server, `SELECT count(*) FROM listen_steps WHERE user_id = ${one.id}`), '0');
  assert.equal(sql(server, `SELECT count(*) FROM listen_sessions WHERE started_by = ${one.id}`), '0');
});
