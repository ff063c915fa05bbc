/* sqlite.c: the SQLite backend of db.h. Connections open with WAL, foreign
 * keys, a busy timeout, synchronous=FULL (a commit is on disk when it
 * returns) and reads through a memory map of the file; request threads
 * switch to group commit (see "group commit" below). Statements are
 * prepared once per connection and cached by the address of their SQL;
 * values are read as their columns are declared. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/db.h"

enum {
    BUSY_TIMEOUT_MS = 5000,
    SQL_MAX = 16 * 1024,
    WAL_INDEX_HEADER = 48,    /* bytes of the write-ahead log index's header */
    WAL_INDEX_REGION = 32768, /* the size of the index's regions (SQLite's own) */
};

struct cached {
    const char *key;
    sqlite3_stmt *stmt;
};

struct db_conn {
    sqlite3 *db;
    struct cached *cache;
    size_t ncache, capcache;
    bool group;                              /* commits wait for the syncer, not for the disk */
    sqlite3_int64 synced_at;                 /* total changes when a sync was last asked for */
    const volatile unsigned char *wal_index; /* SQLite's map of the -shm file (change_mark) */
};

/* Creates the database's directory when it is missing (var/ on first run). */
static void ensure_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path)
        return;
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof(dir))
        return;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        log_error("db: cannot create the directory %s", dir);
}

static struct db_conn *sqlite_connect(const char *path)
{
    sqlite3 *db = NULL;
    ensure_parent_dir(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        log_error("db: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    char *err = NULL;
    /* mmap_size: pages are read from a map of the file, as far as the
     * library allows (SQLITE_MAX_MMAP_SIZE, 2 GiB in Debian's build). A
     * couple's rows lie spread through the tables, a page each, and a page
     * from the map costs no system call, where SQLite's own cache (2 MiB a
     * connection) holds only some of them: among 10,000 couples
     * (make bench-scale) the archive search took 1.9 ms without it and
     * 0.9 ms with it. Writes still go through the journal as before. */
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                     "PRAGMA synchronous=FULL; PRAGMA mmap_size=1099511627776;",
                     NULL, NULL, &err) != SQLITE_OK) {
        log_error("db: cannot configure %s: %s", path, err);
        sqlite3_free(err);
        sqlite3_close(db);
        return NULL;
    }
    struct db_conn *c = xcalloc(1, sizeof(*c));
    c->db = db;
    return c;
}

static void sqlite_disconnect(struct db_conn *c)
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

static void cache_put(struct db_conn *c, const char *key, sqlite3_stmt *st)
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

static sqlite3_stmt *prepare(struct db_conn *c, const char *sql, bool cached)
{
    if (cached && c->capcache > 0) {
        size_t h = hash_ptr(sql, c->capcache);
        while (c->cache[h].key != NULL) {
            if (c->cache[h].key == sql)
                return c->cache[h].stmt;
            h = (h + 1) & (c->capcache - 1);
        }
    }
    char *text = xmalloc(SQL_MAX);
    sqlite3_stmt *st = NULL;
    if (rewrite_sql(sql, text, SQL_MAX) != 0 ||
        sqlite3_prepare_v3(c->db, text, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) !=
            SQLITE_OK) {
        log_error("db: cannot prepare [%.60s]: %s", sql, sqlite3_errmsg(c->db));
        free(text);
        return NULL;
    }
    free(text);
    if (cached)
        cache_put(c, sql, st);
    return st;
}

static int bind_all(sqlite3_stmt *st, const struct db_param *params, int n)
{
    int rc = SQLITE_OK;
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        const struct db_param *p = &params[i];
        if (p->type == 'i' || p->type == 'b')
            rc = sqlite3_bind_int64(st, i + 1, p->i);
        else if (p->s == NULL)
            rc = sqlite3_bind_null(st, i + 1);
        else
            rc = sqlite3_bind_text(st, i + 1, p->s, -1, SQLITE_TRANSIENT);
    }
    return rc;
}

static int map_error(struct db_conn *c, int rc, const char *sql)
{
    int ext = sqlite3_extended_errcode(c->db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return DB_CONFLICT;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return DB_BUSY;
    log_error("db: [%.60s]: %s", sql, sqlite3_errmsg(c->db));
    return DB_ERROR;
}

static json_t *column(sqlite3_stmt *st, int i, char type)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    switch (type) {
    case 'i': return json_integer(sqlite3_column_int64(st, i));
    case 'b': return json_boolean(sqlite3_column_int64(st, i) != 0);
    case 'f': return json_real(sqlite3_column_double(st, i));
    case 'd': {
        char tmp[24];
        snprintf(tmp, sizeof(tmp), "%lld", (long long)sqlite3_column_int64(st, i));
        return json_string(tmp);
    }
    default: {
        const char *text = (const char *)sqlite3_column_text(st, i);
        return db_value_from_text('s', text, (size_t)sqlite3_column_bytes(st, i));
    }
    }
}

static int sqlite_run(struct db_conn *c, const char *sql, const struct db_param *params,
                      int nparams, const char *cols, json_t *rows, size_t max, bool cached)
{
    sqlite3_stmt *st = prepare(c, sql, cached);
    if (st == NULL)
        return DB_ERROR;
    int result = DB_OK, rc = bind_all(st, params, nparams);
    int ncols = sqlite3_column_count(st);
    if (rc != SQLITE_OK) {
        result = map_error(c, rc, sql);
        goto out;
    }
    if (rows != NULL && cols != NULL && (size_t)ncols != db_cols_count(cols)) {
        log_error("db: [%.60s] returns %d columns, %zu declared", sql, ncols, db_cols_count(cols));
        result = DB_ERROR;
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
        json_t *row = json_object();
        for (int i = 0; i < ncols; i++)
            json_object_set_new(row, sqlite3_column_name(st, i),
                                column(st, i, cols ? cols[i] : 't'));
        json_array_append_new(rows, row);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        result = map_error(c, rc, sql);
        goto out;
    }
    if (rows == NULL)
        result = sqlite3_changes(c->db);
out:
    if (cached) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
    }
    return result;
}

static int sqlite_script(struct db_conn *c, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
    if (rc == SQLITE_OK)
        return DB_OK;
    int mapped = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? DB_BUSY : DB_ERROR;
    if (mapped == DB_ERROR)
        log_error("db: [%.60s]: %s", sql, err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return mapped;
}

static char *sqlite_dialect(const char *sql)
{
    (void)sql;
    return NULL; /* migrations are written for SQLite */
}

/* ---- group commit ----
 *
 * A request thread's connection commits with synchronous=NORMAL: the
 * commit is written to the write-ahead log but not synced. Before the
 * request is answered, db_sync_ticket asks the syncer for a sync, and the
 * answer waits (the connection suspended, no thread blocked) until one
 * fdatasync of the log, begun after the ask, has finished. Commits made
 * while a sync runs share the next one, so under load one sync serves many
 * writes. SQLite's own checkpoints sync the log before copying it, so a
 * commit that a checkpoint moved into the database file is on disk too.
 * Other threads (jobs, commands) keep synchronous=FULL. */

struct sync_waiter {
    int64_t ticket;
    void (*fn)(void *arg);
    void *arg;
    struct sync_waiter *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t asked_cond, done_cond;
    int64_t asked, done, syncs;
    struct sync_waiter *waiters;
    bool running;
    pthread_t thread;
    char wal[4200];
} syncer = {.lock = PTHREAD_MUTEX_INITIALIZER,
            .asked_cond = PTHREAD_COND_INITIALIZER,
            .done_cond = PTHREAD_COND_INITIALIZER};

static void *sync_loop(void *arg)
{
    (void)arg;
    int fd = -1;
    pthread_mutex_lock(&syncer.lock);
    for (;;) {
        while (syncer.running && syncer.asked == syncer.done)
            pthread_cond_wait(&syncer.asked_cond, &syncer.lock);
        if (syncer.asked == syncer.done)
            break; /* stopped, and nothing is waiting */
        int64_t target = syncer.asked;
        pthread_mutex_unlock(&syncer.lock);
        if (fd < 0)
            fd = open(syncer.wal, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fdatasync(fd) != 0)
            log_error("db: cannot sync the write-ahead log %s: %s", syncer.wal, strerror(errno));
        pthread_mutex_lock(&syncer.lock);
        syncer.done = target;
        syncer.syncs++;
        pthread_cond_broadcast(&syncer.done_cond);
        struct sync_waiter *ready = NULL, **w = &syncer.waiters;
        while (*w != NULL) {
            struct sync_waiter *x = *w;
            if (x->ticket <= target) {
                *w = x->next;
                x->next = ready;
                ready = x;
            } else {
                w = &x->next;
            }
        }
        pthread_mutex_unlock(&syncer.lock);
        while (ready != NULL) {
            struct sync_waiter *next = ready->next;
            ready->fn(ready->arg);
            free(ready);
            ready = next;
        }
        pthread_mutex_lock(&syncer.lock);
    }
    pthread_mutex_unlock(&syncer.lock);
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int sqlite_group_commit(struct db_conn *c)
{
    if (c->group)
        return DB_OK;
    if (sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
        return DB_ERROR;
    c->group = true;
    c->synced_at = sqlite3_total_changes64(c->db);
    pthread_mutex_lock(&syncer.lock);
    int rc = DB_OK;
    if (!syncer.running) {
        snprintf(syncer.wal, sizeof(syncer.wal), "%s-wal", sqlite3_db_filename(c->db, "main"));
        syncer.running = pthread_create(&syncer.thread, NULL, sync_loop, NULL) == 0;
        rc = syncer.running ? DB_OK : DB_ERROR;
    }
    pthread_mutex_unlock(&syncer.lock);
    return rc;
}

static int64_t sqlite_sync_ticket(struct db_conn *c)
{
    sqlite3_int64 changes = c->group ? sqlite3_total_changes64(c->db) : c->synced_at;
    if (changes == c->synced_at)
        return 0;
    c->synced_at = changes;
    pthread_mutex_lock(&syncer.lock);
    int64_t ticket = ++syncer.asked;
    pthread_cond_signal(&syncer.asked_cond);
    pthread_mutex_unlock(&syncer.lock);
    return ticket;
}

static void sqlite_sync_then(int64_t ticket, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&syncer.lock);
    if (syncer.done >= ticket) {
        pthread_mutex_unlock(&syncer.lock);
        fn(arg);
        return;
    }
    struct sync_waiter *w = xmalloc(sizeof(*w));
    *w = (struct sync_waiter){.ticket = ticket, .fn = fn, .arg = arg, .next = syncer.waiters};
    syncer.waiters = w;
    pthread_mutex_unlock(&syncer.lock);
}

static void sqlite_sync_wait(int64_t ticket)
{
    pthread_mutex_lock(&syncer.lock);
    while (syncer.done < ticket)
        pthread_cond_wait(&syncer.done_cond, &syncer.lock);
    pthread_mutex_unlock(&syncer.lock);
}

static int64_t sqlite_syncs(void)
{
    pthread_mutex_lock(&syncer.lock);
    int64_t n = syncer.syncs;
    pthread_mutex_unlock(&syncer.lock);
    return n;
}

/* Finishes what was asked, then stops the syncer. */
static void sqlite_sync_stop(void)
{
    pthread_mutex_lock(&syncer.lock);
    bool running = syncer.running;
    syncer.running = false;
    pthread_cond_signal(&syncer.asked_cond);
    pthread_mutex_unlock(&syncer.lock);
    if (running)
        pthread_join(syncer.thread, NULL);
}

/* ---- change mark ----
 *
 * In WAL mode every commit, by any process, rewrites the header of the
 * log's index at the start of the shared memory (the -shm file: its change
 * counter, last frame, salts and checksums; https://www.sqlite.org/walformat.html),
 * the very step that makes the commit visible to readers. Reading those 48
 * bytes tells that something was committed since the last look, with no
 * lock and no system call. A read racing a commit sees a mix of old and new
 * bytes: a change either way. The bytes are read through the connection's
 * own map of that memory, which SQLite keeps until the connection closes
 * (the file is never opened here: closing a descriptor of it would drop
 * every lock this process holds on it). */

static int sqlite_change_mark(struct db_conn *c, uint64_t *mark)
{
    if (c->wal_index == NULL) {
        sqlite3_file *file = NULL;
        volatile void *region = NULL;
        if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
            file == NULL || file->pMethods == NULL || file->pMethods->iVersion < 2 ||
            file->pMethods->xShmMap(file, 0, WAL_INDEX_REGION, 0, &region) != SQLITE_OK ||
            region == NULL)
            return -1;
        c->wal_index = (const volatile unsigned char *)region;
    }
    unsigned char header[WAL_INDEX_HEADER];
    atomic_thread_fence(memory_order_acquire);
    for (size_t i = 0; i < sizeof(header); i++)
        header[i] = c->wal_index[i];
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < sizeof(header); i++)
        h = (h ^ header[i]) * 1099511628211ULL;
    *mark = h;
    return 0;
}

/* One server per SQLite file: each migration's BEGIN IMMEDIATE is enough. */
static int sqlite_migration_lock(struct db_conn *c, bool take)
{
    (void)c;
    (void)take;
    return DB_OK;
}

static int sqlite_tables(struct db_conn *c, json_t **names)
{
    json_t *rows = json_array();
    int rc = sqlite_run(c,
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
                        NULL, 0, "s", rows, DB_MAX_ROWS, false);
    *names = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append(*names, json_object_get(row, "name"));
    json_decref(rows);
    return rc < 0 ? rc : DB_OK;
}

static void sqlite_describe(const char *path, char *out, size_t len)
{
    snprintf(out, len, "SQLite at %s", path);
}

const struct db_backend db_sqlite_backend = {
    .name = "SQLite",
    .dialect_suffix = ".sqlite.sql",
    .begin = "BEGIN IMMEDIATE",
    /* BEGIN IMMEDIATE already holds the one write lock */
    .lock_couple = "SELECT id FROM couples WHERE id = $1",
    .pick_job = "SELECT id FROM jobs WHERE run_at <= $1 AND (locked_until IS NULL"
                " OR locked_until < $1) ORDER BY run_at LIMIT 1",
    .connect = sqlite_connect,
    .disconnect = sqlite_disconnect,
    .run = sqlite_run,
    .script = sqlite_script,
    .dialect = sqlite_dialect,
    .migration_lock = sqlite_migration_lock,
    .tables = sqlite_tables,
    .describe = sqlite_describe,
    .group_commit = sqlite_group_commit,
    .sync_ticket = sqlite_sync_ticket,
    .sync_then = sqlite_sync_then,
    .sync_wait = sqlite_sync_wait,
    .syncs = sqlite_syncs,
    .change_mark = sqlite_change_mark,
    .sync_stop = sqlite_sync_stop,
};
