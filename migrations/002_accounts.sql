-- 002: accounts, sessions, couples and invites.
-- Emails are stored trimmed and lower-cased. Session tokens are never stored:
-- only a BLAKE2b hash of each. A couple that one partner left keeps its row
-- (ended_at set) so each person's own writing can still be exported.
CREATE TABLE couples (
    id INTEGER PRIMARY KEY,
    time_zone TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    ended_at INTEGER
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    couple_id INTEGER REFERENCES couples (id),
    is_operator INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX users_couple ON users (couple_id);

-- Every couple a person belonged to, for exports after leaving.
CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    couple_id INTEGER NOT NULL REFERENCES couples (id),
    joined_at INTEGER NOT NULL,
    left_at INTEGER,
    PRIMARY KEY (user_id, couple_id)
) STRICT;

CREATE TABLE sessions (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id INTEGER NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    browser TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, id)
) STRICT;

CREATE TABLE invites (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code)
) STRICT;
-- One open invite per person.
CREATE UNIQUE INDEX invites_open ON invites (user_id) WHERE used_at IS NULL;
