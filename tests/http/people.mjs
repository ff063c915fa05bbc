// Helpers for HTTP tests that need people: signing up, logging in and pairing,
// both through the JSON API (bearer tokens) and through the HTML forms (a
// small browser with a cookie jar and CSRF tokens).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import { setCookieLines, sql, startServer } from './server.mjs';

export { sql };

export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 '
  + '(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

// Every password, email and token the helpers handed out, so a test can check
// that none of them ever reaches the logs or the database.
export const secrets = { passwords: new Set(), emails: new Set(), tokens: new Set() };

let seq = 0;
// A short string nobody else uses: lower case letters and digits.
export function unique(prefix = 'p') {
  seq += 1;
  return `${prefix}${seq.toString(36)}${randomBytes(4).toString('hex')}`;
}

// A new person (not signed up yet). tag ends up in the name and the email, so
// a test can look for it in pages.
export function newPerson(tag = 'p', extra = {}) {
  const id = unique(tag.toLowerCase());
  const person = {
    name: `Name ${id}`,
    email: `${id}@example.org`,
    password: `${randomBytes(3).toString('hex')} quiet harbour lantern`,
    ...extra,
  };
  secrets.passwords.add(person.password);
  secrets.emails.add(person.email);
  return person;
}

// ---- the JSON API ----

// A request to the /api/v1 twin of path. Writes are sent as JSON unless the
// caller says otherwise; token authenticates with "Authorization: Bearer".
export function api(server, method, path, { token, body, headers = {}, cookie } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  let payload;
  if (method !== 'GET' && method !== 'HEAD') {
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
      h['content-type'] = 'application/json';
    }
    payload = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  }
  return fetch(`${server.url}/api/v1${path}`, { method, headers: h, body: payload, redirect: 'manual' });
}

// Like api(), but fails unless the status is the one expected; returns the
// parsed body.
export async function apiOk(server, method, path, options = {}, expected = 200) {
  const res = await api(server, method, path, options);
  const text = await res.text();
  if (res.status !== expected) {
    throw new Error(`${method} /api/v1${path}: expected ${expected}, got ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

function remember(token) {
  if (token) secrets.tokens.add(token);
  return token;
}

// Signs person up through the API; returns the person with id, user and token.
export async function signup(server, person = newPerson(), { timeZone } = {}) {
  const body = { name: person.name, email: person.email, password: person.password };
  if (timeZone) body.time_zone = timeZone;
  const out = await apiOk(server, 'POST', '/signup', { body }, 201);
  person.id = out.user.id;
  person.user = out.user;
  person.token = remember(out.token);
  return person;
}

// Logs person in through the API; returns a new token (person.token is kept).
export async function login(server, person, headers = {}) {
  const out = await apiOk(server, 'POST', '/login',
    { body: { email: person.email, password: person.password }, headers });
  return remember(out.token);
}

// inviter makes an invite, joiner joins with its code. Returns the join answer.
export async function pair(server, inviter, joiner) {
  const invite = await apiOk(server, 'POST', '/pair/invite', { token: inviter.token }, 201);
  const joined = await apiOk(server, 'POST', '/pair/join',
    { token: joiner.token, body: { code: invite.code } });
  return { code: invite.code, ...joined };
}

// Two new people, signed up and paired (the first invited the second).
export async function newCouple(server, tag = 'c', options = {}) {
  const one = await signup(server, newPerson(`${tag}1`), options);
  const two = await signup(server, newPerson(`${tag}2`), options);
  const joined = await pair(server, one, two);
  return { one, two, coupleId: joined.couple.id };
}

// ---- HTML forms ----

export class Jar {
  constructor() { this.cookies = new Map(); }

  // Takes the Set-Cookie headers of a response; Max-Age=0 removes a cookie.
  store(res) {
    for (const line of setCookieLines(res)) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/;\s*max-age=0\b/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name) { return this.cookies.get(name); }

  set(name, value) { this.cookies.set(name, value); }

  delete(name) { this.cookies.delete(name); }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

// The parsed Set-Cookie headers of a response: name -> {value, attrs (lower-cased
// names), raw}.
export function setCookies(res) {
  const out = {};
  for (const line of setCookieLines(res)) {
    const [first, ...rest] = line.split(';').map((s) => s.trim());
    const eq = first.indexOf('=');
    const attrs = {};
    for (const a of rest) {
      const i = a.indexOf('=');
      if (i < 0) attrs[a.toLowerCase()] = true;
      else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
    }
    out[first.slice(0, eq)] = { value: first.slice(eq + 1), attrs, raw: line };
  }
  return out;
}

// The value of the first hidden csrf field of a page.
export function csrfOf(html) {
  const m = html.match(/name="csrf" value="([^"]*)"/);
  return m ? m[1] : undefined;
}

// The CSRF token a form's csrf field carries: the field is the token masked
// afresh for every page (base64url of 43 random bytes, then the token's
// characters XORed with them), so no two pages hold the same text.
export function unmaskCsrf(field) {
  const raw = Buffer.from(field, 'base64url');
  if (raw.length !== 86) throw new Error(`not a masked csrf token: ${field}`);
  return Buffer.from(raw.subarray(43).map((b, i) => b ^ raw[i])).toString('latin1');
}

// The value attribute of the input named name, or undefined.
export function inputValue(html, name) {
  const tag = html.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`));
  if (!tag) return undefined;
  const v = tag[0].match(/\bvalue="([^"]*)"/);
  return v ? v[1] : undefined;
}

// The error message shown next to the field named name (its "NAME-error"
// element), or undefined.
export function fieldError(html, name) {
  const m = html.match(new RegExp(`<p class="field-error" id="${name}-error">([^<]*)</p>`));
  return m ? m[1] : undefined;
}

// A browser: keeps cookies, sends a browser's User-Agent and, for form posts,
// the headers a browser sends on a same-origin form submission.
export class Browser {
  constructor(server, { userAgent = FIREFOX } = {}) {
    this.server = server;
    this.userAgent = userAgent;
    this.jar = new Jar();
  }

  async fetch(path, init = {}) {
    // A header given as undefined is left out.
    const headers = Object.fromEntries(Object.entries({
      'user-agent': this.userAgent, ...(init.headers || {}),
    }).filter(([, v]) => v !== undefined));
    const cookie = this.jar.header();
    if (cookie && !('cookie' in headers)) headers.cookie = cookie;
    const res = await fetch(this.server.url + path, { redirect: 'manual', ...init, headers });
    this.jar.store(res);
    if (this.session) remember(this.session);
    return res;
  }

  get(path, headers = {}) {
    return this.fetch(path, { headers });
  }

  // The CSRF token forms must carry right now: the session's when signed in,
  // else the anonymous one (from the hearth_csrf cookie a GET hands out).
  async csrf() {
    if (this.session) {
      const res = await this.get('/account');
      if (res.status === 200) return csrfOf(await res.text());
    }
    const res = await this.get('/login');
    return csrfOf(await res.text());
  }

  // Posts a urlencoded form. csrf: undefined fetches the right token, null
  // leaves the field out, a string sends that.
  async form(path, fields = {}, { csrf, headers = {} } = {}) {
    const token = csrf === undefined ? await this.csrf() : csrf;
    const body = new URLSearchParams();
    if (token !== null) body.append('csrf', token);
    for (const [k, v] of Object.entries(fields)) {
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, String(one));
    }
    return this.fetch(path, {
      method: 'POST',
      body: body.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
        origin: this.server.url,
        ...headers,
      },
    });
  }

  async signup(person, timeZone, extra = {}) {
    const fields = { name: person.name, email: person.email, password: person.password, ...extra };
    if (timeZone) fields.time_zone = timeZone;
    const res = await this.form('/signup', fields);
    if (res.status !== 303) throw new Error(`form sign-up answered ${res.status}`);
    return res;
  }

  async login(person, extra = {}) {
    const res = await this.form('/login', { email: person.email, password: person.password, ...extra });
    if (res.status !== 303) throw new Error(`form log-in answered ${res.status}`);
    return res;
  }

  // The session token in the cookie jar (named with __Host- on https sites).
  get session() { return this.jar.get('hearth_session') ?? this.jar.get('__Host-hearth_session'); }
}

// Signs a new person up with the HTML form in a new Browser. Returns
// {person, browser}; person.token is the session cookie (it works as a bearer
// token too) and person.id comes from the API.
export async function signupBrowser(server, person = newPerson(), { userAgent, timeZone } = {}) {
  const browser = new Browser(server, { userAgent });
  await browser.signup(person, timeZone);
  person.token = browser.session;
  const me = await apiOk(server, 'GET', '/account', { token: person.token });
  person.id = me.account.id;
  person.user = me.account;
  return { person, browser };
}

// A free loopback port (closed again before it is returned).
export function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// Like startServer() in server.mjs, for a site whose public base URL differs
// from the address it listens on (such as https behind a proxy): url is the
// listening address, baseUrl the public one.
export async function startServerBehind(baseUrl, args = []) {
  const server = await startServer({ port: await freePort(), args: ['--base-url', baseUrl, ...args] });
  return { ...server, baseUrl, stop: () => server.stop() };
}
