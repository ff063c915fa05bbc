-- listen 001: speaker-listener sessions (src/practices/listen/). Every table
-- belongs to a couple and leads with couple_id.

-- A session on one topic: mode together (one phone, in person) or writing
-- (apart). speaker_id holds the floor; the other partner listens. At most
-- one open session (ended_at NULL) per couple.
CREATE TABLE listen_sessions (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    mode TEXT NOT NULL,
    started_by INTEGER,
    speaker_id INTEGER NOT NULL,
    steps INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at INTEGER,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE UNIQUE INDEX listen_sessions_open ON listen_sessions (couple_id) WHERE ended_at IS NULL;

-- The steps of a session in order (seq from 1): a piece (the speaker's
-- words, in writing), a reflection (the listener's, with feeling words), a
-- verdict (understood, partly, not-yet; with the speaker's clarification
-- when there is one; first_try when it answers a round's first
-- reflection), a swap (the floor passed to user_id).
CREATE TABLE listen_steps (
    couple_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    user_id INTEGER,
    text TEXT,
    feelings TEXT,
    verdict TEXT,
    first_try INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, session_id, seq)
) STRICT;
CREATE INDEX listen_steps_verdicts ON listen_steps (couple_id, kind, created_at);
