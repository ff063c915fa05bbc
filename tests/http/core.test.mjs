// The core server: pages, JSON twins, errors, headers, static files, health,
// logging, start-up checks and shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import {
  startServer, client, run, root, securityHeaders, setCookieLines, newDatabase, sql, sqliteOnly,
} from './server.mjs';
import { unmaskCsrf } from './people.mjs';

let server;
let get;
before(async () => {
  server = await startServer();
  get = client(server);
});
after(async () => {
  const status = await server.stop();
  assert.equal(status.code, 0);
});

function assertSecurityHeaders(res, what) {
  for (const [name, pattern] of Object.entries(securityHeaders)) {
    assert.match(res.headers.get(name) || '', pattern, `${what}: ${name}`);
  }
}

test('the landing page says what Hearth is and links to sign up and log in', async () => {
  const res = await get('/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const html = await res.text();
  assert.match(html, /<title>Hearth/);
  assert.match(html, /href="\/signup"/);
  assert.match(html, /href="\/login"/);
  assert.match(html, /<link rel="stylesheet" href="\/static\/css\/hearth\.css\?v=[0-9a-f]{8}">/);
});

test('every page has a JSON twin under /api/v1 with the same model', async () => {
  const res = await get('/api/v1/');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  const model = await res.json();
  assert.match(model.title, /^Hearth/);
  const page = await (await get('/')).text();
  assert.ok(page.includes(`<title>${model.title}</title>`));
});

test('health answers ok after a real query', async () => {
  const res = await get('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('unknown paths answer 404 as a page, or as problem+json under /api', async () => {
  const page = await get('/no/such/page');
  assert.equal(page.status, 404);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(await page.text(), /Page not found/);
  const api = await get('/api/v1/no-such-thing');
  assert.equal(api.status, 404);
  assert.equal(api.headers.get('content-type'), 'application/problem+json');
  const problem = await api.json();
  assert.equal(problem.status, 404);
  assert.equal(problem.title, 'Page not found');
  const other = await get('/api/v2/anything');
  assert.equal(other.status, 404);
  assert.equal(other.headers.get('content-type'), 'application/problem+json');
});

test('a wrong method answers 405 with Allow', async () => {
  const res = await get('/healthz', { method: 'DELETE' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET, HEAD');
  const api = await get('/api/v1/', { method: 'PUT' });
  assert.equal(api.status, 405);
  assert.equal(api.headers.get('content-type'), 'application/problem+json');
});

test('HEAD answers like GET without a body', async () => {
  const res = await get('/', { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
});

test('security headers are on pages, JSON, errors, static files and 304s', async () => {
  const css = await get('/static/css/hearth.css');
  const etag = css.headers.get('etag');
  const responses = {
    page: await get('/'),
    json: await get('/api/v1/'),
    health: await get('/healthz'),
    notFound: await get('/missing'),
    apiNotFound: await get('/api/v1/missing'),
    methodNotAllowed: await get('/', { method: 'POST' }),
    static: css,
    notModified: await get('/static/css/hearth.css', { headers: { 'if-none-match': etag } }),
    staticMissing: await get('/static/nope.css'),
  };
  for (const [what, res] of Object.entries(responses)) assertSecurityHeaders(res, what);
});

test('static files have a content type, an ETag, caching and 304 on revalidation', async () => {
  const res = await get('/static/css/hearth.css');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.match(res.headers.get('cache-control'), /public, max-age=\d+/);
  const etag = res.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}(-br|-gz)?"$/, 'one ETag per content coding');
  const body = await res.text();
  // the build serves the stylesheet without its comments, indentation and blank lines
  const source = readFileSync(join(root, 'static/css/hearth.css'), 'utf8');
  assert.equal(body, source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^[ \t]+|[ \t]+$/gm, '')
    .replace(/\n+/g, '\n').replace(/^\n/, ''));
  const again = await get('/static/css/hearth.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(await again.text(), '');
  const changed = await get('/static/css/hearth.css', { headers: { 'if-none-match': '"0000"' } });
  assert.equal(changed.status, 200);
  const svg = await get('/static/icons/hearth.svg');
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.equal((await get('/static/../Makefile')).status, 404);
});

test('the access log has method, route pattern, status and duration, never a query', async () => {
  await get('/?secret=do-not-log-me');
  await get('/static/css/hearth.css?v=abc');
  await new Promise((r) => setTimeout(r, 50));
  const logs = server.logs();
  assert.match(logs, /info GET \/ 200 \d+\.\d{3}ms/);
  assert.match(logs, /info GET \/static\/\* 200 /);
  assert.match(logs, /info GET \(unmatched\) 404 /);
  assert.doesNotMatch(logs, /do-not-log-me/);
  assert.doesNotMatch(logs, /v=abc/);
});

test('1,000 concurrent requests are all answered', async () => {
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 48 });
  const http = await import('node:http');
  const one = (path) => new Promise((res, rej) => {
    http.get(server.url + path, { agent }, (r) => {
      let body = '';
      r.on('data', (d) => { body += d; });
      r.on('end', () => res({ status: r.statusCode, body }));
    }).on('error', rej);
  });
  const paths = ['/', '/healthz', '/api/v1/', '/static/css/hearth.css', '/missing'];
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => one(paths[i % paths.length])),
  );
  agent.destroy();
  const expected = [200, 200, 200, 200, 404];
  results.forEach((r, i) => assert.equal(r.status, expected[i % paths.length]));
  assert.equal((await get('/healthz')).status, 200);
});

test('a burst of connections past the per-address limit leaves the server answering', async () => {
  const port = Number(new URL(server.url).port);
  const sockets = await Promise.all(Array.from({ length: 200 }, () => new Promise((res) => {
    const s = net.connect(port, '127.0.0.1', () => res(s));
    s.on('error', () => res(s));
  })));
  for (const s of sockets) s.destroy();
  const res = await get('/healthz');
  assert.equal(res.status, 200);
});

test('health answers 503 when the database fails', async () => {
  const own = await startServer();
  try {
    const ok = await fetch(own.url + '/healthz');
    assert.equal(ok.status, 200);
    sql(own, 'DROP TABLE schema_migrations');
    const res = await fetch(own.url + '/healthz');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable' });
  } finally {
    assert.equal((await own.stop()).code, 0);
  }
});

test('--version and --help print and exit 0', () => {
  const v = run(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^hearth \S+/);
  const h = run(['--help']);
  assert.equal(h.status, 0);
  for (const flag of ['--listen', '--db', '--base-url', '--assets', 'HEARTH_LISTEN', 'HEARTH_DB',
    'HEARTH_BASE_URL', 'HEARTH_ASSETS']) assert.ok(h.stdout.includes(flag), flag);
  assert.equal(run(['frobnicate']).status, 2);
});

test('migrate applies migrations once and records them', () => {
  const fresh = newDatabase();
  try {
    const first = run(['migrate', '--db', fresh.db]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^[1-9]\d* migration\(s\) applied/);
    const second = run(['migrate'], { env: { ...process.env, HEARTH_DB: fresh.db } });
    assert.equal(second.status, 0);
    assert.match(second.stdout, /^0 migration\(s\) applied/);
    const count = sql({ db: fresh.db }, 'SELECT count(*) FROM schema_migrations');
    assert.ok(Number(count) >= 4);
    const status = run(['migrate', '--status', '--db', fresh.db]);
    assert.equal(status.status, 0);
    assert.match(status.stdout, /^core +001 settings +applied \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    assert.match(status.stdout, /^share +001 share +applied/m);
  } finally {
    fresh.remove();
  }
});

test('a SQLite database is made in WAL mode, its directory created', sqliteOnly, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-migrate-'));
  try {
    const db = join(dir, 'sub', 'h.db');
    assert.equal(run(['migrate', '--db', `sqlite:${db}`]).status, 0);
    assert.equal(sql({ db }, 'SELECT journal_mode FROM pragma_journal_mode'), 'wal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken template stops start-up with its file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-assets-'));
  try {
    for (const sub of ['templates', 'static', 'content', 'migrations']) {
      cpSync(join(root, sub), join(dir, sub), { recursive: true });
    }
    writeFileSync(join(dir, 'templates/landing.html'), '<h1>ok</h1>\n<p>{{#open}}never closed</p>\n');
    const r = run(['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'h.db'), '--assets', dir],
      { timeout: 10000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /templates\/landing\.html:2: section 'open' is never closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--assets serves templates and static files from disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-assets-'));
  for (const sub of ['templates', 'static', 'content', 'migrations']) {
    cpSync(join(root, sub), join(dir, sub), { recursive: true });
  }
  writeFileSync(join(dir, 'static/css/hearth.css'), 'body { color: teal }\n');
  writeFileSync(join(dir, 'templates/landing.html'), '<p>Edited on disk</p>\n');
  const own = await startServer({ env: { HEARTH_ASSETS: dir } });
  try {
    assert.match(await (await fetch(own.url + '/')).text(), /Edited on disk/);
    assert.equal(await (await fetch(own.url + '/static/css/hearth.css')).text(), 'body { color: teal }\n');
  } finally {
    await own.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM stops taking connections and exits 0 promptly', async () => {
  const own = await startServer();
  const t0 = Date.now();
  own.proc.kill('SIGTERM');
  const status = await own.exited;
  assert.equal(status.code, 0);
  assert.ok(Date.now() - t0 < 5000);
  await assert.rejects(fetch(own.url + '/healthz'));
  await own.stop();
});

// Form and JSON input, on the sign-up route.
async function csrfFor(path) {
  const res = await get(path);
  const cookie = setCookieLines(res).find((c) => c.startsWith('hearth_csrf='));
  const token = cookie.split(';')[0].split('=')[1];
  const html = await res.text();
  const field = html.match(/name="csrf" value="([^"]*)"/)[1];
  assert.equal(unmaskCsrf(field), token, 'the form carries the cookie\'s token, masked');
  return { cookie: `hearth_csrf=${token}`, token };
}

test('malformed JSON answers 400 with problem+json', async () => {
  const res = await get('/api/v1/signup', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": "Ana", ',
  });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.match((await res.json()).detail, /not valid JSON/);
  const list = await get('/api/v1/signup', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1, 2]',
  });
  assert.equal(list.status, 400);
});

test('a 2 MB body answers 413 and the server keeps answering', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
  const res = await get('/api/v1/signup', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: big,
  });
  assert.equal(res.status, 413);
  assertSecurityHeaders(res, '413');
  const form = await get('/signup', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=' + 'y'.repeat(2 * 1024 * 1024),
  });
  assert.equal(form.status, 413);
  assert.match(await form.text(), /Too large/);
  assert.equal((await get('/healthz')).status, 200);
});

test('other content types answer 415, multipart included', async () => {
  const plain = await get('/signup', {
    method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=a',
  });
  assert.equal(plain.status, 415);
  const fd = new FormData();
  fd.append('name', 'Ana');
  const multi = await get('/signup', { method: 'POST', body: fd });
  assert.equal(multi.status, 415);
  assert.match(await multi.text(), /Multipart/);
  const apiForm = await get('/api/v1/signup', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=a',
  });
  assert.equal(apiForm.status, 415);
  assert.equal(apiForm.headers.get('content-type'), 'application/problem+json');
});

test('invalid JSON fields answer 422 with an errors object per field', async () => {
  const res = await get('/api/v1/signup', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '', email: 'not-an-email', password: 'short', extra: 1 }),
  });
  assert.equal(res.status, 422);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  const problem = await res.json();
  assert.equal(problem.status, 422);
  assert.deepEqual(Object.keys(problem.errors).sort(), ['email', 'name', 'password']);
  assert.match(problem.errors.name, /required/);
  assert.match(problem.errors.password, /at least 12 characters/);
});

test('a form with errors comes back 422 with what was typed, never the password', async () => {
  const { cookie, token } = await csrfFor('/signup');
  const res = await get('/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrf: token, name: 'Ana <b>&"\'', email: 'ana@', password: 'secret-typed-here' }).toString(),
  });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.ok(html.includes('value="Ana &lt;b&gt;&amp;&quot;&#39;"'), 'name kept and escaped');
  assert.ok(html.includes('value="ana@"'), 'email kept');
  assert.doesNotMatch(html, /secret-typed-here/);
  assert.match(html, /class="field-error" id="email-error">Email must be an email address/);
  assert.match(html, /aria-invalid="true"/);
});

test('a form with invalid UTF-8 comes back 422 with the field marked and the rest kept', async () => {
  const { cookie, token } = await csrfFor('/signup');
  const body = Buffer.concat([
    Buffer.from(`csrf=${token}&email=bo%40example.org&name=Bo`),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('&password=sunflower-river-42'),
  ]);
  const res = await get('/signup', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body,
  });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /Name contains bytes that are not valid text/);
  assert.ok(html.includes('value="bo@example.org"'));
  assert.equal((await get('/healthz')).status, 200);
});

test('a request in flight finishes during shutdown, and the exit status is 0', async () => {
  const own = await startServer();
  const port = Number(new URL(own.url).port);
  const body = JSON.stringify({ name: 'Late', email: 'late@example.org', password: 'sunflower-river-42' });
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let answer = '';
  sock.on('data', (d) => { answer += d; });
  const closed = new Promise((r) => sock.on('close', r));
  sock.write(`POST /api/v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` + body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 200));
  own.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await assert.rejects(fetch(own.url + '/healthz'), 'no new connections while stopping');
  sock.write(body.slice(10));
  await closed;
  assert.match(answer, /^HTTP\/1\.1 201 /);
  const status = await own.exited;
  assert.equal(status.code, 0);
  await own.stop();
});
