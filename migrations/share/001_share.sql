-- share 001: Share. A couple's questions ("items"): one daily question per day in
-- the couple's time zone, and questions a partner asked ("ask"). Each partner
-- answers privately; revealed_at is set when the second answer arrives, and
-- only then do answers, reactions and comments show. Every table leads its
-- key with couple_id; a person's rows are erased by the module when their
-- account is deleted (no foreign key crosses from couples to people).
CREATE TABLE share_settings (
    couple_id INTEGER PRIMARY KEY REFERENCES couples (id),
    depth TEXT NOT NULL,      -- deepest level offered: light, deeper or deep
    categories TEXT NOT NULL, -- comma-separated category slugs
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE share_items (
    couple_id INTEGER NOT NULL REFERENCES couples (id),
    id INTEGER NOT NULL,
    kind TEXT NOT NULL,   -- daily or ask
    day TEXT,             -- daily: YYYY-MM-DD
    question_key TEXT,    -- daily: the key of the question in the bank
    text TEXT NOT NULL,
    depth TEXT,
    category TEXT,
    author_id INTEGER,
    swaps INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    revealed_at INTEGER,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE UNIQUE INDEX share_items_day ON share_items (couple_id, day) WHERE kind = 'daily';

-- Bank questions a couple has already had, so none repeats until all
-- eligible ones were used.
CREATE TABLE share_seen (
    couple_id INTEGER NOT NULL REFERENCES couples (id),
    question_key TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, question_key)
) STRICT;

CREATE TABLE share_answers (
    couple_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, item_id, user_id),
    FOREIGN KEY (couple_id, item_id) REFERENCES share_items (couple_id, id)
) STRICT;

CREATE TABLE share_reactions (
    couple_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    reaction TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, item_id, user_id),
    FOREIGN KEY (couple_id, item_id) REFERENCES share_items (couple_id, id)
) STRICT;

CREATE TABLE share_comments (
    couple_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, item_id, id),
    FOREIGN KEY (couple_id, item_id) REFERENCES share_items (couple_id, id)
) STRICT;

-- Deep-dive evenings: 36 questions in three sets; position is the current
-- question (0-35, 36 when finished); first_user_id answers question 1 first.
CREATE TABLE share_dives (
    couple_id INTEGER NOT NULL REFERENCES couples (id),
    id INTEGER NOT NULL,
    mode TEXT NOT NULL, -- together or writing
    first_user_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (couple_id, id)
) STRICT;

CREATE TABLE share_dive_answers (
    couple_id INTEGER NOT NULL,
    dive_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, dive_id, position, user_id),
    FOREIGN KEY (couple_id, dive_id) REFERENCES share_dives (couple_id, id)
) STRICT;
