-- core 001: instance-wide settings (key/value), such as the secrets that sign
-- device cookies and comment forms. Written by the server itself, never by
-- users.
CREATE TABLE instance_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
