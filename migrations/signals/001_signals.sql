-- signals 001: small signals between partners (src/practices/signals/).
-- Every table belongs to a couple and leads with couple_id; a couple that
-- ends loses all of it.

-- A gesture one partner sent the other: a kind and an optional note that
-- only the recipient reads.
CREATE TABLE signals_gestures (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    from_user_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    note TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE INDEX signals_gestures_sent ON signals_gestures (couple_id, from_user_id, created_at);

-- How a person is arriving: mood and energy (1-5), what they need now,
-- and an optional word. The partner sees the latest.
CREATE TABLE signals_checkins (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    mood INTEGER NOT NULL,
    energy INTEGER NOT NULL,
    need TEXT NOT NULL,
    word TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE INDEX signals_checkins_by_person ON signals_checkins (couple_id, user_id, created_at);

-- What a person loves most (gestures and kinds of touch), as a list of
-- names separated by commas.
CREATE TABLE signals_preferences (
    couple_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    loves TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, user_id)
) STRICT;
