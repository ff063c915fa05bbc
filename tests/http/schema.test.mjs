// The schema on PostgreSQL (this file runs in make test's PostgreSQL pass):
// the rules that let a distributed engine shard by couple, checked against
// PostgreSQL's own catalog and the table list of docs/scaling.md; and
// `hearth copy`, which moves a SQLite database to PostgreSQL row for row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  engine, newDatabase, root, run, sql, startServer,
} from './server.mjs';
import { apiOk, newCouple } from './people.mjs';

const onPostgres = { skip: engine !== 'postgres' && 'PostgreSQL only' };

// docs/scaling.md: table -> 'couple' | 'person' | 'reference', and the
// distribution column
const plan = {};
for (const m of readFileSync(join(root, 'docs/scaling.md'), 'utf8')
  .matchAll(/create_(distributed|reference)_table\('([a-z_]+)'(?:, '([a-z_]+)')?(?:, colocate_with => '([a-z_]+)')?\)/g)) {
  const [, kind, table, column, with_] = m;
  plan[table] = kind === 'reference' ? { kind: 'reference' }
    : { kind: (with_ ?? table) === 'couples' ? 'couple' : 'person', column };
}

let server;
before(async () => {
  if (engine === 'postgres') server = await startServer();
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
});

const rows = (statement) => sql(server, statement).split('\n').filter(Boolean).map((l) => l.split('|'));

test('docs/scaling.md places every table, and only tables that exist', onPostgres, () => {
  const tables = rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").map((r) => r[0]);
  assert.deepEqual(Object.keys(plan).sort(), [...tables].sort());
  for (const [table, p] of Object.entries(plan)) {
    if (p.kind === 'couple') assert.ok(['couple_id', 'id'].includes(p.column), table);
    if (p.kind === 'person') assert.ok(['user_id', 'id'].includes(p.column), table);
  }
});

test('sharded tables lead their primary key and every index with their distribution column', onPostgres, () => {
  // every index (the primary key's included) with its first column
  const indexes = rows(`SELECT t.relname AS tab, i.relname AS idx, a.attname AS first
    FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
    WHERE n.nspname = current_schema()`);
  let checked = 0;
  for (const [table, index, first] of indexes) {
    const p = plan[table];
    if (!p || p.kind === 'reference') continue;
    assert.equal(first, p.column, `${table}: the index ${index} leads with ${first}, not ${p.column}`);
    checked += 1;
  }
  assert.ok(checked >= 15, `${checked} indexes checked`);
  // every sharded table has a primary key
  const keyed = new Set(rows(`SELECT t.relname AS tab FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid WHERE x.indisprimary`).map((r) => r[0]));
  for (const [table, p] of Object.entries(plan)) {
    if (p.kind !== 'reference') assert.ok(keyed.has(table), `${table} has a primary key`);
  }
});

test('foreign keys stay within a shard or point at reference tables', onPostgres, () => {
  const keys = rows(`SELECT c.conrelid::regclass::text AS from_table,
      c.confrelid::regclass::text AS to_table, a.attname AS from_column, f.attname AS to_column
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
    WHERE c.contype = 'f'`);
  assert.ok(keys.length >= 5);
  for (const [from, to, column, target] of keys) {
    const a = plan[from];
    const b = plan[to];
    if (b.kind === 'reference') continue;
    assert.notEqual(a.kind, 'reference', `${from} (a reference table) refers to ${to}`);
    assert.equal(a.kind, b.kind, `${from} (by ${a.kind}) refers to ${to} (by ${b.kind})`);
    assert.equal(column, a.column, `${from}.${column} -> ${to}.${target} is not on the distribution column`);
    assert.equal(target, b.column);
  }
});

test('ids and times are 64-bit', onPostgres, () => {
  const narrow = rows(`SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type IN ('integer', 'smallint')`);
  assert.deepEqual(narrow, []);
});

test('hearth copy moves a SQLite database to PostgreSQL, every row', onPostgres, async () => {
  const original = newDatabase('sqlite');
  const source = await startServer({ db: original.db });
  let target;
  try {
    const { one, two } = await newCouple(source, 'copied');
    await apiOk(source, 'POST', '/share/answer', { token: one.token, body: { text: 'Copied answer one' } });
    await apiOk(source, 'POST', '/share/answer', { token: two.token, body: { text: 'Copied answer two' } });
    await apiOk(source, 'POST', '/share/ask', { token: two.token, body: { question: 'Copied question?' } }, 201);
    const before = await apiOk(source, 'GET', '/share/archive', { token: one.token });
    assert.equal((await source.stop()).code, 0);
    const fresh = newDatabase();
    const copied = run(['copy', '--from', `sqlite:${original.db}`, '--to', fresh.db]);
    assert.equal(copied.status, 0, copied.stderr);
    const dump = (db) => run(['dump', '--db', db]).stdout.split('\n')
      .filter((l) => !l.startsWith('schema_migrations')).join('\n');
    assert.equal(dump(fresh.db), dump(`sqlite:${original.db}`), 'every row, value for value');
    // copying again into a database that has rows is refused
    const again = run(['copy', '--from', `sqlite:${original.db}`, '--to', fresh.db]);
    assert.notEqual(again.status, 0);
    target = await startServer({ db: fresh.db });
    target.remove = fresh.remove;
    const after = await apiOk(target, 'GET', '/share/archive', { token: one.token });
    assert.deepEqual(after, before, 'the same archive, served from PostgreSQL');
  } finally {
    if (target) {
      assert.equal((await target.stop()).code, 0);
      target.remove();
    }
    original.remove();
  }
});
