// Kept pages (src/http/pagecache.h): a Share page is kept as rendered for
// its session and served again until the couple writes or its date
// changes. These tests read every page twice, so the second read is the
// kept one, and check that it follows each write at once (on every server
// sharing a PostgreSQL database within moments), the date, and never
// crosses from one session to another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { engine, startServer, testClock } from './server.mjs';
import { apiOk, csrfOf, newPerson, signupBrowser } from './people.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let server;
let clock;

before(async () => {
  clock = testClock('pagecache');
  server = await startServer({ env: { HEARTH_CLOCK_FILE: clock.file } });
});

after(async () => {
  assert.equal((await server.stop()).code, 0);
  clock.remove();
});

// Two people paired through the forms: {ana, bo}, each {person, browser}.
async function couple(srv = server) {
  const ana = await signupBrowser(srv, newPerson('kept-ana'));
  const bo = await signupBrowser(srv, newPerson('kept-bo'));
  const invite = await apiOk(srv, 'POST', '/pair/invite', { token: ana.person.token }, 201);
  await apiOk(srv, 'POST', '/pair/join', { token: bo.person.token, body: { code: invite.code } });
  return { ana, bo };
}

// The page at path for a browser, read until it is kept: the first read
// may write (the day's question is drawn when first seen), so the second
// is rendered and kept, and the third must be that very page (form tokens
// are masked afresh for every rendering, so a new rendering would differ).
async function twice(browser, path = '/share') {
  await (await browser.get(path)).text();
  const second = await (await browser.get(path)).text();
  const third = await (await browser.get(path)).text();
  assert.equal(third, second, `${path} read again is the kept page`);
  return third;
}

test('a kept Share page follows every write of either partner at once', async () => {
  const { ana, bo } = await couple();
  const say = (who, path, body, status = 200) => apiOk(server, 'POST', path, { token: who.person.token, body }, status);
  assert.match(await twice(ana.browser), /Neither of you has answered yet/);
  await say(bo, '/share/answer', { text: 'Bo wrote this about the rain.' });
  const afterBo = await twice(ana.browser);
  assert.match(afterBo, /has answered\. Answer too/);
  assert.doesNotMatch(afterBo, /Bo wrote this about the rain/, 'not before Ana answers');
  await say(ana, '/share/answer', { text: 'Ana wrote this about the sun.' });
  const both = await twice(ana.browser);
  assert.match(both, /Bo wrote this about the rain/);
  assert.match(both, /Ana wrote this about the sun/);
  const { day } = await apiOk(server, 'GET', '/share', { token: ana.person.token });
  await say(bo, `/share/${day}/comments`, { text: 'A comment kept pages must show.' }, 201);
  assert.match(await twice(ana.browser), /A comment kept pages must show/);
  assert.match(await twice(ana.browser, `/share/${day}`), /A comment kept pages must show/);
  await say(bo, '/account/settings', { name: 'Bodhi', email: bo.person.email, time_zone: 'UTC' });
  assert.match(await twice(ana.browser), /Bodhi/, "the partner's new name");
});

test('a kept page belongs to its session: each carries its own form token', async () => {
  const { ana, bo } = await couple();
  const again = await signupBrowser(server, newPerson('kept-other')); // someone else entirely
  const second = new (ana.browser.constructor)(server);
  await second.login(ana.person);
  const pages = [await twice(ana.browser), await twice(second), await twice(bo.browser), await twice(again.browser, '/us')];
  const tokens = pages.map(csrfOf);
  assert.equal(new Set(tokens).size, 4, 'four sessions, four tokens');
  for (const [i, html] of pages.entries()) {
    for (const [k, token] of tokens.entries()) {
      if (k !== i) assert.ok(!html.includes(token), `page ${i} holds session ${k}'s token`);
    }
  }
});

// GET path with the browser's cookies and an Accept-Encoding: {encoding, body}
function raw(browser, path, encoding) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${path}`, { headers: { cookie: browser.jar.header(), 'accept-encoding': encoding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], vary: res.headers.vary, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

test('a kept page goes out compressed as each client accepts, the same page every time', async () => {
  const { ana } = await couple();
  const page = await twice(ana.browser);
  for (const [accept, name, decode] of [['br', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync]]) {
    for (let i = 0; i < 2; i++) { // compressed once, then kept compressed
      const res = await raw(ana.browser, '/share', accept);
      assert.equal(res.encoding, name);
      assert.equal(res.vary, 'Accept-Encoding');
      assert.equal(decode(res.body).toString(), page);
    }
  }
  const plain = await raw(ana.browser, '/share', 'identity');
  assert.equal(plain.encoding, undefined);
  assert.equal(plain.body.toString(), page);
});

test("a kept page turns with the couple's date", async () => {
  const { ana } = await couple();
  const key = (html) => html.match(/name="question_key" value="([^"]+)"/)[1];
  const today = await twice(ana.browser);
  const { day } = await apiOk(server, 'GET', '/share', { token: ana.person.token });
  clock.advance(24 * 3600 * 1000);
  await sleep(50);
  const next = await apiOk(server, 'GET', '/share', { token: ana.person.token });
  assert.notEqual(next.day, day);
  const tomorrow = await twice(ana.browser);
  assert.equal(key(tomorrow), next.question.id, "the new day's question");
  assert.notEqual(key(tomorrow), key(today));
});

test('on PostgreSQL a write on one server reaches the pages another server keeps',
  { skip: engine !== 'postgres' && 'servers share a database on PostgreSQL' }, async () => {
    const other = await startServer({ db: server.db, env: { HEARTH_CLOCK_FILE: clock.file } });
    try {
      const { ana, bo } = await couple();
      const there = new (ana.browser.constructor)(other);
      await there.login(ana.person);
      await twice(there);
      await apiOk(server, 'POST', '/share/answer', { token: bo.person.token, body: { text: 'Written on the first server.' } });
      await apiOk(server, 'POST', '/share/answer', { token: ana.person.token, body: { text: 'Ana too.' } });
      const deadline = Date.now() + 3000;
      let html;
      while (!/Written on the first server/.test(html = await (await there.get('/share')).text()) && Date.now() < deadline) await sleep(50);
      assert.match(html, /Written on the first server/);
    } finally {
      assert.equal((await other.stop()).code, 0);
    }
  });
