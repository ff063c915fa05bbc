/* db.h: the one interface every module uses to reach the database, on
 * SQLite or PostgreSQL alike. Nothing outside src/store knows which engine
 * runs: a table of backend functions is chosen once, by db_open's URL.
 *
 * Statements
 *   SQL is written once, portable, with $1, $2 ... placeholders. One string
 *   describes a statement's types: the parameters, then, after a colon, the
 *   result columns, one letter each:
 *     parameters  'i' int64_t, 's' const char * (NULL binds NULL),
 *                 'b' int (a yes/no: 0 or 1)
 *     columns     'i' an integer, 'd' an id (an integer that JSON carries as
 *                 a decimal string: ids are 63-bit, JavaScript numbers are
 *                 not), 's' text, 'b' a yes/no (JSON true/false, from an
 *                 integer or a boolean), 'f' a real number
 *   "is:dsb" takes an integer and a text and returns three columns. Rows
 *   come back as JSON objects keyed by column name, every value typed as
 *   declared (NULL as json null), so both engines answer alike. A column
 *   count that differs from the declared one is an error (logged).
 *   Statements are prepared once per connection and cached by the address
 *   of the SQL string: pass string literals.
 *
 * Connections and transactions
 *   Each thread has its own connection. Outside a transaction each statement
 *   commits by itself. db_begin/db_commit/db_rollback nest: the outermost
 *   is a transaction (on SQLite BEGIN IMMEDIATE), inner ones savepoints.
 *   db_tx runs a function in a transaction and runs it again, whole, when
 *   the engine reports a serialization failure or deadlock (SQLSTATE 40001,
 *   40P01) or stays busy: this is the one place such failures are retried.
 *
 *   An HTTP request runs between db_request_start and db_request_finish: its
 *   transaction begins at its first write (or db_lock_couple) and ends when
 *   the request does, committed when it succeeded and rolled back otherwise,
 *   so a request never leaves half of its writes behind. A retryable
 *   failure inside it makes db_request_finish answer DB_RETRY: the server
 *   then runs the whole request again. Reads before the first write commit
 *   on their own: rules that must hold under concurrency are conditional
 *   writes (UPDATE ... WHERE ..., then check the count) or run after
 *   db_lock_couple.
 *
 * Migrations
 *   migrations/MODULE/NNN_name.sql, applied per module in the order db_open
 *   is given, each in one transaction; NNN_name.sqlite.sql and
 *   NNN_name.pg.sql replace the portable file where the dialects must
 *   differ. Files are written for SQLite's STRICT tables; on PostgreSQL
 *   INTEGER reads as BIGINT (ids and times are 64-bit on both) and STRICT is
 *   dropped. Each applied file's checksum is kept: a changed file, a missing
 *   one or two files with one number stop start-up. */
#ifndef HEARTH_DB_H
#define HEARTH_DB_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum {
    DB_OK = 0,
    DB_ERROR = -1,     /* logged; the caller answers 500 */
    DB_NOT_FOUND = -2, /* db_row found no row */
    DB_CONFLICT = -3,  /* a UNIQUE or PRIMARY KEY constraint refused the write */
    DB_BUSY = -4,      /* locked too long, or a serialization failure or deadlock */
    DB_RETRY = -5,     /* from db_request_finish: run the whole request again */
};

enum {
    DB_MAX_ROWS = 10000, /* a query returning more is a bug (a missing LIMIT) */
    DB_TX_TRIES = 5,     /* attempts of a transaction that keeps being refused */
};

/* Opens the database named by url: a path or "sqlite:PATH" (created when
 * missing), or "postgres://..." / "postgresql://..." (libpq). Applies
 * pending migrations of modules (a NULL-terminated list, in order) and
 * refuses to start when an applied one changed. Returns DB_OK, or DB_ERROR
 * with the reason logged. */
int db_open(const char *url, const char *const *modules);
/* Closes every thread's connection. Call after the server stopped. */
void db_close(void);
/* Applies pending migrations only (hearth migrate); *applied gets the
 * count. */
int db_migrate(const char *url, const char *const *modules, int *applied);
/* Prints every migration of modules as applied (with its time) or pending
 * (hearth migrate --status). */
int db_migrate_status(const char *url, const char *const *modules, FILE *out);
/* "SQLite at var/hearth.db" or "PostgreSQL at host/db", for the start-up
 * line (never a password). */
const char *db_describe(void);

/* Runs a statement that returns no rows. Returns the number of rows it
 * changed, or a negative DB_ code. */
int db_exec(const char *sql, const char *types, ...);
/* Runs a query; *rows gets a new JSON array of row objects (caller
 * decrefs). Returns DB_OK or a negative code. */
int db_query(json_t **rows, const char *sql, const char *types, ...);
/* The first row of a query in *row (caller decrefs), or DB_NOT_FOUND. */
int db_row(json_t **row, const char *sql, const char *types, ...);
/* The first column of the first row, an integer (or a yes/no as 0 or 1),
 * in *out; DB_NOT_FOUND when there is no row. types describes parameters
 * only. */
int db_int(int64_t *out, const char *sql, const char *types, ...);

/* Transactions on this thread's connection (savepoints when nested). */
int db_begin(void);
int db_commit(void);
void db_rollback(void);
/* Runs fn(arg) in a transaction: commits when it returns >= 0, rolls back
 * otherwise, and runs it again (DB_TX_TRIES in all) after a serialization
 * failure, deadlock or busy database. Inside another transaction it is a
 * savepoint, and the retry belongs to the outermost one. Returns what fn
 * returned, or a negative DB_ code. */
int db_tx(int (*fn)(void *arg), void *arg);
/* Inside a transaction (or a request, starting its transaction): holds the
 * couple's row until the end, so that concurrent writes of one couple run
 * one after the other. */
int db_lock_couple(int64_t couple_id);

/* Notifications (live events). db_notify sends payload (up to 63 bytes) on
 * channel to every listener, on every server sharing the database, once the
 * current transaction commits (at once outside one; never when it rolls
 * back); the same channel and payload twice in one transaction go once. On
 * PostgreSQL this server's listeners hear it twice: at once after the
 * commit (so what reads next on this server sees the change), and again
 * when PostgreSQL delivers it; a listener must not mind. db_listen calls
 * fn(payload, arg) for each, on a thread of the store's own: it must be
 * quick. Returns DB_OK or a negative code. */
int db_notify(const char *channel, const char *payload);
int db_listen(const char *channel, void (*fn)(const char *payload, void *arg), void *arg);
/* Listens through url instead of the database's own (after db_open, before
 * db_listen): PostgreSQL's LISTEN needs a session of its own, which a
 * pooler in transaction mode does not keep. DB_ERROR for another engine.
 * A listener that loses its connection connects again, and then delivers
 * "*" once: what was sent meanwhile may be lost, so look again. */
int db_set_listen_url(const char *url);

/* Watched tables: for what is kept in memory from rows of some tables (the
 * session cache), so that it is read again once they may have changed.
 * db_watch names a table (after db_open, at start-up before other threads
 * use the store; DB_WATCH_MAX at most, until db_close); db_watch_mark returns a number that changes
 * after any commit that may have changed a watched table:
 * - every commit whose statements name a watched table, of this server or
 *   another one sharing the database, a command (hearth admin, hearth sql)
 *   included: it notifies DB_WATCH_CHANNEL as it commits;
 * - on SQLite, every commit to the database by any process at all (the
 *   header of its write-ahead log's index changes; read from shared memory,
 *   without a query).
 * What another server commits is seen when its notification arrives, and a
 * change made on PostgreSQL from outside Hearth (psql) is not seen at all:
 * keep what is read this way for a bounded time too. */
enum { DB_WATCH_MAX = 8 };
#define DB_WATCH_CHANNEL "watched"
int db_watch(const char *table);
uint64_t db_watch_mark(void);

/* Brackets an HTTP request's handler on this thread (see above). finish
 * commits when ok, else rolls back; it returns DB_OK, DB_ERROR (the commit
 * failed, or the handler left a transaction of its own open: logged and
 * rolled back), or DB_RETRY. */
void db_request_start(void);
int db_request_finish(bool ok);
/* Before db_request_finish: true when the request's transaction began (it
 * wrote, or held a couple). */
bool db_request_wrote(void);

/* Group commit. On SQLite a request's commit returns before its writes
 * reach the disk. After db_request_finish, on the same thread,
 * db_sync_ticket answers 0 when nothing this thread wrote waits for the
 * disk, else a ticket: db_sync_then(ticket, fn, arg) calls fn(arg) once
 * the disk holds those writes (from the syncer's thread, or at once), and
 * db_sync_wait(ticket) blocks until it does. One sync of the write-ahead
 * log serves every commit made before it began, so concurrent writes share
 * it. PostgreSQL's commit is durable by itself (its WAL flushes are shared
 * the same way): the ticket is always 0. db_syncs counts the syncs made. */
int64_t db_sync_ticket(void);
void db_sync_then(int64_t ticket, void (*fn)(void *arg), void *arg);
void db_sync_wait(int64_t ticket);
int64_t db_syncs(void);

/* Test builds (HEARTH_TEST_FAULTS): the nth statement of this thread's next
 * request fails as if the engine had (0: none); db_request_calls() tells how
 * many statements the last request ran. */
void db_fail_nth(int n);
int db_request_calls(void);

/* hearth sql: runs a query on url and prints its rows, values separated by
 * '|', NULL as nothing (as the sqlite3 shell does); anything that is not a
 * query may be several statements. With sql "-", reads one statement a line
 * from standard input and runs each as it comes, on one connection (so a
 * transaction can stay open between lines). For tests and operators.
 * Returns DB_OK or a negative code. */
int db_shell(const char *url, const char *sql, FILE *out);
/* hearth dump: prints every row of every table, one line a row
 * ("table<TAB>column=value..."), sorted, the same on both engines. For
 * tests that compare a database before and after, and for operators. */
int db_dump(const char *url, FILE *out);
/* hearth copy: copies every row of every table from one database to
 * another whose schema db_migrate brought to the same migrations (it must
 * hold no rows yet); counts are checked table by table. Returns DB_OK or
 * DB_ERROR with the reason logged. */
int db_copy(const char *from_url, const char *to_url, const char *const *modules);

#endif
