// Time together: rituals on a real calendar (recurrences across the
// daylight-saving changes of Europe/Paris and America/New_York, on a
// controllable clock), the log of occurrences and counts that grow, the
// calendar feed (valid iCalendar read by Python's icalendar; a new address
// revokes the old; leaving revokes it), time together now (live on the
// partner's page, minutes per week), date ideas and the random pick, the
// card on /us, another couple's 404, and export and erase.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStream, root, sql, startServer, testClock } from './server.mjs';
import { api, apiOk, Browser, newCouple } from './people.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let server;
let clock;
const advance = (ms) => clock.advance(ms);
const setClock = (iso) => clock.set(iso);

before(async () => {
  clock = testClock('time');
  server = await startServer({ env: { HEARTH_CLOCK_FILE: clock.file } });
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
  clock.remove();
});

const json = (p, path) => apiOk(server, 'GET', path, { token: p.token });
const send = (p, path, body = {}, expected = 200) => apiOk(server, 'POST', path, { token: p.token, body }, expected);
const call = (p, path, body = {}) => api(server, 'POST', path, { token: p.token, body });
const listen = (p) => openStream(`${server.url}/events`, { cookie: `hearth_session=${p.token}` });
const weekly = (title, days, start, time = '09:00') =>
  ({ title, repeat: 'weekly', days, start, time, minutes: 60, phones_away: true, notes: 'Bring the flask' });

async function coupleIn(zone, tag) {
  const c = await newCouple(server, tag);
  await send(c.one, '/couple/settings', { couple_time_zone: zone });
  return c;
}

test('a weekly ritual stays at 09:00 across the spring change in New York and in Paris', async () => {
  setClock('2027-03-10T15:00:00Z'); // a Wednesday; New York moves its clocks on Sunday 14 March
  const ny = await coupleIn('America/New_York', 'newyork');
  await send(ny.one, '/time/rituals', weekly('Sunday pancakes', ['SU'], '2027-03-07'), 201);
  const nyDays = (await json(ny.two, '/time')).upcoming.filter((o) => o.title === 'Sunday pancakes');
  assert.deepEqual(nyDays.map((o) => [o.day, o.time]), [['2027-03-14', '09:00'], ['2027-03-21', '09:00']]);
  assert.equal(nyDays[1].starts_at - nyDays[0].starts_at, 7 * DAY, 'both after the change');
  assert.equal(new Date(nyDays[0].starts_at).toISOString(), '2027-03-14T13:00:00.000Z', '09:00 EDT');

  setClock('2027-03-20T12:00:00Z'); // Paris moves its clocks on Sunday 28 March
  const paris = await coupleIn('Europe/Paris', 'paris');
  await send(paris.one, '/time/rituals', weekly('Sunday walk', ['SU'], '2027-03-01'), 201);
  const walks = (await json(paris.one, '/time')).upcoming;
  assert.deepEqual(walks.map((o) => o.day), ['2027-03-21', '2027-03-28']);
  assert.ok(walks.every((o) => o.time === '09:00'));
  assert.equal(walks[1].starts_at - walks[0].starts_at, 7 * DAY - HOUR, 'an hour less in between');
  assert.equal(new Date(walks[0].starts_at).toISOString(), '2027-03-21T08:00:00.000Z');
  assert.equal(new Date(walks[1].starts_at).toISOString(), '2027-03-28T07:00:00.000Z');

  // the other rules: weekdays, a day of the month, a weekday of the month
  await send(paris.two, '/time/rituals', { ...weekly('Coffee', ['MO', 'TU', 'WE', 'TH', 'FR'], '2027-03-01', '07:30') }, 201);
  await send(paris.two, '/time/rituals', { title: 'Plan', repeat: 'monthly-weekday', week: '-1', weekday: 'FR', start: '2027-03-01', time: '20:00', minutes: 30 }, 201);
  await send(paris.two, '/time/rituals', { title: 'Rent talk', repeat: 'monthly-day', month_day: 25, start: '2027-03-01', time: '18:00', minutes: 15 }, 201);
  const page = await json(paris.one, '/time');
  const days = (title) => page.upcoming.filter((o) => o.title === title).map((o) => o.day);
  assert.deepEqual(days('Coffee'), ['2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-29', '2027-03-30', '2027-03-31', '2027-04-01', '2027-04-02']);
  assert.deepEqual(days('Plan'), ['2027-03-26']);
  assert.deepEqual(days('Rent talk'), ['2027-03-25']);
  const words = Object.fromEntries(page.rituals.map((r) => [r.title, r.repeats]));
  assert.deepEqual(words, { 'Sunday walk': 'Sundays', Coffee: 'Weekdays', Plan: 'On the last Friday of each month', 'Rent talk': 'On the 25th of each month' });
  // a weekly ritual without a day, and a time that is not one, come back with the form kept
  const bad = await call(paris.one, '/time/rituals', { ...weekly('No day', [], '2027-03-01'), time: '25:00' });
  assert.equal(bad.status, 422);
  const errors = (await bad.json()).errors;
  assert.ok(errors.days && errors.time);
  const b = new Browser(server);
  b.jar.set('hearth_session', paris.one.token);
  const form = await b.form('/time/rituals', { title: 'Kept title', repeat: 'weekly', start: '2027-03-01', time: '07:00', minutes: '20' });
  assert.equal(form.status, 422);
  assert.match(await form.text(), /value="Kept title"/);
});

test('one tap adds a suggestion; logging occurrences makes counts that grow', async () => {
  setClock('2027-03-20T12:00:00Z');
  const { one, two } = await coupleIn('Europe/Paris', 'log');
  const page = await json(one, '/time');
  assert.ok(page.suggestions.length >= 15);
  const walk = page.suggestions.find((s) => /walk/i.test(s.title));
  await send(one, '/time/rituals/suggested', { suggestion: walk.n }, 201);
  const daily = await send(two, '/time/rituals', { title: 'Kiss hello', repeat: 'daily', start: '2027-03-10', time: '18:00', minutes: 5 }, 201);
  const mine = (await json(two, '/time')).rituals.find((r) => r.title === walk.title);
  assert.equal(mine.phones_away, walk.phones_away);
  const path = (day) => `/time/rituals/${daily.id}/occurrences/${day}`;
  assert.equal((await call(one, path('2027-03-09'), { state: 'happened' })).status, 404, 'before it began');
  assert.equal((await call(one, path('2027-03-25'), { state: 'happened' })).status, 422, 'not yet');
  await send(one, path('2027-03-18'), { state: 'happened', connected: 5, note: 'Long one' });
  await send(two, path('2027-03-19'), { state: 'happened', connected: 4 });
  await send(two, path('2027-03-17'), { state: 'skipped' });
  await send(one, path('2027-03-22'), { state: 'moved', moved_day: '2027-03-22', moved_time: '19:15' });
  const now = await json(one, '/time');
  assert.equal(now.rituals.find((r) => r.title === 'Kiss hello').count_words, 'Together 2 times so far');
  const moved = now.upcoming.find((o) => o.title === 'Kiss hello' && o.day === '2027-03-22');
  assert.deepEqual([moved.moved, moved.time], [true, '19:15']);
  const lately = now.lately.find((o) => o.day === '2027-03-18' && o.title === 'Kiss hello');
  assert.deepEqual([lately.happened, lately.connected, lately.note], [true, 5, 'Long one']);
  assert.ok(!JSON.stringify(now).match(/streak/i), 'no streaks');
  // each occurrence has its page; a form that comes back keeps what was typed
  const occ = (await json(one, path('2027-03-18'))).occurrence;
  assert.deepEqual([occ.happened, occ.note, occ.scale.find((s) => s.on).value], [true, 'Long one', 5]);
  assert.equal((await api(server, 'GET', path('2027-03-09'), { token: one.token })).status, 404);
  const b = new Browser(server);
  b.jar.set('hearth_session', one.token);
  const back = await b.form(path('2027-03-24'), { state: 'moved', moved_day: '', moved_time: '20:00', note: 'After the film', connected: '3' });
  assert.equal(back.status, 422);
  const html = await back.text();
  assert.match(html, /value="moved" checked/);
  assert.match(html, /value="After the film"/);
  assert.match(html, /value="3" checked/);
  assert.match(html, /id="moved_day-error">Say which day it moved to\./);
  const other = await newCouple(server, 'logother');
  assert.equal((await api(server, 'GET', path('2027-03-18'), { token: other.one.token })).status, 404);
  assert.equal((await call(other.one, path('2027-03-18'), { state: 'happened' })).status, 404);
  assert.equal((await api(server, 'GET', `/time/rituals/${daily.id}`, { token: other.two.token })).status, 404);
  assert.equal((await call(other.two, `/time/rituals/${daily.id}/delete`)).status, 404);
});

test('the calendar feed is valid iCalendar at local time across the change; a new address revokes the old, leaving revokes it', async () => {
  setClock('2027-03-20T12:00:00Z');
  const { one, two, coupleId } = await coupleIn('Europe/Paris', 'feed');
  const { id } = await send(one, '/time/rituals', weekly('Sunday walk; slow, together', ['SU'], '2027-03-07'), 201);
  await send(two, `/time/rituals/${id}/occurrences/2027-03-14`, { state: 'skipped' });
  await send(two, `/time/rituals/${id}/occurrences/2027-04-04`, { state: 'moved', moved_day: '2027-04-03', moved_time: '10:30' });
  const { calendar_url: url } = await send(one, '/time/calendar/rotate');
  assert.match(url, /\/time\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  const token = url.match(/calendar\/(.+)\.ics$/)[1];
  assert.equal(sql(server, 'SELECT count(*) FROM time_feeds WHERE token_hash = ' + `'${token}'`), '0', 'only a hash is kept');
  const res = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url)); // no session
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/calendar/);
  const ics = await res.text();
  assert.ok(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded');
  const read = JSON.parse(execFileSync('/usr/bin/python3', [join(root, 'tests/http/ical_check.py'), '2027-03-20', '2027-04-12'], { input: ics }));
  assert.deepEqual(read.timezones, ['Europe/Paris']);
  const series = read.events.find((e) => e.rrule);
  assert.equal(series.summary, 'Sunday walk; slow, together');
  assert.equal(series.rrule, 'FREQ=WEEKLY;BYDAY=SU');
  assert.deepEqual(series.occurrences.map((o) => [o.day, o.local, o.utc_offset_minutes]),
    [['2027-03-21', '09:00', 60], ['2027-03-28', '09:00', 120], ['2027-04-04', '09:00', 120], ['2027-04-11', '09:00', 120]]);
  assert.deepEqual(series.exdates, ['2027-03-14']);
  const exception = read.events.find((e) => e.recurrence_id);
  assert.deepEqual([exception.uid, exception.recurrence_id, exception.start], [series.uid, '2027-04-04 09:00', '2027-04-03 10:30']);

  // a new address: the old one answers 404
  const { calendar_url: next } = await send(one, '/time/calendar/rotate');
  assert.equal((await fetch(url.replace(/^https?:\/\/[^/]+/, server.url))).status, 404);
  const nextLocal = next.replace(/^https?:\/\/[^/]+/, server.url);
  assert.equal((await fetch(nextLocal)).status, 200);
  for (const wrong of ['/time/calendar/nope.ics', `/time/calendar/${token}`, `/time/calendar/${'A'.repeat(43)}.ics`]) {
    assert.equal((await fetch(`${server.url}${wrong}`)).status, 404, wrong);
  }
  // leaving the couple: the address stops answering
  await send(two, '/couple/leave', { password: two.password });
  assert.equal((await fetch(nextLocal)).status, 404);
  assert.equal(sql(server, `SELECT count(*) FROM time_feeds WHERE couple_id = ${coupleId}`), '0');
});

test('time together now: one starts, the other sees it live and joins; minutes count for the week', async () => {
  setClock('2027-03-24T18:00:00Z');
  const { one, two } = await coupleIn('Europe/Paris', 'now');
  const stream = await listen(two);
  const t = Date.now();
  await send(one, '/time/together/start');
  await stream.until((e) => e.type === 'time.together', 2000);
  assert.ok(Date.now() - t < 2000);
  stream.close();
  const seen = (await json(two, '/time')).together;
  assert.deepEqual([seen.started_by, seen.with_you], [one.name, false]);
  await send(two, '/time/together/start');
  assert.equal((await json(two, '/time')).together.with_you, true);
  advance(45 * 60_000);
  await send(two, '/time/together/stop');
  const after = await json(one, '/time');
  assert.equal(after.together, null);
  assert.equal(after.week_minutes, 45);
  assert.equal(after.week_words, '45 minutes together this week.');
  assert.equal((await call(one, '/time/together/stop')).status, 409);
  const card = (await json(one, '/us')).practices.find((p) => p.name === 'time').card;
  assert.equal(card.week_minutes, 45);
});

test('date ideas: ours to start from, the couple\'s own, and a pick at random by kind', async () => {
  const { one, two } = await newCouple(server, 'ideas');
  const page = await json(one, '/time');
  const ours = page.idea_categories;
  assert.deepEqual(ours.map((c) => c.name), ['at-home', 'out', 'free', 'far-apart']);
  const all = ours.flatMap((c) => c.ideas);
  assert.ok(all.length >= 80);
  assert.equal(new Set(all.map((i) => i.toLowerCase())).size, all.length, 'no duplicates');
  assert.equal((await call(one, '/time/ideas', { idea: 'x'.repeat(201), category: 'out' })).status, 422);
  const b = new Browser(server);
  b.jar.set('hearth_session', one.token);
  const back = await b.form('/time/ideas', { idea: '', category: 'far-apart' });
  assert.equal(back.status, 422);
  assert.match(await back.text(), /name="category" value="far-apart" checked/, 'the kind is kept');
  const { id } = await send(one, '/time/ideas', { idea: 'Night swim at the lido', category: 'out' }, 201);
  assert.deepEqual((await json(two, '/time')).our_ideas.map((i) => i.text), ['Night swim at the lido']);
  const farApart = ours.find((c) => c.name === 'far-apart').ideas;
  for (let i = 0; i < 8; i++) {
    const { picked } = await send(two, '/time/ideas/pick', { category: 'far-apart' });
    assert.ok(farApart.includes(picked.text), picked.text);
  }
  const picks = new Set();
  for (let i = 0; i < 40; i++) picks.add((await send(one, '/time/ideas/pick')).picked.text);
  assert.ok(picks.size > 20, 'random, across everything');
  const other = await newCouple(server, 'ideasother');
  assert.equal((await call(other.one, `/time/ideas/${id}/delete`)).status, 404);
  await send(two, `/time/ideas/${id}/delete`);
  assert.deepEqual((await json(one, '/time')).our_ideas, []);
});

test('the card shows the next ritual; export holds what you made; deleting erases what was yours', async () => {
  setClock('2027-03-20T12:00:00Z');
  const { one, two } = await coupleIn('Europe/Paris', 'card');
  const { id } = await send(one, '/time/rituals', weekly('Sunday walk', ['SU'], '2027-03-01'), 201);
  const card = (await json(two, '/us')).practices.find((p) => p.name === 'time').card;
  assert.equal(card.next.title, 'Sunday walk');
  assert.equal(card.next.when, 'Sunday 21 March, 09:00');
  await send(one, `/time/rituals/${id}/occurrences/2027-03-14`, { state: 'happened', note: 'Windy' });
  await send(one, '/time/ideas', { idea: 'Picnic on the roof', category: 'at-home' }, 201);
  const data = await send(one, '/account/export', { password: one.password });
  assert.equal(data.time.rituals[0].title, 'Sunday walk');
  assert.equal(data.time.logged[0].note, 'Windy');
  assert.equal(data.time.ideas[0].text, 'Picnic on the roof');
  await send(one, '/account/delete', { password: one.password });
  assert.equal(sql(server, `SELECT count(*) FROM time_ideas WHERE user_id = ${one.id}`), '0');
  assert.equal(sql(server, `SELECT count(*) FROM time_occurrences WHERE note = 'Windy'`), '0');
});

test('the suggestions and ideas are ours: counts and no duplicates', () => {
  const lines = readFileSync(join(root, 'content/time/suggestions.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(lines.length >= 15);
  const titles = lines.map((l) => l.split(' | ')[0].toLowerCase());
  assert.equal(new Set(titles).size, titles.length);
  for (const must of [/coffee/, /date night/, /six-second kiss/, /sunday walk/, /state of us/, /video dinner/]) {
    assert.ok(titles.some((t) => must.test(t)), String(must));
  }
});
