// Starts the real Hearth binary on a free loopback port with a fresh database,
// for one test suite. The binary is the sanitizer build unless HEARTH_BIN says
// otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The directory of a module, from its import.meta.url (Node 18 has no
// import.meta.dirname).
export const here = (url) => dirname(fileURLToPath(url));
export const root = resolve(here(import.meta.url), '../..');
export const bin = resolve(root, process.env.HEARTH_BIN || 'build/san/hearth');

export function run(args, options = {}) {
  return spawnSync(bin, args, { encoding: 'utf8', cwd: root, ...options });
}

// The engine the suite runs on: SQLite, or with HEARTH_TEST_DB=postgres the
// PostgreSQL server at HEARTH_TEST_PG (scripts/pg.sh starts one).
export const engine = process.env.HEARTH_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
// For tests that hold only on SQLite (its files, its shell).
export const sqliteOnly = { skip: engine !== 'sqlite' && 'SQLite only' };
// For tests whose subject has nothing to do with the database: run once.
export const onceOnly = { skip: engine !== 'sqlite' && 'engine-independent: run on SQLite' };

let databases = 0;
// A new, empty database of the engine under test (or of kind): {db (a path
// or a URL), remove()}.
export function newDatabase(kind = engine) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-test-'));
    return { db: join(dir, 'hearth.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
  databases += 1;
  const name = `hearth_${process.pid}_${databases}`;
  const admin = `${process.env.HEARTH_TEST_PG}/postgres`;
  const made = run(['sql', `CREATE DATABASE ${name}`, '--db', admin]);
  if (made.status !== 0) throw new Error(`cannot create a database: ${made.stderr}`);
  return {
    db: `${process.env.HEARTH_TEST_PG}/${name}`,
    remove: () => run(['sql', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, '--db', admin]),
  };
}

// Runs SQL on a server's database (server.db) with `hearth sql`: rows come
// back one a line, values separated by '|'.
export function sql(server, statement) {
  const r = run(['sql', statement, '--db', server.db]);
  if (r.status !== 0) throw new Error(`hearth sql: ${r.stderr}`);
  return r.stdout.trim();
}

// Starts a server. Options: args (more flags), env, db (a database file to
// use and keep; by default a fresh one that stop() removes), port (listen on
// it and use http://127.0.0.1:PORT as the URL, for servers whose --base-url
// is another address), binary (another build, such as the release one).
export async function startServer({ args = [], env = {}, db: keep, port, binary = bin } = {}) {
  const fresh = keep ? null : newDatabase();
  const db = keep || fresh.db;
  const listen = `127.0.0.1:${port ?? 0}`;
  const proc = spawn(binary, ['serve', '--listen', listen, '--db', db, ...args], {
    cwd: root,
    // suites sign up many people from one address; the sign-up limit has a
    // test of its own that sets it low
    env: { ...process.env, HEARTH_SIGNUP_LIMIT: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${stderr}`)), 10000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/running at (https?:\/\/[^\s]+?)\/? /);
      if (m) { clearTimeout(timer); res(port ? `http://${listen}` : m[1]); }
    });
    proc.on('exit', () => { clearTimeout(timer); rej(new Error(`server exited:\n${stderr}`)); });
  });
  const server = {
    url,
    db,
    proc,
    exited,
    logs: () => stderr,
    // Stops with SIGTERM; resolves to the exit status. Fails the caller when
    // the sanitizers reported anything.
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const status = await exited;
      if (fresh) fresh.remove();
      if (/Sanitizer|runtime error:/.test(stderr)) {
        throw new Error(`sanitizer report:\n${stderr}`);
      }
      // the test build's templates fail on a name that names nothing
      const unknown = stderr.match(/template \S+ \{\{[^}]*\}\} names nothing/g);
      if (unknown) throw new Error(`templates named nothing:\n${[...new Set(unknown)].join('\n')}`);
      return status;
    },
  };
  return server;
}

// The Set-Cookie lines of a response. Node 18's fetch (Debian 12) has no
// Headers.getSetCookie and joins the lines with ", "; Hearth's cookies carry
// no commas (Max-Age, never Expires), so splitting before each "name=" is exact.
export function setCookieLines(res) {
  if (typeof res.headers.getSetCookie === 'function') return res.headers.getSetCookie();
  const joined = res.headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[!#$%&'*+.^_`|~0-9A-Za-z-]+=)/) : [];
}

// fetch that never follows redirects, relative to the server's URL.
export function client(server) {
  return (path, init = {}) => fetch(server.url + path, { redirect: 'manual', ...init });
}

// The security headers every response carries.
export const securityHeaders = {
  'content-security-policy': /default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/,
  'x-content-type-options': /^nosniff$/,
  'referrer-policy': /^no-referrer$/,
  'x-frame-options': /^DENY$/,
};

// Opens a server-sent events stream (GET url with headers) and collects
// what arrives. events: the parsed messages so far ({id, type, ref});
// until(pred, ms) waits for a message matching pred; close() ends it.
export async function openStream(url, headers = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal, redirect: 'manual' });
  const stream = { res, text: '', events: [], closed: false, waiters: [] };
  const parse = () => {
    let end;
    while ((end = stream.text.indexOf('\n\n', stream.parsed || 0)) !== -1) {
      const block = stream.text.slice(stream.parsed || 0, end);
      stream.parsed = end + 2;
      const id = /^id: (\d+)$/m.exec(block);
      const data = /^data: (.*)$/m.exec(block);
      if (!data) continue;
      const { type, id: ref } = JSON.parse(data[1]);
      stream.events.push({ id: id ? id[1] : null, type, ref });
    }
    stream.waiters = stream.waiters.filter((w) => !w());
  };
  (async () => {
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        stream.text += decoder.decode(chunk, { stream: true });
        parse();
      }
    } catch {
      // aborted
    }
    stream.closed = true;
    stream.waiters = stream.waiters.filter((w) => !w());
  })();
  stream.until = (pred, ms = 2000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no such event within ${ms} ms: ${stream.text}`)), ms);
    const check = () => {
      const found = stream.events.find(pred);
      if (found || stream.closed) {
        clearTimeout(timer);
        if (found) resolve(found);
        else reject(new Error(`the stream ended: ${stream.text}`));
        return true;
      }
      return false;
    };
    if (!check()) stream.waiters.push(check);
  });
  stream.ended = (ms = 2000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stream is still open after ${ms} ms`)), ms);
    const check = () => {
      if (!stream.closed) return false;
      clearTimeout(timer);
      resolve();
      return true;
    };
    if (!check()) stream.waiters.push(check);
  });
  stream.close = () => abort.abort();
  return stream;
}

// What a stream sends within ms milliseconds.
export async function readStream(url, headers, ms) {
  const stream = await openStream(url, headers);
  await new Promise((r) => setTimeout(r, ms));
  stream.close();
  return stream.text;
}

// A clock for a server (env HEARTH_CLOCK_FILE: clock.file) that a test
// moves: advance(ms) moves it on, set(iso) puts it at a moment; the server
// reads the file again when its mtime changes. remove() when done.
export function testClock(tag) {
  const dir = mkdtempSync(join(tmpdir(), `hearth-${tag}-`));
  const file = join(dir, 'offset');
  let offset = 0;
  let stamp = 1_700_000_000;
  const advance = (ms) => {
    offset += ms;
    writeFileSync(file, `${offset}\n`);
    stamp += 1;
    utimesSync(file, stamp, stamp);
  };
  advance(0);
  return {
    file,
    advance,
    set: (iso) => advance(Date.parse(iso) - (Date.now() + offset)),
    now: () => Date.now() + offset,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
