/* sqlite.c: the SQLite backend of db.h. One connection per thread, opened on
 * first use with WAL, foreign keys, a busy timeout and synchronous=FULL;
 * prepared statements cached per connection. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "store/db.h"

enum { BUSY_TIMEOUT_MS = 5000, SQL_MAX = 16 * 1024 };

struct cached {
    const char *key;
    sqlite3_stmt *stmt;
};

struct conn {
    sqlite3 *db;
    struct cached *cache;
    size_t ncache, capcache;
    struct conn *next;
};

static char *db_path;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static __thread struct conn *tconn;

static int open_handle(const char *path, sqlite3 **out)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        log_error("db: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return DB_ERROR;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    char *err = NULL;
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                     "PRAGMA synchronous=FULL;",
                     NULL, NULL, &err) != SQLITE_OK) {
        log_error("db: cannot configure %s: %s", path, err);
        sqlite3_free(err);
        sqlite3_close(db);
        return DB_ERROR;
    }
    *out = db;
    return DB_OK;
}

static struct conn *conn_get(void)
{
    if (tconn != NULL)
        return tconn;
    if (db_path == NULL)
        return NULL;
    struct conn *c = xcalloc(1, sizeof(*c));
    if (open_handle(db_path, &c->db) != DB_OK) {
        free(c);
        return NULL;
    }
    pthread_mutex_lock(&conns_lock);
    c->next = conns;
    conns = c;
    pthread_mutex_unlock(&conns_lock);
    tconn = c;
    return c;
}

static void conn_close(struct conn *c)
{
    for (size_t i = 0; i < c->capcache; i++)
        if (c->cache[i].stmt != NULL)
            sqlite3_finalize(c->cache[i].stmt);
    free(c->cache);
    sqlite3_close(c->db);
    free(c);
}

/* Rewrites $N placeholders as ?N (SQLite reads "$1" as a named parameter),
 * leaving quoted text alone. */
static int rewrite_sql(const char *sql, char *out, size_t outlen)
{
    size_t n = strlen(sql);
    if (n >= outlen)
        return -1;
    char quote = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = sql[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
        } else if (ch == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            ch = '?';
        }
        out[i] = ch;
    }
    return 0;
}

static size_t hash_ptr(const void *p, size_t cap)
{
    uintptr_t v = (uintptr_t)p;
    v ^= v >> 17;
    v *= UINT64_C(0x9E3779B97F4A7C15) & UINTPTR_MAX;
    return (size_t)(v >> 7) & (cap - 1);
}

static void cache_put(struct conn *c, const char *key, sqlite3_stmt *st)
{
    if ((c->ncache + 1) * 2 > c->capcache) {
        size_t cap = c->capcache ? c->capcache * 2 : 64;
        struct cached *fresh = xcalloc(cap, sizeof(*fresh));
        for (size_t i = 0; i < c->capcache; i++) {
            if (c->cache[i].key == NULL)
                continue;
            size_t h = hash_ptr(c->cache[i].key, cap);
            while (fresh[h].key != NULL)
                h = (h + 1) & (cap - 1);
            fresh[h] = c->cache[i];
        }
        free(c->cache);
        c->cache = fresh;
        c->capcache = cap;
    }
    size_t h = hash_ptr(key, c->capcache);
    while (c->cache[h].key != NULL)
        h = (h + 1) & (c->capcache - 1);
    c->cache[h].key = key;
    c->cache[h].stmt = st;
    c->ncache++;
}

static sqlite3_stmt *prepare(struct conn *c, const char *sql)
{
    if (c->capcache > 0) {
        size_t h = hash_ptr(sql, c->capcache);
        while (c->cache[h].key != NULL) {
            if (c->cache[h].key == sql)
                return c->cache[h].stmt;
            h = (h + 1) & (c->capcache - 1);
        }
    }
    char text[SQL_MAX];
    sqlite3_stmt *st = NULL;
    if (rewrite_sql(sql, text, sizeof(text)) != 0 ||
        sqlite3_prepare_v3(c->db, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        log_error("db: cannot prepare [%.60s]: %s", sql, sqlite3_errmsg(c->db));
        return NULL;
    }
    cache_put(c, sql, st);
    return st;
}

static int bind_all(sqlite3_stmt *st, const char *types, va_list ap)
{
    int rc = SQLITE_OK;
    for (int i = 0; types != NULL && types[i] != '\0' && rc == SQLITE_OK; i++) {
        int idx = i + 1;
        if (types[i] == 'i') {
            rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
        } else if (types[i] == 's') {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, idx);
        } else if (types[i] == 'j') {
            json_t *v = va_arg(ap, json_t *);
            switch (json_typeof(v)) {
            case JSON_STRING:
                rc = sqlite3_bind_text(st, idx, json_string_value(v), (int)json_string_length(v),
                                       SQLITE_TRANSIENT);
                break;
            case JSON_INTEGER: rc = sqlite3_bind_int64(st, idx, json_integer_value(v)); break;
            case JSON_REAL: rc = sqlite3_bind_double(st, idx, json_real_value(v)); break;
            case JSON_TRUE: rc = sqlite3_bind_int(st, idx, 1); break;
            case JSON_FALSE: rc = sqlite3_bind_int(st, idx, 0); break;
            default: rc = sqlite3_bind_null(st, idx);
            }
        } else {
            fatal("db: unknown parameter type '%c'", types[i]);
        }
    }
    return rc;
}

static int map_error(struct conn *c, int rc, const char *sql)
{
    int ext = sqlite3_extended_errcode(c->db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return DB_CONFLICT;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return DB_BUSY;
    log_error("db: [%.60s]: %s", sql, sqlite3_errmsg(c->db));
    return DB_ERROR;
}

static bool is_id_column(const char *name)
{
    return strcmp(name, "id") == 0 || str_ends(name, "_id");
}

static json_t *row_json(sqlite3_stmt *st)
{
    json_t *row = json_object();
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        json_t *v;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER: {
            sqlite3_int64 x = sqlite3_column_int64(st, i);
            if (is_id_column(name)) {
                char tmp[24];
                snprintf(tmp, sizeof(tmp), "%lld", (long long)x);
                v = json_string(tmp);
            } else {
                v = json_integer(x);
            }
            break;
        }
        case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, i)); break;
        case SQLITE_TEXT:
            v = json_stringn((const char *)sqlite3_column_text(st, i),
                             (size_t)sqlite3_column_bytes(st, i));
            if (v == NULL)
                v = json_null();
            break;
        default: v = json_null();
        }
        json_object_set_new(row, name, v);
    }
    return row;
}

/* Runs sql; with rows non-NULL collects up to max rows. Returns the number of
 * changes for writes, DB_OK for reads, or a negative code. */
static int run(const char *sql, const char *types, va_list ap, json_t *rows, size_t max)
{
    struct conn *c = conn_get();
    if (c == NULL)
        return DB_ERROR;
    sqlite3_stmt *st = prepare(c, sql);
    if (st == NULL)
        return DB_ERROR;
    int result = DB_OK;
    int rc = bind_all(st, types, ap);
    if (rc != SQLITE_OK) {
        result = map_error(c, rc, sql);
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows == NULL)
            continue;
        if (json_array_size(rows) == max) {
            if (max == DB_MAX_ROWS) {
                log_error("db: [%.60s]: more than %d rows", sql, DB_MAX_ROWS);
                result = DB_ERROR;
                goto out;
            }
            break;
        }
        json_array_append_new(rows, row_json(st));
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        result = map_error(c, rc, sql);
        goto out;
    }
    if (rows == NULL)
        result = sqlite3_changes(c->db);
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return result;
}

int db_exec(const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = run(sql, types, ap, NULL, 0);
    va_end(ap);
    return rc;
}

int db_query(json_t **rows, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    json_t *list = json_array();
    int rc = run(sql, types, ap, list, DB_MAX_ROWS);
    va_end(ap);
    if (rc < 0) {
        json_decref(list);
        *rows = NULL;
        return rc;
    }
    *rows = list;
    return DB_OK;
}

static int first_row(json_t **row, const char *sql, const char *types, va_list ap)
{
    json_t *list = json_array();
    int rc = run(sql, types, ap, list, 1);
    *row = NULL;
    if (rc >= 0 && json_array_size(list) == 0)
        rc = DB_NOT_FOUND;
    else if (rc >= 0)
        *row = json_incref(json_array_get(list, 0));
    json_decref(list);
    return rc < 0 ? rc : DB_OK;
}

int db_row(json_t **row, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = first_row(row, sql, types, ap);
    va_end(ap);
    return rc;
}

int db_int(int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    json_t *row;
    int rc = first_row(&row, sql, types, ap);
    va_end(ap);
    if (rc != DB_OK)
        return rc;
    const char *key;
    json_t *v;
    *out = 0;
    json_object_foreach (row, key, v) {
        if (json_is_integer(v))
            *out = json_integer_value(v);
        else if (json_is_string(v))
            parse_int64(json_string_value(v), json_string_length(v), out);
        break;
    }
    json_decref(row);
    return DB_OK;
}

int db_begin(void)
{
    return db_exec("BEGIN IMMEDIATE", "") < 0 ? DB_ERROR : DB_OK;
}

int db_commit(void)
{
    return db_exec("COMMIT", "") < 0 ? DB_ERROR : DB_OK;
}

void db_rollback(void)
{
    struct conn *c = conn_get();
    if (c != NULL && !sqlite3_get_autocommit(c->db))
        db_exec("ROLLBACK", "");
}

/* Migrations: migrations/NNN_name.sql, applied in order, each in its own
 * transaction together with its row in schema_version. */
struct migrate_ctx {
    sqlite3 *db;
    int applied;
    int failed;
};

static int apply_one(const char *name, const char *sql, size_t size, void *arg)
{
    struct migrate_ctx *m = arg;
    const char *base = name + strlen("migrations/");
    int version = 0;
    for (const char *d = base; *d >= '0' && *d <= '9' && version < 100000; d++)
        version = version * 10 + (*d - '0');
    if (version <= 0 || !str_ends(name, ".sql")) {
        log_error("db: migration file %s must be named NNN_name.sql", name);
        m->failed = 1;
        return 1;
    }
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(m->db, "SELECT 1 FROM schema_version WHERE version = ?1", -1, &st, NULL);
    sqlite3_bind_int(st, 1, version);
    int done = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (done)
        return 0;
    char *err = NULL;
    if (sqlite3_exec(m->db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
        sqlite3_exec(m->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_error("db: migration %s failed: %s", base, err ? err : "?");
        sqlite3_free(err);
        sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
        m->failed = 1;
        return 1;
    }
    sqlite3_prepare_v2(m->db,
                       "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, version);
    sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_exec(m->db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
        log_error("db: migration %s could not be recorded: %s", base, sqlite3_errmsg(m->db));
        sqlite3_free(err);
        sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
        m->failed = 1;
        return 1;
    }
    (void)size;
    m->applied++;
    return 0;
}

int db_migrate(const char *path, int *applied)
{
    struct migrate_ctx m = {0};
    if (open_handle(path, &m.db) != DB_OK)
        return DB_ERROR;
    char *err = NULL;
    if (sqlite3_exec(m.db,
                     "CREATE TABLE IF NOT EXISTS schema_version ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at INTEGER NOT NULL) STRICT",
                     NULL, NULL, &err) != SQLITE_OK) {
        log_error("db: cannot create schema_version: %s", err);
        sqlite3_free(err);
        sqlite3_close(m.db);
        return DB_ERROR;
    }
    assets_each("migrations/", apply_one, &m);
    sqlite3_close(m.db);
    if (applied != NULL)
        *applied = m.applied;
    return m.failed ? DB_ERROR : DB_OK;
}

int db_open(const char *path)
{
    int applied = 0;
    if (db_migrate(path, &applied) != DB_OK)
        return DB_ERROR;
    if (applied > 0)
        log_info("db: applied %d migration(s)", applied);
    free(db_path);
    db_path = xstrdup(path);
    return DB_OK;
}

void db_close(void)
{
    pthread_mutex_lock(&conns_lock);
    struct conn *c = conns;
    conns = NULL;
    pthread_mutex_unlock(&conns_lock);
    while (c != NULL) {
        struct conn *next = c->next;
        conn_close(c);
        c = next;
    }
    tconn = NULL;
    free(db_path);
    db_path = NULL;
}
