-- dreams 001: personal dreams (private until shared) and the partner's
-- support, shared goals with milestones, and values ranked privately and
-- compared once both have (src/practices/dreams/).

-- A dream is its author's alone until shared (shared = 1); unsharing hides
-- it again.
CREATE TABLE dreams_dreams (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    shared INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;

-- "How I can support this", by the partner, on a shared dream.
CREATE TABLE dreams_support (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    dream_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE INDEX dreams_support_dream ON dreams_support (couple_id, dream_id);

-- A goal of both: why it matters to us, a target day; finished goals stay.
CREATE TABLE dreams_goals (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    title TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    target_day TEXT,
    created_by INTEGER,
    done_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;

-- A goal's milestones, in order (position), each done or not.
CREATE TABLE dreams_milestones (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    goal_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    done_at INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE INDEX dreams_milestones_goal ON dreams_milestones (couple_id, goal_id, position);

-- A round of values: each ranks their top ten privately (the text is the
-- names in order, comma-separated); both see both once both have (the
-- reveal rule). Redoing after a reveal starts a new round; earlier rounds
-- stay readable.
CREATE TABLE dreams_value_rounds (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    revealed_at INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE TABLE dreams_value_rankings (
    couple_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, item_id, user_id)
) STRICT;
