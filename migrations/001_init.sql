-- 001: instance-wide settings (key/value), such as the secret that signs
-- device cookies. Written by the server itself, never by users.
CREATE TABLE instance_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
