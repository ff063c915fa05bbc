// Share: the daily question with its mutual reveal, swaps, reactions,
// comments, past days, the archive, questions of your own, settings and the
// deep-dive evening; what a partner, another couple and the pages may see.
// The server runs on a test clock (HEARTH_CLOCK_FILE) that only ever moves
// forward, so days can pass in milliseconds. In the race tests triggers
// record writes that break a rule, and a held lock (through `hearth sql -`)
// makes requests meet; concurrency.test.mjs races twenty at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, engine, startServer } from './server.mjs';
import {
  api, apiOk, Browser, newCouple, newPerson, pair, signup, sql, unique,
} from './people.mjs';

const DAY = 86_400_000;
const sleep = (ms) => new Promise((res) => { setTimeout(res, ms); });
const REACTIONS = ['thanks', 'me-too', 'tell-me-more', 'love'];

let server;
let clockDir;
let clockFile;
let offset = 0;
let stamp = 1_700_000_000;

// ---- the test clock ----

function setOffset(ms) {
  assert.ok(ms >= offset, 'the test clock only moves forward');
  offset = ms;
  writeFileSync(clockFile, `${ms}\n`);
  stamp += 1; // a new mtime every time, so the server reads the file again
  utimesSync(clockFile, stamp, stamp);
}
const now = () => Date.now() + offset;
const advance = (ms) => setOffset(offset + ms);
// Moves the clock forward to the next h:m:s UTC at least a second away.
function atNextUTC(h, m, s) {
  const t = new Date(now() + 1000);
  let target = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), h, m, s);
  if (target < now() + 1000) target += DAY;
  setOffset(offset + (target - now()));
}

// "YYYY-MM-DD" in zone tz at time ms (from the parts: how a locale orders
// them differs between ICU versions).
function localDate(tz, ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
const utcDate = (ms) => new Date(ms).toISOString().slice(0, 10);

before(async () => {
  clockDir = mkdtempSync(join(tmpdir(), 'hearth-clock-'));
  clockFile = join(clockDir, 'offset');
  setOffset(0);
  server = await startServer({ env: { HEARTH_CLOCK_FILE: clockFile } });
  // Noon UTC: tests that stay within a day have twelve hours either side.
  atNextUTC(12, 0, 0);
});
after(async () => {
  const status = await server.stop();
  rmSync(clockDir, { recursive: true, force: true });
  assert.equal(status.code, 0);
});

// ---- people ----

function couple(tag, timeZone = 'UTC') {
  return newCouple(server, tag, { timeZone });
}

// The JSON model of GET path for person p.
const json = (p, path) => apiOk(server, 'GET', path, { token: p.token });
// A JSON POST that must answer expected; returns the body.
const send = (p, path, body = {}, expected = 200) => apiOk(server, 'POST', path, { token: p.token, body }, expected);
// Any request; returns {status, body (parsed), text}.
// Share's card on /us (the JSON twin lists each registered practice's card).
const shareCard = (us) => us.practices.find((p) => p.name === 'share').card;

async function call(p, method, path, body) {
  const res = await api(server, method, path, { token: p.token, body });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

// A browser with p's session cookie.
const browsers = new Map();
function browser(p) {
  let b = browsers.get(p);
  if (!b) {
    b = new Browser(server);
    b.jar.set('hearth_session', p.token);
    browsers.set(p, b);
  }
  return b;
}
async function page(p, path, expected = 200) {
  const res = await browser(p).get(path);
  const html = await res.text();
  assert.equal(res.status, expected, `GET ${path}: ${html.slice(0, 300)}`);
  return html;
}
// Posts an HTML form with p's CSRF token; returns {status, location, html}.
async function form(p, path, fields) {
  const res = await browser(p).form(path, fields);
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}
async function exportOf(p) {
  return apiOk(server, 'POST', '/account/export', { token: p.token, body: { password: p.password } });
}

function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
// The content of the textarea with this id.
function textarea(html, id) {
  const m = html.match(new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`));
  return m ? m[1] : undefined;
}
// Every key of a JSON value, however deep.
function keysOf(v, out = []) {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) { out.push(k); keysOf(x, out); }
  }
  return out;
}
function assertAbsent(haystack, needle, where) {
  const text = typeof haystack === 'string' ? haystack : JSON.stringify(haystack);
  assert.ok(!text.includes(needle), `${where} shows "${needle}"`);
}
// A search result without the search term it echoes (the JSON q and q_url,
// the page's search box and its "Nothing matches" line).
function withoutQuery(result) {
  if (typeof result !== 'string') {
    const { q, q_url: qUrl, ...rest } = result;
    return rest;
  }
  return result.replace(/<input id="q"[^>]*>/, '').replace(/Nothing matches “[^”]*”/, '');
}

// ---- the daily question ----

test('the question of the day is the same for both partners and across reloads', async () => {
  const { one, two } = await couple('same', 'Europe/Paris');
  const first = await json(one, '/share');
  assert.equal(first.kind, 'daily');
  assert.equal(first.day, localDate('Europe/Paris', now()));
  assert.equal(first.today, true);
  assert.match(first.question.id, /^[0-9a-f]{12}$/);
  assert.ok(first.question.text.length > 0);
  assert.ok(['light', 'deeper', 'deep'].includes(first.question.depth));
  assert.ok(first.question.category_label.length > 0);
  assert.equal(first.mine, null);
  assert.deepEqual(first.partner, { name: two.name, answered: false });
  assert.equal(first.revealed, false);
  for (const [p, path] of [[two, '/share'], [one, '/share'], [two, '/share'], [one, `/share/${first.day}`]]) {
    const again = await json(p, path);
    assert.equal(again.id, first.id, `${path}`);
    assert.equal(again.day, first.day);
    assert.deepEqual(again.question, first.question);
  }
  for (const p of [one, two]) {
    assert.deepEqual(shareCard(await json(p, '/us')).question, first.question);
    const html = await page(p, '/share');
    assert.ok(html.includes(escapeHtml(first.question.text)));
    assert.ok((await page(p, '/us')).includes(escapeHtml(first.question.text)));
  }
});

test('daily questions keep to the chosen depth and topics', async () => {
  const { one, two } = await couple('set');
  const saved = await send(one, '/share/settings', { depth: 'light', categories: ['family'] });
  assert.equal(saved.depth, 'light');
  const theirs = await json(two, '/share/settings');
  assert.equal(theirs.depth, 'light');
  assert.deepEqual(theirs.depths.filter((d) => d.selected).map((d) => d.name), ['light']);
  assert.deepEqual(theirs.categories.filter((c) => c.selected).map((c) => c.name), ['family']);
  for (let d = 0; d < 6; d++) {
    if (d > 0) advance(DAY);
    const { question } = await json(d % 2 ? one : two, '/share');
    assert.equal(question.category, 'family', `day ${d}`);
    assert.equal(question.category_label, 'Family');
    assert.equal(question.depth, 'light', `day ${d}`);
  }

  // "deeper" includes the lighter questions; the form works as well as JSON.
  const res = await form(two, '/share/settings', { depth: 'deeper', categories: ['childhood', 'play-and-fun'] });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/share/settings?saved=1');
  const settingsPage = await page(one, '/share/settings');
  assert.match(settingsPage, /name="depth" value="deeper" checked/);
  assert.match(settingsPage, /name="categories" value="childhood" checked/);
  assert.match(settingsPage, /name="categories" value="family">/);
  for (let d = 0; d < 8; d++) {
    advance(DAY);
    const { question } = await json(one, '/share');
    assert.ok(['childhood', 'play-and-fun'].includes(question.category), question.category);
    assert.ok(['light', 'deeper'].includes(question.depth), question.depth);
  }

  for (const body of [
    { depth: 'light', categories: [] },
    { depth: 'light' },
    { depth: 'light', categories: ['no-such-topic'] },
    { depth: 'abyss', categories: ['family'] },
    { categories: ['family'] },
  ]) {
    const bad = await call(one, 'POST', '/share/settings', body);
    assert.equal(bad.status, 422, JSON.stringify(body));
  }
  const kept = await json(one, '/share/settings');
  assert.equal(kept.depth, 'deeper');
  assert.deepEqual(kept.categories.filter((c) => c.selected).map((c) => c.name), ['childhood', 'play-and-fun']);
});

test('no daily question comes back until every eligible one has been asked', async () => {
  const { one, two } = await couple('pool');
  const bank = await json(one, '/share/questions');
  const family = bank.categories.find((c) => c.name === 'family');
  const pool = family.per_depth.light;
  assert.ok(pool >= 5, `family has ${pool} light questions`);
  await send(one, '/share/settings', { depth: 'light', categories: ['family'] });
  const cycles = [];
  for (let cycle = 0; cycle < 2; cycle++) {
    const ids = new Map();
    for (let d = 0; d < pool; d++) {
      advance(DAY);
      const { question } = await json(d % 2 ? one : two, '/share');
      assert.equal(question.category, 'family');
      assert.equal(question.depth, 'light');
      assert.ok(!ids.has(question.id), `cycle ${cycle}, day ${d}: "${question.text}" came back`);
      ids.set(question.id, question.text);
    }
    assert.equal(ids.size, pool);
    assert.equal(new Set(ids.values()).size, pool);
    cycles.push(ids);
  }
  // The second round goes through the same questions, each once again.
  assert.deepEqual([...cycles[1].keys()].sort(), [...cycles[0].keys()].sort());
});

test('the day rolls over at midnight in the couple\'s time zone, not at midnight UTC', async () => {
  try {
    // Asia/Kolkata is UTC+5:30 all year: local midnight is 18:30 UTC. The
    // couple's zone is the inviter's.
    const one = await signup(server, newPerson('tz1'), { timeZone: 'Asia/Kolkata' });
    const two = await signup(server, newPerson('tz2'), { timeZone: 'America/New_York' });
    await pair(server, one, two);
    assert.equal((await json(two, '/account')).couple.time_zone, 'Asia/Kolkata');

    atNextUTC(18, 29, 30); // 23:59:30 in Kolkata
    const late = await json(one, '/share');
    const day = localDate('Asia/Kolkata', now());
    assert.equal(late.day, day);
    assert.equal((await json(two, '/share')).id, late.id);

    advance(60_000); // 00:00:30 in Kolkata, still 18:30 UTC
    const early = await json(two, '/share');
    assert.equal(early.day, addDays(day, 1));
    assert.equal(utcDate(now()), day, 'UTC is still on the previous day');
    assert.notEqual(early.id, late.id);
    assert.notEqual(early.question.id, late.question.id);
    assert.equal((await json(one, '/share')).id, early.id);
    assert.equal((await json(one, `/share/${day}`)).id, late.id);

    // Midnight UTC changes nothing.
    atNextUTC(23, 59, 30);
    assert.equal((await json(one, '/share')).id, early.id);
    advance(60_000);
    assert.equal(utcDate(now()), addDays(day, 1));
    const afterUtcMidnight = await json(one, '/share');
    assert.equal(afterUtcMidnight.id, early.id);
    assert.equal(afterUtcMidnight.day, addDays(day, 1));

    // The couple's time zone can change; the day follows it. In São Paulo
    // (UTC-3 all year) it is 21:00 of the earlier day now.
    const changed = await call(one, 'POST', '/couple/settings', { couple_time_zone: 'America/Sao_Paulo' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await json(two, '/account')).couple.time_zone, 'America/Sao_Paulo');
    const back = await json(two, '/share');
    assert.equal(back.day, day);
    assert.equal(back.id, late.id);
    atNextUTC(2, 59, 30); // 23:59:30 in São Paulo
    assert.equal((await json(one, '/share')).day, day);
    advance(60_000);
    const next = await json(one, '/share');
    assert.equal(next.day, addDays(day, 1));
    assert.equal(next.id, early.id);
  } finally {
    atNextUTC(12, 0, 0);
  }
});

// ---- answering and the reveal ----

test('you can answer, change your answer until your partner answers, and not after', async () => {
  const { one, two } = await couple('answer');
  const { day } = await json(one, '/share');

  for (const text of ['', '   ', 'x'.repeat(4001)]) {
    const bad = await call(one, 'POST', '/share/answer', { text });
    assert.equal(bad.status, 422);
    assert.ok(bad.body.errors.text, `an error for ${JSON.stringify(text.slice(0, 10))}`);
  }
  assert.equal((await call(one, 'POST', '/share/answer', {})).status, 422);
  assert.equal((await json(one, '/share')).mine, null);

  const longest = await send(one, '/share/answer', { text: 'y'.repeat(4000) });
  assert.equal(longest.mine.text, 'y'.repeat(4000));
  const first = await send(one, '/share/answer', { text: 'A small garden with tomatoes.' });
  assert.deepEqual(first.mine, { text: 'A small garden with tomatoes.' });
  assert.equal(first.revealed, false);
  const changed = await send(one, '/share/answer', { text: 'A bigger garden, with a pond.' });
  assert.deepEqual(changed.mine, { text: 'A bigger garden, with a pond.' });
  assert.equal((await json(one, '/share')).mine.text, 'A bigger garden, with a pond.');
  assert.equal((await json(two, '/share')).partner.answered, true);

  // An update through the form redirects back to the page.
  const viaForm = await form(one, '/share/answer', { text: 'A garden and a bench.' });
  assert.equal(viaForm.status, 303);
  assert.equal(viaForm.location, '/share');
  assert.match(await page(one, '/share'), /Update my answer/);

  const both = await send(two, '/share/answer', { text: 'A balcony full of herbs.' });
  assert.equal(both.revealed, true);

  // Once both answered, answers no longer change: 409 Conflict.
  const late = await call(one, 'POST', '/share/answer', { text: 'Something else entirely.' });
  assert.equal(late.status, 409);
  assert.match(late.body.detail, /no longer change/);
  assert.equal((await call(two, 'POST', `/share/${day}/answer`, { text: 'Or not.' })).status, 409);
  const lateForm = await form(one, '/share/answer', { text: 'Something else entirely.' });
  assert.equal(lateForm.status, 409);
  assert.match(lateForm.html, /no longer change/, 'the page says why the answer was refused');
  const after = await json(one, '/share');
  assert.equal(after.mine.text, 'A garden and a bench.');
  assert.equal(after.partner.text, 'A balcony full of herbs.');
});

test('an answer sent after the reveal comes back in the comment box, unsent and not marked wrong', async () => {
  const { one, two } = await couple('late');
  const { day } = await json(one, '/share');
  await send(one, '/share/answer', { text: 'Mine.' });
  await send(two, '/share/answer', { text: 'Yours.' });
  const typed = `A change of heart, <i>${unique('heart')}</i>`;
  const res = await form(one, '/share/answer', { text: typed });
  assert.equal(res.status, 409);
  assert.match(res.html, /<div class="notice" role="alert"><p>[^<]*no longer change[^<]*comment box/);
  assert.match(res.html, /<label for="text">Add to the conversation<\/label>/, 'the comment box it is in');
  assert.equal(textarea(res.html, 'text'), escapeHtml(typed), 'what was typed is kept');
  assert.doesNotMatch(res.html, /<textarea id="text"[^>]*aria-invalid/, 'the comment box is marked invalid');
  assert.doesNotMatch(res.html, /class="field-error"/);
  const pastDay = await form(two, `/share/${day}/answer`, { text: typed });
  assert.equal(pastDay.status, 409);
  assert.equal(textarea(pastDay.html, 'text'), escapeHtml(typed));
  // Nothing was posted or changed.
  const view = await json(one, `/share/${day}`);
  assert.deepEqual(view.comments, []);
  assert.equal(view.mine.text, 'Mine.');
  assert.equal(view.partner.text, 'Yours.');
});

test('before both have answered, no page, search, export or JSON shows the partner\'s answer', async () => {
  const { one, two } = await couple('reveal');
  const word = unique('hush');
  const secret = `I have never told anyone about ${word}`;
  const { day } = await json(one, '/share');
  const mine = await send(one, '/share/answer', { text: secret });
  assert.deepEqual(mine.mine, { text: secret });
  assert.deepEqual(mine.partner, { name: two.name, answered: false });

  // What the partner, who has not answered, can reach.
  const share = await json(two, '/share');
  assert.equal(share.revealed, false);
  assert.equal(share.mine, null);
  assert.deepEqual(share.partner, { name: one.name, answered: true });
  assertAbsent(share, word, 'GET /api/v1/share');
  const sharePage = await page(two, '/share');
  assertAbsent(sharePage, word, 'the /share page');
  assert.match(sharePage, /has answered/);
  assertAbsent(await json(two, `/share/${day}`), word, `/api/v1/share/${day}`);
  assertAbsent(await page(two, `/share/${day}`), word, `the /share/${day} page`);
  // the archive lists the day with where it stands, and a search never
  // finds words it could not show
  const listed = await json(two, '/share/archive');
  assert.deepEqual(listed.items.map((i) => [i.day, i.state]), [[day, 'you']]);
  for (const path of ['/share/archive', `/share/archive?q=${word}`, '/share/archive?q=never%20told']) {
    const archive = await json(two, path);
    if (path !== '/share/archive') assert.deepEqual(archive.items, [], path);
    assertAbsent(withoutQuery(archive), word, `/api/v1${path}`);
    assertAbsent(withoutQuery(await page(two, path)), word, `the ${path} page`);
  }
  assert.deepEqual((await json(one, `/share/archive?q=${word}`)).items.map((i) => i.state), ['partner'],
    'your own words are yours to search');
  for (const p of [one, two]) {
    assert.equal((await call(p, 'POST', `/share/${day}/react`, { reaction: 'love' })).status, 409);
    assert.equal((await call(p, 'POST', `/share/${day}/comments`, { text: 'Tell me!' })).status, 409);
    assert.equal((await form(p, `/share/${day}/react`, { reaction: 'love' })).status, 409);
    assert.equal((await form(p, `/share/${day}/comments`, { text: 'Tell me!' })).status, 409);
  }
  const us = await json(two, '/us');
  assert.equal(shareCard(us).state, 'answer');
  assertAbsent(us, word, '/api/v1/us');
  assertAbsent(await page(two, '/us'), word, 'the /us page');
  assert.equal(shareCard(await json(one, '/us')).state, 'waiting');
  const theirExport = await exportOf(two);
  assert.deepEqual(theirExport.share.answers, []);
  assertAbsent(theirExport, word, 'the partner\'s export');
  const myExport = await exportOf(one);
  assert.deepEqual(myExport.share.answers.map((a) => a.answer), [secret]);

  // Once both answered, each export still holds only its owner's answers.
  const reply = `And I never told anyone about ${unique('back')}`;
  await send(two, '/share/answer', { text: reply });
  assert.equal(shareCard(await json(two, '/us')).state, 'revealed');
  assert.deepEqual((await exportOf(two)).share.answers.map((a) => a.answer), [reply]);
  assertAbsent(await exportOf(two), word, 'the partner\'s export after the reveal');
  assert.deepEqual((await exportOf(one)).share.answers.map((a) => a.answer), [secret]);
  const found = await json(two, `/share/archive?q=${word}`);
  assert.deepEqual(found.items.map((i) => i.id), [share.id]);
});

test('once both have answered, both see both answers side by side, as JSON and on the page', async () => {
  const { one, two } = await couple('side');
  const a = `Walking by the sea at dawn ${unique('a')}`;
  const b = `Reading aloud on a rainy day ${unique('b')}`;
  await send(one, '/share/answer', { text: a });
  const revealed = await send(two, '/share/answer', { text: b });
  assert.equal(revealed.revealed, true);
  assert.deepEqual(revealed.mine, { text: b });
  assert.deepEqual(revealed.partner, { name: one.name, answered: true, text: a });
  const mineView = await json(one, '/share');
  assert.deepEqual(mineView.mine, { text: a });
  assert.deepEqual(mineView.partner, { name: two.name, answered: true, text: b });
  for (const [p, own, theirs, partner] of [[one, a, b, two], [two, b, a, one]]) {
    const html = await page(p, '/share');
    const answers = html.match(/<div class="answers" id="answers">([\s\S]*?)<\/div>/);
    assert.ok(answers, 'an answers block');
    const figures = [...answers[1].matchAll(/<figcaption>([^<]*)<\/figcaption><blockquote class="answer-text">([^<]*)<\/blockquote>/g)]
      .map((m) => [m[1], m[2]]);
    assert.deepEqual(figures, [['You', own], [partner.name, theirs]]);
    assert.doesNotMatch(html, /action="\/share\/answer"/, 'no answer form once revealed');
    assert.match(html, /id="talk"/);
  }
});

test('today\'s question can be swapped twice before anyone answers, and passing is never counted', async () => {
  const { one, two } = await couple('swap');
  await send(one, '/share/settings', { depth: 'light', categories: ['play-and-fun'] });
  const start = await json(one, '/share');
  assert.equal(start.swaps_left, 2);
  assert.match(await page(two, '/share'), /action="\/share\/swap"[\s\S]*2 left today/);

  const first = await send(two, '/share/swap');
  assert.equal(first.id, start.id);
  assert.equal(first.day, start.day);
  assert.notEqual(first.question.id, start.question.id);
  assert.equal(first.question.category, 'play-and-fun');
  assert.equal(first.question.depth, 'light');
  assert.equal(first.swaps_left, 1);
  const seen = await json(one, '/share');
  assert.deepEqual(seen.question, first.question);
  assert.equal(seen.swaps_left, 1);

  const second = await form(one, '/share/swap', {});
  assert.equal(second.status, 303);
  assert.equal(second.location, '/share');
  const swapped = await json(two, '/share');
  assert.equal(swapped.swaps_left, 0);
  assert.ok(![start.question.id, first.question.id].includes(swapped.question.id));
  assert.equal(swapped.question.category, 'play-and-fun');
  const third = await call(one, 'POST', '/share/swap');
  assert.equal(third.status, 409);
  assert.deepEqual((await json(one, '/share')).question, swapped.question);
  assert.doesNotMatch(await page(one, '/share'), /action="\/share\/swap"/);

  // A new day brings two swaps again, until either of you answers.
  advance(DAY);
  const fresh = await json(two, '/share');
  assert.equal(fresh.swaps_left, 2);
  await send(one, '/share/answer', { text: 'Board games.' });
  for (const p of [one, two]) {
    assert.equal((await json(p, '/share')).swaps_left, 0);
    assert.equal((await call(p, 'POST', '/share/swap')).status, 409);
    assert.doesNotMatch(await page(p, '/share'), /action="\/share\/swap"/);
  }
  assert.deepEqual((await json(two, '/share')).question, fresh.question);

  // Passing: nobody answers for two days. Nothing anywhere counts it.
  advance(DAY);
  const passed = await json(one, '/share');
  advance(DAY);
  const models = [
    await json(one, '/share'), await json(two, '/share'), await json(one, '/us'),
    await json(one, `/share/${passed.day}`), await json(two, `/share/${fresh.day}`),
    await json(one, '/share/archive'),
  ];
  const counters = keysOf(models).filter((k) => /pass|skip|miss|streak/i.test(k));
  assert.deepEqual(counters, []);
  assert.equal(models[0].swaps_left, 2);
  for (const path of ['/share', `/share/${passed.day}`, '/us']) {
    assert.doesNotMatch(await page(one, path), /missed|skipped|you passed|streak/i, path);
  }
});

test('reactions and comments open after the reveal and their values are checked', async () => {
  const { one, two } = await couple('talk');
  const { day } = await json(one, '/share');
  await send(one, '/share/answer', { text: 'Mine.' });
  await send(two, '/share/answer', { text: 'Yours.' });

  for (const reaction of REACTIONS) {
    await send(one, `/share/${day}/react`, { reaction });
  }
  await send(two, `/share/${day}/react`, { reaction: 'me-too' });
  await send(two, `/share/${day}/react`, { reaction: 'tell-me-more' });
  const view = await json(one, '/share');
  assert.equal(view.reactions.length, 2, 'one reaction each: a new one replaces the old');
  assert.deepEqual(view.reactions.find((r) => r.mine),
    { name: 'You', reaction: 'love', label: 'Love this', mine: true });
  assert.deepEqual(view.reactions.find((r) => !r.mine),
    { name: two.name, reaction: 'tell-me-more', label: 'Tell me more', mine: false });
  for (const body of [{ reaction: 'meh' }, { reaction: '' }, { reaction: 'LOVE' }, {}, { reaction: ['love'] }]) {
    const bad = await call(one, 'POST', `/share/${day}/react`, body);
    assert.equal(bad.status, 422, JSON.stringify(body));
  }
  const reacted = await form(two, `/share/${day}/react`, { reaction: 'thanks' });
  assert.equal(reacted.status, 303);
  assert.equal(reacted.location, `/share/${day}#talk`);

  for (const text of ['', '  \n ', 'z'.repeat(2001)]) {
    const bad = await call(one, 'POST', `/share/${day}/comments`, { text });
    assert.equal(bad.status, 422);
    assert.ok(bad.body.errors.text);
  }
  const texts = ['z'.repeat(2000), 'That made me smile.', 'Tell me about the bench.'];
  const ids = [];
  for (const [i, text] of texts.entries()) {
    advance(1000);
    const made = await send(i === 2 ? two : one, `/share/${day}/comments`, { text }, 201);
    assert.match(made.id, /^\d+$/);
    ids.push(made.id);
  }
  for (const [p, others] of [[one, two], [two, one]]) {
    const { comments, reactions } = await json(p, `/share/${day}`);
    assert.deepEqual(comments.map((c) => c.id), ids);
    assert.deepEqual(comments.map((c) => c.text), texts);
    assert.deepEqual(comments.map((c) => c.name), p === one ? ['You', 'You', others.name] : [others.name, others.name, 'You']);
    assert.ok(comments.every((c) => typeof c.when === 'string' && c.when.length > 0));
    assert.equal(reactions.length, 2);
    const html = await page(p, '/share');
    assert.ok(html.includes('That made me smile.'));
    assert.ok(html.includes('Tell me about the bench.'));
    assert.match(html, /<ul class="reaction-list">/);
  }
  const commented = await form(two, `/share/${day}/comments`, { text: 'Tonight, then.' });
  assert.equal(commented.status, 303);
  assert.equal(commented.location, `/share/${day}#talk`);

  // A day without a question, and a day still to come.
  for (const other of [addDays(day, -3), addDays(day, 1)]) {
    assert.equal((await call(one, 'POST', `/share/${other}/react`, { reaction: 'love' })).status, 404);
    assert.equal((await call(one, 'POST', `/share/${other}/comments`, { text: 'Hello' })).status, 404);
  }
});

test('past days can be opened and answered later', async () => {
  const { one, two } = await couple('past');
  const first = await json(one, '/share');
  await send(one, '/share/answer', { text: 'Answered on the day.' });
  advance(DAY);
  const today = await json(two, '/share');
  assert.equal(today.day, addDays(first.day, 1));
  assert.notEqual(today.id, first.id);

  const past = await json(two, `/share/${first.day}`);
  assert.equal(past.id, first.id);
  assert.equal(past.day, first.day);
  assert.deepEqual(past.question, first.question);
  assert.ok(!past.today);
  assert.equal(past.mine, null);
  assert.deepEqual(past.partner, { name: one.name, answered: true });
  const pastPage = await page(two, `/share/${first.day}`);
  assert.ok(pastPage.includes(escapeHtml(first.question.text)));
  assert.ok(pastPage.includes(`action="/share/${first.day}/answer"`));
  assert.ok(!pastPage.includes('Answered on the day.'));

  const later = await form(two, `/share/${first.day}/answer`, { text: 'Answered a day late.' });
  assert.equal(later.status, 303);
  assert.equal(later.location, `/share/${first.day}`);
  const opened = await json(one, `/share/${first.day}`);
  assert.equal(opened.revealed, true);
  assert.equal(opened.mine.text, 'Answered on the day.');
  assert.equal(opened.partner.text, 'Answered a day late.');
  const openedPage = await page(one, `/share/${first.day}`);
  assert.ok(openedPage.includes('Answered on the day.') && openedPage.includes('Answered a day late.'));
  assert.equal((await call(one, 'POST', `/share/${first.day}/answer`, { text: 'Changed.' })).status, 409);
  // Today is unaffected.
  assert.equal((await json(one, '/share')).mine, null);
  // Answering a past day through JSON works the same way.
  advance(DAY);
  const viaJson = await send(one, `/share/${today.day}/answer`, { text: 'Yesterday, from me.' });
  assert.equal(viaJson.id, today.id);
  assert.equal(viaJson.mine.text, 'Yesterday, from me.');

  // A day nobody opened, a day to come, and dates that are not days.
  const never = addDays(first.day, -1);
  const tomorrow = addDays(today.day, 2);
  for (const day of [never, tomorrow, '2999-01-01']) {
    assert.equal((await call(one, 'GET', `/share/${day}`)).status, 404, day);
    assert.equal((await call(one, 'POST', `/share/${day}/answer`, { text: 'Hello' })).status, 404, day);
    await page(one, `/share/${day}`, 404);
  }
  assert.equal((await call(one, 'GET', '/share/2026-02-30')).status, 404);
  assert.equal((await call(one, 'GET', '/share/yesterday')).status, 404);
});

test('another couple gets 404 for this couple\'s days and questions and sees none of their words', async () => {
  const { one, two } = await couple('ours');
  const words = [];
  const word = () => { const w = unique('ours'); words.push(w); return w; };
  const d0 = await json(one, '/share');
  await send(one, '/share/answer', { text: `first ${word()}` });
  await send(two, '/share/answer', { text: `second ${word()}` });
  await send(one, `/share/${d0.day}/comments`, { text: `comment ${word()}` }, 201);
  await send(two, `/share/${d0.day}/react`, { reaction: 'love' });
  advance(DAY);
  const d1 = await json(two, '/share');
  await send(two, '/share/answer', { text: `only one ${word()}` });
  const asked = await send(one, '/share/ask', { question: `Asked ${word()}?` }, 201);
  await send(one, `/share/ask/${asked.id}/answer`, { text: `ask answer ${word()}` });
  await send(two, `/share/ask/${asked.id}/answer`, { text: `ask reply ${word()}` });
  const open = await send(two, '/share/ask', { question: `Still open ${word()}?` }, 201);
  await send(two, `/share/ask/${open.id}/answer`, { text: `open answer ${word()}` });
  advance(DAY);
  const d2 = await json(one, '/share');
  const before = {
    d0: await json(one, `/share/${d0.day}`),
    d1: await json(one, `/share/${d1.day}`),
    asked: await json(two, `/share/ask/${asked.id}`),
    open: await json(one, `/share/ask/${open.id}`),
  };

  const { one: other, two: otherTwo } = await couple('theirs');
  for (const day of [d0.day, d1.day]) {
    assert.equal((await call(other, 'GET', `/share/${day}`)).status, 404, day);
    await page(other, `/share/${day}`, 404);
    assert.equal((await call(other, 'POST', `/share/${day}/answer`, { text: 'Mine now' })).status, 404);
    assert.equal((await call(other, 'POST', `/share/${day}/react`, { reaction: 'love' })).status, 404);
    assert.equal((await call(other, 'POST', `/share/${day}/comments`, { text: 'Hi' })).status, 404);
    assert.equal((await form(otherTwo, `/share/${day}/comments`, { text: 'Hi' })).status, 404);
  }
  for (const id of [asked.id, open.id, d0.id]) {
    assert.equal((await call(other, 'GET', `/share/ask/${id}`)).status, 404, id);
    await page(otherTwo, `/share/ask/${id}`, 404);
    assert.equal((await call(otherTwo, 'POST', `/share/ask/${id}/answer`, { text: 'Mine now' })).status, 404);
    assert.equal((await form(other, `/share/ask/${id}/answer`, { text: 'Mine now' })).status, 404);
  }
  // Today is their own day, with their own question.
  const theirs = await json(other, `/share/${d2.day}`);
  assert.notEqual(theirs.id, d2.id);

  const seen = [];
  for (const p of [other, otherTwo]) {
    for (const path of ['/share', `/share/${d2.day}`, '/share/archive', '/us', '/share/deep-dive',
      ...words.map((w) => `/share/archive?q=${w}`)]) {
      seen.push([`/api/v1${path}`, withoutQuery(await json(p, path))]);
      seen.push([path, withoutQuery(await page(p, path))]);
    }
    seen.push(['export', await exportOf(p)]);
  }
  for (const [where, body] of seen) {
    for (const w of words) assertAbsent(body, w, where);
    assertAbsent(body, asked.id, where);
    assertAbsent(body, d0.id, where);
  }
  assert.deepEqual((await json(other, '/share')).asks, []);

  // Nothing of theirs changed.
  assert.deepEqual(await json(one, `/share/${d0.day}`), before.d0);
  assert.deepEqual(await json(one, `/share/${d1.day}`), before.d1);
  assert.deepEqual(await json(two, `/share/ask/${asked.id}`), before.asked);
  assert.deepEqual(await json(one, `/share/ask/${open.id}`), before.open);
});

// ---- races: the rules hold when requests arrive together ----

// Triggers in the test database record every write that breaks a rule,
// whatever order the server's threads ran in: an answer changed after its
// item was revealed, and a question swapped after it had an answer.
function watchLateWrites() {
  if (engine === 'sqlite') {
    sql(server, `CREATE TABLE IF NOT EXISTS test_late_answers (item_id INTEGER, user_id INTEGER);
    CREATE TRIGGER IF NOT EXISTS test_late_answer AFTER UPDATE ON share_answers
    WHEN (SELECT revealed_at FROM share_items WHERE couple_id = NEW.couple_id AND id = NEW.item_id) IS NOT NULL
    BEGIN INSERT INTO test_late_answers VALUES (NEW.item_id, NEW.user_id); END;
    CREATE TABLE IF NOT EXISTS test_late_swaps (item_id INTEGER);
    CREATE TRIGGER IF NOT EXISTS test_late_swap AFTER UPDATE OF question_key ON share_items
    WHEN EXISTS (SELECT 1 FROM share_answers a WHERE a.couple_id = NEW.couple_id AND a.item_id = NEW.id)
    BEGIN INSERT INTO test_late_swaps VALUES (NEW.id); END;`);
    return;
  }
  sql(server, `CREATE TABLE IF NOT EXISTS test_late_answers (item_id BIGINT, user_id BIGINT);
    CREATE OR REPLACE FUNCTION test_late_answer() RETURNS trigger AS $f$ BEGIN
      IF (SELECT revealed_at FROM share_items WHERE couple_id = NEW.couple_id AND id = NEW.item_id) IS NOT NULL
      THEN INSERT INTO test_late_answers VALUES (NEW.item_id, NEW.user_id); END IF;
      RETURN NEW; END $f$ LANGUAGE plpgsql;
    CREATE OR REPLACE TRIGGER test_late_answer AFTER UPDATE ON share_answers
      FOR EACH ROW EXECUTE FUNCTION test_late_answer();
    CREATE TABLE IF NOT EXISTS test_late_swaps (item_id BIGINT);
    CREATE OR REPLACE FUNCTION test_late_swap() RETURNS trigger AS $f$ BEGIN
      IF EXISTS (SELECT 1 FROM share_answers a WHERE a.couple_id = NEW.couple_id AND a.item_id = NEW.id)
      THEN INSERT INTO test_late_swaps VALUES (NEW.id); END IF;
      RETURN NEW; END $f$ LANGUAGE plpgsql;
    CREATE OR REPLACE TRIGGER test_late_swap AFTER UPDATE OF question_key ON share_items
      FOR EACH ROW EXECUTE FUNCTION test_late_swap();`);
}

// Holds the couple's writes (SQLite's one write lock; on PostgreSQL the
// couple's row, as the server's own couple lock does) until the returned
// function is called, so that requests sent meanwhile all read the same
// state before any of them can write. Uses `hearth sql -`, which keeps one
// connection and runs each line as it comes.
async function holdWriteLock(coupleId) {
  const proc = spawn(bin, ['sql', '-', '--db', server.db], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((res) => proc.on('exit', res));
  await new Promise((res, rej) => {
    proc.on('error', rej);
    proc.on('exit', () => rej(new Error('could not take the write lock')));
    proc.stdout.once('data', res);
    proc.stdin.write(engine === 'sqlite'
      ? "BEGIN IMMEDIATE\nSELECT 'locked'\n"
      : `BEGIN\nSELECT id FROM couples WHERE id = ${coupleId} FOR UPDATE\n`);
  });
  return async () => {
    proc.stdin.end('COMMIT\n');
    await exited;
  };
}

// A JSON request on a connection of its own (closed afterwards), so the
// server takes it up on whichever of its threads is free rather than behind
// an earlier request on a kept-alive connection. Returns {status, text}.
function alone(p, method, path, body = {}) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(`${server.url}/api/v1${path}`, {
      method,
      agent: false,
      headers: {
        authorization: `Bearer ${p.token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        connection: 'close',
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// Sends the requests one after another, gap milliseconds apart, while the
// write lock is held; releases it hold milliseconds after the last one and
// returns their results. Waiting for a lock, SQLite sleeps a little longer
// each time it finds the lock taken, so which request writes first depends on
// these timings: the tests vary them from one attempt to the next.
async function together(requests, { gap = 20, hold = 20, coupleId } = {}) {
  const release = await holdWriteLock(coupleId);
  const pending = [];
  try {
    for (const [i, r] of requests.entries()) {
      pending.push(r());
      await sleep(i < requests.length - 1 ? gap : hold);
    }
  } finally {
    await release();
  }
  return Promise.all(pending);
}
const GAPS = [20, 3, 8, 35, 13, 55];
const HOLDS = [20, 5, 40, 12];

test('an answer changed at the moment the partner answers is refused or lands before the reveal', async () => {
  watchLateWrites();
  const { one, two, coupleId } = await couple('race');
  for (let attempt = 0; attempt < 12; attempt++) {
    const { id } = await send(one, '/share/ask', { question: `Race ${attempt}?` }, 201);
    await send(one, `/share/ask/${id}/answer`, { text: 'First thought.' });
    await json(two, `/share/ask/${id}`);
    const results = await together([
      () => alone(two, 'POST', `/share/ask/${id}/answer`, { text: 'Revealing.' }),
      () => alone(one, 'POST', `/share/ask/${id}/answer`, { text: 'Second thought.' }),
    ], { gap: GAPS[attempt % GAPS.length], hold: HOLDS[attempt % HOLDS.length], coupleId });
    const late = Number(sql(server, `SELECT count(*) FROM test_late_answers WHERE item_id = ${id}`));
    assert.equal(late, 0, `attempt ${attempt}: an answer changed after both had answered`
      + ` (the change answered ${results[1].status})`);
    assert.equal(results[0].status, 200);
    assert.ok([200, 409].includes(results[1].status), results[1].text);
  }
});

test('a swap at the moment someone answers is refused or lands before the answer', async () => {
  watchLateWrites();
  const { one, two, coupleId } = await couple('swaprace');
  for (let attempt = 0; attempt < 12; attempt++) {
    advance(DAY);
    const today = await json(one, '/share');
    await json(two, '/share');
    const results = await together([
      () => alone(one, 'POST', '/share/answer', { text: 'My answer.' }),
      () => alone(two, 'POST', '/share/swap'),
    ], { gap: GAPS[attempt % GAPS.length], hold: HOLDS[attempt % HOLDS.length], coupleId });
    const late = Number(sql(server, `SELECT count(*) FROM test_late_swaps WHERE item_id = ${today.id}`));
    assert.equal(late, 0, `attempt ${attempt}: the question was swapped after it had an answer`
      + ` (the swap answered ${results[1].status})`);
    assert.equal(results[0].status, 200);
    assert.ok([200, 409].includes(results[1].status), results[1].text);
  }
});

test('two swaps at the same moment never make more than two in a day', async () => {
  const { one, two, coupleId } = await couple('swaptwice');
  for (let attempt = 0; attempt < 12; attempt++) {
    advance(DAY);
    await json(two, '/share');
    assert.equal((await send(one, '/share/swap')).swaps_left, 1);
    const results = await together([
      () => alone(one, 'POST', '/share/swap'),
      () => alone(two, 'POST', '/share/swap'),
    ], { gap: GAPS[attempt % GAPS.length], hold: HOLDS[attempt % HOLDS.length], coupleId });
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409], `attempt ${attempt}: the two swaps answered ${statuses}`);
    assert.equal((await json(one, '/share')).swaps_left, 0);
  }
});

// ---- the archive ----

test('the archive lists revealed questions newest first, twenty to a page, and searches questions and answers', async () => {
  const { one, two } = await couple('arc');
  const marker = unique('arc');
  const made = []; // ids in the order they were made
  const dailyWords = [];
  for (let d = 0; d < 3; d++) {
    advance(DAY);
    const m = await json(one, '/share');
    const w = unique('daily');
    dailyWords.push(w);
    await send(one, '/share/answer', { text: `Day ${d} from one` });
    await send(two, '/share/answer', { text: `Day ${d} from two, ${w}` });
    made.push(m.id);
  }
  const askWords = [];
  for (let i = 0; i < 22; i++) {
    advance(1000);
    const w = unique('askq');
    askWords.push(w);
    const { id } = await send(i % 2 ? one : two, '/share/ask', { question: `Question ${i} ${marker} ${w}?` }, 201);
    await send(one, `/share/ask/${id}/answer`, { text: `One on ${i}` });
    await send(two, `/share/ask/${id}/answer`, { text: `Two on ${i}` });
    made.push(id);
  }
  // Open ones are listed too, with where they stand: a day only one
  // answered, an open question.
  advance(DAY);
  const halfDay = await json(one, '/share');
  await send(one, '/share/answer', { text: `Half ${marker}` });
  const halfAsk = await send(two, '/share/ask', { question: `Open ${marker}?` }, 201);
  await send(one, `/share/ask/${halfAsk.id}/answer`, { text: 'One only.' });

  const newest = [halfAsk.id, halfDay.id, ...[...made].reverse()];
  const page1 = await json(two, '/share/archive');
  assert.equal(page1.page, 1);
  assert.equal(page1.next_page, 2);
  assert.equal(page1.previous_page, undefined);
  assert.deepEqual(page1.items.map((i) => i.id), newest.slice(0, 20));
  assert.deepEqual(page1.items.slice(0, 2).map((i) => [i.state, i.revealed, i.partner.text]),
    [['you', false, undefined], ['you', false, undefined]], 'open ones wait for two, words hidden');
  assert.ok(page1.items.slice(2).every((i) => i.revealed && i.mine && i.partner.text && i.state === 'both'));
  const ask21 = page1.items[2];
  assert.equal(ask21.kind, 'ask');
  assert.equal(ask21.mine.text, 'Two on 21');
  assert.equal(ask21.partner.text, 'One on 21');
  const page2 = await json(two, '/share/archive?page=2');
  assert.equal(page2.page, 2);
  assert.equal(page2.next_page, undefined);
  assert.equal(page2.previous_page, 1);
  assert.deepEqual(page2.items.map((i) => i.id), newest.slice(20));
  assert.deepEqual(page2.items.map((i) => i.kind), ['ask', 'ask', 'ask', 'ask', 'daily', 'daily', 'daily']);
  assert.deepEqual((await json(one, '/share/archive?page=3')).items, []);
  // the page's queries are fixed: twenty items cost what five do
  const calls = async (path) => Number((await call(one, 'GET', path)).headers.get('x-hearth-db-calls'));
  const full = await calls('/share/archive');
  assert.ok(full > 0 && full <= 8, `${full} queries for a page of twenty`);
  assert.equal(await calls('/share/archive?page=2'), full);
  assert.ok(await calls('/share/archive?page=3') <= full);
  assert.equal((await call(one, 'GET', '/share/archive?page=0')).status, 422);
  assert.equal((await call(one, 'GET', '/share/archive?page=two')).status, 422);

  const html1 = await page(one, '/share/archive');
  assert.ok(html1.includes('href="/share/archive?q=&amp;page=2"'));
  assert.ok(!html1.includes('page=0'));
  assert.ok(html1.includes(`href="/share/ask/${made[24]}"`));
  const html2 = await page(one, '/share/archive?page=2');
  assert.ok(html2.includes('href="/share/archive?q=&amp;page=1"'));
  assert.ok(html2.includes(`href="/share/${(await json(one, `/share/archive?q=${dailyWords[0]}`)).items[0].day}"`));

  // Search: a word from an answer, a word from a question, a phrase in many.
  const byAnswer = await json(one, `/share/archive?q=${dailyWords[1]}`);
  assert.deepEqual(byAnswer.items.map((i) => i.id), [made[1]]);
  assert.equal(byAnswer.q, dailyWords[1]);
  assert.ok((await page(one, `/share/archive?q=${dailyWords[1]}`)).includes(dailyWords[1]));
  const byQuestion = await json(two, `/share/archive?q=${askWords[5]}`);
  assert.deepEqual(byQuestion.items.map((i) => i.id), [made[8]]);
  const many = await json(one, `/share/archive?q=${marker}`);
  assert.equal(many.items.length, 20);
  assert.equal(many.next_page, 2);
  assert.deepEqual(many.items.map((i) => i.id), newest.slice(0, 20), 'one finds their own open answer');
  const many2 = await json(one, `/share/archive?q=${marker}&page=2`);
  assert.deepEqual(many2.items.map((i) => i.id), newest.slice(20, 24));
  const twoFinds = await json(two, `/share/archive?q=${marker}`);
  assert.ok(!twoFinds.items.some((i) => i.id === halfDay.id), 'nor two one\'s unrevealed words');
  assert.ok((await page(one, `/share/archive?q=${marker}`)).includes(`href="/share/archive?q=${marker}&amp;page=2"`));
  const spaced = await json(one, `/share/archive?q=${encodeURIComponent('Day 2 from two')}`);
  assert.deepEqual(spaced.items.map((i) => i.id), [made[2]]);
  for (const q of ['%', '_', 'nothing-like-this']) {
    const none = await json(one, `/share/archive?q=${encodeURIComponent(q)}`);
    assert.deepEqual(none.items, [], q);
  }
  assert.match(await page(one, '/share/archive?q=nothing-like-this'), /Nothing matches/);
  assert.deepEqual((await json(two, '/share/archive?q=One%20only')).items, []);
  assert.deepEqual((await json(one, '/share/archive?q=One%20only')).items.map((i) => i.id), [halfAsk.id]);
});

// ---- questions of your own ----

test('a question of your own appears on both pages and opens only when both have answered', async () => {
  const { one, two } = await couple('ask');
  const question = `If we had a free Sunday, what would it look like, ${unique('sun')}?`;
  const { id } = await send(one, '/share/ask', { question }, 201);
  assert.match(id, /^\d+$/);
  for (const [p, askedBy] of [[one, 'you'], [two, one.name]]) {
    const { asks } = await json(p, '/share');
    assert.equal(asks.length, 1);
    assert.equal(asks[0].id, id);
    assert.equal(asks[0].kind, 'ask');
    assert.equal(asks[0].question.text, question);
    assert.equal(asks[0].asked_by, askedBy);
    assert.equal(asks[0].revealed, false);
    const html = await page(p, '/share');
    assert.ok(html.includes(`<a href="/share/ask/${id}">${escapeHtml(question)}</a>`));
    assert.equal((await json(p, `/share/ask/${id}`)).question.text, question);
  }

  const secret = `Breakfast in bed, then ${unique('quiet')}`;
  const answered = await send(two, `/share/ask/${id}/answer`, { text: secret });
  assert.deepEqual(answered.mine, { text: secret });
  const word = secret.split(' ').pop();
  const mineView = await json(one, `/share/ask/${id}`);
  assert.deepEqual(mineView.partner, { name: two.name, answered: true });
  assert.equal(mineView.revealed, false);
  for (const [where, body] of [
    ['ask JSON', mineView],
    ['ask page', await page(one, `/share/ask/${id}`)],
    ['share JSON', await json(one, '/share')],
    ['share page', await page(one, '/share')],
    ['archive', withoutQuery(await json(one, `/share/archive?q=${word}`))],
    ['archive page', withoutQuery(await page(one, `/share/archive?q=${word}`))],
    ['export', await exportOf(one)],
    ['us', await json(one, '/us')],
  ]) assertAbsent(body, word, where);
  assert.match(await page(one, `/share/ask/${id}`), /has answered/);

  const form1 = await form(one, `/share/ask/${id}/answer`, { text: 'A long walk.' });
  assert.equal(form1.status, 303);
  assert.equal(form1.location, `/share/ask/${id}`);
  for (const [p, own, theirs] of [[one, 'A long walk.', secret], [two, secret, 'A long walk.']]) {
    const view = await json(p, `/share/ask/${id}`);
    assert.equal(view.revealed, true);
    assert.equal(view.mine.text, own);
    assert.equal(view.partner.text, theirs);
    const html = await page(p, `/share/ask/${id}`);
    assert.ok(html.includes(own) && html.includes(theirs));
    assert.deepEqual((await json(p, '/share')).asks, [], 'answered questions leave the list');
    assert.deepEqual((await json(p, `/share/archive?q=${word}`)).items.map((i) => i.id), [id]);
  }
  assert.equal((await call(two, 'POST', `/share/ask/${id}/answer`, { text: 'Changed.' })).status, 409);
  const lateAsk = await form(one, `/share/ask/${id}/answer`, { text: 'A short walk.' });
  assert.equal(lateAsk.status, 409);
  assert.match(lateAsk.html, /no longer change/);
  assert.ok(lateAsk.html.includes('A short walk.'), 'what was typed is shown');
  assert.equal((await json(one, `/share/ask/${id}`)).mine.text, 'A long walk.');

  for (const q of ['', '   ', 'q'.repeat(301)]) {
    assert.equal((await call(two, 'POST', '/share/ask', { question: q })).status, 422);
  }
  assert.equal((await send(two, '/share/ask', { question: 'q'.repeat(300) }, 201)).id.length > 0, true);
  const viaForm = await form(two, '/share/ask', { question: 'What made you laugh today?' });
  assert.equal(viaForm.status, 303);
  assert.equal(viaForm.location, '/share#asked');
  assert.deepEqual((await json(one, '/share')).asks.map((a) => a.question.text).sort(),
    ['What made you laugh today?', 'q'.repeat(300)].sort());
  assert.equal((await call(one, 'GET', '/share/ask/123')).status, 404);
});

// ---- the deep-dive evening ----

test('a deep-dive evening together has 36 questions, takes turns going first and keeps its place when paused', async () => {
  const { one, two } = await couple('dive');
  assert.equal((await json(one, '/share/deep-dive')).dive, null);
  assert.equal((await call(one, 'POST', '/share/deep-dive/next')).status, 409);
  assert.equal((await call(one, 'POST', '/share/deep-dive', { mode: 'alone' })).status, 422);

  const started = (await send(two, '/share/deep-dive', { mode: 'together' }, 201)).dive;
  assert.equal(started.number, 1);
  assert.equal(started.set, 1);
  assert.equal(started.mode, 'together');
  assert.equal(started.writing, false);
  assert.ok(!started.paused);
  assert.equal(started.you_first, true);
  assert.equal(started.first_name, 'You');
  assert.equal(started.last, false);
  const theirs = (await json(one, '/share/deep-dive')).dive;
  assert.equal(theirs.id, started.id);
  assert.equal(theirs.question, started.question);
  assert.equal(theirs.you_first, false);
  assert.equal(theirs.first_name, two.name);
  assert.match(await page(one, '/share/deep-dive'), new RegExp(`${two.name} answers first\\.`));
  assert.match(await page(two, '/share/deep-dive'), /You answer first\./);
  assert.equal((await call(one, 'POST', '/share/deep-dive', { mode: 'writing' })).status, 422);
  assert.equal((await call(one, 'POST', '/share/deep-dive/answer', { text: 'Out loud.' })).status, 409);

  const questions = [started.question];
  for (let n = 2; n <= 36; n++) {
    const moved = (await send(n % 2 ? one : two, '/share/deep-dive/next')).dive;
    assert.equal(moved.number, n);
    assert.equal(moved.set, Math.ceil(n / 12));
    assert.equal(moved.last, n === 36);
    const a = (await json(one, '/share/deep-dive')).dive;
    const b = (await json(two, '/share/deep-dive')).dive;
    assert.equal(a.number, n);
    assert.equal(b.question, a.question);
    assert.equal(b.you_first, n % 2 === 1, `question ${n}: who goes first`);
    assert.equal(a.you_first, n % 2 === 0);
    questions.push(a.question);

    if (n === 13) {
      const paused = (await send(one, '/share/deep-dive/pause')).dive;
      assert.ok(paused.paused);
      assert.equal(paused.number, 13);
      assert.ok((await json(two, '/share/deep-dive')).dive.paused);
      const pausedPage = await page(two, '/share/deep-dive');
      assert.match(pausedPage, /This evening is paused/);
      assert.ok(!pausedPage.includes(escapeHtml(a.question)));
      assert.match(pausedPage, /action="\/share\/deep-dive\/resume"/);
      assert.equal((await call(two, 'POST', '/share/deep-dive', { mode: 'together' })).status, 422);
      const resumed = await form(two, '/share/deep-dive/resume', {});
      assert.equal(resumed.status, 303);
      const back = (await json(one, '/share/deep-dive')).dive;
      assert.ok(!back.paused);
      assert.equal(back.number, 13);
      assert.equal(back.question, a.question);
      assert.equal(back.you_first, a.you_first);
    }
  }
  assert.equal(new Set(questions).size, 36);
  assert.match(await page(one, '/share/deep-dive'), /Finish the evening/);

  const finished = await form(two, '/share/deep-dive/next', {});
  assert.equal(finished.status, 303);
  assert.equal(finished.location, '/share/deep-dive?finished=1');
  assert.equal((await json(one, '/share/deep-dive')).dive, null);
  assert.equal((await json(one, '/share/deep-dive?finished=1')).finished, true);
  assert.match(await page(one, '/share/deep-dive?finished=1'), /This evening has ended/);
  for (const action of ['next', 'pause', 'resume']) {
    assert.equal((await call(one, 'POST', `/share/deep-dive/${action}`)).status, 409, action);
  }
  const again = (await send(one, '/share/deep-dive', { mode: 'together' }, 201)).dive;
  assert.equal(again.number, 1);
  assert.equal(again.question, questions[0]);
  assert.notEqual(again.id, started.id);
  assert.equal(again.you_first, true);
});

test('a deep-dive evening in writing opens each pair of answers only when both have written', async () => {
  const { one, two } = await couple('write');
  const started = (await send(one, '/share/deep-dive', { mode: 'writing' }, 201)).dive;
  assert.equal(started.writing, true);
  assert.equal(started.number, 1);
  assert.equal(started.mine, null);
  assert.equal(started.partner_answered, false);
  assert.equal(started.you_first, undefined, 'who answers first is for evenings together');
  assert.deepEqual(started.pairs, []);
  assert.equal((await call(one, 'POST', '/share/deep-dive/answer', { text: '' })).status, 422);
  assert.equal((await call(one, 'POST', '/share/deep-dive/answer', { text: 'w'.repeat(4001) })).status, 422);

  const w1 = `Hearing my sister laugh ${unique('wone')}`;
  const w2 = `The first snow of the year ${unique('wtwo')}`;
  const after1 = (await send(one, '/share/deep-dive/answer', { text: w1, number: 1 })).dive;
  assert.equal(after1.number, 2, 'answering moves you on');
  assert.equal(after1.mine, null);
  assert.deepEqual(after1.pairs, []);
  const waiting = (await json(two, '/share/deep-dive')).dive;
  assert.equal(waiting.number, 1, 'the partner stays where they were');
  assert.equal(waiting.mine, null);
  assert.equal(waiting.partner_answered, true);
  assert.deepEqual(waiting.pairs, []);
  assertAbsent(waiting, w1, 'the partner\'s JSON');
  const waitingPage = await page(two, '/share/deep-dive');
  assertAbsent(waitingPage, w1, 'the partner\'s page');
  assert.match(waitingPage, /has answered this one/);
  assertAbsent(await exportOf(two), w1, 'the partner\'s export');
  // nobody moves the other on
  assert.equal((await call(two, 'POST', '/share/deep-dive/next')).status, 409);

  const viaForm = await form(two, '/share/deep-dive/answer', { text: w2, number: '1' });
  assert.equal(viaForm.status, 303, viaForm.html.match(/<div class="notice[^]*?<\/div>/)?.[0]);
  assert.equal(viaForm.location, '/share/deep-dive');
  for (const [p, own, theirs, partner] of [[one, w1, w2, two], [two, w2, w1, one]]) {
    const dive = (await json(p, '/share/deep-dive')).dive;
    assert.equal(dive.number, 2);
    assert.deepEqual(dive.pairs, [{
      number: 1, question: started.question, mine: own, partner: theirs, partner_name: partner.name,
    }]);
    const html = await page(p, '/share/deep-dive');
    assert.ok(html.includes(own) && html.includes(theirs));
  }

  // an answer sent again from an older page does not land on the next question
  const twice = await call(one, 'POST', '/share/deep-dive/answer', { text: 'Sent twice', number: 1 });
  assert.equal(twice.status, 409);
  const stale = await form(one, '/share/deep-dive/answer', { text: 'From an old tab', number: '1' });
  assert.equal(stale.status, 409);
  assert.equal(textarea(stale.html, 'text'), 'From an old tab', 'the words come back');
  assert.equal((await json(one, '/share/deep-dive')).dive.number, 2, 'nothing was saved');

  // each at their own pace: one runs ahead, two's turn is never taken
  const w3 = `Only mine so far ${unique('wthree')}`;
  await send(one, '/share/deep-dive/answer', { text: w3, number: 2 });
  for (let n = 3; n <= 5; n++) await send(one, '/share/deep-dive/answer', { text: `One on ${n}`, number: n });
  assert.equal((await json(one, '/share/deep-dive')).dive.number, 6);
  const twoSees = (await json(two, '/share/deep-dive')).dive;
  assert.equal(twoSees.number, 2);
  assert.equal(twoSees.pairs.length, 1);
  assert.equal(twoSees.partner_answered, true);
  assertAbsent(twoSees, w3, 'the partner\'s JSON');
  assertAbsent(await page(two, '/share/deep-dive'), w3, 'the partner\'s page');
  assert.deepEqual((await exportOf(one)).share.deep_dive_answers.map((a) => a.answer),
    [w1, w3, 'One on 3', 'One on 4', 'One on 5']);
  assert.deepEqual((await exportOf(two)).share.deep_dive_answers.map((a) => a.answer), [w2]);
  // what waits for two shows on /us
  const us = await json(two, '/us');
  assert.ok(us.waiting.some((w) => w.href === '/share/deep-dive' && /question 2 of your deep-dive/.test(w.text)));

  // switched to together: both carry on from the earlier place
  const together = (await send(two, '/share/deep-dive/mode', { mode: 'together' })).dive;
  assert.equal(together.writing, false);
  assert.equal(together.number, 2);
  assert.equal((await json(one, '/share/deep-dive')).dive.number, 2);
  assert.equal(typeof together.you_first, 'boolean');
  // and back to writing: each from their own place again
  await send(one, '/share/deep-dive/mode', { mode: 'writing' });
  assert.equal((await json(one, '/share/deep-dive')).dive.number, 6);

  // ended at any point, the evening stays readable
  const ended = await form(one, '/share/deep-dive/end', {});
  assert.equal(ended.status, 303);
  assert.equal((await json(two, '/share/deep-dive')).dive, null);
  const { evenings } = await json(two, '/share/deep-dive');
  assert.equal(evenings.length, 1);
  assert.equal(evenings[0].pairs, 1);
  const evening = await json(two, `/share/deep-dive/${evenings[0].id}`);
  assert.deepEqual(evening.evening.pairs.map((p) => [p.mine, p.partner]), [[w2, w1]]);
  assertAbsent(evening, w3, 'an unmatched answer after the evening ended');
  assert.ok((await page(one, `/share/deep-dive/${evenings[0].id}`)).includes(escapeHtml(w1)));
  const other = await couple('writeother');
  assert.equal((await call(other.one, 'GET', `/share/deep-dive/${evenings[0].id}`)).status, 404);
});

test('in writing, both finish all 36 at their own pace and the evening ends with the last answer', async () => {
  const { one, two } = await couple('pace');
  await send(one, '/share/deep-dive', { mode: 'writing' }, 201);
  for (let n = 1; n <= 36; n++) await send(one, '/share/deep-dive/answer', { text: `One ${n}`, number: n });
  const oneDone = (await json(one, '/share/deep-dive')).dive;
  assert.equal(oneDone.done, true);
  assert.equal(oneDone.pairs.length, 0);
  assert.match(await page(one, '/share/deep-dive'), /You have answered all 36 questions/);
  for (let n = 1; n <= 35; n++) await send(two, '/share/deep-dive/answer', { text: `Two ${n}`, number: n });
  assert.equal((await json(one, '/share/deep-dive')).dive.pairs.length, 35);
  const last = await form(two, '/share/deep-dive/answer', { text: 'Two 36', number: '36' });
  assert.equal(last.location, '/share/deep-dive?finished=1');
  assert.equal((await json(one, '/share/deep-dive')).dive, null);
  const { evenings } = await json(one, '/share/deep-dive');
  assert.equal(evenings[0].pairs, 36);
});

// ---- the couple's flow ----

test('an answer names its question: after a swap it comes back with 409, the words kept and nothing saved', async () => {
  const { one, two } = await couple('swapwrite');
  const before = await json(one, '/share');
  // one opens the page (its form names the question), two swaps meanwhile
  const pageBefore = await page(one, '/share');
  assert.match(pageBefore, new RegExp(`<input type="hidden" name="question_key" value="${before.question.id}">`));
  await send(two, '/share/swap', { day: before.day });
  const words = 'Written for the question that was there';
  const res = await form(one, '/share/answer', { text: words, question_key: before.question.id });
  assert.equal(res.status, 409);
  assert.match(res.html, /The question was swapped while you were writing/);
  assert.equal(textarea(res.html, 'text'), words, 'the words come back');
  assert.equal(textarea(res.html, 'question'), '', 'nothing lands in the form to ask a question');
  const after = await json(one, '/share');
  assert.notEqual(after.question.id, before.question.id);
  assert.equal(after.mine, null, 'nothing was saved');
  assert.match(res.html, new RegExp(`name="question_key" value="${after.question.id}"`), 'the form names the new question');
  const api = await call(one, 'POST', '/share/answer', { text: words, question_key: before.question.id });
  assert.equal(api.status, 409);
  // with the question it answers, it is saved
  await send(one, '/share/answer', { text: words, question_key: after.question.id });
  assert.equal((await json(one, '/share')).mine.text, words);
});

test('past days read in words, with previous and next links', async () => {
  const { one, two } = await couple('days');
  const first = await json(one, '/share');
  advance(DAY);
  await json(one, '/share');
  advance(DAY);
  const third = await json(one, '/share');
  const middleDay = addDays(first.day, 1);
  const middle = await json(one, `/share/${middleDay}`);
  const words = (day) => new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' })
    .format(new Date(`${day}T12:00:00Z`)).replace(',', '');
  assert.equal(middle.day_label, words(middleDay));
  assert.deepEqual(middle.previous_day, { day: first.day, label: words(first.day), today: false });
  assert.deepEqual(middle.next_day, { day: third.day, label: words(third.day), today: true });
  assert.equal(middle.title, `The question of ${words(middleDay)}`);
  const html = await page(one, `/share/${middleDay}`);
  assert.match(html, new RegExp(`<a href="/share/${first.day}" rel="prev">← ${words(first.day)}</a>`));
  assert.match(html, /<a href="\/share" rel="next">Today →<\/a>/);
  assert.ok(!html.includes(`>${middleDay}<`), 'no bare dates on the page');
  assert.equal((await json(one, `/share/${first.day}`)).previous_day, undefined);
  assert.equal((await json(two, '/share')).previous_day.day, middleDay);
});

test('/us lists what waits for you: a day your partner answered, a question asked of you', async () => {
  const { one, two } = await couple('waits');
  const missed = await json(two, '/share');
  await send(two, '/share/answer', { text: 'Two answered, one did not.' });
  advance(DAY);
  const asked = await send(two, '/share/ask', { question: 'What made you laugh this week?' }, 201);
  const us = await json(one, '/us');
  const words = (await json(one, `/share/${missed.day}`)).day_label;
  assert.deepEqual(us.waiting, [
    { text: `${two.name} asked you: “What made you laugh this week?”`, href: `/share/ask/${asked.id}` },
    { text: `${two.name} answered the question of ${words}`, href: `/share/${missed.day}` },
  ]);
  const html = await page(one, '/us');
  assert.match(html, /<h2 id="waiting-title">Waiting for you<\/h2>/);
  assert.ok(html.includes(`href="/share/${missed.day}"`));
  assert.ok(!JSON.stringify(us).includes('Two answered, one did not'), 'never the words');
  // nothing waits for two, and nothing waits once one has answered
  assert.deepEqual((await json(two, '/us')).waiting, []);
  await send(one, `/share/${missed.day}/answer`, { text: 'Late, but here.' });
  await send(one, `/share/ask/${asked.id}/answer`, { text: 'The dog.' });
  assert.deepEqual((await json(one, '/us')).waiting, []);
  assert.ok(!(await page(one, '/us')).includes('id="waiting-title"'));
});

test('a question for the partner alone: only they answer, it opens at once, then reactions and comments', async () => {
  const { one, two } = await couple('forone');
  const q = await send(one, '/share/ask', { question: 'What would you like more of?', mode: 'partner' }, 201);
  const mine = await json(one, `/share/ask/${q.id}`);
  assert.equal(mine.for_one, true);
  assert.equal(mine.you_answer, false);
  assert.equal(mine.state_label, `Waiting for ${two.name}'s answer`);
  const ownPage = await page(one, `/share/ask/${q.id}`);
  assert.ok(!ownPage.includes(`action="/share/ask/${q.id}/answer"`), 'no answer form for the asker');
  assert.equal((await call(one, 'POST', `/share/ask/${q.id}/answer`, { text: 'Me?' })).status, 409);
  const theirs = await json(two, `/share/ask/${q.id}`);
  assert.equal(theirs.you_answer, true);
  assert.equal(theirs.state_label, 'Yours to answer');
  const listed = (await json(two, '/share')).asks.find((a) => a.id === q.id);
  assert.equal(listed.state, 'you');
  assert.ok((await page(two, '/share')).includes(`for you to answer · Yours to answer`));
  // the reactions and conversation open only after the answer
  assert.equal((await call(one, 'POST', `/share/ask/${q.id}/react`, { reaction: 'love' })).status, 409);
  await send(two, `/share/ask/${q.id}/answer`, { text: 'Slow Sunday mornings.' });
  const open = await json(one, `/share/ask/${q.id}`);
  assert.equal(open.revealed, true);
  assert.equal(open.partner.text, 'Slow Sunday mornings.');
  await send(one, `/share/ask/${q.id}/react`, { reaction: 'love' });
  await send(two, `/share/ask/${q.id}/comments`, { text: 'Starting this week?' }, 201);
  const talked = await json(one, `/share/ask/${q.id}`);
  assert.deepEqual(talked.reactions.map((r) => r.reaction), ['love']);
  assert.deepEqual(talked.comments.map((c) => c.text), ['Starting this week?']);
  const html = await page(one, `/share/ask/${q.id}`);
  assert.match(html, /<button[^>]*value="love"[^>]*aria-pressed="true">Love this<\/button>/);
  assert.match(html, /<button[^>]*value="thanks"[^>]*aria-pressed="false">/);
  const viaForm = await form(two, `/share/ask/${q.id}/react`, { reaction: 'thanks' });
  assert.equal(viaForm.location, `/share/ask/${q.id}#talk`);
  // a question for both keeps the mutual rule
  const both = await send(two, '/share/ask', { question: 'Which trip next?' }, 201);
  assert.equal((await json(two, `/share/ask/${both.id}`)).state_label, 'Neither of you has answered yet');
  await send(two, `/share/ask/${both.id}/answer`, { text: 'The coast.' });
  assert.equal((await json(two, `/share/ask/${both.id}`)).state_label, `Waiting for ${one.name}`);
  assert.equal((await json(one, `/share/ask/${both.id}`)).partner.text, undefined);
});

test('the keepsake is one page of everything both opened, by date, and nothing either kept private', async () => {
  const { one, two } = await couple('keep');
  const day1 = await json(one, '/share');
  await send(one, '/share/answer', { text: 'Day one from one <b>bold</b>' });
  await send(two, '/share/answer', { text: 'Day one from two' });
  await send(one, `/share/${day1.day}/comments`, { text: 'A comment on day one' }, 201);
  advance(DAY);
  const day2 = await json(one, '/share');
  await send(two, '/share/answer', { text: 'Unrevealed words of two' });
  const asked = await send(one, '/share/ask', { question: 'What do you miss most?', mode: 'partner' }, 201);
  await send(two, `/share/ask/${asked.id}/answer`, { text: 'Our old street' });
  await send(one, '/share/deep-dive', { mode: 'writing' }, 201);
  await send(one, '/share/deep-dive/answer', { text: 'Dive one', number: 1 });
  await send(two, '/share/deep-dive/answer', { text: 'Dive two', number: 1 });
  await send(one, '/share/deep-dive/answer', { text: 'Dive unmatched', number: 2 });

  const pageHtml = await page(one, '/keepsake');
  assert.match(pageHtml, /<form class="form" method="post" action="\/keepsake"/);
  const wrong = await form(one, '/keepsake', { password: 'not the password at all' });
  assert.ok(wrong.status === 401 || wrong.status === 422, String(wrong.status));
  const res = await browser(one).form('/keepsake', { password: one.password });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="hearth-keepsake.html"');
  const file = await res.text();
  assert.match(file, new RegExp(`<h1>${escapeHtml(one.name)} &amp; ${escapeHtml(two.name)}</h1>`));
  for (const shown of ['Day one from one &lt;b&gt;bold&lt;/b&gt;', 'Day one from two', 'A comment on day one',
    'Our old street', 'What do you miss most?', 'Dive one', 'Dive two', escapeHtml(day1.question.text)]) {
    assert.ok(file.includes(shown), shown);
  }
  for (const hidden of ['Unrevealed words of two', 'Dive unmatched', '<b>bold</b>']) {
    assert.ok(!file.includes(hidden), hidden);
  }
  assert.ok(!file.includes(escapeHtml(day2.question.text)), 'a day not opened yet');
  assert.ok(file.indexOf('Day one from two') < file.indexOf('Our old street'), 'in date order');
  assert.ok(!/<script/i.test(file));
  // the partner's keepsake is the same story, from their side
  const theirs = await (await browser(two).form('/keepsake', { password: two.password })).text();
  assert.match(theirs, new RegExp(`<h1>${escapeHtml(two.name)} &amp; ${escapeHtml(one.name)}</h1>`));
  assert.ok(theirs.includes('Dive one') && theirs.includes('Our old street'));
  assert.match(await page(one, '/account/data'), /href="\/keepsake"/);
});

// ---- what pages do with what people type ----

test('answers with HTML and script come back escaped on pages and verbatim as JSON', async () => {
  const { one, two } = await couple('xss');
  const nasty = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '"\'><b>bold</b>',
  ];
  const a = `${nasty[0]} & ${nasty[2]}`;
  const b = `${nasty[1]} ${nasty[2]}`;
  const comment = `${nasty[2]} ${nasty[0]}`;
  const question = `${nasty[1]} or ${nasty[0]}?`;
  const { day } = await json(one, '/share');
  await send(one, '/share/answer', { text: a });
  const mid = await page(one, '/share');
  assert.equal(textarea(mid, 'text'), escapeHtml(a), 'the saved answer in the textarea');
  await send(two, '/share/answer', { text: b });
  await send(one, `/share/${day}/comments`, { text: comment }, 201);
  const { id } = await send(two, '/share/ask', { question }, 201);
  await send(one, `/share/ask/${id}/answer`, { text: b });
  const openPages = [await page(one, '/share'), await page(one, `/share/ask/${id}`)];
  await send(two, `/share/ask/${id}/answer`, { text: a });
  await send(one, '/share/deep-dive', { mode: 'writing' }, 201);
  await send(one, '/share/deep-dive/answer', { text: a });
  await send(two, '/share/deep-dive/answer', { text: b });

  const view = await json(one, '/share');
  assert.equal(view.mine.text, a);
  assert.equal(view.partner.text, b);
  assert.equal(view.comments[0].text, comment);
  const asked = await json(one, `/share/ask/${id}`);
  assert.equal(asked.question.text, question);
  assert.equal(asked.mine.text, b);
  assert.equal(asked.partner.text, a);
  const dive = (await json(two, '/share/deep-dive')).dive;
  assert.equal(dive.pairs[0].mine, b);
  assert.equal(dive.pairs[0].partner, a);

  const pages = {
    share: await page(one, '/share'),
    partnerShare: await page(two, `/share/${day}`),
    ask: await page(one, `/share/ask/${id}`),
    archive: await page(two, '/share/archive'),
    search: await page(one, `/share/archive?q=${encodeURIComponent(nasty[2])}`),
    noMatch: await page(one, `/share/archive?q=${encodeURIComponent(`${nasty[0]}zz`)}`),
    dive: await page(one, '/share/deep-dive'),
    openShare: openPages[0],
    openAsk: openPages[1],
  };
  for (const [where, html] of Object.entries(pages)) {
    for (const raw of ['<script>alert', '<img src=x', '"\'><b>', '<b>bold']) {
      assert.ok(!html.includes(raw), `${where} contains raw ${raw}`);
    }
  }
  for (const where of ['share', 'partnerShare', 'archive', 'search', 'dive']) {
    assert.ok(pages[where].includes(escapeHtml(a)), `${where} shows the first answer as text`);
    assert.ok(pages[where].includes(escapeHtml(b)), `${where} shows the second answer as text`);
  }
  assert.ok(pages.share.includes(escapeHtml(comment)));
  assert.ok(pages.ask.includes(escapeHtml(question)));
  assert.ok(pages.openShare.includes(escapeHtml(question)));
  assert.ok(pages.openAsk.includes(escapeHtml(b)));
  assert.ok(pages.search.includes(`value="${escapeHtml(nasty[2])}"`));
  assert.ok(pages.noMatch.includes(escapeHtml(`${nasty[0]}zz`)));
  assert.ok(pages.search.includes(escapeHtml(a)));
});

test('a form with errors comes back with what was typed', async () => {
  const { one, two } = await couple('typed');
  const tooLong = `<b>${'t'.repeat(4000)}</b> ${unique('keep')}`;
  let res = await form(one, '/share/answer', { text: tooLong });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'text'), escapeHtml(tooLong));
  assert.match(res.html, /<p class="field-error" id="text-error">[^<]*4000[^<]*<\/p>/);
  assert.match(res.html, /aria-invalid="true"/);
  res = await form(one, '/share/answer', { text: '   ' });
  assert.equal(res.status, 422);
  assert.match(res.html, /id="text-error">Your answer is required\.</);

  // With an answer saved, a failed change shows the change, not the saved one.
  await send(one, '/share/answer', { text: 'Saved answer.' });
  const change = `${'c'.repeat(4001)} changed`;
  res = await form(one, '/share/answer', { text: change });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'text'), change);
  assert.equal((await json(one, '/share')).mine.text, 'Saved answer.');

  const longQuestion = `${'q'.repeat(300)} ${unique('ask')}?`;
  res = await form(one, '/share/ask', { question: longQuestion });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'question'), longQuestion);
  assert.match(res.html, /id="question-error">[^<]*300/);

  const { id } = await send(two, '/share/ask', { question: 'What are you looking forward to?' }, 201);
  res = await form(one, `/share/ask/${id}/answer`, { text: change });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'text'), change);
  assert.match(res.html, /What are you looking forward to\?/);

  await send(two, '/share/answer', { text: 'Partner answer.' });
  const { day } = await json(one, '/share');
  const longComment = `${'m'.repeat(2001)} ${unique('cmt')}`;
  res = await form(one, `/share/${day}/comments`, { text: longComment });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'text'), longComment);
  assert.match(res.html, /id="text-error">[^<]*2000/);

  // A past day, still open.
  advance(DAY);
  const next = await json(one, '/share');
  advance(DAY);
  res = await form(two, `/share/${next.day}/answer`, { text: change });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'text'), change);
  assert.ok(res.html.includes(`action="/share/${next.day}/answer"`));

  await send(one, '/share/deep-dive', { mode: 'writing' }, 201);
  res = await form(two, '/share/deep-dive/answer', { text: change });
  assert.equal(res.status, 422);
  assert.equal(textarea(res.html, 'text'), change);
});
