// Dreams: a private dream never reaches the partner on any path (pages,
// JSON, export, events); sharing, support and unsharing; goals with
// milestones; values ranked privately, hidden until both have on every
// path, then compared, with the alignment figure for known rankings;
// redoing waits for both again; another couple's 404; export and erase.
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
const listen = (p) => openStream(`${server.url}/events`, { cookie: `hearth_session=${p.token}` });
const pageAs = async (p, path) => {
  const b = new Browser(server);
  b.jar.set('hearth_session', p.token);
  return (await b.get(path)).text();
};
const lines = (file) => readFileSync(join(root, file), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
const VALUES = lines('content/dreams/values.txt').map((l) => l.split(' | ')[0]);
const ranking = (names) => Object.fromEntries(names.map((n, i) => [`rank_${i + 1}`, n]));

test('a private dream never reaches the partner: not on pages, in JSON, in the export or in events', async () => {
  const { one, two } = await newCouple(server, 'private');
  const stream = await listen(two);
  const { id } = await send(one, '/dreams', { title: 'Secret sailing trip', text: 'Around the islands, alone for a week' }, 201);
  await send(one, `/dreams/${id}`, { title: 'Secret sailing trip', text: 'Around the islands, two weeks' });
  await new Promise((r) => setTimeout(r, 400));
  const everywhere = [await json(two, '/dreams'), await json(two, '/us'),
    await send(two, '/account/export', { password: two.password }),
    await pageAs(two, '/dreams'), await pageAs(two, '/us'), stream.text];
  for (const [i, v] of everywhere.entries()) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    assert.ok(!text.includes('sailing') && !text.includes('islands'), `path ${i}`);
    assert.ok(!text.includes(id), `path ${i} names no private dream`);
  }
  assert.ok(!stream.events.some((e) => e.type === 'dreams.dream'), 'no event for the partner');
  stream.close();
  for (const verb of ['share', 'unshare', 'delete', 'support']) {
    assert.equal((await call(two, `/dreams/${id}/${verb}`, { support: 'x' })).status, 404, verb);
  }
  assert.equal((await call(two, `/dreams/${id}`, { title: 'Mine now' })).status, 404);
  // the author sees it, and has it in their export
  assert.equal((await json(one, '/dreams')).my_dreams[0].title, 'Secret sailing trip');
  const data = await send(one, '/account/export', { password: one.password });
  assert.deepEqual(data.dreams.dreams.map((d) => [d.title, d.shared]), [['Secret sailing trip', false]]);
});

test('shared, the partner answers how they can support it; unshared, it is hidden again', async () => {
  const { one, two } = await newCouple(server, 'support');
  const { id } = await send(one, '/dreams', { title: 'Open a bakery', text: 'Sourdough and cardamom buns' }, 201);
  assert.equal((await call(two, `/dreams/${id}/support`, { support: 'Too early' })).status, 404);
  const stream = await listen(two);
  await send(one, `/dreams/${id}/share`);
  await stream.until((e) => e.type === 'dreams.dream', 2000);
  stream.close();
  const theirs = (await json(two, '/dreams')).their_dreams;
  assert.deepEqual(theirs.map((d) => d.title), ['Open a bakery']);
  assert.equal((await call(one, `/dreams/${id}/support`, { support: 'Myself' })).status, 404, 'not your own');
  await send(two, `/dreams/${id}/support`, { support: 'I can do the books on Sundays' });
  for (let i = 1; i < 50; i++) await send(two, `/dreams/${id}/support`, { support: `More help ${i}` });
  const full = await call(two, `/dreams/${id}/support`, { support: 'One too many' });
  assert.equal(full.status, 422, 'fifty answers on one dream at most');
  const mine = (await json(one, '/dreams')).my_dreams[0];
  assert.deepEqual(mine.support[0], { who: two.name, text: 'I can do the books on Sundays' });
  assert.equal(mine.support.length, 50);
  const card = (await json(one, '/us')).practices.find((p) => p.name === 'dreams').card;
  assert.equal(card.new_support.text, 'More help 49');
  await send(one, `/dreams/${id}/unshare`);
  const after = await json(two, '/dreams');
  assert.deepEqual(after.their_dreams, []);
  assert.ok(!JSON.stringify(after).includes('bakery'));
  // the answer stays in its writer's export
  const data = await send(two, '/account/export', { password: two.password });
  assert.equal(data.dreams.support_given[0].text, 'I can do the books on Sundays');
});

test('goals: either edits, milestones in an order either changes, progress from them, finished kept', async () => {
  const { one, two } = await newCouple(server, 'goals');
  const { id } = await send(one, '/dreams/goals', { goal_title: 'A year in Lisbon', why: 'Light, and learning a language', target: '2028-09-01' }, 201);
  const path = `/dreams/goals/${id}`;
  for (const m of ['Save a year of rent', 'Learn Portuguese to B1', 'Find remote work']) {
    await send(two, `${path}/milestones`, { milestone: m });
  }
  let goal = (await json(one, path)).goal;
  const [save, learn, work] = goal.milestones.map((m) => m.id);
  await send(one, `${path}/milestones/${work}/up`);
  await send(two, `${path}/milestones/${save}/down`);
  goal = (await json(two, path)).goal;
  assert.deepEqual(goal.milestones.map((m) => m.title), ['Find remote work', 'Save a year of rent', 'Learn Portuguese to B1']);
  await send(two, `${path}/milestones/${work}/done`);
  goal = (await json(one, path)).goal;
  assert.deepEqual([goal.progress.done, goal.progress.total, goal.progress.percent], [1, 3, 33]);
  assert.equal(goal.progress.words, '1 of 3 milestones done');
  const card = (await json(two, '/us')).practices.find((p) => p.name === 'dreams').card;
  assert.equal(card.next_milestone.milestone, 'Save a year of rent');
  await send(two, path, { goal_title: 'A year in Lisbon, together', why: 'Light', target: '2028-10-01' });
  await send(one, `${path}/finish`);
  const page = await json(two, '/dreams');
  assert.deepEqual(page.goals, []);
  assert.equal(page.finished_goals[0].title, 'A year in Lisbon, together');
  const other = await newCouple(server, 'goalsother');
  assert.equal((await api(server, 'GET', path, { token: other.one.token })).status, 404);
  assert.equal((await call(other.two, `${path}/milestones/${learn}/done`)).status, 404);
  assert.equal((await call(other.two, `${path}/milestones`, { milestone: 'Sneak' })).status, 404);
});

test('values: hidden until both have ranked, on every path; then side by side with the alignment in words', async () => {
  const { one, two } = await newCouple(server, 'values');
  const mine = VALUES.slice(0, 10);
  const theirs = [...VALUES.slice(0, 5), ...VALUES.slice(20, 25)];
  const dup = ranking(mine);
  dup.rank_2 = mine[0];
  const bad = await call(one, '/dreams/values', dup);
  assert.equal(bad.status, 422);
  assert.match((await bad.json()).errors.rank_2, /Each value once/);
  const stream = await listen(two);
  await send(one, '/dreams/values', ranking(mine));
  const label = (name) => lines('content/dreams/values.txt').find((l) => l.startsWith(`${name} | `)).split(' | ')[1];
  await new Promise((r) => setTimeout(r, 300));
  const paths = [await json(two, '/dreams/values'), await json(two, '/dreams'), await json(two, '/us'),
    await send(two, '/account/export', { password: two.password }), await pageAs(two, '/dreams/values'), stream.text];
  const page = paths[0];
  assert.deepEqual([page.partner_done, page.mine_done, page.revealed], [true, false, false]);
  assert.equal(page.both, undefined);
  for (const [i, v] of paths.entries()) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    assert.ok(!text.includes(mine.join(',')), `path ${i}: no ranking`);
    // the values page lists every value for the form; elsewhere none is named
    if (![0, 4].includes(i)) assert.ok(!text.includes(label(mine[6])), `path ${i}: no value`);
  }
  assert.equal((await json(two, '/us')).practices.find((p) => p.name === 'dreams').card.values_wait, true);
  stream.close();
  await send(two, '/dreams/values', ranking(theirs));
  const seen = await json(one, '/dreams/values');
  assert.equal(seen.revealed, true);
  assert.equal(seen.alignment, 86, 'the same top five, in the same order');
  assert.deepEqual(seen.both.map((v) => [v.my_rank, v.their_rank]), [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
  assert.equal(seen.only_mine.length, 5);
  assert.equal(seen.only_theirs.length, 5);
  assert.ok(seen.only_theirs.every((v) => v.talk.length >= 1), 'a prompt for each difference');
  assert.match(seen.alignment_words, /You both chose 5 of your ten\..* 86% alike; two identical lists would be 100%\. It is not a grade\./);
  // the form to rank again only on asking, starting from your last ranking
  assert.equal(seen.ranks, null);
  const form = (await json(one, '/dreams/values?again=1')).ranks;
  assert.deepEqual(form.map((r) => r.options.find((o) => o.on).name), mine);
  // ranking again waits for both again; the earlier comparison stays
  await send(one, '/dreams/values', ranking([...mine].reverse()));
  const again = await json(two, '/dreams/values');
  assert.deepEqual([again.revealed, again.partner_done, again.mine_done], [false, true, false]);
  assert.equal(again.earlier.length, 1);
  const old = await json(two, `/dreams/values/${again.earlier[0].id}`);
  assert.equal(old.alignment, 86);
  await send(two, '/dreams/values', ranking(mine));
  assert.equal((await json(one, '/dreams/values')).alignment, 57, 'the same ten, in reverse');
  const other = await newCouple(server, 'valuesother');
  assert.equal((await api(server, 'GET', `/dreams/values/${again.earlier[0].id}`, { token: other.one.token })).status, 404);
});

test('the alignment figure: identical 100, reversed 57, five in common 86, none 0', async () => {
  const cases = [[VALUES.slice(0, 10), VALUES.slice(0, 10), 100], [VALUES.slice(0, 10), VALUES.slice(10, 20), 0],
    [VALUES.slice(0, 10), [...VALUES.slice(0, 10)].reverse(), 57]];
  for (const [a, b, want] of cases) {
    const { one, two } = await newCouple(server, 'figure');
    await send(one, '/dreams/values', ranking(a));
    await send(two, '/dreams/values', ranking(b));
    assert.equal((await json(two, '/dreams/values')).alignment, want);
  }
});

test('content: dream prompts, values with meanings, prompts for the differences', () => {
  const prompts = lines('content/dreams/prompts.txt');
  assert.ok(prompts.length >= 30);
  assert.equal(new Set(prompts).size, prompts.length);
  const values = lines('content/dreams/values.txt').map((l) => l.split(' | '));
  assert.ok(values.length >= 38 && values.length <= 44);
  assert.ok(values.every((v) => v.length === 3 && v[2].length > 10));
  const talk = lines('content/dreams/talk.txt');
  assert.ok(talk.length >= 40);
  assert.ok(VALUES.every((v) => talk.some((t) => t.startsWith(`${v} | `))), 'each value has a prompt');
});

test('deleting an account erases its dreams and the answers to them', async () => {
  const { one, two } = await newCouple(server, 'erase');
  const { id } = await send(one, '/dreams', { title: 'Learn the cello', shared: true }, 201);
  await send(two, `/dreams/${id}/support`, { support: 'Earplugs and patience' });
  await send(one, '/dreams/values', ranking(VALUES.slice(0, 10)));
  await send(one, '/account/delete', { password: one.password });
  assert.equal(sql(server, `SELECT count(*) FROM dreams_dreams WHERE user_id = ${one.id}`), '0');
  assert.equal(sql(server, `SELECT count(*) FROM dreams_support WHERE dream_id = ${id}`), '0');
  assert.equal(sql(server, `SELECT count(*) FROM dreams_value_rankings WHERE user_id = ${one.id}`), '0');
});
