-- auth 002: one-time links to set a new password (src/auth/reset.c), which
-- the operator issues with `hearth admin reset-link EMAIL`. Only a BLAKE2b
-- hash of each link's token is stored. A token is unique across everyone,
-- so this is a lookup table keyed by its hash (a reference table on a
-- distributed engine, like session_tokens). A link is deleted when it is
-- used, when a newer one is issued for the account, and with the account.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX password_resets_user ON password_resets (user_id);
