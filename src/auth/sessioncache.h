/* sessioncache.h: signed-in sessions' rows (the session with its user and
 * couple, as one query reads them for every signed-in request), kept in
 * memory so that a page read asks the database for nothing when nothing
 * that row comes from has changed.
 * An entry is used only while db_watch_mark (store/db.h) is what it was
 * before the row was read: no commit since that wrote to sessions, their
 * tokens, users, memberships or couples, here or on another server (on
 * SQLite: no commit at all, by any process), and for SESSION_CACHE_TTL_MS
 * at most, for a change made on PostgreSQL from outside Hearth. Entries are
 * keyed by the token's hash, never the token. */
#ifndef HEARTH_SESSIONCACHE_H
#define HEARTH_SESSIONCACHE_H
#include <jansson.h>
#include <stdint.h>

enum {
    SESSION_CACHE_SLOTS = 1024,  /* entries at most (a direct-mapped table) */
    SESSION_CACHE_TTL_MS = 1000, /* an entry is read again after this at the latest */
};

/* Watches the tables the row comes from (after db_open). 0 or -1. */
int session_cache_init(void);
/* The mark to read before the row is read, for get and put (0: keep nothing). */
uint64_t session_cache_mark(void);
/* A copy of the row kept for hash (the token's) when current at mark, else
 * NULL. */
json_t *session_cache_get(const char *hash, uint64_t mark);
/* Keeps a copy of row for hash, as read at mark. */
void session_cache_put(const char *hash, uint64_t mark, const json_t *row);
/* Drops every entry. */
void session_cache_clear(void);

#endif
