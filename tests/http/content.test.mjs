// The question bank: content/questions/daily.tsv and deep-dive.tsv read
// directly, and what the running server makes of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, root } from './server.mjs';
import { apiOk, newCouple } from './people.mjs';

const DEPTHS = ['light', 'deeper', 'deep'];

// The file as bytes and as lines (the header first, no trailing empty line).
function load(name) {
  const bytes = readFileSync(join(root, 'content/questions', name));
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = null;
  }
  const lines = text === null ? [] : text.replace(/\n$/, '').split('\n');
  return { bytes, text, lines };
}

const daily = load('daily.tsv');
const dive = load('deep-dive.tsv');
const dailyRows = daily.lines.slice(1).map((line, i) => {
  const [category, depth, text, ...rest] = line.split('\t');
  return { line: i + 2, fields: 3 + rest.length, category, depth, text };
});
const diveRows = dive.lines.slice(1).map((line, i) => {
  const [set, text, ...rest] = line.split('\t');
  return { line: i + 2, fields: 2 + rest.length, set, text };
});

// A question reduced to its letters and digits, so "What's up?" and
// "what’s up" count as the same.
function normalized(text) {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
function duplicates(rows) {
  const seen = new Map();
  const dupes = [];
  for (const r of rows) {
    const key = normalized(r.text);
    if (seen.has(key)) dupes.push(`line ${r.line} repeats line ${seen.get(key)}: ${r.text}`);
    else seen.set(key, r.line);
  }
  return dupes;
}
function countBy(rows, key) {
  const out = new Map();
  for (const r of rows) out.set(key(r), (out.get(key(r)) || 0) + 1);
  return out;
}
// Control characters (C0, DEL, C1) and a byte-order mark.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufeff]/;

test('both question files are valid UTF-8 and start with their header line', () => {
  for (const [name, file, header] of [
    ['daily.tsv', daily, 'category\tdepth\ttext'],
    ['deep-dive.tsv', dive, 'set\ttext'],
  ]) {
    assert.notEqual(file.text, null, `${name} is not valid UTF-8`);
    assert.ok(!file.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), `${name} starts with a BOM`);
    assert.equal(file.lines[0], header, name);
    assert.ok(!file.text.includes('\r'), `${name} has CR line ends`);
    const blank = file.lines.findIndex((l, i) => i > 0 && l.trim() === '');
    assert.equal(blank, -1, `${name}: line ${blank + 1} is blank`);
  }
});

test('the daily bank has at least 400 questions over exactly three depths and eight topics or more, each topic at every depth', () => {
  assert.ok(dailyRows.length >= 400, `${dailyRows.length} daily questions`);
  const depths = countBy(dailyRows, (r) => r.depth);
  assert.deepEqual([...depths.keys()].sort(), [...DEPTHS].sort());
  const categories = countBy(dailyRows, (r) => r.category);
  assert.ok(categories.size >= 8, `${categories.size} topics`);
  for (const category of categories.keys()) {
    assert.match(category, /^[a-z]+(-[a-z]+)*$/, `topic slug ${category}`);
    for (const depth of DEPTHS) {
      const n = dailyRows.filter((r) => r.category === category && r.depth === depth).length;
      assert.ok(n > 0, `${category} has no ${depth} question`);
    }
  }
});

test('no daily question appears twice, whatever its case and punctuation', () => {
  assert.deepEqual(duplicates(dailyRows), []);
});

test('the deep-dive has exactly 36 questions, twelve in each of sets 1, 2 and 3, in order, none twice', () => {
  assert.equal(diveRows.length, 36);
  assert.deepEqual(diveRows.map((r) => r.set), [
    ...Array(12).fill('1'), ...Array(12).fill('2'), ...Array(12).fill('3'),
  ]);
  assert.deepEqual(duplicates(diveRows), []);
});

test('every line has its fields and no tab, control character or stray space inside a text', () => {
  const problems = [];
  for (const [name, rows, fields] of [['daily.tsv', dailyRows, 3], ['deep-dive.tsv', diveRows, 2]]) {
    for (const r of rows) {
      const where = `${name}:${r.line}`;
      if (r.fields !== fields) problems.push(`${where}: ${r.fields} fields instead of ${fields}`);
      if (!r.text) { problems.push(`${where}: no text`); continue; }
      if (CONTROL.test(r.text)) problems.push(`${where}: a control character`);
      if (r.text !== r.text.trim() || /\s{2,}/.test(r.text)) problems.push(`${where}: stray spaces`);
      if (Buffer.byteLength(r.text) > 400) problems.push(`${where}: longer than 400 bytes`);
      if (r.text.includes('\ufffd')) problems.push(`${where}: a replacement character`);
    }
  }
  assert.deepEqual(problems, []);
});

// ---- what the server reports ----

let server;
let person;
before(async () => {
  server = await startServer();
  ({ one: person } = await newCouple(server, 'bank'));
});
after(async () => {
  const status = await server.stop();
  assert.equal(status.code, 0);
});

test('the server reports the same questions per topic and depth as the daily file', async () => {
  const bank = await apiOk(server, 'GET', '/share/questions', { token: person.token });
  assert.equal(bank.total, dailyRows.length);
  const order = [...new Set(dailyRows.map((r) => r.category))];
  assert.deepEqual(bank.categories.map((c) => c.name), order, 'topics in file order');
  for (const c of bank.categories) {
    const rows = dailyRows.filter((r) => r.category === c.name);
    assert.equal(c.count, rows.length, c.name);
    assert.deepEqual(c.per_depth, Object.fromEntries(DEPTHS.map((d) => [d, rows.filter((r) => r.depth === d).length])), c.name);
    assert.deepEqual(c.depths, DEPTHS);
    const label = c.name.replace(/-/g, ' ');
    assert.equal(c.label, label[0].toUpperCase() + label.slice(1));
  }
  assert.equal(bank.categories.reduce((n, c) => n + c.count, 0), bank.total);
  const settings = await apiOk(server, 'GET', '/share/settings', { token: person.token });
  assert.deepEqual(settings.categories.map((c) => c.name), order);
  assert.deepEqual(settings.depths.map((d) => d.name), DEPTHS);
});

test('the server asks the deep-dive questions of the file, in order', async () => {
  const opts = { token: person.token };
  let { dive } = await apiOk(server, 'POST', '/share/deep-dive', { ...opts, body: { mode: 'together' } }, 201);
  const asked = [];
  for (let n = 1; n <= 36; n++) {
    assert.equal(dive.number, n);
    assert.equal(dive.set, Number(diveRows[n - 1].set));
    asked.push(dive.question);
    if (n < 36) ({ dive } = await apiOk(server, 'POST', '/share/deep-dive/next', opts));
  }
  assert.deepEqual(asked, diveRows.map((r) => r.text));
});
