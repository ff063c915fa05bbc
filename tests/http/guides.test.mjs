// Guides and their public comments: the index, articles and feeds; the comment
// form and its rules (held, spam, flood, blocked words, limits); privacy of
// emails and addresses; threading, pagination and plain-text display; the
// operator's moderation and writing pages; seeding on restart.
//
// Comments are limited to one per network address (/24) every 15 seconds. So
// that the suite does not wait for that, most posts come from their own
// loopback address (127.X.Y.1: every 127/8 address reaches the server on
// Linux), and only the flood tests use 127.0.0.1; the last test moves the
// server's test clock (HEARTH_CLOCK_FILE) past the 15 seconds. Forms must be
// older than 3 seconds: the suite fetches each article's form time up front,
// waits once (for real), and reuses them (a time is signed for its article,
// not bound to a browser). A commenter is published at once only from the
// browser that had a comment approved before under the same name and email:
// the "known" commenter always writes from one Reader (knownReader).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  engine, newDatabase, startServer, run, root, setCookieLines,
} from './server.mjs';
import {
  Browser, api, apiOk, fieldError, freePort, inputValue, newCouple, newPerson, signup,
  signupBrowser, sql, unique,
} from './people.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- requests from a chosen loopback address ----

// Like fetch (answers a Response, never follows redirects), but the
// connection comes from the local address from.
function send(url, { method = 'GET', headers = {}, body, from = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const h = { ...headers };
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h,
      localAddress: from, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const hs = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) hs.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const empty = [204, 304].includes(res.statusCode);
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status: res.statusCode, headers: hs }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let addressCount = 0;
// A loopback address in a /24 of its own, never 127.0.0.x.
function nextAddress() {
  addressCount += 1;
  return `127.${1 + (addressCount >> 8)}.${addressCount & 255}.1`;
}
const usedAddresses = [];

// A browser (cookies, CSRF, form headers) whose requests come from this.from.
class Reader extends Browser {
  constructor(server, from = '127.0.0.1') {
    super(server);
    this.from = from;
  }

  async fetch(path, init = {}) {
    const headers = Object.fromEntries(Object.entries({
      'user-agent': this.userAgent, ...(init.headers || {}),
    }).filter(([, v]) => v !== undefined));
    const cookie = this.jar.header();
    if (cookie && !('cookie' in headers)) headers.cookie = cookie;
    const res = await send(this.server.url + path,
      { method: init.method, headers, body: init.body, from: this.from });
    this.jar.store(res);
    return res;
  }
}

// ---- the server, an operator, and a commenter whose comments are published ----

let server;
// A second server for the tests where a writer looks at their own held
// comment, so that whatever happens there cannot take the other tests down.
let writerServer;
let writerT; // an old form time of writerServer
let siteServer; // the same for replies written as the site
let siteT;
let siteOp;
let op; // { person, browser } of an operator
let oldT; // a form time older than 3 seconds by the time tests run
let oldApiT; // the same from the JSON twin
let slugs; // practice -> slug of the seeded guide
let titles; // slug -> title
let known; // a name and email with an approved comment from knownReader
let knownReader; // the browser that wrote it: its later comments are published at once
const formTimes = new Map(); // `${server url} ${slug}` -> a form time older than 3 seconds

// The old form time of slug's article on srv (fetched in before()).
function formTime(slug, srv = server) {
  return formTimes.get(`${srv.url} ${slug}`);
}
let firstFlood; // the first post from 127.0.0.1: {id, lastAt, earlyLastAt}
let earlyAddress; // an address used before the tests, for the flood-row clean-up check
let clockDir;
let clockFile;
let clockOffset = 0;
let clockStamp = 1_700_000_000;

// Moves the main server's wall clock forward so that it reads ms now.
function setServerTime(ms) {
  const offset = ms - Date.now();
  assert.ok(offset >= clockOffset, 'the test clock only moves forward');
  clockOffset = offset;
  writeFileSync(clockFile, `${offset}\n`);
  clockStamp += 1; // a new mtime every time, so the server reads the file again
  utimesSync(clockFile, clockStamp, clockStamp);
}

const guidesDir = join(root, 'content/guides');

before(async () => {
  clockDir = mkdtempSync(join(tmpdir(), 'hearth-clock-'));
  clockFile = join(clockDir, 'offset');
  writeFileSync(clockFile, '0\n');
  [server, writerServer, siteServer] = await Promise.all([
    startServer({ env: { HEARTH_CLOCK_FILE: clockFile } }), startServer(), startServer()]);
  op = await signupBrowser(server, newPerson('op'));
  grant(op.person.email);
  siteOp = await signupBrowser(siteServer, newPerson('siteop'));
  grant(siteOp.person.email, 'grant', siteServer.db);
  const index = await apiOk(server, 'GET', '/guides');
  slugs = Object.fromEntries(index.guides.map((g) => [g.practice, g.slug]));
  titles = Object.fromEntries(index.guides.map((g) => [g.slug, g.title]));
  const page = await (await fetch(`${server.url}/guides/${slugs.introduction}`)).text();
  oldT = inputValue(page, 't');
  oldApiT = (await apiOk(server, 'GET', `/guides/${slugs.introduction}`)).form_time;
  writerT = (await apiOk(writerServer, 'GET', `/guides/${slugs.introduction}`)).form_time;
  siteT = (await apiOk(siteServer, 'GET', `/guides/${slugs.introduction}`)).form_time;
  await Promise.all([server, writerServer, siteServer].flatMap((srv) => Object.values(slugs).map(
    async (slug) => formTimes.set(`${srv.url} ${slug}`, (await apiOk(srv, 'GET', `/guides/${slug}`)).form_time))));
  formTimes.set(`${server.url} ${slugs.introduction}`, oldT);
  await sleep(3200);

  // The first comment of the "known" commenter, from 127.0.0.1 (the flood
  // tests go on from here), approved by the operator.
  known = { name: 'Known Reader', email: `${unique('known')}@example.org` };
  knownReader = new Reader(server, '127.0.0.1');
  const res = await postComment(knownReader, slugs.introduction,
    { ...known, comment: 'My first comment here.' }, { from: '127.0.0.1' });
  firstFlood = posted(res);
  firstFlood.lastAt = Number(sql(server, "SELECT last_at FROM comment_floods WHERE address = '127.0.0.0/24'"));
  assert.equal(firstFlood.status, 'pending');
  await opApi('POST', `/admin/comments/${firstFlood.id}/approve`);

  earlyAddress = nextAddress();
  const early = await postComment(knownReader, slugs.introduction,
    { ...known, comment: 'An early second comment.' }, { from: earlyAddress });
  assert.equal(posted(early).status, 'approved');
  firstFlood.earlyLastAt = Number(sql(server,
    `SELECT last_at FROM comment_floods WHERE address = '${earlyAddress.replace(/\.1$/, '.0/24')}'`));
});

after(async () => {
  // every server is stopped; the first failure is reported
  const results = await Promise.allSettled([server, writerServer, siteServer].map((s) => s.stop()));
  rmSync(clockDir, { recursive: true, force: true });
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    assert.equal(r.value.code, 0);
  }
});

function grant(email, verb = 'grant', db = server.db) {
  const r = run(['admin', verb, email, '--db', db]);
  assert.equal(r.status, 0, r.stderr);
}

function opApi(method, path, body, expected = 200) {
  return apiOk(server, method, path, { token: op.person.token, body }, expected);
}

// Posts the comment form from a Reader (fetching the page first for the CSRF
// cookie). t defaults to the old form time; null leaves it out.
async function postComment(reader, slug, fields, { t = formTime(slug, reader.server) ?? oldT, from, csrf, headers } = {}) {
  if (!reader.jar.get('hearth_csrf')) {
    const page = await reader.get(`/guides/${slug}`);
    await page.text();
  }
  reader.from = from ?? nextAddress();
  usedAddresses.push(reader.from);
  const body = Object.fromEntries(Object.entries({ t, website: '', ...fields })
    .filter(([, v]) => v !== undefined && v !== null));
  return reader.form(`/guides/${slug}/comments`, body,
    { csrf: csrf === undefined ? reader.jar.get('hearth_csrf') : csrf, headers });
}

// Posts the JSON twin from address from, with a browser's cookies if given.
function postCommentApi(slug, body, from = nextAddress(), cookie = undefined) {
  usedAddresses.push(from);
  const headers = { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) };
  return send(`${server.url}/api/v1/guides/${slug}/comments`, {
    method: 'POST', headers, body: JSON.stringify(body), from,
  });
}

// The outcome of a form post that was accepted: {status, id, location}.
function posted(res) {
  assert.equal(res.status, 303, `expected a redirect, got ${res.status}`);
  const location = res.headers.get('location');
  const m = location.match(/^\/guides\/[^?#]+\?posted=(approved|pending)#comment-(\d+)$/);
  assert.ok(m, `unexpected Location ${location}`);
  return { status: m[1], id: m[2], location };
}

// A comment by the known commenter (published at once unless a rule holds it).
async function knownComment(slug, comment, extra = {}) {
  const res = await postComment(knownReader, slug, { ...known, comment, ...extra });
  return posted(res);
}

function dbStatus(id, srv = server) {
  return sql(srv, `SELECT status FROM comments WHERE id = ${BigInt(id)}`);
}

// The comments shown on a page: [{id, depth, pending, html}].
function commentsOf(html) {
  return [...html.matchAll(/<li class="comment depth-(\d)( is-pending)?" id="comment-(\d+)">([\s\S]*?)<\/li>/g)]
    .map((m) => ({ depth: Number(m[1]), pending: Boolean(m[2]), id: m[3], html: m[4] }));
}

async function page(path, reader, srv = server) {
  const res = reader ? await reader.get(path) : await fetch(srv.url + path, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), res };
}

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const unescapeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#39;/g, "'").replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// ---- Atom ----

function wellFormed(xml) {
  const r = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
  return { ok: r.status === 0, errors: r.stderr };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// RFC 4151: "tag:" authorityName "," date ":" specific ["#" fragment], with a
// DNS name as the authority, a real YYYY[-MM[-DD]] date, and pchar, "/" and
// "?" in the specific part. Answers the parts, or fails.
const DNS_NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*';
const TAG_URI = new RegExp(`^tag:(${DNS_NAME}),(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?:((?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)(?:#(.*))?$`);
function tagUri(id, what) {
  const m = id.match(TAG_URI);
  assert.ok(m, `${what}: ${id} is not a tag: URI (RFC 4151)`);
  const [, authority, year, month = '01', day = '01', specific] = m;
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  assert.equal(date.toISOString().slice(0, 10), `${year}-${month}-${day}`, `${what}: ${id} has no real date`);
  return { entity: id.slice(4, id.indexOf(':', 4)), authority, specific };
}

// Checks an Atom document's required elements; returns its entries as
// {id, title, updated, link, content (decoded once), xml}.
function atom(xml, what) {
  const lint = wellFormed(xml);
  assert.ok(lint.ok, `${what} is not well-formed XML:\n${lint.errors}`);
  assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\s*<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
  const first = xml.indexOf('<entry>');
  const head = first < 0 ? xml : xml.slice(0, first);
  assert.match(head, /<id>[^<]+<\/id>/, `${what}: feed id`);
  tagUri(head.match(/<id>([^<]+)<\/id>/)[1], `${what}: feed id`);
  assert.match(head, /<title>[^<]+<\/title>/, `${what}: feed title`);
  assert.match(head.match(/<updated>([^<]*)<\/updated>/)?.[1] ?? '', RFC3339, `${what}: feed updated`);
  assert.match(head, /<link rel="self" type="application\/atom\+xml" href="http:\/\/[^"]+"\/>/, `${what}: self link`);
  assert.match(head, /<author>\s*<name>[^<]+<\/name>\s*<\/author>/, `${what}: feed author`);
  return [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map(([, e]) => {
    const one = (re, label) => {
      const m = e.match(re);
      assert.ok(m, `${what}: an entry without ${label}:\n${e}`);
      return m[1];
    };
    const entry = {
      id: one(/<id>([^<]+)<\/id>/, 'id'),
      title: unescapeXml(one(/<title>([^<]*)<\/title>/, 'title')),
      updated: one(/<updated>([^<]+)<\/updated>/, 'updated'),
      link: one(/<link rel="alternate" type="text\/html" href="([^"]+)"\/>/, 'link'),
      content: unescapeXml(one(/<content type="html">([\s\S]*?)<\/content>/, 'content')),
      xml: e,
    };
    assert.match(entry.updated, RFC3339, `${what}: entry updated`);
    tagUri(entry.id, `${what}: entry id`);
    assert.ok(entry.title.length > 0, `${what}: entry title`);
    return entry;
  });
}

async function feed(path, srv = server) {
  const res = await fetch(srv.url + path);
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
  const xml = await res.text();
  return { xml, entries: atom(xml, path) };
}

// ---- the flood limit and addresses (first: the window started in before()) ----

test('a second comment from the same /24 within 15 seconds answers 429 with Retry-After and keeps the text', async () => {
  const slug = slugs.introduction;
  const reader = new Reader(server);
  const text = `Too soon\n\nsecond paragraph <b>kept</b> ${unique('f')}`;
  const email = `${unique('fl')}@example.org`;
  const res = await postComment(reader, slug, { name: 'Flood Person', email, comment: text }, { from: '127.0.0.1' });
  assert.equal(res.status, 429);
  const wait = Number(res.headers.get('retry-after'));
  assert.ok(wait >= 1 && wait <= 15, `Retry-After ${wait}`);
  const html = await res.text();
  assert.ok(html.includes(`>${escapeHtml(text)}</textarea>`), 'the text is kept');
  assert.equal(inputValue(html, 'name'), 'Flood Person');
  assert.equal(inputValue(html, 'email'), email);
  assert.equal(inputValue(html, 't'), oldT, 'the form keeps its time');
  assert.match(fieldError(html, 'comment'), /You can send this comment in \d+ seconds?\. Your text is kept below\./);
  assert.match(html, /<textarea id="comment"[^>]*aria-invalid="true" aria-describedby="comment-error"/);

  const sameNet = await postComment(new Reader(server), slug, { name: 'Neighbour', email, comment: 'x' }, { from: '127.0.0.77' });
  assert.equal(sameNet.status, 429, 'the whole /24 shares the limit');
  const json = await postCommentApi(slug, { name: 'J', email, comment: 'x', t: formTime(slug) }, '127.0.0.1');
  assert.equal(json.status, 429);
  assert.ok(Number(json.headers.get('retry-after')) >= 1);
  assert.equal(json.headers.get('content-type'), 'application/problem+json');
  assert.equal(sql(server, `SELECT count(*) FROM comments WHERE email = '${email}'`), '0');
});

test('the network address is stored only as its /24, and no comment holds an address', async () => {
  const floods = sql(server, 'SELECT address FROM comment_floods').split('\n');
  assert.ok(floods.includes('127.0.0.0/24'), floods.join(', '));
  for (const a of floods) assert.match(a, /^127\.\d+\.\d+\.0\/24$/);
  const comments = sql(server, 'SELECT * FROM comments');
  for (const address of new Set(['127.0.0.1', '127.0.0.77', ...usedAddresses])) {
    assert.ok(!comments.includes(address), `${address} in comments`);
    assert.ok(!floods.includes(address), `${address} in the flood table`);
  }
  const columns = sql(server, engine === 'sqlite'
    ? "SELECT name FROM pragma_table_info('comments')"
    : "SELECT column_name FROM information_schema.columns WHERE table_name = 'comments'");
  assert.ok(columns.includes('email'));
  assert.doesNotMatch(columns, /ip|address|addr/i);
});

// ---- the index and the articles ----

const PRACTICES = ['introduction', 'listen', 'share', 'time', 'signals', 'trust', 'dreams'];

// Words of a Markdown body: tokens with a letter or digit, markup left out.
function words(markdown) {
  return markdown.replace(/[#>*_`]/g, ' ').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function frontMatter(src) {
  const m = src.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
  assert.ok(m, 'front matter');
  const meta = Object.fromEntries(m[1].split('\n').map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  }));
  return { meta, body: m[2] };
}

test('the guides index lists seven articles with title, summary, date and practice, and has a JSON twin', async () => {
  const { status, html } = await page('/guides');
  assert.equal(status, 200);
  assert.match(html, /<title>Guides/);
  assert.match(html, /href="\/guides\/feed\.atom"/);
  const items = [...html.matchAll(/<li>\s*<p class="eyebrow">(?:<span class="tag">([^<]+)<\/span> )?<time>([^<]+)<\/time><\/p>\s*<h2><a href="\/guides\/([a-z0-9-]+)">([^<]+)<\/a><\/h2>\s*<p>([^<]+)<\/p>/g)];
  assert.ok(items.length >= 7, `only ${items.length} guides listed`);
  // a guide about a registered practice carries its label; one about a
  // practice not registered here carries none
  const labels = Object.fromEntries((await apiOk(server, 'GET', '/')).practices.map((p) => [p.name, p.label]));
  labels.introduction = 'Introduction';
  const practiceOf = Object.fromEntries((await apiOk(server, 'GET', '/guides')).guides.map((g) => [g.slug, g.practice]));
  for (const [, label, date, slug, title, summary] of items) {
    assert.ok(title && summary);
    assert.equal(label, labels[practiceOf[slug]], slug);
    assert.match(date, /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/);
  }
  const model = await apiOk(server, 'GET', '/guides');
  assert.equal(model.guides.length, items.length);
  for (const g of model.guides) {
    for (const key of ['slug', 'title', 'summary', 'practice', 'date', 'url']) assert.ok(g[key], `${g.slug}: ${key}`);
    assert.equal(g.url, `/guides/${g.slug}`);
    assert.ok(html.includes(`<a href="/guides/${g.slug}">${escapeHtml(g.title)}</a>`));
  }
  assert.deepEqual(PRACTICES.filter((p) => !model.guides.some((g) => g.practice === p)), [],
    'an introduction and one guide per practice');
  const dates = model.guides.map((g) => g.published_at);
  assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
});

test('each seeded article has 600 to 1200 words, in its Markdown file and on its page', async () => {
  const files = readdirSync(guidesDir).filter((f) => f.endsWith('.md'));
  assert.ok(files.length >= 7);
  const practices = new Set();
  for (const file of files) {
    const { meta, body } = frontMatter(readFileSync(join(guidesDir, file), 'utf8'));
    practices.add(meta.practice);
    const n = words(body);
    assert.ok(n >= 600 && n <= 1200, `${file} has ${n} words`);
    const { status, html } = await page(`/guides/${meta.slug}`);
    assert.equal(status, 200, meta.slug);
    assert.match(html, new RegExp(`<h1>${escapeHtml(meta.title).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h1>`));
    const article = html.match(/<article class="panel prose">([\s\S]*?)<\/article>/)[1];
    const text = article.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&[a-z]+;/g, ' ');
    const shown = words(text);
    assert.ok(shown >= 600 && shown <= 1250, `${meta.slug} shows ${shown} words`);
    assert.match(article, /<h2>/, 'Markdown headings render');
    assert.match(article, /<p>/);
    if (/^- /m.test(body)) assert.match(article, /<ul>\n<li>/, 'Markdown lists render');
    assert.doesNotMatch(article, /^##? /m, 'no Markdown left raw');
  }
  assert.deepEqual(PRACTICES.filter((p) => !practices.has(p)), []);
});

// ---- "How Hearth helps": only what this Hearth offers ----

// The features of practices, as the guides once described them; none may be
// promised by an article's Markdown, as most of their practices are not
// registered yet (the box under a guide says what is).
const FEATURES = ['Listening session', 'Feelings vocabulary', 'Daily question', 'Ask your partner',
  'Deep-dive evening', 'Rituals', 'Together now', 'Date ideas', 'calendar feed', 'Gestures',
  'Check-in', 'Affection preferences', 'Attunement prompt', 'Promises', 'State of Us', 'Pulse',
  'Dreams', 'Shared goals', 'Values'];

test('no seeded article promises features in its Markdown: no "How Hearth helps" section, no feature named', () => {
  for (const file of readdirSync(guidesDir).filter((f) => f.endsWith('.md'))) {
    const { body } = frontMatter(readFileSync(join(guidesDir, file), 'utf8'));
    assert.doesNotMatch(body, /^##+ How Hearth (helps|supports)/mi, file);
    for (const f of FEATURES) assert.ok(!body.includes(`**${f}**`), `${file} names ${f}`);
    assert.doesNotMatch(body, /gesture sent|value rankings|a timer/i, `${file} speaks of features`);
  }
});

// The "How Hearth helps" box of a page: {practices: [{label, summary, link}], after}.
function helpsBox(html) {
  const box = html.match(/<aside class="panel helps" aria-labelledby="helps-title">([\s\S]*?)<\/aside>/);
  if (!box) return null;
  const practices = [...box[1].matchAll(/<li class="card">\s*<h3>([^<]+)<\/h3>\s*<p>([^<]+)<\/p>\s*(?:<p><a href="([^"]+)">Open [^<]+<\/a><\/p>)?\s*<\/li>/g)]
    .map(([, label, summary, link]) => ({ label, summary: summary.replace(/&#39;/g, "'"), link: link ?? null }));
  return { practices, text: box[1], afterArticle: html.indexOf('</article>') < html.indexOf('<aside class="panel helps"') };
}

test('a guide about a registered practice shows a "How Hearth helps" box from the registry, after the article', async () => {
  const registered = (await apiOk(server, 'GET', '/')).practices;
  assert.ok(registered.length >= 1);
  const share = registered.find((p) => p.name === 'share');
  const { html } = await page(`/guides/${slugs.share}`);
  const box = helpsBox(html);
  assert.ok(box, 'the Share guide has the box');
  assert.ok(box.afterArticle, 'outside the article, after it');
  assert.deepEqual(box.practices, [{ label: share.label, summary: share.summary, link: null }]);
  assert.match(box.text, /<a href="\/signup">sign up<\/a>, then pair with your partner/, 'a visitor is told how to start');
  const model = await apiOk(server, 'GET', `/guides/${slugs.share}`);
  assert.deepEqual(model.helps.practices, [{ name: 'share', label: share.label, summary: share.summary, path: '/share' }]);
  assert.equal(model.helps.introduction, false);
});

test('the introduction\'s box lists every registered practice, and a guide about a practice not registered has none', async () => {
  const registered = (await apiOk(server, 'GET', '/')).practices;
  const intro = helpsBox((await page(`/guides/${slugs.introduction}`)).html);
  assert.deepEqual(intro.practices.map((p) => p.label), registered.map((p) => p.label));
  assert.deepEqual(intro.practices.map((p) => p.summary), registered.map((p) => p.summary));
  const names = new Set(registered.map((p) => p.name));
  for (const [practice, slug] of Object.entries(slugs)) {
    if (practice === 'introduction' || names.has(practice)) continue;
    const { html } = await page(`/guides/${slug}`);
    assert.equal(helpsBox(html), null, `${slug}: no box for a practice this Hearth does not offer`);
    assert.doesNotMatch(html, /How Hearth helps/, slug);
    assert.equal((await apiOk(server, 'GET', `/guides/${slug}`)).helps, null);
  }
});

test('the box links a couple to the practice, and tells a person alone to pair', async () => {
  const { one } = await newCouple(server, 'helps');
  const alone = await signup(server, newPerson('helpsalone'));
  const open = async (person) => (await fetch(`${server.url}/guides/${slugs.share}`,
    { headers: { cookie: `hearth_session=${person.token}` } })).text();
  const paired = helpsBox(await open(one));
  assert.deepEqual(paired.practices.map((p) => p.link), ['/share']);
  assert.doesNotMatch(paired.text, /sign up|Pair with/);
  const single = helpsBox(await open(alone));
  assert.deepEqual(single.practices.map((p) => p.link), [null]);
  assert.match(single.text, /<a href="\/pair">Pair with your partner<\/a> to start\./);
  const intro = helpsBox(await (await fetch(`${server.url}/guides/${slugs.introduction}`,
    { headers: { cookie: `hearth_session=${one.token}` } })).text());
  assert.ok(intro.practices.every((p) => p.link && p.link.startsWith('/')), 'every practice links to its page');
});

test('an article has a JSON twin with the guide, its comments and the form time', async () => {
  const model = await apiOk(server, 'GET', `/guides/${slugs.listen}`);
  assert.equal(model.guide.slug, slugs.listen);
  assert.equal(model.guide.title, titles[slugs.listen]);
  assert.match(model.guide.body_html, /^<p>/);
  assert.ok(Array.isArray(model.comments));
  assert.match(model.form_time, /^\d{13}\.[0-9a-f]{64}$/);
});

test('an unknown guide answers 404 as a page, under /api/v1, for its feed and its form', async () => {
  assert.equal((await page('/guides/no-such-guide')).status, 404);
  const res = await api(server, 'GET', '/guides/no-such-guide');
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal((await page('/guides/no-such-guide/comments.atom')).status, 404);
  const form = await postComment(new Reader(server), 'no-such-guide',
    { name: 'A', email: 'a@example.org', comment: 'Hello' });
  assert.equal(form.status, 404);
  const json = await postCommentApi('no-such-guide', { name: 'A', email: 'a@example.org', comment: 'x', t: oldT });
  assert.equal(json.status, 404);
});

// ---- the form ----

test('the comment form works without JavaScript: labelled fields, required marks, the email notice', async () => {
  const { html } = await page(`/guides/${slugs.share}`);
  assert.match(html, /Your email address will not be published/);
  assert.match(html, /Required fields are marked <span class="required">\*<\/span>/);
  const form = html.match(/<form class="form" method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/);
  assert.ok(form);
  assert.equal(form[1], `/guides/${slugs.share}/comments#respond`);
  for (const [id, tag] of [['comment', 'textarea'], ['name', 'input'], ['email', 'input']]) {
    assert.match(form[2], new RegExp(`<label for="${id}">[^<]+<span class="required" aria-hidden="true">\\*</span></label>`), `${id} label`);
    assert.match(form[2], new RegExp(`<${tag} id="${id}" name="${id}"[^>]* required`), `${id} field`);
  }
  assert.match(form[2], /<input type="hidden" name="csrf" value="[^"]+">/);
  assert.match(inputValue(form[2], 't'), /^\d{13}\.[0-9a-f]{64}$/);
  assert.equal(inputValue(form[2], 'website'), '', 'the honeypot is empty');
  assert.match(form[2], /<label for="website">/);
  assert.match(form[2], /<button class="button" type="submit">/);
  assert.doesNotMatch(form[2], /\son[a-z]+=/i, 'no inline scripts');
});

test('posting needs the CSRF token of the page or a same-site request', async () => {
  const reader = new Reader(server);
  const name = unique('Csrf');
  const fields = { name, email: `${unique('c')}@example.org`, comment: 'Hello' };
  assert.equal((await postComment(reader, slugs.share, fields, { csrf: null })).status, 403);
  assert.equal((await postComment(reader, slugs.share, fields, { csrf: 'x'.repeat(43) })).status, 403);
  assert.equal((await postComment(reader, slugs.share, fields,
    { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } })).status, 403);
  assert.equal(sql(server, `SELECT count(*) FROM comments WHERE name = '${name}'`), '0');
});

test('an operator approves a held comment: everyone sees it, and that browser is published at once next time', async () => {
  const slug = slugs.share;
  const reader = new Reader(server);
  const email = `${unique('ap')}@example.org`;
  const text = `Approve me ${unique('a')}`;
  const { id } = posted(await postComment(reader, slug, { name: 'Soon Known', email, comment: text }));
  const approve = await op.browser.form(`/admin/comments/${id}/approve`, {});
  assert.equal(approve.status, 303);
  assert.equal(approve.headers.get('location'), '/admin/comments');
  assert.equal(dbStatus(id), 'approved');

  const { html } = await page(`/guides/${slug}`, new Reader(server));
  const shown = commentsOf(html).find((c) => c.id === id);
  assert.ok(shown && !shown.pending);
  assert.match(shown.html, new RegExp(`<strong>Soon Known</strong> · <a href="#comment-${id}"><time>\\d{1,2} [A-Z][a-z]+ \\d{4}</time></a>`));
  assert.ok(shown.html.includes(`<div class="comment-body"><p>${text}</p></div>`));
  assert.match(shown.html, new RegExp(`<a href="\\?reply=${id}#respond">Reply to Soon Known</a>`));
  const { entries } = await feed(`/guides/${slug}/comments.atom`);
  assert.ok(entries.some((e) => e.content.includes(text) && e.title === 'Comment by Soon Known'));

  // the same address in other letters counts as the same commenter
  const again = await postComment(reader, slug, { name: 'Soon Known', email: email.toUpperCase(), comment: 'Second' });
  const second = posted(again);
  assert.equal(second.status, 'approved');
  const notice = await page(second.location.replace(/#.*/, ''), reader);
  assert.match(notice.html, /Thank you\. Your comment is published\./);
  // another name from that browser, or that name and email from another
  // browser, is held: an approved email alone opens nothing
  const renamed = posted(await postComment(reader, slug, { name: 'Someone Else', email, comment: 'Third' }));
  assert.equal(renamed.status, 'pending');
  const elsewhere = posted(await postComment(new Reader(server), slug, { name: 'Soon Known', email, comment: 'Fourth' }));
  assert.equal(elsewhere.status, 'pending');
});

test('the JSON twin takes a comment and answers 201 with only its id and status', async () => {
  const slug = slugs.time;
  const model = await apiOk(server, 'GET', `/guides/${slug}`);
  assert.match(model.form_time, /^\d{13}\.[0-9a-f]{64}$/);
  const fresh = await postCommentApi(slug, { name: 'Api Person', email: `${unique('api')}@example.org`, comment: 'Via JSON', t: formTime(slug) });
  assert.equal(fresh.status, 201);
  const body = await fresh.json();
  assert.deepEqual(Object.keys(body).sort(), ['id', 'status']);
  assert.equal(body.status, 'pending');
  assert.equal(dbStatus(body.id), 'pending');
  // the known commenter's name and email are not enough without their browser
  const stranger = await postCommentApi(slug, { ...known, comment: 'Pretending via JSON', t: formTime(slug) });
  assert.equal(stranger.status, 201);
  assert.equal((await stranger.json()).status, 'pending');
  const knownRes = await postCommentApi(slug, { ...known, comment: 'Known via JSON', t: formTime(slug) },
    nextAddress(), knownReader.jar.header());
  assert.equal(knownRes.status, 201);
  const kb = await knownRes.json();
  assert.equal(kb.status, 'approved');
  assert.equal(dbStatus(kb.id), 'approved');
  const form = await send(`${server.url}/api/v1/guides/${slug}/comments`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=a&email=a%40example.org&comment=x', from: nextAddress(),
  });
  assert.equal(form.status, 415);
});

describe('what the writer of a held comment sees (on a server of its own)', () => {
  const slug = () => slugs.share;
  const reader = () => new Reader(writerServer);

  test('a first-time commenter is held, and only their browser sees the comment awaiting moderation', async () => {
    const writer = reader();
    const text = `Held text ${unique('h')}`;
    const res = await postComment(writer, slug(), { name: 'First Timer', email: `${unique('ft')}@example.org`, comment: text });
    const { status, id, location } = posted(res);
    assert.equal(status, 'pending');
    const cookie = setCookieLines(res).find((c) => c.startsWith('hearth_commenter='));
    assert.match(cookie, /^hearth_commenter=[A-Za-z0-9_-]{43}; Path=\/guides; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    assert.equal(dbStatus(id, writerServer), 'pending');
    assert.equal(sql(writerServer, `SELECT reason FROM comments WHERE id = ${id}`), 'a first comment');

    const other = await page(`/guides/${slug()}`, reader());
    assert.ok(!other.html.includes(text), 'another browser does not see it');
    assert.ok(!other.html.includes(`comment-${id}`));
    assert.ok(!JSON.stringify(await apiOk(writerServer, 'GET', `/guides/${slug()}`)).includes(text));
    assert.ok(!(await feed(`/guides/${slug()}/comments.atom`, writerServer)).xml.includes(text));

    const mine = await page(location.replace(/#.*/, ''), writer);
    assert.equal(mine.status, 200);
    assert.match(mine.html, /Thank you\. Your comment is awaiting moderation\./);
    const shown = commentsOf(mine.html).find((c) => c.id === id);
    assert.ok(shown, 'the writer sees the held comment');
    assert.ok(shown.pending);
    assert.match(shown.html, /Your comment is awaiting moderation\./);
    assert.ok(shown.html.includes(text));
    assert.doesNotMatch(shown.html, /Reply to/, 'no reply link on a held comment');
    writer.jar.set('hearth_commenter', 'A'.repeat(43));
    assert.ok(!(await page(`/guides/${slug()}`, writer)).html.includes(text), 'a forged cookie sees nothing');
  });

  test('a comment judged spam is shown to its writer as awaiting moderation, like a held one', async () => {
    const writer = reader();
    const text = `Trap text ${unique('tr')}`;
    const { status, id, location } = posted(await postComment(writer, slug(),
      { name: 'Trapped', email: `${unique('tp')}@example.org`, comment: text, website: 'https://spam.example' }));
    assert.equal(status, 'pending');
    assert.equal(dbStatus(id, writerServer), 'spam');
    const mine = await page(location.replace(/#.*/, ''), writer);
    assert.match(mine.html, /Thank you\. Your comment is awaiting moderation\./);
    const shown = commentsOf(mine.html).find((c) => c.id === id);
    assert.ok(shown?.pending, 'shown to its writer as held');
    assert.ok(!(await page(`/guides/${slug()}`, reader())).html.includes(text));
  });

  test('the writer\'s own page and JSON do not show their email either', async () => {
    const writer = reader();
    const email = `${unique('ownmail')}@example.org`;
    const res = await postComment(writer, slug(), { name: 'Own Mail', email, comment: 'Mine' });
    const { location } = posted(res);
    const mine = await page(location.replace(/#.*/, ''), writer);
    assert.equal(mine.status, 200);
    assert.ok(mine.html.includes('Mine'));
    assert.ok(!mine.html.includes(email));
    const json = await (await writer.get(`/api/v1/guides/${slug()}`)).text();
    assert.ok(json.includes('Mine') && !json.includes(email));
  });
});

// ---- the rules ----

test('two or more links hold a comment, one link is published as a nofollow link', async () => {
  const slug = slugs.signals;
  const two = await knownComment(slug, 'See https://a.example/x and http://b.example/y');
  assert.equal(two.status, 'pending');
  assert.equal(sql(server, `SELECT reason FROM comments WHERE id = ${two.id}`), 'two or more links');
  assert.equal((await knownComment(slug, 'See www.a.example and www.b.example')).status, 'pending');
  const one = await knownComment(slug, 'Read https://example.org/one?a=1&b=2.');
  assert.equal(one.status, 'approved');
  const shown = commentsOf((await page(`/guides/${slug}`)).html).find((c) => c.id === one.id);
  assert.ok(shown.html.includes('<p>Read <a href="https://example.org/one?a=1&amp;b=2" rel="nofollow ugc noopener">https://example.org/one?a=1&amp;b=2</a>.</p>'));
});

test('a comment with one link to a www address is not held as having two links', async () => {
  const one = await knownComment(slugs.signals, 'My favourite article: https://www.example.org/closeness');
  assert.equal(sql(server, `SELECT coalesce(reason, '') FROM comments WHERE id = ${one.id}`), '');
  assert.equal(one.status, 'approved');
});

test('a filled honeypot is spam, and the sender is told it awaits moderation', async () => {
  const slug = slugs.trust;
  const reader = new Reader(server);
  const text = `Honeypot ${unique('hp')}`;
  const res = await postComment(reader, slug, { ...known, comment: text, website: 'https://spam.example' });
  const { status, id, location } = posted(res);
  assert.equal(status, 'pending');
  assert.equal(dbStatus(id), 'spam');
  assert.equal(sql(server, `SELECT reason FROM comments WHERE id = ${id}`), 'the hidden field was filled');
  assert.equal(location, `/guides/${slug}?posted=pending#comment-${id}`);
  assert.ok(!(await page(`/guides/${slug}`)).html.includes(text));
  const json = await postCommentApi(slug, { ...known, comment: text, website: 'x', t: formTime(slug) });
  assert.equal(json.status, 201);
  const jb = await json.json();
  assert.equal(jb.status, 'pending');
  assert.equal(dbStatus(jb.id), 'spam');
});

test('a comment sent less than 3 seconds after the form was served is spam, told as held', async () => {
  const slug = slugs.trust;
  const reader = new Reader(server);
  const { html } = await page(`/guides/${slug}`, reader);
  const res = await postComment(reader, slug, { ...known, comment: 'Fast fingers' }, { t: inputValue(html, 't') });
  const { status, id } = posted(res);
  assert.equal(status, 'pending');
  assert.equal(dbStatus(id), 'spam');
  assert.equal(sql(server, `SELECT reason FROM comments WHERE id = ${id}`), 'sent too fast');
  const model = await apiOk(server, 'GET', `/guides/${slug}`);
  const json = await postCommentApi(slug, { ...known, comment: 'Fast JSON', t: model.form_time });
  assert.equal((await json.json()).status, 'pending');
});

test('a missing, forged or borrowed form time is spam, told as held', async () => {
  const slug = slugs.trust;
  const [ms, mac] = formTime(slug).split('.');
  const flipped = mac.slice(0, -1) + (mac.endsWith('0') ? '1' : '0');
  const cases = {
    missing: null,
    empty: '',
    'forged mac': `${ms}.${flipped}`,
    'other time': `${Number(ms) - 60000}.${mac}`,
    'no mac': ms,
    garbage: 'yesterday',
    'signed for another guide': formTime(slugs.dreams),
  };
  for (const [what, t] of Object.entries(cases)) {
    const { status, id } = posted(await postComment(knownReader, slug, { ...known, comment: `Token ${what}` }, { t }));
    assert.equal(status, 'pending', what);
    assert.equal(dbStatus(id), 'spam', what);
  }
  const json = await postCommentApi(slug, { ...known, comment: 'No time' });
  assert.equal(json.status, 201);
  assert.equal(dbStatus((await json.json()).id), 'spam');
});

test('blocked words set at /admin/settings hold a comment whose text or name contains one', async () => {
  const settings = await page('/admin/settings', op.browser);
  assert.equal(settings.status, 200);
  assert.match(settings.html, /<label for="blocked_words">Blocked words<\/label>/);
  const save = await op.browser.form('/admin/settings', { blocked_words: 'casino\n\n  Free Money  \n' });
  assert.equal(save.status, 303);
  assert.equal(save.headers.get('location'), '/admin/settings?saved=1');
  const saved = await page('/admin/settings?saved=1', op.browser);
  assert.match(saved.html, /Saved\./);
  assert.match(saved.html, /<textarea id="blocked_words"[^>]*>casino\n\n  Free Money\s*<\/textarea>/);

  const slug = slugs.dreams;
  const a = await knownComment(slug, 'Let us go to the CASINO tonight');
  assert.equal(a.status, 'pending');
  assert.equal(sql(server, `SELECT reason FROM comments WHERE id = ${a.id}`), 'a blocked word');
  assert.equal((await knownComment(slug, 'A clean comment', { name: 'free money fan' })).status, 'pending');
  assert.equal((await knownComment(slug, 'Free, and money, are not the phrase')).status, 'approved');
  assert.equal((await op.browser.form('/admin/settings', { blocked_words: '' })).status, 303);
  assert.equal((await knownComment(slug, 'casino is fine now')).status, 'approved');
});

test('lengths and the email are checked, and the form comes back with everything typed', async () => {
  const slug = slugs.dreams;
  const ok = { name: 'Len Person', email: `${unique('len')}@example.org`, comment: 'Fine' };
  const cases = [
    ['name', { name: '' }, /Name is required\./],
    ['name', { name: '   ' }, /Name is required\./],
    ['name', { name: 'x'.repeat(81) }, /Name must be at most 80 characters\./],
    ['name', { name: 'two\nlines' }, /single line/],
    ['email', { email: '' }, /Email is required\./],
    ['email', { email: 'not-an-email' }, /email address/],
    ['email', { email: 'a@b' }, /email address/],
    ['comment', { comment: '' }, /Comment is required\./],
    ['comment', { comment: ' \n ' }, /Comment is required\./],
    ['comment', { comment: 'y'.repeat(5001) }, /Comment must be at most 5000 characters\./],
  ];
  for (const [field, change, message] of cases) {
    const sent = { ...ok, ...change };
    const res = await postComment(new Reader(server), slug, sent);
    assert.equal(res.status, 422, `${field} ${JSON.stringify(change).slice(0, 40)}`);
    const html = await res.text();
    assert.match(fieldError(html, field) ?? '', message, field);
    assert.match(html, new RegExp(`id="${field}"[^>]*aria-invalid="true" aria-describedby="${field}-error"`));
    if (field !== 'name') assert.equal(inputValue(html, 'name'), sent.name);
    if (field !== 'email') assert.equal(inputValue(html, 'email'), sent.email);
    if (field !== 'comment') assert.ok(html.includes(`>${escapeHtml(sent.comment)}</textarea>`));
    assert.equal(inputValue(html, 't'), formTime(slug));
  }
  const longest = await postComment(new Reader(server), slug,
    { name: 'x'.repeat(80), email: `${unique('long')}@example.org`, comment: 'a'.repeat(5000) });
  assert.equal(posted(longest).status, 'pending', 'taken (and held, as a first comment)');
  const json = await postCommentApi(slug, { ...ok, name: 'x'.repeat(81), comment: '', t: formTime(slug) });
  assert.equal(json.status, 422);
  const problem = await json.json();
  assert.deepEqual(Object.keys(problem.errors).sort(), ['comment', 'name']);
  assert.equal(sql(server, `SELECT count(*) FROM comments WHERE email = '${ok.email}'`), '0');
});

test('the limits count characters: an 80-character name and a 5000-character comment in any script are taken', async () => {
  const slug = slugs.dreams;
  const json = await postCommentApi(slug, { ...known, name: 'é'.repeat(80), comment: '愛'.repeat(5000), t: formTime(slug) });
  assert.equal(json.status, 201, 'the JSON twin');
  const form = await postComment(knownReader, slug, { ...known, name: 'é'.repeat(80), comment: '愛'.repeat(5000) });
  assert.equal(form.status, 303, 'the form (a browser sends 5000 such characters as 45,000 bytes)');
});

// ---- display ----

test('replies nest three levels deep, oldest first, and a reply to the third level stays there', async () => {
  const slug = slugs.listen;
  const top1 = await knownComment(slug, 'Top one');
  const r1 = await knownComment(slug, 'Reply level one', { parent: top1.id });
  const r2 = await knownComment(slug, 'Reply level two', { parent: r1.id });
  const r3 = await knownComment(slug, 'Reply to level two', { parent: r2.id });
  const top2 = await knownComment(slug, 'Top two');
  const r4 = await knownComment(slug, 'Late reply to top one', { parent: top1.id });
  for (const c of [top1, r1, r2, r3, top2, r4]) assert.equal(c.status, 'approved');

  const model = await apiOk(server, 'GET', `/guides/${slug}`);
  const order = [top1, r1, r2, r3, r4, top2].map((c) => c.id);
  const shownIds = model.comments.map((c) => c.id).filter((id) => order.includes(id));
  assert.deepEqual(shownIds, order);
  const byId = Object.fromEntries(model.comments.map((c) => [c.id, c]));
  assert.deepEqual(order.map((id) => byId[id].depth), [0, 1, 2, 2, 1, 0]);
  assert.equal(byId[r3.id].parent_id, r1.id, 'a reply to level three attaches beside it');
  assert.equal(sql(server, `SELECT depth FROM comments WHERE id = ${r3.id}`), '2');

  const { html } = await page(`/guides/${slug}`);
  const li = commentsOf(html).filter((c) => order.includes(c.id));
  assert.deepEqual(li.map((c) => [c.id, c.depth]), order.map((id) => [id, byId[id].depth]));

  const replying = await page(`/guides/${slug}?reply=${r2.id}`);
  assert.equal(inputValue(replying.html, 'parent'), r2.id);
  assert.match(replying.html, /You are replying to a comment\./);
});

test('a reply must answer a published comment of the same guide', async () => {
  const other = await knownComment(slugs.trust, 'On another guide');
  const held = posted(await postComment(new Reader(server), slugs.listen,
    { name: 'Held', email: `${unique('held')}@example.org`, comment: 'Held parent' }));
  for (const parent of [other.id, held.id, '123']) {
    const res = await postComment(knownReader, slugs.listen, { ...known, comment: 'Orphan', parent });
    assert.equal(res.status, 422, parent);
    const html = await res.text();
    assert.match(fieldError(html, 'comment'), /The comment you replied to is not there any more\./);
    assert.equal(inputValue(html, 'parent'), parent, 'the reply target is kept');
    assert.ok(html.includes('>Orphan</textarea>'));
  }
  const bad = await postComment(knownReader, slugs.listen, { ...known, comment: 'Bad', parent: 'abc' });
  assert.equal(bad.status, 422);
  const json = await postCommentApi(slugs.listen, { ...known, comment: 'Bad', parent: 'abc', t: formTime(slugs.listen) });
  assert.equal(json.status, 422);
  assert.match((await json.json()).errors.parent, /not a valid reference/);
});

test('comment text is plain text: paragraphs and line breaks kept, addresses linked, nothing else interpreted', async () => {
  const slug = slugs.time;
  const text = 'First *para* with **stars** and # hash\n\nSecond line\nthird `code` [x](https://example.org/md)\r\n\r\n\r\nLast <b>bold</b>';
  const { id, status } = await knownComment(slug, text);
  assert.equal(status, 'approved');
  const shown = commentsOf((await page(`/guides/${slug}`)).html).find((c) => c.id === id);
  assert.equal(shown.html.match(/<div class="comment-body">([\s\S]*?)<\/div>/)[1],
    '<p>First *para* with **stars** and # hash</p>\n<p>Second line<br>\nthird `code` [x](<a href="https://example.org/md" rel="nofollow ugc noopener">https://example.org/md</a>)</p>\n<p>Last &lt;b&gt;bold&lt;/b&gt;</p>');
  const json = (await apiOk(server, 'GET', `/guides/${slug}`)).comments.find((c) => c.id === id);
  assert.equal(json.body_html, shown.html.match(/<div class="comment-body">([\s\S]*?)<\/div>/)[1]);
  assert.equal(json.anchor, `comment-${id}`);
});

// A published guide of the test's own, written by the operator: {created, slug}.
async function ownGuide(title, tag) {
  const created = await opApi('POST', '/admin/guides', {
    title, slug: unique(tag), summary: title, practice: 'share', date: '2026-01-05', body: `${title}.`,
  }, 201);
  await opApi('POST', `/admin/guides/${created.id}/publish`);
  return { created, slug: sql(server, `SELECT slug FROM guides WHERE id = ${created.id}`) };
}

test('comments come 50 to a page, oldest first, with page links', async () => {
  const { created, slug } = await ownGuide('Paged comments', 'paged');
  const base = Date.now() - 1e6;
  const rows = Array.from({ length: 120 }, (_, i) => `(${777000 + i}, ${created.id}, 0, 0, 'Reader ${i + 1}', 'r${i}@example.org', 'Comment number ${i + 1}.', 'approved', ${base + i * 1000})`);
  sql(server, `INSERT INTO comments (id, guide_id, parent_id, depth, name, email, body, status, created_at) VALUES ${rows.join(',')}`);

  const numbers = (html) => commentsOf(html).map((c) => Number(c.html.match(/Comment number (\d+)\./)[1]));
  const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const p1 = await page(`/guides/${slug}?page=1`);
  assert.match(p1.html, /<h2 id="comments-title">Comments \(120\)<\/h2>/);
  assert.deepEqual(numbers(p1.html), range(1, 50));
  assert.match(p1.html, /<li><span aria-current="page">1<\/span><\/li><li><a href="\?page=2#comments">2<\/a><\/li><li><a href="\?page=3#comments">3<\/a><\/li>/);
  assert.deepEqual(numbers((await page(`/guides/${slug}?page=2`)).html), range(51, 100));
  assert.deepEqual(numbers((await page(`/guides/${slug}?page=3`)).html), range(101, 120));
  assert.deepEqual(numbers((await page(`/guides/${slug}?page=1000`)).html), range(101, 120), 'past the end: the last page');
  const plain = await page(`/guides/${slug}`);
  const current = Number(plain.html.match(/<span aria-current="page">(\d+)<\/span>/)[1]);
  assert.deepEqual(numbers(plain.html), range(50 * (current - 1) + 1, Math.min(120, 50 * current)),
    'without ?page the page shown is the one marked current');
  for (const bad of ['0', '-1', 'x']) assert.ok((await page(`/guides/${slug}?page=${bad}`)).status < 500, bad);
  const model = await apiOk(server, 'GET', `/guides/${slug}?page=2`);
  assert.equal(model.comments.length, 50);
  assert.equal(model.comment_count, 120);
  assert.deepEqual(model.comment_pages.map((p) => p.current), [false, true, false]);
});

test('a page of comments is kept between readers and follows every write at once, on every server', async () => {
  const { created, slug } = await ownGuide('Kept comments', 'kept');
  const t0 = Date.now() - 1e6;
  const row = (id, parent, depth, name, status, at) =>
    `(${id}, ${created.id}, ${parent}, ${depth}, '${name}', '${name.toLowerCase()}@example.org', '${name} wrote this.', '${status}', ${at})`;
  const [A, A1, B, H] = [881001, 881002, 881003, 881004];
  sql(server, `INSERT INTO comments (id, guide_id, parent_id, depth, name, email, body, status, created_at) VALUES
    ${row(A, 0, 0, 'Ada', 'approved', t0)}, ${row(B, 0, 0, 'Bea', 'approved', t0 + 1000)},
    ${row(A1, A, 1, 'Cy', 'approved', t0 + 2000)}, ${row(H, 0, 0, 'Dot', 'pending', t0 + 3000)}`);
  const other = engine === 'postgres' ? await startServer({ db: server.db }) : null;
  try {
    const shown = async (srv = server) => {
      const { status, html } = await page(`/guides/${slug}`, undefined, srv);
      return status === 200 ? commentsOf(html).map((c) => Number(c.id)) : status;
    };
    // another server sees a change once PostgreSQL tells it (NOTIFY)
    const everywhere = async (expected, what) => {
      assert.deepEqual(await shown(), expected, what);
      if (!other) return;
      const deadline = Date.now() + 3000;
      let seen;
      while (JSON.stringify(seen = await shown(other)) !== JSON.stringify(expected) && Date.now() < deadline) await sleep(100);
      assert.deepEqual(seen, expected, `${what}, on another server`);
    };
    await everywhere([A, A1, B], 'threads in order, the held comment left out');
    await everywhere([A, A1, B], 'the kept page, read again');
    await opApi('POST', `/admin/comments/${A}/spam`);
    await everywhere([B], 'a comment marked spam hides with its replies');
    await opApi('POST', `/admin/comments/${A}/approve`);
    await everywhere([A, A1, B], 'approved again');
    const S = Number((await opApi('POST', `/admin/comments/${B}/reply`, { comment: 'From the site.' }, 201)).id);
    await everywhere([A, A1, B, S], 'a reply as the site');
    const feedHas = async (name) => (await feed(`/guides/${slug}/comments.atom`)).entries.some((e) => e.title === `Comment by ${name}`);
    assert.equal(await feedHas('Dot'), false, 'the kept feed, before');
    assert.equal(await feedHas('Dot'), false);
    await opApi('POST', `/admin/comments/${H}/approve`);
    await everywhere([A, A1, B, S, H], 'a held comment approved');
    assert.equal(await feedHas('Dot'), true, 'the feed follows too');
    await opApi('POST', `/admin/comments/${A}/delete`);
    await everywhere([B, S, H], 'a deleted comment goes with its replies');
    await opApi('POST', `/admin/guides/${created.id}`, {
      title: 'Kept comments, renamed', slug, summary: 'Kept comments', practice: 'share',
      date: '2026-01-05', body: 'Kept comments.',
    });
    assert.match((await page(`/guides/${slug}`)).html, /<h1>Kept comments, renamed<\/h1>/, 'an edited guide');
    await opApi('POST', `/admin/guides/${created.id}/unpublish`);
    await everywhere(404, 'an unpublished guide');
  } finally {
    if (other) assert.equal((await other.stop()).code, 0);
  }
});

// ---- privacy ----

test('a commenter\'s email never appears in a public answer, before or after approval', async () => {
  const slug = slugs.time;
  const local = unique('secretmail');
  const email = `${local}@example.org`;
  const hashes = ['md5', 'sha1', 'sha256', 'sha512'].flatMap((h) => [
    createHash(h).update(email).digest('hex'), createHash(h).update(email).digest('base64'),
  ]);
  const forbidden = [email, local, encodeURIComponent(email), Buffer.from(email).toString('base64'), ...hashes];
  const answers = [];
  const check = (what, text) => {
    for (const f of forbidden) assert.ok(!text.includes(f), `${what} contains ${f === email ? 'the email' : `a form of it (${f})`}`);
    answers.push(what);
  };
  const reader = new Reader(server);
  const res = await postComment(reader, slug, { name: 'Private Person', email, comment: 'Keep my email private' });
  check('the form post answer', res.headers.get('location') + [...res.headers].join('\n') + await res.text());
  const { id, location } = posted(res);
  const json = await postCommentApi(slug, { name: 'Private Person', email, comment: 'Also via JSON', t: formTime(slug) });
  assert.equal(json.status, 201);
  const jsonId = (await json.clone().json()).id;
  check('the JSON post answer', [...json.headers].join('\n') + await json.text());

  const collect = async (stage) => {
    check(`${stage}: the redirect target`, (await page(location.replace(/#.*/, ''))).html);
    check(`${stage}: the public page`, (await page(`/guides/${slug}`)).html);
    check(`${stage}: a reply form`, (await page(`/guides/${slug}?reply=${id}`)).html);
    check(`${stage}: the public JSON`, JSON.stringify(await apiOk(server, 'GET', `/guides/${slug}`)));
    check(`${stage}: the index`, (await page('/guides')).html);
    check(`${stage}: the comments feed`, (await feed(`/guides/${slug}/comments.atom`)).xml);
    check(`${stage}: the guides feed`, (await feed('/guides/feed.atom')).xml);
  };
  await collect('held');
  await opApi('POST', `/admin/comments/${id}/approve`);
  await opApi('POST', `/admin/comments/${jsonId}/approve`);
  await collect('approved');
  const shown = commentsOf((await page(`/guides/${slug}`)).html).find((c) => c.id === id);
  assert.ok(shown, 'the comment is published');
  const after = posted(await postComment(reader, slug, { name: 'Private Person', email, comment: 'Now known' }));
  assert.equal(after.status, 'approved');
  await collect('known');
  // the operator does see it
  const admin = await page('/admin/comments', op.browser);
  assert.ok(admin.html.includes(`&lt;${email}&gt;`));
});

// ---- injection ----

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"\'><svg onload=alert(1)>',
  'javascript:alert(1)',
  '{{site.name}}',
  '&lt;b&gt;',
  '</textarea><script>alert(2)</script>',
  '" autofocus onfocus="alert(3)',
  '<a href="javascript:alert(4)">x</a>',
  'https://example.org/"onmouseover="alert(5)',
  '<iframe src=//evil.example></iframe>',
  ']]><x y="z"/><!--',
  '{{{body_html}}}{{> partials/csrf}}',
];
// The start tags of an HTML text, as a browser would read them: [{name, attrs: [[name, value]]}].
function tagsOf(html) {
  const out = [];
  const re = /<([a-zA-Z][^\s/>]*)/g;
  let m;
  while ((m = re.exec(html))) {
    let i = m.index + m[0].length;
    const attrs = [];
    while (i < html.length && html[i] !== '>') {
      if (/[\s/]/.test(html[i])) { i += 1; continue; }
      let name = '';
      while (i < html.length && !/[\s/>=]/.test(html[i])) name += html[i++];
      while (/\s/.test(html[i] ?? '')) i += 1;
      let value = null;
      if (html[i] === '=') {
        i += 1;
        while (/\s/.test(html[i] ?? '')) i += 1;
        if (html[i] === '"' || html[i] === "'") {
          const end = html.indexOf(html[i], i + 1);
          value = html.slice(i + 1, end < 0 ? html.length : end);
          i = end < 0 ? html.length : end + 1;
        } else {
          value = '';
          while (i < html.length && !/[\s>]/.test(html[i])) value += html[i++];
        }
      }
      if (name) attrs.push([name.toLowerCase(), value]);
    }
    out.push({ name: m[1].toLowerCase(), attrs });
    re.lastIndex = i;
  }
  return out;
}

const decodeAttr = (v) => unescapeXml(v.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16))));

// Fails when html has markup that could run script or was not the site's own.
function assertInert(what, html) {
  assert.ok(!html.includes('<!--'), `${what}: a comment opener`);
  assert.equal((html.match(/<textarea/g) || []).length, (html.match(/<\/textarea>/g) || []).length, `${what}: textareas`);
  for (const tag of tagsOf(html)) {
    const attr = Object.fromEntries(tag.attrs);
    const where = `${what}: <${tag.name} ${tag.attrs.map(([n, v]) => `${n}="${v}"`).join(' ')}>`;
    assert.ok(!['iframe', 'object', 'embed', 'x', 'base', 'style', 'math'].includes(tag.name), where);
    if (tag.name === 'script') assert.match(attr.src ?? '', /^\/static\/js\//, where);
    if (tag.name === 'img') assert.match(attr.src ?? '', /^\/static\//, where);
    for (const [name, value] of tag.attrs) {
      assert.ok(!/^on/.test(name) && !['autofocus', 'srcdoc', 'formaction'].includes(name), where);
      if (['href', 'src', 'action', 'xlink:href'].includes(name) && value !== null) {
        assert.doesNotMatch(decodeAttr(value).replace(/[\s\x00-\x1f]/g, ''), /^(javascript|data|vbscript):/i, where);
      }
    }
  }
}

test('script and HTML in any field come back as text or are refused, in pages, feeds and JSON', async () => {
  const slug = slugs.signals;
  const ids = {};
  for (const p of PAYLOADS) {
    // in the name and the comment: published (the known commenter) and shown as text
    const r = posted(await postComment(new Reader(server), slug, { name: p.slice(0, 80), email: known.email, comment: `Text: ${p}` }));
    if (r.status === 'pending') await opApi('POST', `/admin/comments/${r.id}/approve`);
    ids[p] = r.id;
  }
  const { html } = await page(`/guides/${slug}`);
  assertInert('the article page', html);
  const shown = Object.fromEntries(commentsOf(html).map((c) => [c.id, c.html]));
  for (const p of PAYLOADS) {
    const c = shown[ids[p]];
    assert.ok(c, `the comment with ${p} is shown`);
    assert.ok(c.includes(`<strong>${escapeHtml(p.slice(0, 80))}</strong>`), `name ${p}`);
    if (!p.startsWith('https:')) assert.ok(c.includes(`<p>Text: ${escapeHtml(p)}</p>`), `text ${p}`);
  }
  assert.ok(html.includes('{{site.name}}'), 'template syntax is not evaluated');
  assert.ok(html.includes('&amp;lt;b&amp;gt;'), 'entities are shown, not decoded');

  const model = await apiOk(server, 'GET', `/guides/${slug}`);
  for (const p of PAYLOADS) {
    const c = model.comments.find((x) => x.id === ids[p]);
    assert.equal(c.name, p.slice(0, 80), 'JSON keeps the name as text');
    assertInert(`JSON body_html for ${p}`, c.body_html);
  }
  const comments = await feed(`/guides/${slug}/comments.atom`);
  assert.doesNotMatch(comments.xml, /<(script|img|svg|iframe|x)\b/i, 'no elements from comments in the feed');
  for (const p of PAYLOADS) {
    const e = comments.entries.find((x) => x.link.endsWith(`#comment-${ids[p]}`));
    assert.ok(e, `feed entry for ${p}`);
    assert.equal(e.title, `Comment by ${p.slice(0, 80)}`);
    assertInert(`feed content for ${p}`, e.content);
  }
  const admin = await page('/admin/comments', op.browser);
  assertInert('the moderation page', admin.html);

  // in the email: refused, or accepted and never shown
  for (const p of PAYLOADS) {
    const res = await postComment(new Reader(server), slug, { name: 'Mail Tester', email: `${p}@example.org`, comment: 'Email payload' });
    if (res.status === 422) {
      const back = await res.text();
      assert.match(fieldError(back, 'email'), /email address/);
      assertInert(`the form with email ${p}`, back);
      assert.equal(inputValue(back, 'email'), escapeHtml(`${p}@example.org`));
    } else {
      const r = posted(res);
      await opApi('POST', `/admin/comments/${r.id}/approve`);
      const email = `${p}@example.org`.toLowerCase();
      for (const where of [`/guides/${slug}`, `/api/v1/guides/${slug}`, `/guides/${slug}/comments.atom`]) {
        assert.ok(!(await page(where)).html.includes(email), `${where} shows ${email}`);
      }
    }
  }
  // in the parent: refused as a reference, kept escaped in the form
  for (const p of PAYLOADS) {
    const res = await postComment(knownReader, slug, { ...known, comment: 'Parent payload', parent: p });
    assert.equal(res.status, 422, `parent ${p}`);
    const back = await res.text();
    assertInert(`the form with parent ${p}`, back);
    assert.ok(back.includes(`name="parent" value="${escapeHtml(p)}"`));
  }
  // in the honeypot: spam, never shown
  for (const p of PAYLOADS.slice(0, 4)) {
    const r = posted(await postComment(knownReader, slug, { ...known, comment: 'Trap payload', website: p }));
    assert.equal(dbStatus(r.id), 'spam');
  }
  // in the form time: spam, never shown
  for (const p of PAYLOADS.slice(0, 4)) {
    const r = posted(await postComment(knownReader, slug, { ...known, comment: 'Time payload' }, { t: p }));
    assert.equal(dbStatus(r.id), 'spam');
  }
  // in every field of a form that comes back with an error
  for (const p of PAYLOADS) {
    const res = await postComment(new Reader(server), slug,
      { name: p.slice(0, 80), email: 'broken', comment: p, website: p }, { t: p });
    assert.equal(res.status, 422);
    const back = await res.text();
    assertInert(`the form with ${p}`, back);
    assert.equal(inputValue(back, 'name'), escapeHtml(p.slice(0, 80)));
    assert.ok(back.includes(`>${escapeHtml(p)}</textarea>`));
    assert.match(inputValue(back, 't'), /^\d{13}\.[0-9a-f]{64}$/, 'a forged time is replaced, not echoed');
    assert.equal(inputValue(back, 'website'), '');
  }
  const after = await page(`/guides/${slug}`);
  assertInert('the article page at the end', after.html);
  const adminAfter = await page('/admin/comments', op.browser);
  assertInert('the moderation page at the end', adminAfter.html);
  atom((await (await fetch(`${server.url}/guides/${slug}/comments.atom`)).text()), 'comments feed');
});

// ---- feeds ----

test('both Atom feeds are well-formed with the required elements, and list only approved comments', async () => {
  const guides = await feed('/guides/feed.atom');
  const index = await apiOk(server, 'GET', '/guides');
  assert.deepEqual(guides.entries.map((e) => e.link), index.guides.map((g) => `${server.url}/guides/${g.slug}`));
  // ids are tag: URIs of the instance's tagging entity and the guide's id
  const entity = sql(server, "SELECT value FROM instance_settings WHERE key = 'tag_authority'");
  assert.match(entity, /^127\.0\.0\.1,\d{4}-\d{2}-\d{2}$/, 'the first start\'s host and day');
  const idOf = Object.fromEntries(sql(server, 'SELECT slug, id FROM guides').split('\n').map((l) => l.split('|')));
  assert.match(guides.xml, new RegExp(`<feed [^>]*>[\\s\\S]*?<id>tag:${entity.replace(/\./g, '\\.')}:guides</id>`));
  for (const e of guides.entries) {
    const slug = e.link.slice(`${server.url}/guides/`.length);
    assert.equal(e.id, `tag:${entity}:guides/${idOf[slug]}`);
    assert.match(e.content, /^<p>/);
    assert.match(e.xml, /<published>[^<]+<\/published>/);
  }
  assert.match(guides.xml, /<link rel="self" type="application\/atom\+xml" href="http:\/\/127\.0\.0\.1:\d+\/guides\/feed\.atom"\/>/);

  const slug = slugs.time;
  const held = posted(await postComment(new Reader(server), slug,
    { name: 'Unapproved', email: `${unique('un')}@example.org`, comment: `Not in the feed ${unique('nf')}` }));
  const spam = posted(await postComment(new Reader(server), slug,
    { ...known, comment: `Spam not in the feed ${unique('sp')}`, website: 'x' }));
  const ok = await knownComment(slug, 'In the feed\n\nwith <two> paragraphs');
  const comments = await feed(`/guides/${slug}/comments.atom`);
  assert.match(comments.xml, new RegExp(`^[\\s\\S]*?<id>tag:${entity.replace(/\./g, '\\.')}:guides/${idOf[slug]}/comments</id>`));
  const ids = comments.entries.map((e) => e.id.match(new RegExp(`^tag:${entity.replace(/\./g, '\\.')}:comments/(\\d+)$`))[1]);
  assert.ok(ids.includes(ok.id));
  assert.ok(!ids.includes(held.id) && !ids.includes(spam.id));
  for (const id of ids) assert.equal(dbStatus(id), 'approved');
  const entry = comments.entries.find((e) => e.id.endsWith(`/${ok.id}`));
  assert.equal(entry.content, '<p>In the feed</p>\n<p>with &lt;two&gt; paragraphs</p>');
  assert.equal(entry.link, `${server.url}/guides/${slug}#comment-${ok.id}`);
  assert.match(entry.xml, /<author><name>Known Reader<\/name><\/author>/);
});

test('characters XML does not allow cannot break the comments feed', async () => {
  const slug = slugs.dreams;
  const res = await postComment(knownReader, slug, { ...known, comment: 'Odd \uFFFE and \uFFFF characters' });
  if (res.status !== 422) {
    const { id } = posted(res);
    if (dbStatus(id) !== 'approved') await opApi('POST', `/admin/comments/${id}/approve`);
  }
  const xml = await (await fetch(`${server.url}/guides/${slug}/comments.atom`)).text();
  const lint = wellFormed(xml);
  assert.ok(lint.ok, `the comments feed is not well-formed:\n${lint.errors.split('\n').slice(0, 2).join('\n')}`);
});

// ---- operators ----

test('the moderation page lists pending, spam and approved comments, newest first, with guide, name, email and text', async () => {
  const slug = slugs.introduction;
  const older = posted(await postComment(new Reader(server), slug, { name: 'Older Pending', email: `${unique('op1')}@example.org`, comment: 'Older pending text' }));
  const newer = posted(await postComment(new Reader(server), slug, { name: 'Newer Pending', email: `${unique('op2')}@example.org`, comment: 'Newer pending text' }));
  const spam = posted(await postComment(knownReader, slug, { ...known, comment: 'Spammy text', website: 'x' }));
  const approved = await knownComment(slug, 'Approved text');
  const { status, html } = await page('/admin/comments', op.browser);
  assert.equal(status, 200);
  const at = (s) => html.indexOf(s);
  const sections = ['<h2 id="pending">', '<h2 id="spam">', '<h2 id="approved">'].map(at);
  assert.ok(sections.every((p, i) => p > 0 && (i === 0 || p > sections[i - 1])));
  const pos = (id) => at(`id="c${id}"`);
  assert.ok(pos(newer.id) > sections[0] && pos(newer.id) < pos(older.id) && pos(older.id) < sections[1], 'pending, newest first');
  assert.ok(pos(spam.id) > sections[1] && pos(spam.id) < sections[2]);
  assert.ok(pos(approved.id) > sections[2]);
  const item = html.slice(pos(older.id), html.indexOf('</li>', pos(older.id)));
  assert.match(item, /<strong>Older Pending<\/strong> &lt;op1[a-z0-9]+@example\.org&gt;/);
  assert.ok(item.includes(`<a href="/guides/${slug}">${escapeHtml(titles[slug])}</a>`));
  assert.match(item, /Older pending text/);
  assert.match(item, /a first comment/);
  for (const action of ['approve', 'spam', 'delete', 'reply']) assert.ok(item.includes(`action="/admin/comments/${older.id}/${action}"`), action);
  const model = await opApi('GET', '/admin/comments');
  assert.ok(model.pending.some((c) => c.id === older.id && c.email.startsWith('op1')));
  assert.ok(model.spam.some((c) => c.id === spam.id));
  assert.ok(model.approved.some((c) => c.id === approved.id));
});

describe('replies written as the site (on a server of its own)', () => {
  test('an operator replies as the site: published at once with a site tag, approving the comment it answers', async () => {
    const srv = siteServer;
    const slug = slugs.listen;
    const asker = { name: 'Asker', email: `${unique('ask')}@example.org` };
    const askerReader = new Reader(srv);
    const ask = async (comment, parent) => posted(await postComment(askerReader, slug, { ...asker, comment, parent }));
    const question = await ask('A question?');
    assert.equal(question.status, 'pending');
    const res = await siteOp.browser.form(`/admin/comments/${question.id}/reply`, { comment: 'An answer from the site.' });
    assert.equal(res.status, 303);
    assert.equal(dbStatus(question.id, srv), 'approved', 'answering approves the question');
    const [replyId, parentId, depth, name, email, bySite, status] = sql(srv,
      `SELECT id, parent_id, depth, name, email, by_site, status FROM comments WHERE parent_id = ${question.id}`).split('|');
    assert.deepEqual([parentId, depth, name, email, bySite, status], [question.id, '1', 'Hearth', '', '1', 'approved']);

    // an answer to a third-level comment stays at the third level
    const l1 = await ask('Level one', question.id);
    const l2 = await ask('Level two', l1.id);
    assert.equal(l2.status, 'approved');
    const deep = await apiOk(srv, 'POST', `/admin/comments/${l2.id}/reply`, { token: siteOp.person.token, body: { comment: 'Deep answer' } }, 201);
    assert.equal(sql(srv, `SELECT depth || ' ' || parent_id FROM comments WHERE id = ${deep.id}`), `2 ${l1.id}`);
    const empty = await siteOp.browser.form(`/admin/comments/${question.id}/reply`, { comment: '' });
    assert.equal(empty.status, 422);
    assert.equal((await siteOp.browser.form('/admin/comments/12345/reply', { comment: 'x' })).status, 404);

    // how it shows
    const model = await apiOk(srv, 'GET', `/guides/${slug}`);
    const i = model.comments.findIndex((c) => c.id === question.id);
    assert.ok(i >= 0, 'the question is shown');
    const reply = model.comments[i + 1];
    assert.equal(reply.id, replyId);
    assert.equal(reply.by_site, true);
    assert.equal(reply.parent_id, question.id);
    assert.equal(reply.depth, 1);
    const { html } = await page(`/guides/${slug}`, undefined, srv);
    const li = commentsOf(html).find((c) => c.id === replyId);
    assert.match(li.html, /<strong>Hearth<\/strong> <span class="tag">site<\/span>/);
    assert.ok(li.html.includes('<p>An answer from the site.</p>'));
  });
});

test('an operator marks a comment as spam or deletes it, and it leaves the page and the feed', async () => {
  const slug = slugs.share;
  const a = await knownComment(slug, `Soon spam ${unique('s')}`);
  const b = await knownComment(slug, `Soon deleted ${unique('d')}`);
  const visible = async (id) => commentsOf((await page(`/guides/${slug}`)).html).some((c) => c.id === id);
  const inFeed = async (id) => (await feed(`/guides/${slug}/comments.atom`)).entries.some((e) => e.id.endsWith(`:comments/${id}`));
  assert.ok(await visible(a.id) && await inFeed(a.id));
  assert.equal((await op.browser.form(`/admin/comments/${a.id}/spam`, {})).status, 303);
  assert.equal(dbStatus(a.id), 'spam');
  assert.ok(!(await visible(a.id)) && !(await inFeed(a.id)));
  assert.equal((await op.browser.form(`/admin/comments/${b.id}/delete`, {})).status, 303);
  assert.equal(sql(server, `SELECT count(*) FROM comments WHERE id = ${b.id}`), '0');
  assert.ok(!(await visible(b.id)) && !(await inFeed(b.id)));
  for (const action of ['approve', 'spam', 'delete']) {
    assert.equal((await op.browser.form(`/admin/comments/${b.id}/${action}`, {})).status, 404, action);
  }
  const back = await opApi('POST', `/admin/comments/${a.id}/approve`);
  assert.equal(back.status, 'approved');
  assert.ok(await visible(a.id));
});

const guideForm = (over = {}) => ({
  title: 'Cooking together', slug: unique('cook'), summary: 'Make dinner a date.',
  practice: 'share', date: '2026-12-01', body: '## Start small\n\nPick **one** recipe.\n\n- chop\n- stir\n', ...over,
});

test('an operator writes a guide: preview without saving, save as a draft, publish, edit and unpublish', async () => {
  const b = op.browser;
  const list = await page('/admin/guides', b);
  assert.equal(list.status, 200);
  for (const t of Object.values(titles)) assert.ok(list.html.includes(escapeHtml(t)), t);
  const blank = await page('/admin/guides/new', b);
  assert.equal(blank.status, 200);
  for (const f of ['title', 'slug', 'summary', 'practice', 'date', 'body']) assert.match(blank.html, new RegExp(`<label for="${f}">`), f);

  const count = () => sql(server, 'SELECT count(*) FROM guides');
  const before = count();
  const fields = guideForm();
  const preview = await b.form('/admin/guides', { ...fields, preview: '1' });
  assert.equal(preview.status, 200);
  const ph = await preview.text();
  assert.match(ph, /<article class="panel prose preview" aria-label="Preview">[\s\S]*<h2>Start small<\/h2>\n<p>Pick <strong>one<\/strong> recipe\.<\/p>/);
  assert.equal(inputValue(ph, 'title'), fields.title, 'the form keeps what was typed');
  assert.equal(count(), before, 'a preview saves nothing');

  const save = await b.form('/admin/guides', fields);
  assert.equal(save.status, 303);
  const id = save.headers.get('location').match(/^\/admin\/guides\/(\d+)\?saved=1$/)[1];
  assert.match((await page(`/admin/guides/${id}?saved=1`, b)).html, /Saved\./);
  const path = `/guides/${fields.slug}`;
  const isPublic = async () => {
    const p = (await page(path)).status;
    const j = (await api(server, 'GET', path)).status;
    const inIndex = (await page('/guides')).html.includes(`href="${path}"`);
    const inFeed = (await feed('/guides/feed.atom')).entries.some((e) => e.id.endsWith(`:guides/${id}`) && e.link === server.url + path);
    const commentsFeed = (await page(`${path}/comments.atom`)).status;
    return { p, j, inIndex, inFeed, commentsFeed };
  };
  assert.deepEqual(await isPublic(), { p: 404, j: 404, inIndex: false, inFeed: false, commentsFeed: 404 }, 'a draft');

  assert.equal((await b.form(`/admin/guides/${id}/publish`, {})).status, 303);
  assert.deepEqual(await isPublic(), { p: 200, j: 200, inIndex: true, inFeed: true, commentsFeed: 200 }, 'published');
  const shown = (await page(path)).html;
  assert.match(shown, /<h1>Cooking together<\/h1>/);
  assert.match(shown, /<p class="eyebrow"><span class="tag">Share<\/span> <time>1 December 2026<\/time><\/p>/);

  const edit = await page(`/admin/guides/${id}`, b);
  assert.equal(inputValue(edit.html, 'slug'), fields.slug);
  assert.match(edit.html, /<option value="share" selected>/);
  // the topics offered are the introduction and the registered practices
  const offered = [...edit.html.matchAll(/<option value="([a-z]+)"/g)].map((m) => m[1]);
  const home = await apiOk(server, 'GET', '/');
  assert.deepEqual(offered, ['introduction', ...home.practices.map((p) => p.name)]);
  const edited = await b.form(`/admin/guides/${id}`, { ...fields, title: 'Cooking together, edited', body: 'New body.' });
  assert.equal(edited.status, 303);
  const after = (await page(path)).html;
  assert.match(after, /<h1>Cooking together, edited<\/h1>/);
  assert.match(after, /<p>New body\.<\/p>/);

  // a form time of the new guide, old enough to be taken
  formTimes.set(`${server.url} ${fields.slug}`, (await apiOk(server, 'GET', path)).form_time);
  await sleep(3100);
  const comment = await knownComment(fields.slug, 'On the new guide');
  assert.equal(comment.status, 'approved');
  assert.equal((await b.form(`/admin/guides/${id}/unpublish`, {})).status, 303);
  assert.deepEqual(await isPublic(), { p: 404, j: 404, inIndex: false, inFeed: false, commentsFeed: 404 }, 'unpublished');
  const late = await postComment(knownReader, fields.slug, { ...known, comment: 'Too late' });
  assert.equal(late.status, 404, 'no comments on an unpublished guide');
  assert.equal((await b.form('/admin/guides/12345/publish', {})).status, 404);
});

test('a guide is checked: required fields, a known practice, a unique address', async () => {
  const b = op.browser;
  const taken = slugs.listen;
  const cases = [
    ['title', { title: '' }, /Title is required\./],
    ['summary', { summary: '' }, /Summary is required\./],
    ['body', { body: '' }, /Article is required\./],
    ['practice', { practice: 'karaoke' }, /Practice must be one of the offered choices\./],
    ['date', { date: '2026-02-30' }, /Date must be a date/],
    ['slug', { slug: taken }, /Another guide already has this address\./],
    ['title', { title: 't'.repeat(121) }, /at most 120/],
  ];
  for (const [field, change, message] of cases) {
    const res = await b.form('/admin/guides', guideForm(change));
    assert.equal(res.status, 422, field);
    const html = await res.text();
    assert.match(html, message, field);
  }
  const json = await api(server, 'POST', '/admin/guides', { token: op.person.token, body: guideForm({ title: '', practice: 'x' }) });
  assert.equal(json.status, 422);
  assert.deepEqual(Object.keys((await json.json()).errors).sort(), ['practice', 'title']);
});

test('a guide\'s address must be lower-case words with dashes', async () => {
  const bad = ['Has Spaces', 'a/b', '../up', 'UPPER', '<x>', 'ok?q=1', 'trailing#frag'];
  const accepted = [];
  for (const slug of bad) {
    const res = await op.browser.form('/admin/guides', guideForm({ slug }));
    if (res.status !== 422) accepted.push(`${slug} (${res.status})`);
  }
  assert.deepEqual(accepted, [], 'addresses accepted');
});

const SCRIPT_LINKS = [
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x]( javascript:alert(1))',
  '<javascript:alert(1)>',
  '[r][ref]\n\n[ref]: javascript:alert(1)',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![i](data:image/svg+xml,<svg onload=alert(1)>)',
  '[x](vbscript:msgbox(1))',
  // the same, written the ways CommonMark allows
  '[x](&#106;avascript:alert(1))',
  '[x](java&#115;cript:alert(1))',
  '[x](&#x6A;avascript:alert(1))',
  '[x](\r\njavascript:alert(1))',
  '[r][ref]\n\n[ref]: &#106;avascript:alert(1)',
  '![i](&#100;ata:image/svg+xml,x)',
];

test('Markdown links with javascript: or data: addresses are refused', async () => {
  const accepted = [];
  for (const md of SCRIPT_LINKS) {
    for (const preview of ['', '1']) {
      const res = await op.browser.form('/admin/guides', guideForm({ body: `Intro.\n\n${md}\n`, ...(preview ? { preview } : {}) }));
      const html = await res.text();
      if (res.status === 422) {
        assert.match(fieldError(html, 'body'), /Links and images may only use http, https or mailto addresses\./);
      } else if (/(href|src)="\s*(javascript|data|vbscript):/i.test(html)) {
        // rendered as a live address (the preview shows the rendering; a save
        // answers 303 after the same check). Markdown that is not a link at
        // all, such as a destination with spaces, renders as text and is fine.
        accepted.push(`${JSON.stringify(md)}${preview ? ' (preview)' : ''}: ${res.status}`);
      }
    }
  }
  assert.deepEqual(accepted, [], 'script links that were not refused');
});

test('raw HTML in Markdown is shown as text, not rendered', async () => {
  const body = 'Before.\n\n<script>alert(1)</script>\n\nInline <img src=x onerror=alert(1)> and <b>bold</b>.\n\n<div onclick="alert(2)">block</div>\n';
  const fields = guideForm({ body });
  const created = await opApi('POST', '/admin/guides', fields, 201);
  await opApi('POST', `/admin/guides/${created.id}/publish`);
  const html = (await page(`/guides/${fields.slug}`)).html;
  const article = html.match(/<article class="panel prose">([\s\S]*?)<\/article>/)[1];
  assertInert('the article', article);
  assert.doesNotMatch(article, /<b>|<div/);
  assert.ok(article.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(article.includes('&lt;img src=x onerror=alert(1)&gt;'));
  const entry = (await feed('/guides/feed.atom')).entries.find((e) => e.link.endsWith(fields.slug));
  assertInert('the feed entry', entry.content);
  const preview = await op.browser.form('/admin/guides', { ...guideForm({ body }), preview: '1' });
  assertInert('the preview', (await preview.text()).replace(/<textarea[\s\S]*?<\/textarea>/, ''));
});

test('non-operators get 404 on every /admin page and action, as pages and under /api/v1', async () => {
  const guideId = sql(server, `SELECT id FROM guides WHERE slug = '${slugs.trust}'`);
  const held = posted(await postComment(new Reader(server), slugs.trust,
    { name: 'Target', email: `${unique('tg')}@example.org`, comment: 'Target comment' }));
  const gets = ['/admin/comments', '/admin/guides', '/admin/guides/new', `/admin/guides/${guideId}`, '/admin/settings'];
  const posts = [
    [`/admin/comments/${held.id}/approve`, {}], [`/admin/comments/${held.id}/spam`, {}],
    [`/admin/comments/${held.id}/delete`, {}], [`/admin/comments/${held.id}/reply`, { comment: 'Hijack' }],
    ['/admin/guides', guideForm()], [`/admin/guides/${guideId}`, guideForm({ title: 'Hijacked' })],
    [`/admin/guides/${guideId}/unpublish`, {}], [`/admin/guides/${guideId}/publish`, {}],
    ['/admin/settings', { blocked_words: 'hijacked' }],
  ];
  const guides = sql(server, 'SELECT count(*) FROM guides');
  const member = await signupBrowser(server, newPerson('member'));
  const former = await signupBrowser(server, newPerson('former'));
  grant(former.person.email);
  assert.equal((await former.browser.get('/admin/comments')).status, 200, 'an operator first');
  grant(former.person.email, 'revoke');
  const anonymous = new Reader(server);
  await anonymous.get('/guides');
  const who = { anonymous: { browser: anonymous }, member, former };
  const failures = [];
  for (const [name, { browser, person }] of Object.entries(who)) {
    for (const path of gets) {
      const res = await browser.get(path);
      if (res.status !== 404) failures.push(`${name} GET ${path}: ${res.status}`);
      await res.text();
      const j = await api(server, 'GET', path, person ? { token: person.token } : {});
      if (j.status !== 404) failures.push(`${name} GET /api/v1${path}: ${j.status}`);
    }
    for (const [path, fields] of posts) {
      const withToken = await browser.form(path, fields, browser === anonymous ? { csrf: anonymous.jar.get('hearth_csrf') } : {});
      if (withToken.status !== 404) failures.push(`${name} POST ${path}: ${withToken.status}`);
      const without = await browser.form(path, fields, { csrf: null });
      if (without.status !== 404) failures.push(`${name} POST ${path} without a form token: ${without.status}`);
      const j = await api(server, 'POST', path, { body: fields, ...(person ? { token: person.token } : {}) });
      if (j.status !== 404) failures.push(`${name} POST /api/v1${path}: ${j.status}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(dbStatus(held.id), 'pending', 'nothing happened to the comment');
  assert.equal(sql(server, `SELECT published || ' ' || title FROM guides WHERE id = ${guideId}`), `1 ${titles[slugs.trust]}`);
  assert.equal(sql(server, 'SELECT count(*) FROM guides'), guides, 'no guide was created');
  assert.equal(sql(server, "SELECT count(*) FROM guides WHERE title = 'Hijacked'"), '0');
  assert.notEqual(sql(server, "SELECT coalesce((SELECT value FROM instance_settings WHERE key = 'blocked_words'), '')"), 'hijacked');
  assert.equal(sql(server, "SELECT count(*) FROM comments WHERE body = 'Hijack'"), '0');
});

// ---- seeding ----

// A server on db, kept between starts.
const serveOn = (db) => startServer({ db });

describe('restarting on the same database', () => {
  let fresh;
  let second;
  const edits = {};
  before(async () => {
    fresh = newDatabase();
    const { db } = fresh;
    const first = await serveOn(db);
    const owner = await signup(first, newPerson('seedop'));
    grant(owner.email, 'grant', db);
    const ids = Object.fromEntries(sql(first, 'SELECT practice, id FROM guides').split('\n').map((l) => l.split('|')));
    const slugOf = Object.fromEntries(sql(first, 'SELECT practice, slug FROM guides').split('\n').map((l) => l.split('|')));
    const edit = (practice, over) => apiOk(first, 'POST', `/admin/guides/${ids[practice]}`, {
      token: owner.token,
      body: { title: `Edited ${practice}`, slug: slugOf[practice], summary: 'Edited summary', practice: 'share', date: '2026-10-08', body: `Edited body of ${practice}.`, ...over },
    });
    await edit('listen', {});
    edits.listen = slugOf.listen;
    await apiOk(first, 'POST', `/admin/guides/${ids.dreams}/unpublish`, { token: owner.token });
    edits.dreams = slugOf.dreams;
    await edit('trust', { slug: 'trust-renamed', title: 'Trust, renamed' });
    edits.trust = slugOf.trust;
    edits.count = sql(first, 'SELECT count(*) FROM guides');
    assert.equal((await first.stop()).code, 0);
    second = await serveOn(db);
  });
  after(async () => {
    if (second) assert.equal((await second.stop()).code, 0);
    fresh.remove();
  });

  test('an edited seeded guide keeps its edit and an unpublished one stays unpublished', async () => {
    const html = await (await fetch(`${second.url}/guides/${edits.listen}`)).text();
    assert.match(html, /<h1>Edited listen<\/h1>/);
    assert.match(html, /<p>Edited body of listen\.<\/p>/);
    assert.equal((await fetch(`${second.url}/guides/${edits.dreams}`)).status, 404);
    assert.equal(sql(second, `SELECT published FROM guides WHERE slug = '${edits.dreams}'`), '0');
  });

  test('a seeded guide whose address was changed is not seeded again', async () => {
    assert.equal((await fetch(`${second.url}/guides/trust-renamed`)).status, 200);
    assert.equal(sql(second, 'SELECT count(*) FROM guides'), edits.count, 'no guide was added on restart');
    assert.equal((await fetch(`${second.url}/guides/${edits.trust}`)).status, 404,
      'the old address does not come back as a second copy');
  });
});

describe('feed ids when the site moves to another address', () => {
  let fresh;
  let first;
  let moved;
  const before1 = {};
  before(async () => {
    fresh = newDatabase();
    before1.day = new Date().toISOString().slice(0, 10);
    first = await startServer({ db: fresh.db });
    const body = async (srv, path) => (await fetch(srv.url + path)).text();
    const ids = (xml) => [...xml.matchAll(/<id>([^<]+)<\/id>/g)].map((m) => m[1]);
    const slug = sql(first, "SELECT slug FROM guides WHERE practice = 'share'");
    before1.guides = ids(await body(first, '/guides/feed.atom'));
    before1.comments = ids(await body(first, `/guides/${slug}/comments.atom`));
    before1.entity = sql(first, "SELECT value FROM instance_settings WHERE key = 'tag_authority'");
    assert.equal((await first.stop()).code, 0);
    // the guide gets a new address too
    const r = run(['sql', `UPDATE guides SET slug = 'share-renamed' WHERE slug = '${slug}'`, '--db', fresh.db]);
    assert.equal(r.status, 0, r.stderr);
    moved = await startServer({ db: fresh.db, port: await freePort(), args: ['--base-url', 'https://hearth.example.org'] });
    before1.after = {
      guidesXml: await body(moved, '/guides/feed.atom'),
      commentsXml: await body(moved, '/guides/share-renamed/comments.atom'),
    };
    before1.after.guides = ids(before1.after.guidesXml);
    before1.after.comments = ids(before1.after.commentsXml);
  });
  after(async () => {
    if (moved) assert.equal((await moved.stop()).code, 0);
    fresh.remove();
  });

  test('the tagging entity is chosen once, at the first start, from its host and day', () => {
    const today = new Date().toISOString().slice(0, 10);
    assert.match(before1.entity, /^127\.0\.0\.1,\d{4}-\d{2}-\d{2}$/);
    assert.ok([before1.day, today].some((d) => before1.entity.endsWith(`,${d}`)), before1.entity);
    assert.equal(sql(moved, "SELECT value FROM instance_settings WHERE key = 'tag_authority'"), before1.entity,
      'a start at another address keeps it');
  });

  test('every feed and entry id stays the same after the move, and links follow the new address', () => {
    assert.ok(before1.guides.length > 1 && before1.guides.every((id) => id.startsWith(`tag:${before1.entity}:`)));
    assert.deepEqual(before1.after.guides, before1.guides);
    assert.deepEqual(before1.after.comments, before1.comments);
    for (const id of [...before1.guides, ...before1.comments]) tagUri(id, 'after the move');
    assert.match(before1.after.guidesXml, /<link rel="alternate" type="text\/html" href="https:\/\/hearth\.example\.org\/guides\/share-renamed"\/>/);
    assert.doesNotMatch(before1.after.guidesXml, /<id>[^<]*hearth\.example\.org/);
  });
});

// ---- the flood window, at the end (on the test clock) ----

test('the flood window is 15 seconds: at 14 still refused, after 15 the address may comment again and older rows are gone', async () => {
  const slug = slugs.introduction;
  if (Date.now() < firstFlood.lastAt + 13500) {
    setServerTime(firstFlood.lastAt + 14000);
    const soon = await postComment(knownReader, slug, { ...known, comment: 'At 14 seconds' }, { from: '127.0.0.1' });
    assert.equal(soon.status, 429);
    assert.equal(soon.headers.get('retry-after'), '1');
  } else {
    assert.fail('the suite took too long to check the 14th second');
  }
  const target = firstFlood.earlyLastAt + 15001;
  setServerTime(target);
  const res = await postComment(knownReader, slug, { ...known, comment: 'Back again' }, { from: '127.0.0.1' });
  assert.equal(posted(res).status, 'approved');
  const rows = sql(server, 'SELECT address, last_at FROM comment_floods').split('\n').map((l) => l.split('|'));
  for (const [address, lastAt] of rows) {
    assert.ok(Number(lastAt) > target - 15000, `${address} is ${target - Number(lastAt)} ms old`);
    assert.match(address, /^127\.\d+\.\d+\.0\/24$/);
  }
  const early = earlyAddress.replace(/\.1$/, '.0/24');
  assert.ok(!rows.some(([a]) => a === early), 'the early address is gone');
  const mine = rows.find(([a]) => a === '127.0.0.0/24');
  assert.ok(mine && Number(mine[1]) >= target, 'a new window started');
});
