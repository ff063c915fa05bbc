// Every write route, with a database failure injected at each of its
// statements (the test build fails the Nth statement of a request that sends
// X-Hearth-Fail-Db: N, and tells how many it ran in X-Hearth-Db-Calls). For
// each failure: an error answer (500 or 503, as a problem for the API),
// never a 2xx or a redirect, and the database exactly as it was before
// (`hearth dump`), so nothing is ever half-written. Then the same request
// without a failure must succeed, which proves the walk reached every
// statement. Routes are read from `hearth routes`: a write route added
// later is covered, and needs a line in REQUESTS only when its fields alone
// do not make a request that succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, run, sql, startServer } from './server.mjs';
import { allRoutes, fill, jsonBody } from './routes.mjs';
import { api, apiOk, newCouple, newPerson, signup } from './people.mjs';

const writeRoutes = allRoutes().filter((r) => r.method === 'POST' && r.api);
const MAX_STATEMENTS = 80;

let server;
let worlds = 0;
before(async () => {
  server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

// Every row of the database, but what changes outside of any request: the
// last use of sessions (the session check writes it at most once a minute)
// and the standing jobs the scheduler moves on as they run.
function dump() {
  const r = run(['dump', '--db', server.db]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\tlast_used_at=\d+/g, '').replace(/^jobs\t[^\n]*\tkey=every\t[^\n]*\n/gm, '');
}

const DREAM_VALUES = readFileSync(join(root, 'content/dreams/values.txt'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).map((l) => l.split(' | ')[0]);

// every day, from a week ago (so today is one of its days)
const RITUAL = {
  title: 'Coffee', repeat: 'daily', start: new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10),
  time: '07:30', minutes: 15,
};

// A couple with something of everything: today's question answered by
// both, a question of their own, a deep-dive evening in writing, and an
// operator; plus a guide with a held comment. Returns what requests need.
async function world() {
  const { one, two, coupleId } = await newCouple(server, 'fault');
  const today = await apiOk(server, 'GET', '/share', { token: one.token });
  await apiOk(server, 'POST', '/share/answer', { token: one.token, body: { text: 'One answers.' } });
  await apiOk(server, 'POST', '/share/answer', { token: two.token, body: { text: 'Two answers.' } });
  const ask = await apiOk(server, 'POST', '/share/ask', { token: one.token, body: { question: 'Asked?' } }, 201);
  const opened = await apiOk(server, 'POST', '/share/ask', { token: two.token, body: { question: 'Open?' } }, 201);
  await apiOk(server, 'POST', `/share/ask/${opened.id}/answer`, { token: one.token, body: { text: 'Yes.' } });
  await apiOk(server, 'POST', `/share/ask/${opened.id}/answer`, { token: two.token, body: { text: 'Yes too.' } });
  await apiOk(server, 'POST', '/share/deep-dive', { token: one.token, body: { mode: 'writing' } }, 201);
  const due = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10); // tomorrow (UTC)
  const promise = await apiOk(server, 'POST', '/trust/promises', { token: one.token, body: { text: 'I will call', due } }, 201);
  const kept = await apiOk(server, 'POST', '/trust/promises', { token: one.token, body: { text: 'I will cook', due } }, 201);
  await apiOk(server, 'POST', `/trust/promises/${kept.id}/kept`, { token: one.token, body: {} });
  const talk = await apiOk(server, 'POST', '/listen/sessions', { token: one.token, body: { topic: 'Talk', mode: 'writing' } }, 201);
  const ritual = await apiOk(server, 'POST', '/time/rituals', { token: one.token, body: RITUAL }, 201);
  const idea = await apiOk(server, 'POST', '/time/ideas', { token: one.token, body: { idea: 'Swim', category: 'out' } }, 201);
  await apiOk(server, 'POST', '/time/together/start', { token: two.token, body: {} });
  const dream = await apiOk(server, 'POST', '/dreams', { token: one.token, body: { title: 'Sail', shared: true } }, 201);
  const goal = await apiOk(server, 'POST', '/dreams/goals', { token: one.token, body: { goal_title: 'Move' } }, 201);
  for (const milestone of ['Pack', 'Go']) {
    await apiOk(server, 'POST', `/dreams/goals/${goal.id}/milestones`, { token: one.token, body: { milestone } });
  }
  const { milestones } = (await apiOk(server, 'GET', `/dreams/goals/${goal.id}`, { token: one.token })).goal;
  assert.equal(run(['admin', 'grant', one.email, '--db', server.db]).status, 0);
  const guides = await apiOk(server, 'GET', '/guides');
  const slug = guides.guides[0].slug;
  const guideId = sql(server, `SELECT id FROM guides WHERE slug = '${slug}'`);
  const page = await apiOk(server, 'GET', `/guides/${slug}`);
  const held = await api(server, 'POST', `/guides/${slug}/comments`, {
    body: { name: 'Reader', email: 'reader@example.org', comment: 'A held comment.', t: page.form_time },
    headers: { 'x-forwarded-for': `203.0.${113 + (worlds % 100)}.9` },
  });
  worlds += 1;
  const commentId = (await held.json()).id;
  const spare = await signup(server, newPerson('spare'));
  const { code } = await apiOk(server, 'POST', '/pair/invite', { token: spare.token }, 201);
  const stranger = await signup(server, newPerson('stranger'));
  const extraSession = (await apiOk(server, 'GET', '/account/sessions', { token: one.token }))
    .sessions.find((s) => s.current).id;
  const second = await apiOk(server, 'POST', '/login', { body: { email: one.email, password: one.password } });
  one.token = second.token; // so the first session can be revoked
  return {
    one, two, coupleId, today, due, promiseId: promise.id, keptId: kept.id, talkId: talk.id, ritualId: ritual.id, ideaId: idea.id, dreamId: dream.id, goalId: goal.id,
    milestoneIds: milestones.map((m) => m.id), askId: ask.id, openAskId: opened.id, slug, guideId, commentId, code, stranger, extraSession,
    formTime: page.form_time,
  };
}

// Requests whose fields alone would not succeed: (route, world) => {person,
// path, body, id, fresh, together}, any of them left out taking the default;
// fresh asks for a couple of its own whose day nobody has answered or
// swapped, together for the deep-dive evening switched to in person.
const REQUESTS = {
  'POST /couple/settings': () => ({ body: { couple_time_zone: 'Europe/Lisbon' } }),
  'POST /share/answer': () => ({ fresh: true, body: { text: 'Written while the database fails.' } }),
  'POST /share/{day:date}/answer': () => ({ fresh: true, body: { text: 'Written while the database fails.' } }),
  'POST /share/swap': () => ({ fresh: true }),
  'POST /share/deep-dive': () => ({ fresh: true }),
  'POST /signup': () => {
    const p = newPerson('faulty');
    return { person: null, body: { name: p.name, email: p.email, password: p.password } };
  },
  'POST /login': (w) => ({ person: null, body: { email: w.two.email, password: w.two.password } }),
  'POST /account/settings': (w) => ({
    body: { name: 'Renamed', email: `renamed.${w.one.email}`, time_zone: 'UTC', confirm_password: w.one.password },
  }),
  'POST /account/password': (w) => ({ body: { current_password: w.one.password, password: 'a fresh quiet lantern path' } }),
  'POST /account/sessions/{id:id}/revoke': (w) => ({ id: w.extraSession }),
  'POST /reset': (w) => {
    const link = run(['admin', 'reset-link', w.stranger.email, '--db', server.db]);
    assert.equal(link.status, 0, link.stderr);
    const token = new URL(link.stdout.trim()).searchParams.get('token');
    return { person: null, body: { token, password: 'a fresh quiet lantern path' } };
  },
  'POST /pair/invite': (w) => ({ person: w.stranger }),
  'POST /pair/join': (w) => ({ person: w.stranger, body: { code: w.code } }),
  'POST /share/ask/{id:id}/answer': (w) => ({ id: w.askId }),
  'POST /share/ask/{id:id}/react': (w) => ({ id: w.openAskId }),
  'POST /share/ask/{id:id}/comments': (w) => ({ id: w.openAskId }),
  'POST /share/deep-dive/answer': () => ({ body: { text: 'Written while the database fails.' } }),
  'POST /share/deep-dive/mode': () => ({ body: { mode: 'together' } }),
  'POST /share/deep-dive/next': () => ({ together: true }),
  'POST /admin/guides': () => ({
    body: { title: 'Fault guide', slug: 'fault-guide', summary: 'S', practice: 'share', date: '2026-11-01', body: 'Body.' },
  }),
  'POST /admin/guides/{id:id}': (w) => ({
    id: w.guideId,
    body: { title: 'Edited', slug: w.slug, summary: 'S', practice: 'share', date: '2026-11-01', body: 'Edited.' },
  }),
  'POST /admin/guides/{id:id}/publish': (w) => ({ id: w.guideId }),
  'POST /admin/guides/{id:id}/unpublish': (w) => ({ id: w.guideId }),
  'POST /guides/{slug}/comments': (w) => ({
    person: null, path: `/guides/${w.slug}/comments`,
    body: { name: 'Fault Reader', email: 'fault@example.org', comment: 'Hello.', t: w.formTime },
  }),
};
REQUESTS['POST /time/rituals'] = () => ({ body: RITUAL });
for (const verb of ['', '/share', '/unshare', '/delete']) {
  REQUESTS[`POST /dreams/{id:id}${verb}`] = (w) => ({ id: w.dreamId, body: { title: 'Sail far' } });
}
REQUESTS['POST /dreams/{id:id}/support'] = (w) => ({ id: w.dreamId, person: w.two, body: { support: 'I can help' } });
for (const verb of ['', '/finish', '/reopen', '/milestones']) {
  REQUESTS[`POST /dreams/goals/{id:id}${verb}`] = (w) => ({ id: w.goalId, body: { goal_title: 'Move far', milestone: 'Sell' } });
}
for (const [verb, k] of [['done', 0], ['up', 1], ['down', 0]]) {
  REQUESTS[`POST /dreams/goals/{id:id}/milestones/{milestone:id}/${verb}`] = (w) => ({
    path: `/dreams/goals/${w.goalId}/milestones/${w.milestoneIds[k]}/${verb}`,
  });
}
REQUESTS['POST /dreams/values'] = () => ({ body: Object.fromEntries(DREAM_VALUES.slice(0, 10).map((v, i) => [`rank_${i + 1}`, v])) });
REQUESTS['POST /time/rituals/{id:id}'] = (w) => ({ id: w.ritualId, body: { ...RITUAL, title: 'Tea' } });
REQUESTS['POST /time/rituals/{id:id}/delete'] = (w) => ({ id: w.ritualId });
REQUESTS['POST /time/rituals/{id:id}/occurrences/{date:date}'] = (w) => ({ id: w.ritualId, body: { state: 'happened', connected: 4 } });
REQUESTS['POST /time/ideas/{id:id}/delete'] = (w) => ({ id: w.ideaId });
// due tomorrow: a promise due today would have its job run in the
// background, while a later test compares the database before and after
REQUESTS['POST /trust/promises'] = (w) => ({ body: { text: 'I will write', due: w.due } });
for (const verb of ['withdraw', 'kept', 'not-kept']) {
  REQUESTS[`POST /trust/promises/{id:id}/${verb}`] = (w) => ({ id: w.promiseId });
}
REQUESTS['POST /trust/promises/{id:id}/edit'] = (w) => ({ id: w.promiseId, body: { text: 'I will call twice', due: w.due } });
REQUESTS['POST /trust/promises/{id:id}/renegotiate'] = (w) => ({ id: w.promiseId, body: { due: w.due, reason: 'Away' } });
REQUESTS['POST /trust/promises/{id:id}/acknowledge'] = (w) => ({ person: w.two, id: w.keptId });
// a session in writing whose speaker (one) writes first; a fresh couple for
// a new session, since one is open already
REQUESTS['POST /listen/sessions'] = () => ({ fresh: true, body: { topic: 'A new talk', mode: 'writing' } });
for (const verb of ['pieces', 'swap', 'end']) {
  REQUESTS[`POST /listen/sessions/{id:id}/${verb}`] = (w) => ({ id: w.talkId, body: { text: 'Spoken while it fails.' } });
}
REQUESTS['POST /listen/sessions/{id:id}/reflections'] = (w) => ({ id: w.talkId, listenerTurn: true, person: w.two, body: { text: 'Heard.', feelings: ['relaxed'] } });
REQUESTS['POST /listen/sessions/{id:id}/verdicts'] = (w) => ({ id: w.talkId, verdictTurn: true, body: { verdict: 'partly', clarify: 'More.' } });
for (const action of ['approve', 'spam', 'delete', 'reply']) {
  REQUESTS[`POST /admin/comments/{id:id}/${action}`] = (w) => ({ id: w.commentId });
}

function requestFor(route, w) {
  const key = `${route.method} ${route.pattern}`;
  const special = REQUESTS[key] ? REQUESTS[key](w) : {};
  const person = special.person === undefined ? w.one : special.person;
  const path = special.path ?? fill(route.pattern, special.id ?? '1').replace(/\/\d{4}-\d\d-\d\d\//, `/${w.today.day}/`);
  const body = special.body ?? jsonBody(route, person, 'Written while the database fails.');
  return { person, path, body };
}

function send(req, nth) {
  const headers = nth ? { 'x-hearth-fail-db': String(nth), 'x-forwarded-for': '198.51.100.7' }
    : { 'x-forwarded-for': '198.51.100.7' };
  return api(server, 'POST', req.path, { token: req.person?.token, body: req.body, headers });
}

for (const route of writeRoutes) {
  const key = `${route.method} ${route.pattern}`;
  test(`${key}: a failure at any statement answers an error and writes nothing`, async () => {
    const w = await world();
    if (REQUESTS[key]?.(w).fresh) {
      w.one = (await newCouple(server, 'freshfault')).one;
      await apiOk(server, 'GET', '/share', { token: w.one.token });
    }
    if (REQUESTS[key]?.(w).listenerTurn || REQUESTS[key]?.(w).verdictTurn) { // a piece waits
      await apiOk(server, 'POST', `/listen/sessions/${w.talkId}/pieces`, { token: w.one.token, body: { text: 'Said.' } });
    }
    if (REQUESTS[key]?.(w).verdictTurn) {
      await apiOk(server, 'POST', `/listen/sessions/${w.talkId}/reflections`, { token: w.two.token, body: { text: 'Heard.' } });
    }
    if (REQUESTS[key]?.(w).together) { // the evening carried on in person
      await apiOk(server, 'POST', '/share/deep-dive/mode', { token: w.one.token, body: { mode: 'together' } });
    }
    const req = requestFor(route, w);
    let statements = 0;
    for (let nth = 1; nth <= MAX_STATEMENTS; nth++) {
      const before = dump();
      const res = await send(req, nth);
      const text = await res.text();
      const calls = Number(res.headers.get('x-hearth-db-calls'));
      if (calls < nth) { // no statement was left to fail: this was the real run
        assert.ok(res.status < 400, `${key} without a failure answered ${res.status}: ${text}`);
        statements = nth - 1;
        break;
      }
      assert.ok([500, 503].includes(res.status),
        `${key} with statement ${nth} failing answered ${res.status}: ${text}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const now = dump();
      if (now !== before) { // name only the rows that differ
        const was = new Set(before.split('\n'));
        const is = new Set(now.split('\n'));
        const gone = [...was].filter((l) => !is.has(l));
        const added = [...is].filter((l) => !was.has(l));
        assert.fail(`${key} with statement ${nth} failing left writes behind:\n- ${gone.join('\n- ')}\n+ ${added.join('\n+ ')}`);
      }
    }
    assert.ok(statements > 0, `${key} ran no statement, or more than ${MAX_STATEMENTS}`);
  });
}
