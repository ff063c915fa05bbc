// Durability under load (make test runs this file on SQLite and on
// PostgreSQL): a write is answered only once it is on disk, so a kill -9 in
// the middle of a burst of writes loses none that was answered 2xx; and on
// SQLite concurrent writes share their syncs of the write-ahead log (group
// commit, src/store/sqlite.c) instead of taking one each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engine, newDatabase, sql, startServer } from './server.mjs';
import { apiOk } from './people.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const proxy = ['--trusted-proxy', '127.0.0.1'];

// A guide's slug and a form time old enough to be taken (3 seconds).
async function commentForm(server) {
  const { guides } = await apiOk(server, 'GET', '/guides');
  const slug = guides[0].slug;
  const { form_time: t } = await apiOk(server, 'GET', `/guides/${slug}`);
  await sleep(3100);
  return { slug, t };
}

// Posts comments from `workers` clients at once, each from a network of its
// own (one comment per network every 15 seconds), until `count` were sent
// or stop() is called. acked holds the ids answered 201.
function burst(server, { slug, t }, { workers = 32, count = Infinity } = {}) {
  let sent = 0;
  let stopped = false;
  const acked = [];
  const client = async () => {
    while (!stopped && sent < count) {
      const i = sent++;
      try {
        const res = await fetch(`${server.url}/api/v1/guides/${slug}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.9` },
          body: JSON.stringify({ name: `Reader ${i}`, email: `reader${i}@example.org`, comment: `Comment ${i} of the burst.`, t }),
        });
        if (res.status === 201) acked.push((await res.json()).id);
        else await res.arrayBuffer();
      } catch {
        return; // the server is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, client));
  return { acked, done, stop: () => { stopped = true; } };
}

test('a kill -9 in the middle of a burst of writes loses no write that was answered 2xx', async () => {
  const shared = newDatabase();
  let server = await startServer({ db: shared.db, args: proxy });
  try {
    const form = await commentForm(server);
    const b = burst(server, form);
    const deadline = Date.now() + 20000;
    while (b.acked.length < 300 && Date.now() < deadline) await sleep(5);
    server.proc.kill('SIGKILL');
    await server.exited;
    b.stop();
    await b.done;
    assert.ok(b.acked.length >= 300, `only ${b.acked.length} writes were answered`);

    server = await startServer({ db: shared.db, args: proxy });
    const found = sql(server, `SELECT id FROM comments WHERE id IN (${b.acked.join(',')})`).split('\n');
    const missing = b.acked.filter((id) => !found.includes(id));
    assert.deepEqual(missing, [], `${missing.length} of ${b.acked.length} answered writes were lost`);
  } finally {
    assert.equal((await server.stop()).code, 0);
    shared.remove();
  }
});

test('on SQLite concurrent writes share their syncs of the write-ahead log',
  { skip: engine !== 'sqlite' && 'PostgreSQL shares its WAL flushes itself' }, async () => {
    const server = await startServer({ args: proxy });
    let stopped = false;
    try {
      const form = await commentForm(server);
      const WRITES = 400;
      const b = burst(server, form, { count: WRITES });
      await b.done;
      assert.equal(b.acked.length, WRITES);
      stopped = true;
      assert.equal((await server.stop()).code, 0);
      // the count is logged when the server stops
      const syncs = Number(server.logs().match(/writes took (\d+) sync\(s\) of the write-ahead log/)[1]);
      // one each would be WRITES; how many share one depends on the disk's speed
      assert.ok(syncs >= 1 && syncs < WRITES, `${syncs} syncs for ${WRITES} writes`);
    } finally {
      if (!stopped) await server.stop();
    }
  });
