-- auth 001: accounts, sessions, couples and invites.
--
-- Per-person tables lead their keys with the person's id (users.id,
-- user_id); couple tables with the couple's id; values unique across
-- everyone (emails, session token hashes, invite codes) live in lookup
-- tables keyed by the value. So a distributed engine can shard people and
-- couples (docs/scaling.md). Emails are stored trimmed and lower-cased.
-- Session tokens are never stored: only a BLAKE2b hash of each.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    couple_id INTEGER,
    is_operator INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE user_emails (
    email TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL
) STRICT;

-- A couple that one partner left keeps its row (ended_at set), so each
-- person's own writing can still be exported.
CREATE TABLE couples (
    id INTEGER PRIMARY KEY,
    time_zone TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    ended_at INTEGER
) STRICT;

-- Every couple a person belonged to; the partner is the other member.
CREATE TABLE memberships (
    couple_id INTEGER NOT NULL REFERENCES couples (id),
    user_id INTEGER NOT NULL,
    joined_at INTEGER NOT NULL,
    left_at INTEGER,
    PRIMARY KEY (couple_id, user_id)
) STRICT;

CREATE TABLE sessions (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    csrf TEXT NOT NULL,
    browser TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, id)
) STRICT;

CREATE TABLE session_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL
) STRICT;
CREATE INDEX session_tokens_session ON session_tokens (user_id, session_id);

CREATE TABLE invites (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code)
) STRICT;
-- One open invite per person.
CREATE UNIQUE INDEX invites_open ON invites (user_id) WHERE used_at IS NULL;

CREATE TABLE invite_codes (
    code TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL
) STRICT;
