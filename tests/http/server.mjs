// Starts the real Hearth binary on a free loopback port with a fresh database,
// for one test suite. The binary is the sanitizer build unless HEARTH_BIN says
// otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

// Starts a server. Options: args (more flags), env, db (a database file to
// use and keep; by default a fresh one that stop() removes), port (listen on
// it and use http://127.0.0.1:PORT as the URL, for servers whose --base-url
// is another address), binary (another build, such as the release one).
export async function startServer({ args = [], env = {}, db: keep, port, binary = bin } = {}) {
  const dir = keep ? null : mkdtempSync(join(tmpdir(), 'hearth-test-'));
  const db = keep || join(dir, 'hearth.db');
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
    dir,
    proc,
    exited,
    logs: () => stderr,
    // Stops with SIGTERM; resolves to the exit status. Fails the caller when
    // the sanitizers reported anything.
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const status = await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (/Sanitizer|runtime error:/.test(stderr)) {
        throw new Error(`sanitizer report:\n${stderr}`);
      }
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
