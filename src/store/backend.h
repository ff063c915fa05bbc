/* backend.h: what an engine gives src/store/db.c, one table of functions per
 * engine (sqlite.c, pg.c), chosen once by db_open. Internal to src/store. */
#ifndef HEARTH_BACKEND_H
#define HEARTH_BACKEND_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One parameter: type 'i' (i), 's' (s, NULL for NULL), 'b' (i as 0 or 1),
 * or 'u': text whose type the engine takes from where it goes (copying). */
struct db_param {
    char type;
    int64_t i;
    const char *s;
};

struct db_conn; /* an engine's connection, opaque to db.c */

struct db_backend {
    const char *name;           /* "SQLite", "PostgreSQL" */
    const char *dialect_suffix; /* ".sqlite.sql" or ".pg.sql" */
    const char *begin;          /* the statement that begins a writing transaction */
    /* A statement, $1 the couple's id, that holds the couple's row until
     * the transaction ends. */
    const char *lock_couple;
    /* A query, $1 now, for the id of a due job with no live claim (on
     * PostgreSQL skipping rows another server holds). */
    const char *pick_job;
    /* Opens a connection to target (a path, or a libpq URL); NULL on
     * failure, logged. */
    struct db_conn *(*connect)(const char *target);
    void (*disconnect)(struct db_conn *c);
    /* Runs one statement. cols: the declared result columns (see db.h), or
     * NULL to read every column as text ('t'); rows: where row objects go
     * (at most max; more is an error when max is DB_MAX_ROWS), or NULL for
     * a statement whose rows are not read. cached: prepare once and keep
     * (sql must then be a string literal). Returns the rows changed when rows
     * is NULL, else DB_OK; or a negative DB_ code, DB_BUSY for what a retry
     * may cure. */
    int (*run)(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
               const char *cols, json_t *rows, size_t max, bool cached);
    /* Runs several statements without parameters (migrations, BEGIN). */
    int (*script)(struct db_conn *c, const char *sql);
    /* Rewrites a migration written for SQLite's STRICT tables into this
     * engine's dialect (malloc'd), or returns NULL to use it as it is. */
    char *(*dialect)(const char *sql);
    /* Takes (take) or releases the lock that keeps two servers from
     * migrating one database at once. */
    int (*migration_lock)(struct db_conn *c, bool take);
    /* The names of the database's tables in the order they were created,
     * as a JSON array. */
    int (*tables)(struct db_conn *c, json_t **names);
    /* A query ($1 channel, $2 payload) that sends a notification at commit
     * to every session listening, or NULL: notifications stay in this
     * process (db.c delivers them at commit). */
    const char *notify;
    /* Listens on channel from a thread and connection of its own, calling
     * deliver for each notification; NULL when notify is. */
    int (*listen)(const char *target, const char *channel,
                  void (*deliver)(const char *channel, const char *payload));
    void (*listen_stop)(void);
    /* Describes target for logs, without any password. */
    void (*describe)(const char *target, char *out, size_t len);
    /* Group commit (db_sync_ticket in db.h), NULL for an engine whose
     * commit is durable by itself: group_commit lets c's commits return
     * before the disk holds them; sync_ticket asks for a sync when c changed
     * rows since it last asked (0 when not); sync_then calls fn once the
     * ticket's sync is done (at once when it is), sync_wait blocks for it;
     * syncs counts the syncs made; sync_stop ends the syncer. */
    int (*group_commit)(struct db_conn *c);
    int64_t (*sync_ticket)(struct db_conn *c);
    void (*sync_then)(int64_t ticket, void (*fn)(void *arg), void *arg);
    void (*sync_wait)(int64_t ticket);
    int64_t (*syncs)(void);
    void (*sync_stop)(void);
    /* A number that changes with every commit to the database by any
     * process, read without a query (db_watch_mark): 0 with *mark, or -1
     * when c cannot tell. NULL for an engine that has none. */
    int (*change_mark)(struct db_conn *c, uint64_t *mark);
};

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

/* Row helpers shared by the engines: the JSON value of one column as
 * declared ('i', 'd', 's', 'b', 'f' or 't'), from its text (NULL for SQL
 * NULL). */
json_t *db_value_from_text(char type, const char *text, size_t len);
/* How many columns cols declares. */
size_t db_cols_count(const char *cols);

/* For migrate.c: this thread's connection (opening it), and the backend. */
struct db_conn *db_conn_here(void);
const struct db_backend *db_backend_here(void);
/* Opens a connection to another database for db_copy and migrations of
 * a database that is not the open one; sets *backend. NULL on failure. */
struct db_conn *db_connect_url(const char *url, const struct db_backend **backend);

/* Tests: migrations come from list (ended by a NULL name) instead of the
 * assets; NULL goes back to the assets. */
struct asset;
void db_migrations_override(const struct asset *list);

/* Migrations (migrate.c) on a connection of the given backend. */
int db_migrations_apply(const struct db_backend *b, struct db_conn *c, const char *const *modules,
                        int *applied);
int db_migrations_print(const struct db_backend *b, struct db_conn *c, const char *const *modules,
                        FILE *out);

#endif
