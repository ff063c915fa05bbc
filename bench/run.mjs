// make bench: the release build under wrk on loopback. Prints requests per
// second and latency per path, the server-side time per request from the
// access log, and the server's memory. Nothing here asserts a number.
// BENCH_DB=postgres runs the same on a PostgreSQL started as the tests start
// theirs (scripts/pg.sh: loopback, fsync off).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStream } from '../tests/http/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS || 5);
const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
const hearth = resolve(root, 'build/hearth');
let db = join(dir, 'bench.db');
const postgres = process.env.BENCH_DB === 'postgres';
if (postgres) {
  chmodSync(dir, 0o755);
  const started = spawnSync(resolve(root, 'scripts/pg.sh'), ['start', join(dir, 'pg')], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`PostgreSQL did not start: ${started.stderr}`);
  const base = started.stdout.trim();
  spawnSync(hearth, ['sql', 'CREATE DATABASE bench', '--db', `${base}/postgres`]);
  db = `${base}/bench`;
}
// loopback is a trusted proxy here, as a reverse proxy would be: the
// thousand event streams below all come from it
const server = spawn(hearth,
  ['serve', '--listen', '127.0.0.1:0', '--db', db, '--signup-limit', '1000', '--trusted-proxy', '127.0.0.1'],
  { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
server.stderr.on('data', (d) => { log += d; });
const url = await new Promise((res, rej) => {
  server.stdout.on('data', (d) => {
    const m = String(d).match(/running at (http:\/\/\S+?)\/? /);
    if (m) res(m[1]);
  });
  server.on('exit', () => rej(new Error(log)));
});

const rss = () => {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
};

// A signed-in couple, so private pages are measured too.
async function signUp(name) {
  const res = await fetch(`${url}/api/v1/signup`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email: `${name}@bench.example`, password: 'sunflower-river-42' }),
  });
  return (await res.json()).token;
}
const a = await signUp('ana');
const b = await signUp('bo');
const invite = await (await fetch(`${url}/api/v1/pair/invite`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${a}` },
  body: '{}',
})).json();
await fetch(`${url}/api/v1/pair/join`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${b}` },
  body: JSON.stringify({ code: invite.code }),
});

// Trust with something on it: a promise each, and one partner's weekly notes.
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
for (const [token, text] of [[a, 'I will book the table'], [b, 'I will fix the bike']]) {
  await fetch(`${url}/api/v1/trust/promises`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text, due: tomorrow }),
  });
}
await fetch(`${url}/api/v1/trust/state-of-us`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${b}` },
  body: JSON.stringify({
    appreciation_1: 'the soup', appreciation_2: 'the walk', appreciation_3: 'the call',
    went_well: 'Sunday', feel: 'tired', about: 'mornings', need: 'sleep', loved: 'a slow breakfast',
  }),
});

// Listen: a conversation in writing with a piece and its reflection.
const say = async (token, path, body) => (await fetch(`${url}/api/v1${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
})).json();
const talk = await say(a, '/listen/sessions', { topic: 'How the week went', mode: 'writing' });
await say(a, `/listen/sessions/${talk.id}/pieces`, { text: 'Tuesday was long and I came home with nothing left.' });
await say(b, `/listen/sessions/${talk.id}/reflections`, { text: 'What I hear is that Tuesday emptied you.', feelings: ['low'] });

// Time together: two rituals and a calendar address.
const ritual = (title, repeat, days) => say(a, '/time/rituals', {
  title, repeat, days, start: new Date().toISOString().slice(0, 10), time: '19:30', minutes: 45,
});
await ritual('Sunday walk', 'weekly', ['SU']);
await ritual('Coffee', 'daily', []);
const feed = (await say(a, '/time/calendar/rotate', {})).calendar_url.replace(/^https?:\/\/[^/]+/, '');

// Dreams: a shared dream, a goal, and both rankings of values (compared).
await say(a, '/dreams', { title: 'A small boat on the lake', shared: true });
await say(a, '/dreams/goals', { goal_title: 'A year abroad', why: 'Light and a new language' });
const { values } = await (await fetch(`${url}/api/v1/dreams/values`, { headers: { authorization: `Bearer ${a}` } })).json();
const top = (from) => Object.fromEntries(values.slice(from, from + 10).map((v, i) => [`rank_${i + 1}`, v.name]));
await say(a, '/dreams/values', top(0));
await say(b, '/dreams/values', top(5));

const targets = [
  { path: '/', name: 'landing page' },
  { path: '/healthz', name: 'health (one query)' },
  { path: '/static/css/hearth.css', name: 'stylesheet' },
  { path: '/api/v1/', name: 'landing JSON' },
  { path: '/us', name: 'Us page (signed in)', auth: a },
  { path: '/share', name: 'Share page (signed in)', auth: a },
  { path: '/signals', name: 'Signals page (signed in)', auth: a },
  { path: '/listen', name: 'Listen page (signed in)', auth: a },
  { path: `/listen/sessions/${talk.id}`, name: 'a Listen conversation (signed in)', auth: a },
  { path: '/time', name: 'Time together page (signed in)', auth: a },
  { path: feed, name: 'calendar feed (iCalendar)' },
  { path: '/dreams', name: 'Dreams page (signed in)', auth: a },
  { path: '/dreams/values', name: 'values compared (signed in)', auth: a },
  { path: '/trust', name: 'Trust page (signed in)', auth: a },
  { path: '/trust/state-of-us', name: 'State of Us (signed in)', auth: a },
  { path: '/guides', name: 'guides index' },
  { path: '/guides/welcome-to-hearth', name: 'a guide with its form' },
  { path: '/guides/feed.atom', name: 'guides feed' },
  { path: '/api/v1/account/sessions', name: 'sessions JSON (signed in)', auth: a },
];

console.log(`wrk, ${seconds}s per path, 2 threads, 32 connections, loopback, on ${postgres ? 'PostgreSQL' : 'SQLite'}\n`);
const rssStart = rss();
for (const t of targets) {
  const before = log.length;
  const args = ['-t2', '-c32', `-d${seconds}s`, '--latency'];
  if (t.auth) args.push('-H', `Authorization: Bearer ${t.auth}`);
  // wrk runs asynchronously: the server's log pipe must keep draining.
  const r = await new Promise((res) => {
    const p = spawn('wrk', [...args, url + t.path]);
    let stdout = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.on('exit', () => res({ stdout }));
  });
  const rps = r.stdout.match(/Requests\/sec:\s+([\d.]+)/)?.[1];
  const p50 = r.stdout.match(/^\s+50%\s+(\S+)/m)?.[1];
  const p99 = r.stdout.match(/^\s+99%\s+(\S+)/m)?.[1];
  const times = [...log.slice(before).matchAll(/ (\d{3}) (\d+\.\d+)ms/g)];
  const statuses = new Set(times.map((m) => m[1]));
  const server_ms = times.map((m) => Number(m[2])).sort((x, y) => x - y);
  const median = server_ms[Math.floor(server_ms.length / 2)] ?? NaN;
  console.log(`${t.name.padEnd(28)} ${String(rps).padStart(10)} req/s   p50 ${p50}  p99 ${p99}` +
    `   server median ${median.toFixed(3)} ms   status ${[...statuses].join(',')}`);
}
// Password hashing runs on workers: other pages keep answering during a
// burst of sign-ups.
const burst = Array.from({ length: 40 }, (_, i) => fetch(`${url}/api/v1/signup`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'b', email: `burst${i}@bench.example`, password: 'sunflower-river-42' }),
}));
await new Promise((r) => setTimeout(r, 50));
const during = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  await fetch(`${url}/healthz`);
  during.push(performance.now() - t0);
}
await Promise.all(burst);
during.sort((x, y) => x - y);
console.log(`\n/healthz during 40 simultaneous sign-ups: median ${during[5].toFixed(1)} ms, ` +
  `worst ${during[9].toFixed(1)} ms (client side, loopback)`);
console.log(`\nserver memory: ${rssStart.toFixed(1)} MiB before, ${rss().toFixed(1)} MiB after`);

// ---- live events: 1,000 open streams, and the time from an action to its
// event on the partner's stream ----
const STREAMS = Number(process.env.BENCH_STREAMS || 1000);
const post = (path, token, body) => fetch(`${url}/api/v1${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
});
const login = async (email) => (await (await fetch(`${url}/api/v1/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email, password: 'sunflower-river-42' }),
})).json()).token;
// two streams a session (the most one holds), five sessions a person
const people = Math.ceil(STREAMS / 10);
const sessions = [];
for (let i = 0; i < people; i++) {
  const email = `live${i}@bench.example`;
  await signUp(`live${i}`).then((t) => sessions.push(t));
  for (let k = 1; k < 5; k++) sessions.push(await login(email));
}
const rssIdle = rss();
const streams = [];
for (let i = 0; streams.length < STREAMS; i++) {
  streams.push(await openStream(`${url}/events`, { authorization: `Bearer ${sessions[i % sessions.length]}` }));
}
await new Promise((r) => setTimeout(r, 500));
const open = streams.filter((s) => s.res.status === 200 && !s.closed).length;
const rssStreams = rss();
// the measured couple: Ana acts, Bo's stream (one of the thousand) hears it
const bo = await openStream(`${url}/events`, { authorization: `Bearer ${b}` });
await fetch(`${url}/api/v1/share`, { headers: { authorization: `Bearer ${a}` } });
await post('/share/answer', a, { text: 'Bench answer one.' });
await post('/share/answer', b, { text: 'Bench answer two.' });
const day = (await (await fetch(`${url}/api/v1/share`, { headers: { authorization: `Bearer ${a}` } })).json()).day;
const reactions = ['thanks', 'me-too', 'tell-me-more', 'love'];
const lag = [];
for (let i = 0; i < 200; i++) {
  const seen = bo.events.length;
  const t0 = performance.now();
  await post(`/share/${day}/react`, a, { reaction: reactions[i % 4] });
  await bo.until((e, k) => k >= seen && e.type === 'share.talked', 2000);
  lag.push(performance.now() - t0);
}
lag.sort((x, y) => x - y);
// a gesture to the partner: 30 an hour each, so 30 from each side
const an = await openStream(`${url}/events`, { authorization: `Bearer ${a}` });
const gestureLag = [];
for (let i = 0; i < 60; i++) {
  const [from, to] = i % 2 ? [b, an] : [a, bo];
  const seen = to.events.length;
  const t0 = performance.now();
  const res = await post('/signals/gestures', from, { kind: 'hug' });
  if (res.status !== 201) throw new Error(`gesture answered ${res.status}`);
  await to.until((e, k) => k >= seen && e.type === 'signals.gesture', 2000);
  gestureLag.push(performance.now() - t0);
}
gestureLag.sort((x, y) => x - y);
an.close();
console.log(`\nlive events: ${open} of ${STREAMS} streams open from ${sessions.length} sessions; ` +
  `server memory ${rssIdle.toFixed(1)} MiB without them, ${rssStreams.toFixed(1)} MiB with them ` +
  `(${((rssStreams - rssIdle) * 1024 / Math.max(open, 1)).toFixed(1)} KiB a stream)`);
console.log(`action to event on the partner's stream (a reaction, 200 times): p50 ` +
  `${lag[100].toFixed(1)} ms, p99 ${lag[197].toFixed(1)} ms (client side, loopback)`);
console.log(`a gesture to the partner's stream (60 gestures): p50 ${gestureLag[30].toFixed(1)} ms, ` +
  `p99 ${gestureLag[59].toFixed(1)} ms`);
for (const s of [...streams, bo]) s.close();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
if (postgres) spawnSync(resolve(root, 'scripts/pg.sh'), ['stop', join(dir, 'pg')]);
rmSync(dir, { recursive: true, force: true });
