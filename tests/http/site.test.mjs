// What every page shares: the quick exit on every private page, the web app
// manifest and its icons, the feeds linked from the pages' heads, and which
// pages set a cookie for a visitor (only those with a form).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onceOnly, root, run, setCookieLines, startServer } from './server.mjs';
import { allRoutes, fill, query } from './routes.mjs';
import {
  Browser, apiOk, csrfOf, newCouple, newPerson, signup, unmaskCsrf,
} from './people.mjs';

const QUICK_EXIT = 'https://www.wikipedia.org/';
// the header's button: the site's address, replaced in the history by
// static/js/hearth.js, and a plain link without JavaScript
const headerExit = /<a class="quick-exit" href="https:\/\/www\.wikipedia\.org\/" data-quick-exit rel="noreferrer"><span class="quick-exit-long">Quick exit<\/span>/;

let server;
let couple; // {one, two}: a paired couple, one of them an operator
let alone; // signed up, not paired
before(async () => {
  server = await startServer();
  couple = await newCouple(server, 'site');
  const granted = run(['admin', 'grant', couple.one.email, '--db', server.db]);
  assert.equal(granted.status, 0, granted.stderr);
  alone = await signup(server, newPerson('alone'));
});
after(async () => {
  assert.equal((await server.stop()).code, 0);
});

const page = (path, token) => fetch(server.url + path, {
  redirect: 'manual', headers: token ? { cookie: `hearth_session=${token}` } : {},
});

// ---- quick exit ----

test('every page of a signed-in person has the quick-exit button in its header', async () => {
  // documents that are the same for everyone (feeds, the manifest) are no
  // one's page, and read no session: their errors show no one's header
  const gets = allRoutes().filter((r) => r.method === 'GET' && !r.stream && !r.sessionless);
  assert.ok(allRoutes().some((r) => r.sessionless), 'hearth routes says which routes read no session');
  const seen = [];
  for (const person of [couple.one, alone]) {
    for (const route of gets) {
      const path = fill(route.pattern, '1') + query(route, person);
      const res = await page(path, person.token);
      const html = await res.text();
      if (!/^text\/html/.test(res.headers.get('content-type') || '')) continue;
      seen.push(`${res.status} ${route.pattern}`);
      assert.match(html, headerExit, `${person === alone ? 'unpaired' : 'paired'}: GET ${path}`);
      assert.equal(html.match(/<header[\s\S]*<\/header>/)[0].match(/data-quick-exit/g).length, 1);
    }
  }
  // the walk reached the private pages, the public ones and an error page
  for (const what of ['200 /us', '200 /account', '200 /share', '200 /admin/comments', '404 /guides/{slug}', '200 /safety', '200 /']) {
    assert.ok(seen.includes(what), `walked ${what}`);
  }
  assert.ok(seen.includes('200 /pair'), 'the unpaired person\'s page too');
});

test('a visitor\'s pages have no quick-exit button in the header; the safety page has its own', async () => {
  for (const path of ['/', '/login', '/guides']) {
    const html = await (await page(path)).text();
    assert.doesNotMatch(html, /data-quick-exit/, path);
  }
  const safety = await (await page('/safety')).text();
  assert.doesNotMatch(safety, headerExit);
  assert.match(safety, /<a class="button button-danger" href="https:\/\/www\.wikipedia\.org\/" data-quick-exit rel="noreferrer">Quick exit<\/a>/);
});

test('the quick-exit address is written once, in the site globals, not in any template', onceOnly, () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(root, 'templates'));
  walk(join(root, 'static'));
  for (const f of files.filter((p) => /\.(html|xml|js|css)$/.test(p))) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /wikipedia/i, f);
  }
  const source = readFileSync(join(root, 'src/pages/pages.c'), 'utf8');
  assert.equal(source.split(QUICK_EXIT).length - 1, 1, 'one definition in src/pages/pages.c');
});

test('the safety page says what Back shows after a quick exit, with and without JavaScript', async () => {
  for (const token of [undefined, couple.two.token]) {
    const html = await (await page('/safety', token)).text();
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/&#39;/g, "'");
    assert.match(text, /pressing Esc twice does the same/);
    assert.match(text, /Back does not return to it/);
    assert.match(text, /may be another Hearth page/);
    assert.match(text, /If JavaScript is turned off in your browser, Quick exit is an ordinary link and Esc does nothing: Back returns to the Hearth page you left\./);
  }
});

// ---- installable ----

test('the web app manifest is served at the root as application/manifest+json, with name, start page, display, colours and icons', async () => {
  const res = await page('/manifest.webmanifest');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/manifest+json');
  assert.match(res.headers.get('cache-control'), /^public/);
  const m = await res.json();
  assert.equal(m.name, 'Hearth');
  assert.equal(m.short_name, 'Hearth');
  assert.equal(m.start_url, '/us');
  assert.equal(m.scope, '/');
  assert.equal(m.display, 'standalone');
  // the stylesheet's light background (--bg)
  const css = readFileSync(join(root, 'static/css/hearth.css'), 'utf8');
  const bg = css.match(/:root \{[^}]*--bg: (#[0-9a-f]{6});/)[1];
  assert.equal(m.background_color, bg);
  assert.equal(m.theme_color, bg);
  const sizes = Object.fromEntries(m.icons.filter((i) => i.type === 'image/png').map((i) => [`${i.sizes} ${i.purpose}`, i.src]));
  assert.ok(sizes['192x192 any'] && sizes['512x512 any'] && sizes['512x512 maskable'], JSON.stringify(m.icons));
  for (const icon of m.icons) {
    const r = await page(icon.src);
    assert.equal(r.status, 200, icon.src);
    assert.equal(r.headers.get('content-type'), icon.type, icon.src);
    const bytes = Buffer.from(await r.arrayBuffer());
    if (icon.type !== 'image/png') continue;
    // a real PNG of the declared size (IHDR: width and height at bytes 16 and 20)
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG', icon.src);
    const [w, h] = icon.sizes.split('x').map(Number);
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [w, h], icon.src);
  }
  assert.equal((await fetch(`${server.url}/api/v1/manifest.webmanifest`)).status, 404, 'no JSON twin');
});

test('every page links the manifest, the icons and an apple-touch-icon of 180 pixels', async () => {
  for (const [path, token] of [['/', undefined], ['/us', couple.one.token], ['/guides', undefined]]) {
    const html = await (await page(path, token)).text();
    assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest">/, path);
    assert.match(html, /<link rel="icon" href="\/static\/icons\/icon-192\.png" sizes="192x192" type="image\/png">/, path);
    assert.match(html, /<link rel="apple-touch-icon" href="\/static\/icons\/apple-touch-icon\.png">/, path);
    assert.match(html, /<meta name="theme-color" content="#fbf7f2" media="\(prefers-color-scheme: light\)">/, path);
  }
  const touch = Buffer.from(await (await page('/static/icons/apple-touch-icon.png')).arrayBuffer());
  assert.deepEqual([touch.readUInt32BE(16), touch.readUInt32BE(20)], [180, 180]);
});

// ---- feeds, discoverable ----

test('every page links the guides feed; a guide\'s page also links its comments feed', async () => {
  const guides = await apiOk(server, 'GET', '/guides');
  const slug = guides.guides[0].slug;
  for (const [path, token] of [['/', undefined], ['/us', couple.one.token], ['/login', undefined], ['/no/such/page', undefined], [`/guides/${slug}`, undefined]]) {
    const html = await (await page(path, token)).text();
    const alternates = [...html.matchAll(/<link rel="alternate" type="application\/atom\+xml" href="([^"]+)" title="([^"]+)">/g)];
    const hrefs = alternates.map((m) => m[1]);
    assert.ok(hrefs.includes('/guides/feed.atom'), path);
    if (path.startsWith('/guides/')) {
      assert.deepEqual(hrefs, ['/guides/feed.atom', `/guides/${slug}/comments.atom`]);
      assert.match(alternates[1][2], /^Comments on “/);
      assert.equal((await page(hrefs[1])).status, 200);
    } else {
      assert.deepEqual(hrefs, ['/guides/feed.atom'], path);
    }
  }
});

// ---- cookies ----

test('a visitor gets no cookie from public pages without a form, the feeds, the manifest, health or static files', async () => {
  const { slug } = (await apiOk(server, 'GET', '/guides')).guides[0];
  const paths = ['/', '/guides', '/safety', '/guides/feed.atom', `/guides/${slug}/comments.atom`,
    '/manifest.webmanifest', '/healthz', '/static/css/hearth.css', '/no/such/page', '/us'];
  for (const path of paths) {
    const res = await page(path);
    await res.arrayBuffer();
    assert.deepEqual(setCookieLines(res), [], path);
  }
});

test('a page with a form gives a visitor the csrf cookie its form carries', async () => {
  const { slug } = (await apiOk(server, 'GET', '/guides')).guides[0];
  for (const path of ['/login', '/signup', `/guides/${slug}`]) {
    const b = new Browser(server);
    const res = await b.get(path);
    const html = await res.text();
    const lines = setCookieLines(res);
    assert.equal(lines.length, 1, path);
    assert.match(lines[0], /^hearth_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/, path);
    assert.equal(unmaskCsrf(csrfOf(html)), b.jar.get('hearth_csrf'), path);
    // the next page keeps it
    const again = await b.get(path);
    await again.text();
    assert.deepEqual(setCookieLines(again), [], `${path} again`);
  }
});

test('the feeds and the manifest read no session: a stale or a valid session cookie changes nothing and nothing is set', async () => {
  const { slug } = (await apiOk(server, 'GET', '/guides')).guides[0];
  const stale = 'A'.repeat(43);
  for (const path of ['/guides/feed.atom', `/guides/${slug}/comments.atom`, '/manifest.webmanifest']) {
    const anonymous = await page(path);
    const body = await anonymous.text();
    for (const token of [stale, couple.one.token]) {
      const res = await page(path, token);
      assert.equal(res.status, 200, path);
      assert.deepEqual(setCookieLines(res), [], `${path} with a session cookie`);
      assert.equal(await res.text(), body, `${path} is the same for everyone`);
      assert.match(res.headers.get('cache-control'), /^public/, path);
    }
  }
  // a stale cookie on a page is still cleared
  const res = await page('/', stale);
  assert.ok(setCookieLines(res).some((l) => /^hearth_session=; .*Max-Age=0/.test(l)));
});
