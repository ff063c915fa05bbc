-- time 001: rituals on a calendar, their occurrences' log, calendar feeds,
-- time together now, and the couple's date ideas (src/practices/time/).

-- A ritual: a title, a recurrence (an RFC 5545 RRULE such as
-- "FREQ=WEEKLY;BYDAY=SU", made by Hearth from the form), the first day and
-- the minute of the day it starts (local time in the couple's zone, so it
-- keeps its wall-clock time across daylight-saving changes), how long it
-- lasts, whether phones go away, notes.
CREATE TABLE time_rituals (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    title TEXT NOT NULL,
    rule TEXT NOT NULL,
    start_day TEXT NOT NULL,
    minute INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    phones_away INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;

-- How one occurrence went (day: the day it was due): happened, skipped, or
-- moved (to moved_day at moved_minute, which counts only then); a note and
-- how connected it felt (1-5; 0 when not said).
CREATE TABLE time_occurrences (
    couple_id INTEGER NOT NULL,
    ritual_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    state TEXT NOT NULL,
    moved_day TEXT,
    moved_minute INTEGER,
    note TEXT,
    connected INTEGER,
    user_id INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, ritual_id, day)
) STRICT;

-- A person's secret calendar address: only a hash of its token is kept
-- (a lookup by token, like session tokens).
CREATE TABLE time_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    couple_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX time_feeds_user ON time_feeds (user_id);

-- Time together now: started by one, joined by the other, stopped by
-- either; minutes are counted when it stops.
CREATE TABLE time_together (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    started_by INTEGER,
    joined_at INTEGER,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE UNIQUE INDEX time_together_open ON time_together (couple_id) WHERE ended_at IS NULL;

-- The couple's own date ideas (the ones Hearth offers are content/time).
CREATE TABLE time_ideas (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    user_id INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
