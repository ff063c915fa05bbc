-- trust 001: promises, the weekly State of Us and the pulse
-- (src/practices/trust/). Every table belongs to a couple and leads with
-- couple_id.

-- "I will ..." by a day in the couple's time zone. state: open (before its
-- day), due (its day came: a job marks it), kept, not-kept, withdrawn.
-- Renegotiating moves due, keeps the reason, and counts as in time when it
-- came before the day.
CREATE TABLE trust_promises (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    due TEXT NOT NULL,
    state TEXT NOT NULL,
    renegotiations INTEGER NOT NULL DEFAULT 0,
    in_time INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    note TEXT,
    thanks TEXT,
    acknowledged_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_at INTEGER,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE INDEX trust_promises_due ON trust_promises (couple_id, due);

-- A week's State of Us (an ISO week in the couple's zone): each writes
-- privately; the notes open when both have (the reveal rule).
CREATE TABLE trust_weeks (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    week TEXT NOT NULL,
    revealed_at INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE UNIQUE INDEX trust_weeks_week ON trust_weeks (couple_id, week);

-- One person's notes for a week, as JSON text.
CREATE TABLE trust_week_notes (
    couple_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, item_id, user_id)
) STRICT;

-- How close and how understood one feels (0-10), private unless shared.
CREATE TABLE trust_pulses (
    couple_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    close INTEGER NOT NULL,
    understood INTEGER NOT NULL,
    shared INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (couple_id, id)
) STRICT;
CREATE INDEX trust_pulses_by_person ON trust_pulses (couple_id, user_id, created_at);
