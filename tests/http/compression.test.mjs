// Compression of answers: pages, JSON, feeds and static files go out with
// brotli or gzip when the client accepts them, never a stream or a small
// body; static files come from the variants made at build time, each with
// its own ETag; a cold landing page stays under 12 KB on the wire; and the
// CSRF token that compressed pages carry is masked afresh for each (BREACH).
//
// fetch would decompress on its own, so these requests go through node:http,
// which sends only the Accept-Encoding given and hands back the raw bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { onceOnly, startServer } from './server.mjs';
import {
  apiOk, Browser, csrfOf, newCouple, newPerson, signup, unmaskCsrf,
} from './people.mjs';

const COLD_PAGE_MAX = 12 * 1024;

let server;
let couple;
before(async () => {
  server = await startServer();
  couple = await newCouple(server, 'squeeze');
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

// GET path with exactly these headers: {status, headers, body (the bytes as sent)}.
function raw(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(server.url + path, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The body a response stands for, undoing its Content-Encoding.
function decoded(res) {
  const coding = res.headers['content-encoding'];
  if (coding === undefined) return res.body;
  if (coding === 'br') return brotliDecompressSync(res.body);
  if (coding === 'gzip') return gunzipSync(res.body);
  throw new Error(`unexpected Content-Encoding ${coding}`);
}

const varies = (res) => /(^|,)\s*accept-encoding\s*(,|$)/i.test(res.headers.vary || '');
const ae = (value) => ({ 'accept-encoding': value });
const session = (person) => ({ cookie: `hearth_session=${person.token}` });

// ---- pages and JSON ----

test('a page is sent with brotli to a client that takes br, and decodes to the page itself', async () => {
  const plain = await raw('/');
  assert.equal(plain.status, 200);
  assert.ok(plain.body.length >= 1024, 'the landing page is worth compressing');
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: the page as it is');
  assert.ok(varies(plain), 'Vary: Accept-Encoding on the uncompressed page too');

  const br = await raw('/', ae('br'));
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(varies(br));
  assert.equal(br.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(Number(br.headers['content-length']), br.body.length);
  assert.ok(br.body.length < plain.body.length / 2, `${br.body.length} of ${plain.body.length} bytes`);
  assert.equal(decoded(br).toString(), plain.body.toString());
  assert.match(br.headers['content-security-policy'], /default-src 'self'/, 'the usual headers stay');
});

test('a page is sent with gzip to a client that takes only gzip', async () => {
  const plain = await raw('/guides');
  const gz = await raw('/guides', ae('gzip'));
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(varies(gz));
  assert.ok(gz.body.length < plain.body.length);
  assert.equal(gunzipSync(gz.body).toString(), plain.body.toString());
});

test('brotli is preferred when both are allowed, unless the client ranks gzip higher', async () => {
  const cases = [
    ['gzip, deflate, br', 'br'],
    ['br, gzip', 'br'],
    ['gzip;q=1.0, br;q=1.0', 'br'],
    ['*', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['gzip;q=0.8, br;q=0.7', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
  ];
  for (const [header, expected] of cases) {
    const res = await raw('/', ae(header));
    assert.equal(res.headers['content-encoding'], expected, header);
    assert.equal(decoded(res).toString(), (await raw('/')).body.toString(), header);
  }
});

test('q=0 refuses a coding, and without a coding the client accepts the page goes as it is', async () => {
  const cases = [
    ['gzip;q=0', undefined],
    ['br;q=0, gzip;q=0', undefined],
    ['gzip; q=0.000, br;q=0', undefined],
    ['*;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['', undefined],
    ['br;q=0, *', 'gzip'],
    ['gzip;q=0, br', 'br'],
    ['identity;q=1, br;q=0.5', undefined],
  ];
  const plain = (await raw('/')).body.toString();
  for (const [header, expected] of cases) {
    const res = await raw('/', ae(header));
    assert.equal(res.status, 200, header);
    assert.equal(res.headers['content-encoding'], expected, JSON.stringify(header));
    assert.ok(varies(res), header);
    assert.equal(decoded(res).toString(), plain, header);
  }
});

test('a JSON answer of the API is compressed, and one under 1 KiB is not', async () => {
  const plain = await raw('/api/v1/guides');
  assert.equal(plain.headers['content-type'], 'application/json');
  assert.ok(plain.body.length >= 1024);
  const gz = await raw('/api/v1/guides', ae('gzip'));
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(varies(gz));
  assert.deepEqual(JSON.parse(gunzipSync(gz.body)), JSON.parse(plain.body));
  // a signed-in person's: the same model either way
  const us = await raw('/api/v1/us', { ...ae('br, gzip'), ...session(couple.one) });
  assert.equal(us.status, 200);
  assert.equal(us.headers['content-encoding'], 'br');
  assert.deepEqual(JSON.parse(decoded(us)), JSON.parse((await raw('/api/v1/us', session(couple.one))).body));

  const small = await raw('/healthz', ae('br, gzip'));
  assert.equal(small.status, 200);
  assert.ok(small.body.length < 1024, `${small.body.length} bytes`);
  assert.equal(small.headers['content-encoding'], undefined, 'a small body goes as it is');
  assert.ok(varies(small), 'its type is compressible, so it still varies');
  JSON.parse(small.body);
});

test('error pages and feeds are compressed too; a redirect carries no Vary', async () => {
  const missing = await raw('/no/such/page', ae('br'));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['content-encoding'], 'br');
  assert.match(decoded(missing).toString(), /There is nothing at this address/);
  const feed = await raw('/guides/feed.atom', ae('gzip'));
  assert.equal(feed.status, 200);
  assert.match(feed.headers['content-type'], /^application\/atom\+xml/);
  assert.equal(feed.headers['content-encoding'], 'gzip');
  assert.match(gunzipSync(feed.body).toString(), /^<\?xml/);
  const redirect = await raw('/us', ae('br'));
  assert.equal(redirect.status, 303);
  assert.equal(redirect.headers['content-encoding'], undefined);
  assert.equal(redirect.headers.vary, undefined);
});

test('HEAD answers with the headers of the compressed GET and no body', async () => {
  const get = await raw('/', ae('br'));
  const head = await raw('/', ae('br'), 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'br');
  assert.equal(head.headers['content-length'], get.headers['content-length']);
  assert.equal(head.body.length, 0);
});

test('the event stream is never compressed, whatever the client accepts', async () => {
  const res = await new Promise((resolve, reject) => {
    const req = http.get(`${server.url}/events`, { headers: { ...ae('br, gzip'), ...session(couple.one) } }, (r) => {
      r.once('data', (first) => { resolve({ r, first }); req.destroy(); });
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
  });
  assert.equal(res.r.statusCode, 200);
  assert.match(res.r.headers['content-type'], /^text\/event-stream/);
  assert.equal(res.r.headers['content-encoding'], undefined);
  assert.equal(res.r.headers.vary, undefined);
  assert.match(res.first.toString(), /^retry: \d+\n\n/, 'the stream\'s first bytes, as text');
});

// ---- static files ----

test('static files come from their build-time variants, each coding with its own ETag, and 304s still work', async () => {
  const path = '/static/css/hearth.css';
  const plain = await raw(path);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(varies(plain));
  const etag = plain.headers.etag;
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const etags = new Set([etag]);
  for (const [coding, suffix, undo] of [['br', '-br', brotliDecompressSync], ['gzip', '-gz', gunzipSync]]) {
    const res = await raw(path, ae(coding));
    assert.equal(res.status, 200, coding);
    assert.equal(res.headers['content-encoding'], coding);
    assert.ok(varies(res), coding);
    assert.equal(res.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(res.headers['cache-control'], /^public, max-age=\d+/);
    assert.equal(res.headers.etag, `${etag.slice(0, -1)}${suffix}"`, coding);
    etags.add(res.headers.etag);
    assert.ok(res.body.length < plain.body.length / 3, `${coding}: ${res.body.length} of ${plain.body.length}`);
    assert.equal(undo(res.body).toString(), plain.body.toString(), coding);
    // revalidation: the coding's own ETag answers 304, with Vary
    const again = await raw(path, { ...ae(coding), 'if-none-match': res.headers.etag });
    assert.equal(again.status, 304, coding);
    assert.equal(again.headers.etag, res.headers.etag);
    assert.ok(varies(again));
    assert.equal(again.body.length, 0);
  }
  assert.equal(etags.size, 3, 'three codings, three ETags');
  // another coding's ETag does not validate this one's bytes
  const other = await raw(path, { ...ae('gzip'), 'if-none-match': `${etag.slice(0, -1)}-br"` });
  assert.equal(other.status, 200);
  assert.equal(other.headers['content-encoding'], 'gzip');
  const identity = await raw(path, { 'if-none-match': `${etag.slice(0, -1)}-gz"` });
  assert.equal(identity.status, 200);
  assert.equal((await raw(path, { 'if-none-match': etag })).status, 304);
  // q=0 holds for static files too
  const refused = await raw(path, ae('br;q=0, gzip;q=0'));
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.equal(refused.headers.etag, etag);
});

test('the script and the SVG icon have variants; PNG images are sent as they are, without Vary', async () => {
  for (const path of ['/static/js/hearth.js', '/static/icons/hearth.svg']) {
    const plain = await raw(path);
    const res = await raw(path, ae('br, gzip'));
    assert.equal(res.headers['content-encoding'], 'br', path);
    assert.equal(decoded(res).toString(), plain.body.toString(), path);
  }
  const png = await raw('/static/icons/icon-192.png', ae('br, gzip'));
  assert.equal(png.status, 200);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(png.headers.vary, undefined);
  assert.match(png.headers.etag, /^"[0-9a-f]{16}"$/);
});

// ---- the budget ----

// What a first visit fetches with the landing page: its stylesheets, its
// scripts, its images, and one icon: the first it offers (the SVG, which
// browsers that draw SVG icons take; the PNG after it is for the others, and
// the apple-touch-icon and the manifest's icons are fetched only to add the
// site to a home screen).
test('a cold page is under 12 KB on the wire: the landing page and everything a first visit loads with it', async () => {
  const headers = ae('br, gzip');
  const page = await raw('/', headers);
  assert.equal(page.headers['content-encoding'], 'br');
  const html = decoded(page).toString();
  const refs = [
    ...[...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<img[^>]* src="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:')),
  ];
  const icon = html.match(/<link rel="icon" href="([^"]+)"/);
  assert.ok(icon, 'the page offers an icon');
  refs.push(icon[1]);
  assert.ok(refs.some((u) => u.includes('.css')) && refs.some((u) => u.includes('.js')), refs.join(' '));
  const sizes = { '/': page.body.length };
  for (const url of new Set(refs)) {
    const res = await raw(url, headers);
    assert.equal(res.status, 200, url);
    sizes[url] = res.body.length;
  }
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  assert.ok(total < COLD_PAGE_MAX, `${total} bytes: ${JSON.stringify(sizes)}`);
});

// ---- BREACH ----

// token masked the way the server does it (people.mjs unmaskCsrf undoes it).
function maskCsrf(token) {
  const mask = randomBytes(43);
  const masked = Buffer.from(token, 'latin1').map((b, i) => b ^ mask[i]);
  return Buffer.concat([mask, masked]).toString('base64url');
}

test('a compressed page never carries the same CSRF text twice; each masked field is accepted, a masked wrong token is not', onceOnly, async () => {
  const person = await signup(server, newPerson('breach'));
  const b = new Browser(server);
  await b.login(person);
  const pages = [];
  for (let i = 0; i < 3; i += 1) {
    const res = await b.fetch('/account', { headers: ae('br') });
    assert.equal(res.status, 200);
    pages.push(csrfOf(await res.text()));
  }
  assert.equal(new Set(pages).size, 3, 'a fresh mask for every page');
  const token = unmaskCsrf(pages[0]);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(pages.every((field) => unmaskCsrf(field) === token), 'all stand for the session\'s token');
  for (const field of pages) assert.ok(!field.includes(token));

  const fields = { name: person.name, email: person.email, time_zone: 'UTC' };
  for (const csrf of [pages[0], pages[2], maskCsrf(token)]) {
    assert.equal((await b.form('/account/settings', fields, { csrf })).status, 303);
  }
  const wrong = maskCsrf(randomBytes(32).toString('base64url'));
  const refused = await b.form('/account/settings', fields, { csrf: wrong });
  assert.equal(refused.status, 403);
  const cut = await b.form('/account/settings', fields, { csrf: pages[1].slice(0, -1) });
  assert.equal(cut.status, 403);
  const me = await apiOk(server, 'GET', '/account', { token: person.token });
  assert.equal(me.account.name, person.name);
});
