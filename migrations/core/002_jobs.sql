-- core 002: scheduled work (src/store/jobs.h). A job is a kind and a key,
-- unique together; a server claims a due job by writing its name and the
-- time its claim lapses, so each job runs once however many servers share
-- the database.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    run_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    locked_by TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX jobs_kind_key ON jobs (kind, key);
CREATE INDEX jobs_due ON jobs (run_at);
