// Access control for every route, generated from `hearth routes`, so a
// private route added later is covered without touching this file:
//   0. couple A writes through every private POST route that does not end or
//      change their account, sessions or couple, with a marker text in every
//      text field, and keeps the ids those writes answer;
//   1. without a session, every private route's API twin answers 401 (and
//      its page sends the visitor to log in);
//   2. with couple B's session, every GET route (page and JSON) shows nothing
//      of couple A: no name, email, token, id or marker text;
//   3. with couple B's session, every route with an id in its path answers
//      404 for couple A's real ids, and A's data is unchanged afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readStream, startServer } from './server.mjs';
import {
  allRoutes, fill, jsonBody, query, sample,
} from './routes.mjs';
import {
  api, apiOk, Browser, newCouple, newPerson, pair, signup, signupBrowser,
} from './people.mjs';

const routes = allRoutes();
const privateRoutes = routes.filter((r) => r.auth === 'user' || r.auth === 'couple');
const operatorRoutes = routes.filter((r) => r.auth === 'operator');
const getRoutes = routes.filter((r) => r.method === 'GET');
const idParam = /\{(id)(?::[a-z]+)?\}|\{[a-z_]+:id\}/;
const idRoutes = routes.filter((r) => idParam.test(r.pattern));
const key = (r) => `${r.method} ${r.pattern}`;

// Routes that end or change the account, its sessions or the couple: couple A
// does not write through them while seeding (step 0). Add a route here when
// it would log A out, unpair them or change their names or emails.
const NOT_SEEDED = new Set([
  'POST /logout',
  'POST /account/settings',
  'POST /account/password',
  'POST /account/delete',
  'POST /account/sessions/{id:id}/revoke',
  'POST /account/sessions/revoke-all',
  'POST /pair/invite',
  'POST /pair/join',
  'POST /couple/leave',
]);

let server;
let a1;
let a2;
let b1;
let b2;
let b2browser;
let aCoupleId;
let aIds; // every id of couple A we know: users, couple, sessions, what they wrote
let aText; // the marker text couple A writes into every text field
let aMarkers; // strings that only couple A's data contains
let aBefore; // what A's members see of themselves before B's requests
const seeded = []; // {what, route, status} of each of A's writes
before(async () => {
  server = await startServer();
  ({ one: a1, two: a2, coupleId: aCoupleId } = await newCouple(server, 'amark'));
  b1 = await signup(server, newPerson('bmark1'));
  ({ person: b2, browser: b2browser } = await signupBrowser(server, newPerson('bmark2')));
  await pair(server, b1, b2);
  aText = `amarkertext${a1.id.slice(-6)}`;
  const created = await seed();
  const aSessions = [];
  for (const p of [a1, a2]) {
    const list = await apiOk(server, 'GET', '/account/sessions', { token: p.token });
    aSessions.push(...list.sessions.map((s) => s.id));
  }
  aIds = [...new Set([a1.id, a2.id, aCoupleId, ...aSessions, ...created])];
  aMarkers = [a1.name, a2.name, a1.email, a2.email, a1.token, a2.token, aText, ...aIds];
  aBefore = await snapshot();
});
after(async () => {
  const status = await server.stop();
  assert.equal(status.code, 0);
});

async function snapshot() {
  const out = {};
  for (const p of [a1, a2]) {
    const account = await apiOk(server, 'GET', '/account', { token: p.token });
    const sessions = await apiOk(server, 'GET', '/account/sessions', { token: p.token });
    out[p.email] = {
      account: account.account,
      couple: account.couple,
      sessions: sessions.sessions.map((s) => s.id).sort(),
    };
  }
  return out;
}

// ---- requests built from the declared fields (routes.mjs) ----

// Calls the route's API twin as person (or nobody).
function callApi(route, path, { token, person, headers } = {}) {
  if (route.method === 'GET') return api(server, 'GET', path + query(route, person), { token, headers });
  return api(server, route.method, path, { token, headers, body: jsonBody(route, person) });
}

// Calls the route's page with a session cookie (and a valid csrf token when a
// browser is given).
async function callPage(route, path, { cookie, browser, person } = {}) {
  if (route.method === 'GET') {
    if (browser) return browser.get(path + query(route, person));
    return fetch(server.url + path + query(route, person),
      { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  }
  if (browser) {
    const fields = {};
    for (const f of route.fields) {
      const v = sample(f, person);
      fields[f.name] = typeof v === 'boolean' ? 'on' : v;
    }
    return browser.form(path, fields);
  }
  return fetch(server.url + path, {
    method: route.method,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: '',
    redirect: 'manual',
  });
}

// Step 0: a1 and a2 write through every private POST route not in NOT_SEEDED,
// first those without an id in the path, then those with one, for each id the
// first writes answered. Returns those ids.
async function seed() {
  const created = [];
  const eligible = routes.filter((r) => r.method === 'POST' && r.auth !== 'none' && r.api
    && !NOT_SEEDED.has(key(r)));
  for (const withId of [false, true]) {
    for (const person of [a1, a2]) {
      for (const route of eligible.filter((r) => idParam.test(r.pattern) === withId)) {
        for (const id of withId ? [...new Set(created)] : ['1']) {
          const path = fill(route.pattern, id);
          const res = await api(server, 'POST', path, { token: person.token, body: jsonBody(route, person, aText) });
          const text = await res.text();
          seeded.push({ what: `${person === a1 ? 'a1' : 'a2'} POST /api/v1${path}`, route, status: res.status, text });
          let out;
          try { out = JSON.parse(text); } catch { out = null; }
          if (res.ok && out && typeof out.id === 'string' && /^[1-9]\d*$/.test(out.id)) created.push(out.id);
        }
      }
    }
  }
  return [...new Set(created)];
}

function assertNoMarkers(text, what) {
  for (const marker of aMarkers) {
    assert.ok(!text.includes(marker), `${what} shows couple A's ${marker}`);
  }
}

// ---- the route table itself ----

test('the route table lists the private routes with their fields', () => {
  assert.ok(privateRoutes.length >= 10, 'private routes are listed');
  for (const r of routes) {
    assert.match(r.method, /^(GET|POST)$/);
    assert.match(r.pattern, /^\//);
    assert.ok(['none', 'user', 'couple', 'operator'].includes(r.auth), r.pattern);
    for (const f of r.fields) assert.ok(f.name && f.type, `${r.pattern}: field ${JSON.stringify(f)}`);
  }
  for (const known of ['GET /us', 'GET /account', 'POST /account/sessions/{id:id}/revoke']) {
    assert.ok(routes.some((r) => `${r.method} ${r.pattern}` === known), known);
  }
  assert.ok(idRoutes.length >= 1, 'at least one route takes an id');
});

// ---- 0. couple A's own writes ----

test('couple A can write through every private route without a server error', () => {
  const errors = seeded.filter((s) => s.status >= 500).map((s) => `${s.what}: ${s.status} ${s.text}`);
  assert.deepEqual(errors, []);
});

// ---- 1. no session ----

for (const route of privateRoutes) {
  test(`${route.method} ${route.pattern} refuses a visitor without a session`, async () => {
    const path = fill(route.pattern, '7531525899263868875');
    if (route.api) {
      for (const [what, headers] of [
        ['no credentials', {}],
        ['a made-up bearer token', { authorization: `Bearer ${'A'.repeat(43)}` }],
        ['a made-up session cookie', { cookie: `hearth_session=${'B'.repeat(43)}` }],
        ['a malformed bearer token', { authorization: 'Bearer not-a-token' }],
      ]) {
        const res = await callApi(route, path, { headers });
        const text = await res.text();
        assert.equal(res.status, 401, `${what}: ${text}`);
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        const body = JSON.parse(text);
        assert.equal(body.status, 401);
        assert.equal(body.title, 'Please log in');
      }
    }
    const page = await callPage(route, path);
    assert.equal(page.status, 303, 'the page sends the visitor to log in');
    const location = page.headers.get('location');
    assert.match(location, /^\/login\?next=/);
    if (route.method === 'GET') assert.equal(location, `/login?next=${path}`);
  });
}

// ---- 1b. operator routes: 404 for everyone but operators ----

for (const route of operatorRoutes) {
  test(`${route.method} ${route.pattern} answers 404 to visitors and to people who are not operators`, async () => {
    assert.match(route.pattern, /^\/admin(\/|$)/, 'operator routes live under /admin');
    const path = fill(route.pattern, '7531525899263868875');
    for (const [who, person] of [['a visitor', null], ['b1', b1]]) {
      if (route.api) {
        const res = await callApi(route, path, person ? { token: person.token, person } : {});
        assert.equal(res.status, 404, `${who} API`);
      }
      const page = await callPage(route, path, person ? { cookie: `hearth_session=${person.token}`, person } : {});
      assert.equal(page.status, 404, `${who} page`);
    }
  });
}

// ---- 2. B's session sees nothing of A ----

for (const route of getRoutes) {
  test(`GET ${route.pattern} shows couple B nothing of couple A`, async () => {
    const ids = idParam.test(route.pattern) ? aIds : ['1'];
    for (const id of ids) {
      const path = fill(route.pattern, id);
      for (const [who, person] of [['b1', b1], ['b2', b2]]) {
        if (route.api) {
          const res = await callApi(route, path, { token: person.token, person });
          assert.ok(res.status < 500, `${who} API: ${res.status}`);
          assertNoMarkers(await res.text(), `${who} GET /api/v1${path}`);
        }
        if (route.stream) {
          // a stream stays open: read what it replays from the start for a
          // moment; none of A's events (their ids) may be in it
          const text = await readStream(server.url + path,
            { cookie: `hearth_session=${person.token}`, 'last-event-id': '0' }, 400);
          for (const id of aIds) assert.ok(!text.includes(`"${id}"`), `${who} saw an event of A`);
          continue;
        }
        const page = await callPage(route, path, { cookie: `hearth_session=${person.token}`, person });
        assert.ok(page.status < 500, `${who} page: ${page.status}`);
        assertNoMarkers(await page.text(), `${who} GET ${path}`);
        const location = page.headers.get('location') || '';
        assertNoMarkers(location, `${who} GET ${path} redirect`);
      }
    }
  });
}

// ---- 3. B's session cannot reach A's ids ----

for (const route of idRoutes) {
  test(`${route.method} ${route.pattern} answers 404 to couple B for each of couple A's ids`, async () => {
    for (const id of aIds) {
      const path = fill(route.pattern, id);
      if (route.api) {
        const res = await callApi(route, path, { token: b2.token, person: b2 });
        const text = await res.text();
        assert.equal(res.status, 404, `API ${path}: ${text}`);
        assertNoMarkers(text, `POST /api/v1${path}`);
      }
      const page = await callPage(route, path, { browser: b2browser, person: b2 });
      const text = await page.text();
      assert.equal(page.status, 404, `page ${path}`);
      assertNoMarkers(text, `page ${path}`);
    }
  });
}

test('couple A is unchanged by everything couple B tried, and both couples still work', async () => {
  assert.deepEqual(await snapshot(), aBefore);
  for (const p of [a1, a2, b1, b2]) {
    const us = await apiOk(server, 'GET', '/us', { token: p.token });
    assert.equal(us.my_name, p.name);
  }
  const a = await apiOk(server, 'GET', '/us', { token: a1.token });
  assert.equal(a.couple.partner_name, a2.name);
  const b = await apiOk(server, 'GET', '/us', { token: b1.token });
  assert.equal(b.couple.partner_name, b2.name);
});

test('the checks above can see a leak: B\'s own pages show B\'s markers, and A\'s ids are real', async () => {
  const page = await fetch(`${server.url}/account`, { headers: { cookie: `hearth_session=${b1.token}` } });
  const html = await page.text();
  assert.ok(html.includes(b1.email) && html.includes(b2.name));
  const us = await (await api(server, 'GET', '/us', { token: b2.token })).text();
  assert.ok(us.includes(b1.name));
  const wroteText = seeded.some((s) => s.status < 300
    && s.route.fields.some((f) => f.type === 'text' || f.type === 'string'));
  if (wroteText) {
    let seen = false;
    for (const route of getRoutes.filter((r) => r.api && !idParam.test(r.pattern))) {
      const res = await callApi(route, fill(route.pattern, '1'), { token: a1.token, person: a1 });
      if ((await res.text()).includes(aText)) seen = true;
    }
    assert.ok(seen, 'what couple A wrote shows on some page of theirs');
  }
  const own = await apiOk(server, 'GET', '/account/sessions', { token: a1.token });
  const id = own.sessions.find((s) => s.current).id;
  assert.ok(aIds.includes(id));
  const browser = new Browser(server);
  await browser.login(a1);
  const revoke = await browser.form(`/account/sessions/${id}/revoke`);
  assert.equal(revoke.status, 303, 'the owner can revoke the id that B could not');
  assert.equal((await api(server, 'GET', '/account', { token: a1.token })).status, 401);
});
