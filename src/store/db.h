/* db.h: the one interface every module uses to reach the database.
 *
 * SQL is written once with $1, $2 ... placeholders. Parameters are described
 * by a type string, one letter each:
 *   'i'  int64_t
 *   's'  const char * (NULL binds NULL)
 *   'j'  json_t * (string, integer, real, boolean as 0/1, NULL or json null)
 * Rows come back as JSON objects keyed by column name. Columns named "id" or
 * ending in "_id" come back as decimal strings (ids are 63-bit; JavaScript
 * numbers are not), every other INTEGER as a number.
 *
 * Each worker thread has its own connection with its own cache of prepared
 * statements, keyed by the SQL string's address: pass string literals. */
#ifndef HEARTH_DB_H
#define HEARTH_DB_H
#include <jansson.h>
#include <stdint.h>

enum {
    DB_OK = 0,
    DB_ERROR = -1,     /* logged; the caller answers 500 */
    DB_NOT_FOUND = -2, /* db_row found no row */
    DB_CONFLICT = -3,  /* a UNIQUE or PRIMARY KEY constraint refused the write */
    DB_BUSY = -4,      /* still locked after the busy timeout */
};

enum { DB_MAX_ROWS = 10000 };

/* Opens (creating when missing) the database at path, applies pending
 * migrations, and prepares per-thread connections. Returns DB_OK or
 * DB_ERROR with a message on stderr. */
int db_open(const char *path);
/* Closes every connection of every thread. Call after the server stopped. */
void db_close(void);
/* Applies pending migrations only (hearth migrate). Returns the count applied
 * through *applied, or DB_ERROR. */
int db_migrate(const char *path, int *applied);

/* Runs a statement that returns no rows. Returns the number of rows changed,
 * or a negative DB_ code. */
int db_exec(const char *sql, const char *types, ...);
/* Runs a query; *rows receives a new JSON array of row objects (caller
 * decrefs). Returns DB_OK or a negative code. The SQL bounds its rows with
 * LIMIT; past DB_MAX_ROWS the query fails (a missing LIMIT is a bug). */
int db_query(json_t **rows, const char *sql, const char *types, ...);
/* Runs a query and returns its first row through *row (caller decrefs), or
 * DB_NOT_FOUND. */
int db_row(json_t **row, const char *sql, const char *types, ...);
/* Runs a query whose first column of the first row is an integer. */
int db_int(int64_t *out, const char *sql, const char *types, ...);

/* Transactions on this thread's connection: BEGIN IMMEDIATE, COMMIT,
 * ROLLBACK. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);

#endif
