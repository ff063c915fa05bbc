-- core 003: the outbox of live events (src/http/events.h). An event is a
-- hint for open pages, a type and an id, never private text; it is meant
-- for a couple, or for one person (couple_id or user_id). Kept 24 hours,
-- so a page that lost its connection catches up (Last-Event-ID).
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    couple_id INTEGER,
    user_id INTEGER,
    type TEXT NOT NULL,
    ref TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_couple ON events (couple_id, id);
CREATE INDEX events_user ON events (user_id, id);
