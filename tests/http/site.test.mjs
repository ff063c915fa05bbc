// What every page shares: the quick exit on every private page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onceOnly, root, run, startServer } from './server.mjs';
import { allRoutes, fill, query } from './routes.mjs';
import { newCouple, newPerson, signup } from './people.mjs';

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
  const gets = allRoutes().filter((r) => r.method === 'GET' && !r.stream);
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
