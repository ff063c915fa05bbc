// The registry of practices (src/app.c): /us, the landing page and the
// guides' topics show the registered practices and nothing else; every card
// leads to a page that exists; a paired person's requests carry the couple.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { apiOk, newCouple } from './people.mjs';

const ALL = ['listen', 'share', 'time', 'signals', 'trust', 'dreams'];
let server;
let registered; // [{name, label, summary}] as the landing page's JSON lists them
before(async () => {
  server = await startServer();
  registered = (await apiOk(server, 'GET', '/')).practices;
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

const cookie = (p) => ({ headers: { cookie: `hearth_session=${p.token}` }, redirect: 'manual' });

test('the landing page lists each registered practice with its summary, and no other', async () => {
  assert.ok(registered.length >= 1);
  for (const p of registered) {
    assert.ok(ALL.includes(p.name), p.name);
    assert.ok(p.label && p.summary.length > 20, p.name);
  }
  const html = await (await fetch(`${server.url}/`)).text();
  const shown = [...html.matchAll(/<li class="card">\s*<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
  assert.deepEqual(shown, registered.map((p) => p.label));
});

test('the landing page tells an ordinary day and a day\'s few minutes from the registered practices alone', async () => {
  const model = await apiOk(server, 'GET', '/');
  assert.ok(model.moments.length >= 1);
  assert.ok(model.everyday.length > 5);
  const html = await (await fetch(`${server.url}/`)).text();
  for (const m of model.moments) assert.ok(html.includes(`<span class="day-time">${m.when}</span>`), m.when);
  // nothing of a practice that is not here yet
  const absent = { signals: /gesture/i, time: /plan an evening|ritual/i, trust: /promise/i, dreams: /dream/i };
  for (const [name, words] of Object.entries(absent)) {
    if (registered.some((p) => p.name === name)) continue;
    const hero = html.slice(html.indexOf('<main'), html.indexOf('id="privacy-title"'));
    assert.doesNotMatch(hero, words, name);
  }
});

test('/us has a card for each registered practice, each leading to a page that answers', async () => {
  const { one } = await newCouple(server, 'cards');
  const us = await apiOk(server, 'GET', '/us', { token: one.token });
  assert.deepEqual(us.practices.map((p) => p.name), registered.map((p) => p.name));
  const html = await (await fetch(`${server.url}/us`, cookie(one))).text();
  const links = [...html.matchAll(/<h3><a href="([^"]+)">([^<]+)<\/a><\/h3>/g)];
  assert.deepEqual(links.map((m) => m[2]), registered.map((p) => p.label));
  for (const [, href] of links) {
    assert.equal((await fetch(`${server.url}${href}`, cookie(one))).status, 200, href);
  }
  // nothing leads to a practice that is not registered
  for (const name of ALL.filter((n) => !registered.some((p) => p.name === n))) {
    assert.ok(!html.includes(`href="/${name}"`), name);
    assert.equal((await fetch(`${server.url}/${name}`, cookie(one))).status, 404, name);
  }
});

test("a card shows today's state from the couple's point of view", async () => {
  const { one, two } = await newCouple(server, 'state');
  const card = async (p) => (await apiOk(server, 'GET', '/us', { token: p.token }))
    .practices.find((c) => c.name === 'share').card;
  assert.equal((await card(one)).state, 'answer');
  await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: 'Mine.' } });
  const c = await card(one);
  assert.equal(c.state, 'answer');
  assert.equal(c.partner.answered, true);
  assert.equal(c.partner.name, two.name, 'the partner is named from the couple context');
  assert.equal((await card(two)).state, 'waiting');
});

test('the guides offer the introduction and the registered practices as topics', async () => {
  const guides = await apiOk(server, 'GET', '/guides');
  const labels = Object.fromEntries(registered.map((p) => [p.name, p.label]));
  for (const g of guides.guides) {
    const want = g.practice === 'introduction' ? 'Introduction' : labels[g.practice] ?? '';
    assert.equal(g.practice_label, want, g.slug);
  }
});
