// The data of `make bench-scale`: couples with a year of daily Share answers
// and about three months of every other practice, and comments on the
// guides, written straight into the database by some forty set-based
// statements (INSERT ... SELECT over recursive CTEs), the same SQL on SQLite
// and PostgreSQL.
//
// Rows are shaped as the C code writes them (src/practices/*/, src/auth/,
// src/guides/): ids are time-ordered (the millisecond of the row's creation
// shifted left 22 bits, odd, src/core/id.c), days are 'YYYY-MM-DD' text in
// the couple's zone, times are milliseconds UTC, yes/no are 0 and 1. Which
// days a partner answered, reacted or checked in comes from a hash of the
// couple's number and the day, so a couple's data depends on its number
// alone: the measured couple, number `middle`, gets the same rows on the
// empty database as among 10,000 couples.
//
// The statements insert day by day across all couples (the day is the outer
// loop), so each couple's rows lie spread through the tables as they would
// after a year of use, not packed together. The measured couple signed up
// and paired through the API (its accounts, sessions and ids are the
// server's own, the newest ids of all), and its year comes from the same
// statements as everyone's, its rows among theirs, rather than from a run
// of its own before or after them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blake2b } from './blake2b.mjs';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const YEAR_DAYS = 365; // days 0..364, the last one yesterday (today is day 365)
const RECENT = 275; // the other practices: from day 275, about three months
const BANK_DEPTHS = ['light', 'deeper']; // the default depth offers these

// ---- SQL text ----

const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;
const id = (created, salt) => `((${created}) * 4194304 + (${salt}) * 2 + 1)`;
// one of list, chosen by the integer expression expr
const pick = (expr, list) =>
  `CASE (${expr}) % ${list.length} ${list.map((v, i) => `WHEN ${i} THEN ${quote(v)}`).join(' ')} END`;
const ifElse = (cond, a, b) => `CASE WHEN ${cond} THEN ${a} ELSE ${b} END`;
const later = (a, b) => `CASE WHEN (${a}) > (${b}) THEN (${a}) ELSE (${b}) END`;
// A hash of the integer expressions in terms, 0..999; seed tells one use
// from another. The multipliers keep int4 columns (days) below 2^31 on
// PostgreSQL.
const PRIMES = [7919, 104729, 1299709, 611953, 3497861, 2750159, 224737, 350377, 479909, 15601];
const hash = (seed, ...terms) =>
  `((${terms.map((t, i) => `(${t}) * ${PRIMES[(seed * 3 + i) % PRIMES.length]}`).join(' + ')}` +
  ` + ${seed * 7901 + 13}) % 1000003 % 1000)`;
// the usual hash: of the couple and the day
const h = (seed) => hash(seed, 'cp.n', 'd.k');

const values = (name, columns, rows) =>
  `${name}(${columns.join(', ')}) AS (VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')})`;
// 64-bit on PostgreSQL too, where a plain small number is 32 bits and a
// product of it overflows
const big = (i) => `CAST(${i} AS BIGINT)`;
const small = (name, count) =>
  values(name, ['j'], Array.from({ length: count }, (_, i) => [big(i)]));

// ---- content the rows quote ----

function contentLines(root, file) {
  return readFileSync(join(root, file), 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('['));
}

// The questions the default depth draws from, in the bank's order, with the
// key the server computes for each.
function bank(root) {
  const rows = readFileSync(join(root, 'content/questions/daily.tsv'), 'utf8').split('\n').slice(1)
    .filter(Boolean).map((line) => line.split('\t'))
    .filter(([, depth]) => BANK_DEPTHS.includes(depth));
  return rows.map(([category, depth, text], j) =>
    [j, quote(blake2b(Buffer.from(text), 6)), quote(text), quote(depth), quote(category)]);
}

const ANSWER_OPENINGS = [
  'Honestly, the first thing that comes to mind is the garden at my grandmother\'s house.',
  'I had to think about this one for a while on the way home.',
  'It is a small thing, but it matters more to me than I usually admit.',
  'This made me laugh, because we talked about something close to it last week.',
  'I think the answer has changed over the last few years.',
  'Part of me wants to give the easy answer, so here is the real one.',
  'When I was younger I would have said something completely different.',
  'I noticed it again this morning while we were making coffee.',
  'It goes back to the summer we spent at the lake.',
  'I am not sure I have ever said this out loud.',
  'The short answer is you, but there is a longer one too.',
  'Work has been loud lately, so this was a nice question to sit with.',
];
const ANSWER_ENDINGS = [
  'I would love to hear what you think about it tonight.',
  'Maybe we can talk about it on our walk on Sunday.',
  'It still makes me feel calm when I think about it.',
  'I want more of that in our life together.',
  'That is probably why I get quiet when it comes up.',
  'Ask me about it later, there is a story behind it.',
  'It is one of the reasons I feel at home with you.',
  'I did not expect to write this much.',
];
const ASKS = [
  'What is one thing I could do this week that would make your days easier?',
  'Which trip of ours would you do again tomorrow, and why?',
  'What is something you have been wanting to tell me but have not found the moment for?',
  'When did you last feel really looked after by me?',
  'What would a perfect slow Sunday look like for you right now?',
  'What is a habit of mine you secretly love?',
  'What are you looking forward to this month?',
  'Is there something you would like us to try together this year?',
];
const COMMENTS = [
  'I did not know that about you. Tell me more tonight?',
  'This made my day.',
  'Same here, almost word for word!',
  'I remember that too, it was such a good day.',
  'Thank you for writing this, it means a lot.',
  'Can we plan something around this?',
];
const DIVE = [
  'I would choose someone who makes me laugh without trying.',
  'A quiet dinner at home with good bread and nobody in a hurry.',
  'I rehearse what I am going to say when I am nervous about a call.',
  'Feeling that the people I love are safe and near.',
  'Probably the year we moved, it changed a lot for me.',
  'I am grateful for how patient you are with me in the mornings.',
];
const PIECES = [
  'This week felt long and I came home with nothing left for us.',
  'I have been worrying about my sister and it keeps me up at night.',
  'I would like us to plan the holidays earlier this year, it stresses me when it is last minute.',
  'When plans change at the last minute I feel like I do not count.',
];
const REFLECTIONS = [
  'What I hear is that you were running on empty and wanted a softer evening.',
  'It sounds like the worry sits with you all day and you would like me to know.',
  'So planning ahead would help you feel calmer, is that it?',
  'I hear that a late change makes you feel left out.',
];
const NOTES = ['Lovely, we should do this more often.', 'Short but sweet.', 'We were both tired.',
  'The best one in weeks.'];
const GESTURE_NOTES = ['Thinking of you at lunch', 'Good luck today!', 'Miss you already',
  'Sleep well'];
const PROMISES = ['I will book the table for Friday', 'I will call the plumber', 'I will pick up the kids on Tuesday',
  'I will fix the bike light', 'I will plan our Sunday walk', 'I will sort the photos from the trip',
  'I will be home by seven on Thursday', 'I will cook on Wednesday'];
const DREAMS = ['A small boat on the lake', 'Learning to paint', 'A year abroad', 'Running a marathon',
  'A garden with an apple tree', 'Writing a short book', 'A cabin in the woods', 'Learning Italian',
  'Opening a little cafe', 'Cycling across the country', 'Playing the piano again', 'A workshop at home'];
const GOALS = ['Save for the trip to Portugal', 'Redo the spare room', 'Walk the coast path',
  'Take a cooking class together'];
const WEEK_NOTES = [
  '{"appreciations":["the soup","the walk","the call"],"went_well":"Sunday","feel":"tired","about":"mornings","need":"sleep","loved":"a slow breakfast"}',
  '{"appreciations":["you listened","the flowers","Saturday"],"went_well":"the dinner with friends","feel":"content","about":"work","need":"a quiet evening","loved":"the film night"}',
  '{"appreciations":["the lift to the station","the note","the laugh"],"went_well":"less rushing","feel":"hopeful","about":"money","need":"a plan","loved":"the walk in the rain"}',
];
const COMMENT_BODIES = [
  'We tried this last week and it helped more than I expected.',
  'The part about small moments really rang true for us.\n\nThank you for writing it.',
  'Does this work if one of us travels a lot? We are apart three nights a week.',
  'I shared this with my partner and we talked for an hour.',
  'Simple, but we needed the reminder.',
  'We have been doing the daily question for a month now, and this explains why it works.',
  'Lovely read. The exercise at the end is our favourite.',
];
const NAMES = ['Ana', 'Bo', 'Chloe', 'Daniel', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas',
  'Kemi', 'Liam', 'Maya', 'Noah', 'Olivia', 'Pedro', 'Quinn', 'Rosa', 'Sami', 'Tara'];
const ZONES = ['Europe/Paris', 'UTC', 'America/New_York', 'Europe/London', 'Asia/Tokyo'];
const BROWSERS = ['Firefox on Linux', 'Safari on iOS', 'Chrome on Android', 'Chrome on Windows',
  'Safari on macOS'];
const GESTURES = ['hug', 'kiss', 'hold-hand', 'thinking-of-you', 'need-a-hug', 'proud-of-you',
  'miss-you', 'good-night'];
const LOVES = ['hug,back-rub,good-night', 'kiss,long-hug', 'thinking-of-you,sitting-close,feet',
  'hold-hand,forehead-kiss', 'proud-of-you,cuddle,hair'];
const NEEDS = ['space', 'closeness', 'to-talk', 'help', 'fun'];
const REACTIONS = ['thanks', 'me-too', 'tell-me-more', 'love'];
const IDEAS = [['Picnic by the river', 'out'], ['Cook something new together', 'at-home'],
  ['Video call with a film in sync', 'far-apart']];
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

// ---- calendar ----

const dayText = (ms) => new Date(ms).toISOString().slice(0, 10);
function isoWeek(ms) {
  const d = new Date(ms);
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(),
    d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)));
  const jan4 = Date.UTC(thursday.getUTCFullYear(), 0, 4);
  const week = 1 + Math.round(((thursday - jan4) / DAY - 3 + ((new Date(jan4).getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

// The statements that fill a database with `couples` couples (the measured
// one included, as number `middle`), their labels and SQL. measured: the
// ids of the couple the bench signed up, {couple, a, b} (decimal strings; a
// is the one who invited). comments: approved comments to write on the
// guide `guide` (0 on the empty database, whose guides stay as they came).
export function scaleStatements(root, { couples, middle, measured, now, comments, guide }) {
  const today = Math.floor(now / DAY) * DAY;
  const day0 = today - YEAR_DAYS * DAY;
  const paired = (n) => `(${day0 - 20 * DAY} + (${n}) * 600)`;
  const feelings = contentLines(root, 'content/listen/feelings.txt').slice(0, 30);
  const topics = contentLines(root, 'content/listen/topics.txt').slice(0, 12);
  const valueNames = contentLines(root, 'content/dreams/values.txt').map((l) => l.split(' | ')[0]);

  // the couples: number, couple id, the two people (a invited b), when they paired
  const n = `n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < ${couples})`;
  const cp = `cp(n, cid, ua, ub, paired) AS (SELECT i, ${id(paired('i'), 'i')},`
    + ` ${id(`${paired('i')} - 2000`, 'i')}, ${id(`${paired('i')} - 1000`, 'i')}, ${paired('i')}`
    + ` FROM n WHERE i <> ${middle} AND ${couples} > 1`
    + ` UNION ALL SELECT CAST(${middle} AS BIGINT), ${measured.couple}, ${measured.a}, ${measured.b},`
    + ` ${paired(middle)})`;
  const days = values('d', ['k', 'day', 'ms', 'dow', 'nxt', 'plus3', 'plus3ms'],
    Array.from({ length: YEAR_DAYS }, (_, k) => {
      const ms = day0 + k * DAY;
      return [k, quote(dayText(ms)), ms, (new Date(ms).getUTCDay() + 6) % 7, quote(dayText(ms + DAY)),
        quote(dayText(ms + 3 * DAY)), ms + 3 * DAY];
    }));
  const thisMonday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY;
  const weeks = values('w', ['k', 'week', 'ms'], Array.from({ length: 13 }, (_, i) => {
    const ms = thisMonday - (13 - i) * 7 * DAY;
    return [i, quote(isoWeek(ms)), ms];
  }));
  const drawable = bank(root);
  const questions = values('q', ['j', 'qkey', 'text', 'depth', 'category'], drawable);
  const nq = drawable.length;
  const role = values('r', ['role'], [[big(0)], [big(1)]]);
  const person = (r) => `CASE ${r} WHEN 0 THEN cp.ua ELSE cp.ub END`;
  const other = (r) => `CASE ${r} WHEN 0 THEN cp.ub ELSE cp.ua END`;
  const with_ = (...ctes) => `WITH RECURSIVE ${[n, cp, ...ctes].join(', ')}`;
  const generated = `cp.n <> ${middle}`;
  const out = [];
  const add = (label, sql) => out.push({ label, sql: sql.replace(/\s+/g, ' ').trim() });

  // ---- people, couples, sessions, invites (the measured couple has its own) ----
  const userCols = `${person('r.role')}, 'p' || cp.n || ${pick('r.role', ['a', 'b'])} || '@scale.example'`;
  add('users', `INSERT INTO users (id, email, name, password_hash, time_zone, couple_id, is_operator,
      created_at, space_closed) ${with_(role)}
    SELECT ${userCols}, ${pick('cp.n * 2 + r.role', NAMES)},
      (SELECT password_hash FROM users WHERE id = ${measured.a}), ${pick('cp.n', ZONES)}, cp.cid, 0,
      cp.paired - 2000 + 1000 * r.role, 0
    FROM cp CROSS JOIN r WHERE ${generated}`);
  add('user emails', `INSERT INTO user_emails (user_id, email) ${with_(role)}
    SELECT ${userCols} FROM cp CROSS JOIN r WHERE ${generated}`);
  add('couples', `INSERT INTO couples (id, time_zone, created_at) ${with_()}
    SELECT cp.cid, ${pick('cp.n', ZONES)}, cp.paired FROM cp WHERE ${generated}`);
  add('memberships', `INSERT INTO memberships (couple_id, user_id, joined_at) ${with_(role)}
    SELECT cp.cid, ${person('r.role')}, cp.paired FROM cp CROSS JOIN r WHERE ${generated}`);
  // the measured couple paired a year ago too
  add('the measured couple, a year ago', `UPDATE couples SET created_at = ${paired(middle)}
    WHERE id = ${measured.couple}`);
  add('its memberships', `UPDATE memberships SET joined_at = ${paired(middle)}
    WHERE couple_id = ${measured.couple}`);
  add('its people', `UPDATE users SET created_at = ${paired(middle)} - 2000
    WHERE id IN (${measured.a}, ${measured.b})`);
  const session = {
    created: `(${now} - ((cp.n + s.j) % 60) * ${DAY} - r.role * ${HOUR})`,
    where: `${generated} AND (s.j = 0 OR (cp.n + r.role) % 3 = 0)`,
  };
  session.id = id(session.created, 'cp.n * 4 + r.role * 2 + s.j');
  add('sessions', `INSERT INTO sessions (user_id, id, csrf, browser, created_at, last_used_at)
      ${with_(role, small('s', 2))}
    SELECT ${person('r.role')}, ${session.id}, 'c' || ${session.id} || 'x' || cp.n,
      ${pick('cp.n + s.j', BROWSERS)}, ${session.created},
      ${now} - ${hash(1, 'cp.n', 'r.role', 's.j')} * 60000
    FROM cp CROSS JOIN r CROSS JOIN s WHERE ${session.where}`);
  add('session tokens', `INSERT INTO session_tokens (token_hash, user_id, session_id)
      ${with_(role, small('s', 2))}
    SELECT 't' || ${person('r.role')} || 's' || ${session.id}, ${person('r.role')}, ${session.id}
    FROM cp CROSS JOIN r CROSS JOIN s WHERE ${session.where}`);
  const letter = (div) =>
    `substr('${CODE_ALPHABET}', CAST(cp.n / ${div} % ${CODE_ALPHABET.length} AS INTEGER) + 1, 1)`;
  const code = `'G' || ${letter(1)} || ${letter(31)} || ${letter(961)} || 'KQ7H'`;
  add('invites', `INSERT INTO invites (user_id, code, created_at, expires_at, used_at) ${with_()}
    SELECT cp.ua, ${code}, cp.paired - 500, cp.paired - 500 + ${7 * DAY}, cp.paired
    FROM cp WHERE ${generated}`);
  add('invite codes', `INSERT INTO invite_codes (code, user_id) ${with_()}
    SELECT ${code}, cp.ua FROM cp WHERE ${generated}`);

  // ---- Share: a question every day of the year, answered by both most days ----
  const item = {
    created: `(d.ms + ${7 * HOUR} + ${h(1)} * 46800)`,
    a: `${h(2)} < 930`,
    b: `${h(3)} < 910`,
  };
  item.id = id(item.created, 'cp.n');
  item.aAt = `(${item.created} + 60000 + ${h(4)} * 7200)`;
  item.bAt = `(${item.created} + 120000 + ${h(5)} * 14400)`;
  item.both = `${item.a} AND ${item.b}`;
  item.revealed = later(item.aAt, item.bAt);
  const drawn = `q.j = (CASE cp.n % 4 WHEN 0 THEN 7 WHEN 1 THEN 13 WHEN 2 THEN 17 ELSE 19 END * d.k + cp.n) % ${nq}`;
  const categories = [...new Set(readFileSync(join(root, 'content/questions/daily.tsv'), 'utf8')
    .split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]))].join(',');
  add('share settings', `INSERT INTO share_settings (couple_id, depth, categories, updated_at) ${with_()}
    SELECT cp.cid, 'deeper', ${quote(categories)}, cp.paired + ${DAY} FROM cp WHERE cp.n % 5 = 0`);
  add('share: questions of the day', `INSERT INTO share_items (couple_id, id, kind, day, question_key,
      text, depth, category, swaps, created_at, revealed_at) ${with_(days, questions)}
    SELECT cp.cid, ${item.id}, 'daily', d.day, q.qkey, q.text, q.depth, q.category,
      ${ifElse(`${h(6)} < 40`, 1, 0)}, ${item.created}, ${ifElse(item.both, item.revealed, 'NULL')}
    FROM d CROSS JOIN cp JOIN q ON ${drawn}`);
  // the bank's current round: every eligible question was drawn by day nq - 1
  add('share: questions seen', `INSERT INTO share_seen (couple_id, question_key, seen_at)
      ${with_(days, questions)}
    SELECT cp.cid, q.qkey, ${item.created} FROM d CROSS JOIN cp JOIN q ON ${drawn}
    WHERE d.k >= ${nq}`);
  const answers = [
    'FROM d CROSS JOIN cp CROSS JOIN r',
    `WHERE (r.role = 0 AND ${item.a}) OR (r.role = 1 AND ${item.b})`,
  ].join(' ');
  const answerAt = `CASE r.role WHEN 0 THEN ${item.aAt} ELSE ${item.bAt} END`;
  const answerText = `${pick(hash(7, 'cp.n', 'd.k', 'r.role'), ANSWER_OPENINGS)} || ' ' ||
    ${pick(hash(8, 'cp.n', 'd.k', 'r.role'), ANSWER_ENDINGS)}`;
  add('share: answers', `INSERT INTO share_answers (couple_id, item_id, user_id, text, created_at,
      updated_at) ${with_(days, role)}
    SELECT cp.cid, ${item.id}, ${person('r.role')}, ${answerText}, ${answerAt}, ${answerAt} ${answers}`);
  add('share: reactions', `INSERT INTO share_reactions (couple_id, item_id, user_id, reaction,
      created_at) ${with_(days, role)}
    SELECT cp.cid, ${item.id}, ${person('r.role')}, ${pick(hash(9, 'cp.n', 'd.k', 'r.role'), REACTIONS)},
      ${item.revealed} + 600000 + r.role * 300000
    FROM d CROSS JOIN cp CROSS JOIN r
    WHERE ${item.both} AND ${hash(10, 'cp.n', 'd.k', 'r.role')} < 400 - 150 * r.role`);
  const commentAt = `(${item.revealed} + 900000 * (c.j + 1))`;
  add('share: comments', `INSERT INTO share_comments (couple_id, item_id, id, user_id, text,
      created_at) ${with_(days, small('c', 3))}
    SELECT cp.cid, ${item.id}, ${id(commentAt, 'cp.n')}, ${person('(c.j + 1) % 2')},
      ${pick(hash(11, 'cp.n', 'd.k', 'c.j'), COMMENTS)}, ${commentAt}
    FROM d CROSS JOIN cp CROSS JOIN c
    WHERE ${item.both} AND ${h(12)} < CASE c.j WHEN 0 THEN 150 WHEN 1 THEN 70 ELSE 30 END`);

  // questions of their own: about two a month; the last few still open
  const ask = {
    where: '(d.k + cp.n) % 15 = 7',
    created: `(d.ms + ${20 * HOUR} + ${h(13)} * 3000)`,
    author: '((d.k / 15 + cp.n) % 2)',
    forOne: `${h(14)} < 300`,
    open: `d.k >= ${YEAR_DAYS - 10}`,
  };
  ask.id = id(ask.created, 'cp.n + 10001');
  ask.answeredAt = `(${ask.created} + ${5 * HOUR} + ${h(15)} * 36000)`;
  add('share: questions of their own', `INSERT INTO share_items (couple_id, id, kind, text, author_id,
      created_at, revealed_at, ask_mode) ${with_(days)}
    SELECT cp.cid, ${ask.id}, 'ask', ${pick(hash(16, 'cp.n', 'd.k'), ASKS)}, ${person(ask.author)},
      ${ask.created}, ${ifElse(ask.open, 'NULL', ask.answeredAt)}, ${ifElse(ask.forOne, "'partner'", "'both'")}
    FROM d CROSS JOIN cp WHERE ${ask.where}`);
  add('share: answers to them', `INSERT INTO share_answers (couple_id, item_id, user_id, text,
      created_at, updated_at) ${with_(days, role)}
    SELECT cp.cid, ${ask.id}, ${person('r.role')}, ${answerText},
      ${ifElse(`r.role = ${ask.author}`, `${ask.created} + 60000`, ask.answeredAt)},
      ${ifElse(`r.role = ${ask.author}`, `${ask.created} + 60000`, ask.answeredAt)}
    FROM d CROSS JOIN cp CROSS JOIN r
    WHERE ${ask.where} AND ((r.role = ${ask.author} AND NOT (${ask.forOne}))
      OR (r.role <> ${ask.author} AND NOT (${ask.open})))`);

  // one deep-dive evening in writing, all 36 questions answered by both
  const dive = { created: `(${day0} + (150 + cp.n % 150) * ${DAY} + ${20 * HOUR + 30 * 60000})` };
  dive.id = id(dive.created, 'cp.n');
  add('share: deep-dive evenings', `INSERT INTO share_dives (couple_id, id, mode, first_user_id,
      position, paused, created_at, updated_at, finished_at) ${with_()}
    SELECT cp.cid, ${dive.id}, 'writing', cp.ua, 0, 0, ${dive.created}, ${dive.created} + 5400000,
      ${dive.created} + 5400000 FROM cp`);
  add('share: deep-dive answers', `INSERT INTO share_dive_answers (couple_id, dive_id, position,
      user_id, text, created_at) ${with_(role, small('p', 36))}
    SELECT cp.cid, ${dive.id}, p.j, ${person('r.role')}, ${pick(hash(17, 'cp.n', 'p.j', 'r.role'), DIVE)},
      ${dive.created} + p.j * 140000 + r.role * 30000
    FROM p CROSS JOIN cp CROSS JOIN r`);

  // ---- Listen: a conversation in writing every twelve days ----
  const recent = `d.k >= ${RECENT}`;
  const talk = {
    where: `${recent} AND (d.k + cp.n) % 12 = 0`,
    created: `(d.ms + ${19 * HOUR} + ${h(18)} * 1000)`,
    starter: '((d.k / 12) % 2)',
  };
  talk.id = id(talk.created, 'cp.n');
  add('listen: conversations', `INSERT INTO listen_sessions (couple_id, id, topic, mode, started_by,
      speaker_id, steps, created_at, updated_at, ended_at) ${with_(days)}
    SELECT cp.cid, ${talk.id}, ${pick(hash(19, 'cp.n', 'd.k'), topics)}, 'writing',
      ${person(talk.starter)}, ${other(talk.starter)}, 9, ${talk.created}, ${talk.created} + 2400000,
      ${talk.created} + 2400000
    FROM d CROSS JOIN cp WHERE ${talk.where}`);
  // a round each: piece, reflection, verdict; the second needs a clarification
  const steps = values('st', ['seq', 'kind', 'who', 'verdict', 'first_try'], [
    [1, "'piece'", 0, 'NULL', 0], [2, "'reflection'", 1, 'NULL', 0], [3, "'verdict'", 0, "'understood'", 1],
    [4, "'swap'", 1, 'NULL', 0], [5, "'piece'", 1, 'NULL', 0], [6, "'reflection'", 0, 'NULL', 0],
    [7, "'verdict'", 1, "'partly'", 1], [8, "'reflection'", 0, 'NULL', 0],
    [9, "'verdict'", 1, "'understood'", 0]]);
  const stepText = `CASE st.kind WHEN 'piece' THEN ${pick(hash(20, 'cp.n', 'd.k', 'st.seq'), PIECES)}
    WHEN 'reflection' THEN ${pick(hash(21, 'cp.n', 'd.k', 'st.seq'), REFLECTIONS)}
    WHEN 'verdict' THEN CASE st.verdict WHEN 'partly' THEN 'Partly: it is less about the plans and more about being asked.' END END`;
  const feeling = (seed) => pick(hash(seed, 'cp.n', 'd.k', 'st.seq'), feelings);
  add('listen: steps', `INSERT INTO listen_steps (couple_id, session_id, seq, kind, user_id, text,
      feelings, verdict, first_try, created_at) ${with_(days, steps)}
    SELECT cp.cid, ${talk.id}, st.seq, st.kind, ${person(`(${talk.starter} + st.who) % 2`)}, ${stepText},
      CASE st.kind WHEN 'reflection' THEN ${feeling(22)} || ',' || ${feeling(23)} END,
      st.verdict, st.first_try, ${talk.created} + st.seq * 240000
    FROM d CROSS JOIN cp CROSS JOIN st WHERE ${talk.where}`);

  // ---- Time together: two rituals and how they went, time together, ideas ----
  const rituals = values('rt', ['j', 'title', 'rule', 'minute', 'minutes', 'phones'], [
    [0, "'Morning coffee'", "'FREQ=DAILY'", 480, 15, 0],
    [1, "'Sunday walk'", "'FREQ=WEEKLY;BYDAY=SU'", 1170, 45, 1]]);
  const ritualAt = `${day0 + (RECENT - 10) * DAY + 20 * HOUR}`;
  const ritualId = (j) => id(ritualAt, `cp.n * 2 + ${j}`);
  add('time: rituals', `INSERT INTO time_rituals (couple_id, id, title, rule, start_day, minute,
      minutes, phones_away, notes, created_by, created_at, updated_at) ${with_(rituals)}
    SELECT cp.cid, ${ritualId('rt.j')}, rt.title, rt.rule, ${quote(dayText(day0 + (RECENT - 10) * DAY))},
      rt.minute, rt.minutes, rt.phones, '', cp.ua, ${ritualAt}, ${ritualAt} FROM cp CROSS JOIN rt`);
  add('time: the daily ritual, logged', `INSERT INTO time_occurrences (couple_id, ritual_id, day, state,
      moved_minute, note, connected, user_id, updated_at) ${with_(days)}
    SELECT cp.cid, ${ritualId(0)}, d.day, ${ifElse(`${h(24)} < 450`, "'happened'", "'skipped'")}, 0,
      CASE WHEN ${h(24)} < 60 THEN ${pick(h(25), NOTES)} END,
      ${ifElse(`${h(24)} < 450`, `${h(26)} % 6`, 0)}, ${person(`${h(27)} % 2`)}, d.ms + ${9 * HOUR}
    FROM d CROSS JOIN cp WHERE ${recent} AND ${h(24)} < 550`);
  add('time: the weekly ritual, logged', `INSERT INTO time_occurrences (couple_id, ritual_id, day,
      state, moved_day, moved_minute, note, connected, user_id, updated_at) ${with_(days)}
    SELECT cp.cid, ${ritualId(1)}, d.day, ${ifElse(`${h(28)} < 750`, "'happened'", "'moved'")},
      CASE WHEN ${h(28)} >= 750 THEN d.nxt END, ${ifElse(`${h(28)} < 750`, 0, 1110)},
      CASE WHEN ${h(28)} < 200 THEN ${pick(h(29), NOTES)} END,
      ${ifElse(`${h(28)} < 750`, `3 + ${h(30)} % 3`, 0)}, ${person(`${h(31)} % 2`)}, d.ms + ${21 * HOUR}
    FROM d CROSS JOIN cp WHERE ${recent} AND d.dow = 6 AND ${h(28)} < 850`);
  const together = { where: `${recent} AND (d.k + cp.n) % 4 = 1`, start: `(d.ms + ${19 * HOUR} + ${h(32)} * 1000)` };
  add('time: time together', `INSERT INTO time_together (couple_id, id, started_by, joined_at,
      started_at, ended_at, minutes) ${with_(days)}
    SELECT cp.cid, ${id(together.start, 'cp.n')}, ${person('(d.k / 4) % 2')}, ${together.start} + 90000,
      ${together.start}, ${together.start} + (20 + ${h(33)} % 100) * 60000, 20 + ${h(33)} % 100
    FROM d CROSS JOIN cp WHERE ${together.where}`);
  const ideas = values('idea', ['j', 'text', 'category'], IDEAS.map(([t, c], j) => [big(j), quote(t), quote(c)]));
  const ideaAt = `(${day0 + (RECENT + 5) * DAY} + idea.j * ${20 * DAY} + cp.n * 1000)`;
  add('time: date ideas', `INSERT INTO time_ideas (couple_id, id, text, category, user_id, created_at)
      ${with_(ideas)}
    SELECT cp.cid, ${id(ideaAt, 'cp.n')}, idea.text, idea.category, ${person('idea.j % 2')}, ${ideaAt}
    FROM cp CROSS JOIN idea`);
  add('time: calendar addresses', `INSERT INTO time_feeds (token_hash, user_id, couple_id, created_at)
      ${with_()}
    SELECT 'f' || cp.cid || 'x' || cp.n, cp.ua, cp.cid, cp.paired + ${30 * DAY} FROM cp
    WHERE cp.n % 5 = 2`);

  // ---- Signals: about one and a half gestures a day, check-ins, what each loves ----
  const gestureAt = `(d.ms + (8 + 5 * g.j) * ${HOUR} + ${hash(34, 'cp.n', 'd.k', 'g.j')} * 2000)`;
  add('signals: gestures', `INSERT INTO signals_gestures (couple_id, id, from_user_id, kind, note,
      created_at) ${with_(days, small('g', 3))}
    SELECT cp.cid, ${id(gestureAt, 'cp.n')}, ${person('(g.j + d.k) % 2')},
      ${pick(hash(35, 'cp.n', 'd.k', 'g.j'), GESTURES)},
      CASE WHEN ${hash(36, 'cp.n', 'd.k', 'g.j')} < 150 THEN ${pick(hash(37, 'cp.n', 'd.k', 'g.j'), GESTURE_NOTES)} END,
      ${gestureAt}
    FROM d CROSS JOIN cp CROSS JOIN g WHERE ${recent} AND ${hash(38, 'cp.n', 'd.k', 'g.j')} < 500`);
  const checkin = (seed) => hash(seed, 'cp.n', 'd.k', 'r.role');
  const checkinAt = `(d.ms + ${7 * HOUR} + r.role * ${HOUR} + ${checkin(39)} * 3000)`;
  add('signals: check-ins', `INSERT INTO signals_checkins (couple_id, id, user_id, mood, energy, need,
      word, created_at) ${with_(days, role)}
    SELECT cp.cid, ${id(checkinAt, 'cp.n * 2 + r.role')}, ${person('r.role')}, 1 + ${checkin(40)} % 5,
      1 + ${checkin(41)} % 5, ${pick(checkin(42), NEEDS)},
      CASE WHEN ${checkin(43)} < 300 THEN ${pick(checkin(44), feelings)} END, ${checkinAt}
    FROM d CROSS JOIN cp CROSS JOIN r WHERE ${recent} AND ${checkin(45)} < 450`);
  add('signals: what each loves', `INSERT INTO signals_preferences (couple_id, user_id, loves,
      updated_at) ${with_(role)}
    SELECT cp.cid, ${person('r.role')}, ${pick('cp.n + r.role', LOVES)}, cp.paired + ${3 * DAY}
    FROM cp CROSS JOIN r WHERE (cp.n + r.role) % 5 < 3`);

  // ---- Trust: a promise every three days, the weekly notes, the pulse ----
  const promise = {
    where: `${recent} AND (d.k + cp.n) % 3 = 0`,
    created: `(d.ms + ${20 * HOUR} + ${h(46)} * 1000)`,
    fate: h(47),
  };
  promise.id = id(promise.created, 'cp.n');
  promise.state = `CASE WHEN d.k + 3 > ${YEAR_DAYS} THEN 'open' WHEN d.k + 3 = ${YEAR_DAYS} THEN 'due'
    WHEN ${promise.fate} < 700 THEN 'kept' WHEN ${promise.fate} < 800 THEN 'not-kept'
    WHEN ${promise.fate} < 860 THEN 'withdrawn' ELSE 'kept' END`;
  promise.closed = `CASE WHEN d.k + 3 >= ${YEAR_DAYS} THEN NULL
    WHEN ${promise.fate} < 700 OR ${promise.fate} >= 860 THEN d.plus3ms + ${18 * HOUR}
    WHEN ${promise.fate} < 800 THEN d.plus3ms + ${22 * HOUR} ELSE ${promise.created} + ${DAY} END`;
  promise.thanked = `d.k + 3 < ${YEAR_DAYS} AND ${promise.fate} < 700 AND ${promise.fate} % 2 = 0`;
  promise.renegotiated = `d.k + 3 < ${YEAR_DAYS} AND ${promise.fate} >= 860`;
  add('trust: promises', `INSERT INTO trust_promises (couple_id, id, user_id, text, due, state,
      renegotiations, in_time, reason, note, thanks, acknowledged_at, created_at, updated_at,
      closed_at) ${with_(days)}
    SELECT cp.cid, ${promise.id}, ${person('(d.k / 3 + cp.n) % 2')}, ${pick(hash(48, 'cp.n', 'd.k'), PROMISES)},
      d.plus3, ${promise.state}, ${ifElse(promise.renegotiated, 1, 0)}, ${ifElse(promise.renegotiated, 1, 0)},
      CASE WHEN ${promise.renegotiated} THEN 'Work ran late, so Saturday instead' END,
      CASE WHEN d.k + 3 < ${YEAR_DAYS} AND ${promise.fate} >= 700 AND ${promise.fate} < 800
        THEN 'I forgot, sorry. I will do it this weekend.' END,
      CASE WHEN ${promise.thanked} THEN 'Thank you, that really helped' END,
      CASE WHEN ${promise.thanked} THEN d.plus3ms + ${19 * HOUR} END,
      ${promise.created}, COALESCE(${promise.closed}, ${promise.created}), ${promise.closed}
    FROM d CROSS JOIN cp WHERE ${promise.where}`);
  add('trust: jobs for promises not yet due', `INSERT INTO jobs (id, kind, key, run_at, payload,
      attempts, created_at) ${with_(days)}
    SELECT ${promise.id}, 'trust-due', CAST(${promise.id} AS TEXT), d.plus3ms, CAST(cp.cid AS TEXT), 0,
      ${promise.created}
    FROM d CROSS JOIN cp WHERE ${promise.where} AND d.k + 3 > ${YEAR_DAYS}`);
  const week = { created: `(w.ms + ${4 * DAY + 20 * HOUR} + cp.n * 10)`, fate: hash(49, 'cp.n', 'w.k') };
  week.id = id(week.created, 'cp.n');
  add('trust: weeks', `INSERT INTO trust_weeks (couple_id, id, week, revealed_at, created_at)
      ${with_(weeks)}
    SELECT cp.cid, ${week.id}, w.week, CASE WHEN ${week.fate} < 700 THEN ${week.created} + ${HOUR} END,
      ${week.created}
    FROM w CROSS JOIN cp WHERE ${week.fate} < 850`);
  add('trust: weekly notes', `INSERT INTO trust_week_notes (couple_id, item_id, user_id, text,
      created_at, updated_at) ${with_(weeks, role)}
    SELECT cp.cid, ${week.id}, ${person('r.role')}, ${pick(hash(50, 'cp.n', 'w.k', 'r.role'), WEEK_NOTES)},
      ${week.created} + r.role * ${HOUR}, ${week.created} + r.role * ${HOUR}
    FROM w CROSS JOIN cp CROSS JOIN r WHERE ${week.fate} < 700 OR (${week.fate} < 850 AND r.role = 0)`);
  const pulse = (seed) => hash(seed, 'cp.n', 'w.k', 'r.role');
  const pulseAt = `(w.ms + ${6 * DAY + 21 * HOUR} + r.role * 600000 + cp.n * 10)`;
  add('trust: pulses', `INSERT INTO trust_pulses (couple_id, id, user_id, close, understood, shared,
      created_at) ${with_(weeks, role)}
    SELECT cp.cid, ${id(pulseAt, 'cp.n * 2 + r.role')}, ${person('r.role')}, 3 + ${pulse(51)} % 8,
      2 + ${pulse(52)} % 9, ${pulse(53)} % 2, ${pulseAt}
    FROM w CROSS JOIN cp CROSS JOIN r WHERE ${pulse(54)} < 700`);

  // ---- Dreams: three each (two shared), support, two goals, one round of values ----
  const dream = { created: `(${day0} + (40 + t.j * 100 + cp.n % 40) * ${DAY} + r.role * ${HOUR})` };
  dream.id = id(dream.created, 'cp.n * 2 + r.role');
  add('dreams: dreams', `INSERT INTO dreams_dreams (couple_id, id, user_id, title, text, shared,
      created_at, updated_at) ${with_(role, small('t', 3))}
    SELECT cp.cid, ${dream.id}, ${person('r.role')}, ${pick('cp.n + t.j * 5 + r.role * 3', DREAMS)},
      ${pick(hash(55, 'cp.n', 't.j', 'r.role'), ANSWER_ENDINGS)}, ${ifElse('t.j < 2', 1, 0)},
      ${dream.created}, ${dream.created}
    FROM cp CROSS JOIN r CROSS JOIN t`);
  add('dreams: support', `INSERT INTO dreams_support (couple_id, id, dream_id, user_id, text,
      created_at) ${with_(role, small('t', 3))}
    SELECT cp.cid, ${id(`${dream.created} + ${2 * DAY}`, 'cp.n * 2 + r.role')}, ${dream.id},
      ${other('r.role')}, 'I can take Saturdays with the kids so you have the time.',
      ${dream.created} + ${2 * DAY}
    FROM cp CROSS JOIN r CROSS JOIN t WHERE t.j < 2 AND (cp.n + t.j + r.role) % 2 = 0`);
  const goal = { created: `(${day0} + (60 + g.j * 150 + cp.n % 30) * ${DAY})` };
  goal.id = id(goal.created, 'cp.n');
  goal.done = `CASE g.j WHEN 0 THEN ${goal.created} + ${120 * DAY} END`;
  add('dreams: goals', `INSERT INTO dreams_goals (couple_id, id, title, why, target_day, created_by,
      done_at, created_at, updated_at) ${with_(small('g', 2))}
    SELECT cp.cid, ${goal.id}, ${pick('cp.n + g.j', GOALS)}, 'Because we keep talking about it',
      ${pick('g.j', [dayText(today - 100 * DAY), dayText(today + 200 * DAY)])}, ${person('g.j')},
      ${goal.done}, ${goal.created}, COALESCE(${goal.done}, ${goal.created})
    FROM cp CROSS JOIN g`);
  add('dreams: milestones', `INSERT INTO dreams_milestones (couple_id, id, goal_id, title, position,
      done_at, created_at) ${with_(small('g', 2), small('m', 3))}
    SELECT cp.cid, ${id(`${goal.created} + (m.j + 1) * ${HOUR}`, 'cp.n')}, ${goal.id},
      ${pick('m.j', ['Agree on a budget', 'Book the first step', 'Tell our friends'])}, m.j + 1,
      CASE WHEN g.j = 0 OR m.j = 0 THEN ${goal.created} + (m.j + 1) * ${20 * DAY} END,
      ${goal.created} + (m.j + 1) * ${HOUR}
    FROM cp CROSS JOIN g CROSS JOIN m`);
  const round = { created: `(${day0} + (100 + cp.n % 60) * ${DAY} + ${21 * HOUR})` };
  round.id = id(round.created, 'cp.n');
  add('dreams: rounds of values', `INSERT INTO dreams_value_rounds (couple_id, id, revealed_at,
      created_at) ${with_()}
    SELECT cp.cid, ${round.id}, ${round.created} + ${DAY}, ${round.created} FROM cp`);
  const rankings = valueNames.map((_, i) =>
    Array.from({ length: 10 }, (__, k) => valueNames[(i + k * 3) % valueNames.length]).join(','));
  add('dreams: rankings', `INSERT INTO dreams_value_rankings (couple_id, item_id, user_id, text,
      created_at, updated_at) ${with_(role)}
    SELECT cp.cid, ${round.id}, ${person('r.role')}, ${pick('cp.n + r.role * 7', rankings)},
      ${round.created} + r.role * ${DAY}, ${round.created} + r.role * ${DAY}
    FROM cp CROSS JOIN r`);

  // ---- the outbox: what the last day announced (it keeps 24 hours) ----
  const events = values('ev', ['j', 'type'], [[0, "'share.answered'"], [1, "'share.revealed'"],
    [2, "'signals.checkin'"], [3, "'time.together'"]]);
  const eventAt = `(${now} - (1 + ev.j * 5) * ${HOUR} - cp.n * 1000)`;
  add('events of the last day', `INSERT INTO events (id, couple_id, user_id, type, ref, created_at)
      ${with_(events)}
    SELECT ${id(eventAt, 'cp.n')}, cp.cid, 0, ev.type, CAST(cp.cid AS TEXT), ${eventAt}
    FROM cp CROSS JOIN ev`);

  // ---- guides: many comments on one, a few on every other ----
  if (comments > 0) {
    const j = `c(j) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT j + 1 FROM c WHERE j < ${comments})`;
    const at = (x) => `(${now} - (${comments} + 1 - (${x})) * ${4 * HOUR})`;
    const parent = 'CASE WHEN c.j % 10 = 9 THEN c.j - 2 ELSE c.j - c.j % 10 + 1 END';
    add(`guides: ${comments} comments on one`, `INSERT INTO comments (id, guide_id, parent_id, depth,
        name, email, body, status, created_at) WITH RECURSIVE ${j}
      SELECT ${id(at('c.j'), 'c.j')}, (SELECT id FROM guides WHERE slug = ${quote(guide)}),
        CASE WHEN c.j % 10 >= 7 THEN ${id(at(parent), parent)} END,
        CASE WHEN c.j % 10 >= 9 THEN 2 WHEN c.j % 10 >= 7 THEN 1 ELSE 0 END,
        ${pick('c.j', NAMES)}, 'reader' || c.j || '@example.org', ${pick('c.j * 7', COMMENT_BODIES)},
        'approved', ${at('c.j')}
      FROM c`);
    const other = `(${now} - c.j * ${2 * DAY} - g.id % 100000)`;
    add('guides: comments on the others', `INSERT INTO comments (id, guide_id, depth, name, email, body,
        status, reason, author_token, created_at)
        WITH RECURSIVE c(j) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT j + 1 FROM c WHERE j < 50)
      SELECT ${id(other, 'c.j + 4000')}, g.id, 0, ${pick('c.j', NAMES)}, 'reader' || c.j || '@example.org',
        ${pick('c.j', COMMENT_BODIES)},
        CASE c.j % 25 WHEN 0 THEN 'pending' WHEN 1 THEN 'spam' ELSE 'approved' END,
        CASE c.j % 25 WHEN 0 THEN 'a first comment' WHEN 1 THEN 'links' END,
        CASE c.j % 25 WHEN 0 THEN 'held' || c.j || 'x' || g.id END, ${other}
      FROM guides g CROSS JOIN c WHERE g.slug <> ${quote(guide)}`);
  }
  return out;
}
