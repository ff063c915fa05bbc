// make bench-scale: is a couple's cost flat with data? A couple signed up
// through the API gets a year of data (bench/generate.mjs), alone on one
// database and as the middle one of 10,000 couples on another, written
// straight in with SQL. wrk then measures the couple's pages on both (the
// server pinned to CPU 0, wrk to CPU 1) and prints, per page, requests per
// second empty and full, their ratio, whether full is within 1.5 times of
// empty, and the server's median time from its access log. Nothing here
// asserts a number.
//
//   BENCH_DB=postgres    on a PostgreSQL started as the tests start theirs
//                        (scripts/pg.sh: loopback, fsync off)
//   BENCH_COUPLES=N      couples on the full database (10000)
//   BENCH_SECONDS=N      wrk's run per page (5)
//   BENCH_ROUNDS=N       runs per page and database, the best counting (2)
//   BENCH_KEEP=1         keep the databases (their place is printed)
//   BENCH_REUSE=DIR      measure again the databases BENCH_KEEP kept in DIR
//                        (after a change to the server), without generating
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaleStatements } from './generate.mjs';
import { newCouple } from '../tests/http/people.mjs';
import { startServer } from '../tests/http/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const hearth = resolve(root, 'build/hearth');
const seconds = Number(process.env.BENCH_SECONDS || 5);
const rounds = Number(process.env.BENCH_ROUNDS || 2);
const couples = Number(process.env.BENCH_COUPLES || 10000);
const middle = Math.floor(couples / 2) + 1;
const postgres = process.env.BENCH_DB === 'postgres';
const GUIDE = 'welcome-to-hearth';
const GUIDE_COMMENTS = 2000;
const SEARCH = 'garden';
const WITHIN = 1.5;
const GENERATE_CACHE_KIB = 1 << 20;

const reuse = process.env.BENCH_REUSE;
const dir = reuse || mkdtempSync(join(tmpdir(), 'hearth-scale-'));
// what a kept run leaves for BENCH_REUSE: the PostgreSQL server's URL, each
// database's measured couple and its token, the generation's figures
const keptFile = join(dir, 'kept.json');
const kept = reuse ? JSON.parse(readFileSync(keptFile, 'utf8')) : {};
let pgBase = kept.pgBase ?? null;
if (postgres && !reuse) {
  chmodSync(dir, 0o755);
  const started = spawnSync(resolve(root, 'scripts/pg.sh'), ['start', join(dir, 'pg')], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`PostgreSQL did not start: ${started.stderr}`);
  pgBase = started.stdout.trim();
}

function hearthSql(db, statement) {
  const r = spawnSync(hearth, ['sql', statement, '--db', db], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`hearth sql failed: ${r.stderr}\n${statement.slice(0, 400)}`);
  return r.stdout.trim();
}

function newDatabase(name) {
  if (!postgres) return join(dir, `${name}.db`);
  if (reuse) return `${pgBase}/${name}`;
  hearthSql(`${pgBase}/postgres`, `CREATE DATABASE ${name}`);
  return `${pgBase}/${name}`;
}

function databaseSize(db) {
  if (postgres) return Number(hearthSql(db, 'SELECT pg_database_size(current_database())'));
  return [db, `${db}-wal`].filter(existsSync).reduce((sum, f) => sum + statSync(f).size, 0);
}

const mib = (bytes) => `${(bytes / 1048576).toFixed(0)} MiB`;
const serve = (db) => startServer({ binary: hearth, db });

// Fills db: the measured couple (signed up and paired through the API),
// then `count` couples' data in SQL. Returns the couple and the seconds the
// SQL took.
async function fill(db, count, comments) {
  const migrated = spawnSync(hearth, ['migrate', '--db', db], { encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`hearth migrate failed: ${migrated.stderr}`);
  const server = await serve(db); // it seeds the guides, too
  const couple = await newCouple(server, 'scale').finally(() => server.stop());
  const measured = { couple: couple.coupleId, a: couple.one.id, b: couple.two.id };
  const statements = scaleStatements(root, {
    couples: count, middle, measured, now: Date.now(), comments, guide: GUIDE,
  });
  // SQLite: a large cache for the connection of each statement, so that the
  // indexes' pages, written all over as the days go by, stay in memory
  const prefix = postgres ? '' : `PRAGMA cache_size=-${GENERATE_CACHE_KIB}; `;
  const t0 = performance.now();
  for (const { label, sql } of statements) {
    const t = performance.now();
    hearthSql(db, prefix + sql);
    if (count > 1) console.log(`  ${label.padEnd(40)} ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  // what a year of autovacuum would have done; SQLite's file keeps no WAL
  hearthSql(db, postgres ? 'VACUUM ANALYZE' : 'PRAGMA wal_checkpoint(TRUNCATE)');
  return { couple, seconds: (performance.now() - t0) / 1000 };
}

function counts(db) {
  const tables = hearthSql(db, postgres
    ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").split('\n');
  return tables.map((t) => [t, Number(hearthSql(db, `SELECT count(*) FROM ${t}`))]);
}

// wrk on url (pinned to CPU 1) for s seconds; requests per second.
function wrk(url, token, s) {
  const args = ['-c', '1', 'wrk', '-t1', '-c32', `-d${s}s`];
  if (token) args.push('-H', `Authorization: Bearer ${token}`);
  // asynchronous, so the server's log pipe keeps draining
  return new Promise((res) => {
    const p = spawn('taskset', [...args, url]);
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', () => res(Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN)));
  });
}

// The couple's pages to measure. The past day is a day of the middle of
// the year with a conversation (the same day on both databases).
function targets(db, couple) {
  const days = hearthSql(db, `SELECT i.day FROM share_items i WHERE i.couple_id = ${couple.coupleId}`
    + " AND i.kind = 'daily' AND i.revealed_at IS NOT NULL AND EXISTS (SELECT 1 FROM share_comments c"
    + ' WHERE c.couple_id = i.couple_id AND c.item_id = i.id) ORDER BY i.day').split('\n');
  const pastDay = days[Math.floor(days.length / 2)];
  return [
    { name: 'Share, today', path: '/share' },
    { name: `Share, a past day (${pastDay})`, path: `/share/${pastDay}` },
    { name: `archive search "${SEARCH}"`, path: `/share/archive?q=${SEARCH}` },
    { name: 'archive, first page', path: '/share/archive' },
    { name: 'Us', path: '/us' },
    { name: 'a guide and its comments', path: `/guides/${GUIDE}`, public: true },
  ];
}

// A server over db, pinned to CPU 0, with the couple's token.
async function open(db, couple) {
  const server = await serve(db);
  spawnSync('taskset', ['-a', '-cp', '0', String(server.proc.pid)]);
  server.token = couple.one.token;
  return server;
}

// wrk on one page after a second to warm the caches: requests per second
// and the server's median time, from the access log's lines written
// meanwhile.
async function measure(server, t) {
  const token = t.public ? null : server.token;
  const first = await fetch(server.url + t.path,
    { redirect: 'manual', headers: { authorization: `Bearer ${server.token}` } });
  if (first.status !== 200) throw new Error(`${t.path} answered ${first.status}`);
  await wrk(server.url + t.path, token, 1);
  const before = server.logs().length;
  const rps = await wrk(server.url + t.path, token, seconds);
  const lines = [...server.logs().slice(before).matchAll(/ (\d{3}) (\d+\.\d+)ms/g)];
  const ms = lines.map((m) => Number(m[2])).sort((x, y) => x - y);
  return { rps, median: ms[Math.floor(ms.length / 2)] ?? NaN, statuses: [...new Set(lines.map((m) => m[1]))].join(',') };
}

async function main() {
  const engine = postgres ? 'PostgreSQL' : 'SQLite';
  console.log(`bench-scale on ${engine}: ${kept.couples ?? couples} couples; wrk -t1 -c32, ${seconds} s a run,`
    + ` the best of ${rounds} runs a page\n`);
  const emptyDb = newDatabase('scale_empty');
  const empty = reuse ? kept.empty : await fill(emptyDb, 1, 0);
  console.log(`empty database: the measured couple alone, ${mib(databaseSize(emptyDb))}`);

  const fullDb = newDatabase('scale_full');
  if (!reuse) console.log(`\ngenerating ${couples} couples (the measured one is number ${middle}):`);
  const full = reuse ? kept.full : await fill(fullDb, couples, GUIDE_COMMENTS);
  console.log(`${reuse ? 'the full database was generated' : 'generated'} in ${full.seconds.toFixed(0)} s;`
    + ` database ${mib(databaseSize(fullDb))}`);
  if (!reuse) {
    const rows = counts(fullDb);
    console.log(`${rows.reduce((sum, [, c]) => sum + c, 0).toLocaleString('en')} rows: `
      + rows.filter(([, c]) => c > 0).map(([t, c]) => `${t} ${c.toLocaleString('en')}`).join(', '));
  }
  if (keeping && !reuse) {
    // the couple as the measures read it: its id and the inviter's token
    const keep = ({ couple, seconds: s }) =>
      ({ couple: { coupleId: couple.coupleId, one: { token: couple.one.token } }, seconds: s });
    writeFileSync(keptFile, JSON.stringify({ pgBase, couples, empty: keep(empty), full: keep(full) }));
  }

  // Both servers run; each page is measured on one, then at once on the
  // other, `rounds` times, and each side's best run counts: other work on
  // the machine can only slow a run down, and a change in its load touches
  // both sides alike.
  const servers = [await open(emptyDb, empty.couple), await open(fullDb, full.couple)];
  const best = (a, b) => (a && a.rps >= b.rps ? a : b);
  try {
    const pages = [targets(emptyDb, empty.couple), targets(fullDb, full.couple)];
    console.log(`\n${'page'.padEnd(36)} ${'empty req/s'.padStart(11)} ${'full req/s'.padStart(11)}`
      + `  empty/full  within ${WITHIN}x   server median empty / full`);
    for (let i = 0; i < pages[0].length; i++) {
      let e = null;
      let f = null;
      for (let r = 0; r < rounds; r++) {
        e = best(e, await measure(servers[0], pages[0][i]));
        f = best(f, await measure(servers[1], pages[1][i]));
      }
      console.log(`${pages[0][i].name.padEnd(36)} ${e.rps.toFixed(0).padStart(11)} ${f.rps.toFixed(0).padStart(11)}`
        + `  ${(e.rps / f.rps).toFixed(2).padStart(10)}  ${(f.rps >= e.rps / WITHIN ? 'yes' : 'NO').padEnd(11)}`
        + `   ${e.median.toFixed(3)} / ${f.median.toFixed(3)} ms`
        + (e.statuses === '200' && f.statuses === '200' ? '' : `   status ${e.statuses} / ${f.statuses}`));
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  console.log(`\n(the guide has no comments on the empty database and ${GUIDE_COMMENTS} on the full one)`);
}

const keeping = Boolean(process.env.BENCH_KEEP || reuse);
try {
  await main();
} finally {
  if (keeping) {
    console.log(`\nkept in ${dir} (measure again: BENCH_REUSE=${dir}`
      + `${postgres ? `; stop PostgreSQL: scripts/pg.sh stop ${join(dir, 'pg')}` : ''})`);
  } else {
    if (postgres) spawnSync(resolve(root, 'scripts/pg.sh'), ['stop', join(dir, 'pg')]);
    rmSync(dir, { recursive: true, force: true });
  }
}
