/* pg.c: the PostgreSQL backend of db.h, through libpq. Statements are
 * prepared once per connection (protocol-level prepared statements, which
 * pgbouncer keeps in transaction mode with max_prepared_statements) and
 * cached by the address of their SQL; parameters travel as text with their
 * types declared (int8, text), results come back as text and are typed as
 * the caller declared. A connection that breaks is reset; what ran on it
 * is reported as a failure a retry may cure. */
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/db.h"

enum {
    INT8_OID = 20,
    TEXT_OID = 25,
    PARAMS_MAX = 64,
    MIGRATION_LOCK_KEY = 727376, /* an arbitrary number of Hearth's own */
};

struct cached {
    const char *key;
    char name[16];
};

struct db_conn {
    PGconn *pg;
    struct cached *cache;
    size_t ncache, capcache;
    unsigned next_name;
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* notices ("already exists, skipping") are not errors */
}

static struct db_conn *pg_connect(const char *url)
{
    PGconn *pg = PQconnectdb(url);
    if (pg == NULL || PQstatus(pg) != CONNECTION_OK) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s", pg ? PQerrorMessage(pg) : "out of memory");
        msg[strcspn(msg, "\n")] = '\0';
        log_error("db: cannot connect to PostgreSQL: %s", msg);
        PQfinish(pg);
        return NULL;
    }
    PQsetNoticeProcessor(pg, quiet, NULL);
    struct db_conn *c = xcalloc(1, sizeof(*c));
    c->pg = pg;
    return c;
}

static void forget_statements(struct db_conn *c)
{
    free(c->cache);
    c->cache = NULL;
    c->ncache = c->capcache = 0;
}

static void pg_disconnect(struct db_conn *c)
{
    forget_statements(c);
    PQfinish(c->pg);
    free(c);
}

static size_t hash_ptr(const void *p, size_t cap)
{
    uintptr_t v = (uintptr_t)p;
    v ^= v >> 17;
    v *= UINT64_C(0x9E3779B97F4A7C15) & UINTPTR_MAX;
    return (size_t)(v >> 7) & (cap - 1);
}

static struct cached *cache_find(struct db_conn *c, const char *key)
{
    if (c->capcache == 0)
        return NULL;
    size_t h = hash_ptr(key, c->capcache);
    while (c->cache[h].key != NULL) {
        if (c->cache[h].key == key)
            return &c->cache[h];
        h = (h + 1) & (c->capcache - 1);
    }
    return NULL;
}

static struct cached *cache_put(struct db_conn *c, const char *key)
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
    snprintf(c->cache[h].name, sizeof(c->cache[h].name), "h%u", c->next_name++);
    c->ncache++;
    return &c->cache[h];
}

/* Maps a failed result to a DB_ code; a broken connection is reset. */
static int map_error(struct db_conn *c, PGresult *res, const char *sql)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(c->pg) != CONNECTION_OK) {
        log_error("db: the connection to PostgreSQL broke; reconnecting");
        forget_statements(c);
        PQreset(c->pg);
        return DB_BUSY;
    }
    if (state != NULL && strcmp(state, "23505") == 0)
        return DB_CONFLICT;
    if (state != NULL &&
        (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
        return DB_BUSY;
    char msg[256];
    snprintf(msg, sizeof(msg), "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
    msg[strcspn(msg, "\n")] = '\0';
    log_error("db: [%.60s]: %s", sql, msg);
    return DB_ERROR;
}

static int pg_run(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
                  const char *cols, json_t *rows, size_t max, bool cached)
{
    const char *values[PARAMS_MAX];
    unsigned int types[PARAMS_MAX];
    char numbers[PARAMS_MAX][24];
    if (nparams > PARAMS_MAX)
        return DB_ERROR;
    for (int i = 0; i < nparams; i++) {
        const struct db_param *p = &params[i];
        if (p->type == 'i' || p->type == 'b') {
            snprintf(numbers[i], sizeof(numbers[i]), "%lld", (long long)p->i);
            values[i] = numbers[i];
            types[i] = INT8_OID;
        } else {
            values[i] = p->s;
            types[i] = p->type == 'u' ? 0 : TEXT_OID;
        }
    }
    PGresult *res;
    if (cached) {
        struct cached *st = cache_find(c, sql);
        if (st == NULL) {
            st = cache_put(c, sql);
            res = PQprepare(c->pg, st->name, sql, nparams, types);
            if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                int rc = map_error(c, res, sql);
                PQclear(res);
                st->key = NULL; /* not prepared: leave no entry behind */
                forget_statements(c);
                return rc;
            }
            PQclear(res);
        }
        res = PQexecPrepared(c->pg, st->name, nparams, values, NULL, NULL, 0);
    } else {
        res = PQexecParams(c->pg, sql, nparams, types, values, NULL, NULL, 0);
    }
    ExecStatusType status = PQresultStatus(res);
    int result = DB_OK;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        result = map_error(c, res, sql);
        goto out;
    }
    if (rows == NULL) {
        const char *n = PQcmdTuples(res);
        int64_t changed = 0;
        if (n != NULL && *n != '\0')
            parse_int64(n, strlen(n), &changed);
        result = (int)changed;
        goto out;
    }
    int ncols = PQnfields(res), nrows = PQntuples(res);
    if (cols != NULL && (size_t)ncols != db_cols_count(cols)) {
        log_error("db: [%.60s] returns %d columns, %zu declared", sql, ncols, db_cols_count(cols));
        result = DB_ERROR;
        goto out;
    }
    if (max == DB_MAX_ROWS && (size_t)nrows > max) {
        log_error("db: [%.60s]: more than %d rows", sql, DB_MAX_ROWS);
        result = DB_ERROR;
        goto out;
    }
    for (int r = 0; r < nrows && json_array_size(rows) < max; r++) {
        json_t *row = json_object();
        for (int i = 0; i < ncols; i++) {
            const char *text = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
            json_object_set_new(
                row, PQfname(res, i),
                db_value_from_text(cols ? cols[i] : 't', text, (size_t)PQgetlength(res, r, i)));
        }
        json_array_append_new(rows, row);
    }
out:
    PQclear(res);
    return result;
}

static int pg_script(struct db_conn *c, const char *sql)
{
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType status = PQresultStatus(res);
    int rc =
        status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? DB_OK : map_error(c, res, sql);
    PQclear(res);
    return rc;
}

static bool word_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* INTEGER becomes BIGINT and STRICT goes, outside quotes and comments. */
static char *pg_dialect(const char *sql)
{
    size_t n = strlen(sql);
    char *out = xmalloc(n + n / 6 + 16), *o = out;
    for (size_t i = 0; i < n;) {
        if (sql[i] == '\'') { /* a quoted literal, kept as it is */
            size_t end = i + 1;
            while (end < n && sql[end] != '\'')
                end++;
            end = end < n ? end + 1 : n;
            memcpy(o, sql + i, end - i);
            o += end - i;
            i = end;
        } else if (sql[i] == '-' && i + 1 < n && sql[i + 1] == '-') { /* a comment */
            size_t end = i;
            while (end < n && sql[end] != '\n')
                end++;
            memcpy(o, sql + i, end - i);
            o += end - i;
            i = end;
        } else if (word_char(sql[i]) && (i == 0 || !word_char(sql[i - 1]))) {
            size_t end = i;
            while (end < n && word_char(sql[end]))
                end++;
            if (end - i == 7 && strncmp(sql + i, "INTEGER", 7) == 0) {
                memcpy(o, "BIGINT", 6);
                o += 6;
            } else if (!(end - i == 6 && strncmp(sql + i, "STRICT", 6) == 0)) {
                memcpy(o, sql + i, end - i);
                o += end - i;
            }
            i = end;
        } else {
            *o++ = sql[i++];
        }
    }
    *o = '\0';
    return out;
}

static int pg_migration_lock(struct db_conn *c, bool take)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "SELECT %s(%d)", take ? "pg_advisory_lock" : "pg_advisory_unlock",
             MIGRATION_LOCK_KEY);
    return pg_script(c, sql);
}

static int pg_tables(struct db_conn *c, json_t **names)
{
    json_t *rows = json_array();
    int rc = pg_run(c,
                    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n"
                    " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                    " AND n.nspname = current_schema() ORDER BY c.oid",
                    NULL, 0, "s", rows, DB_MAX_ROWS, false);
    *names = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append(*names, json_object_get(row, "name"));
    json_decref(rows);
    return rc < 0 ? rc : DB_OK;
}

static void pg_describe(const char *url, char *out, size_t len)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    const char *host = "localhost", *port = "5432", *db = "";
    for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++) {
        if (o->val == NULL)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
    }
    snprintf(out, len, "PostgreSQL at %s:%s/%s", host, port, db);
    PQconninfoFree(opts);
    PQfreemem(err);
}

/* ---- notifications: one listening connection per server ---- */

enum { LISTEN_CHANNELS = 8 };

static struct {
    pthread_t thread;
    bool running;
    int wake[2]; /* a pipe that ends the thread's wait, or brings a new channel */
    char target[1024];
    pthread_mutex_t lock; /* guards channels and nchannels */
    char channels[LISTEN_CHANNELS][64];
    int nchannels;
    void (*deliver)(const char *channel, const char *payload);
} listener = {.wake = {-1, -1}, .lock = PTHREAD_MUTEX_INITIALIZER};

/* LISTENs on pg to the channels from *done on; false when it cannot. */
static bool listen_more(PGconn *pg, int *done)
{
    bool ok = true;
    pthread_mutex_lock(&listener.lock);
    for (; ok && *done < listener.nchannels; (*done)++) {
        char sql[96];
        snprintf(sql, sizeof(sql), "LISTEN \"%s\"", listener.channels[*done]);
        PGresult *res = PQexec(pg, sql);
        ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
    }
    pthread_mutex_unlock(&listener.lock);
    return ok;
}

/* Connects and listens; NULL (logged) when it cannot. */
static PGconn *listen_connect(int *done)
{
    PGconn *pg = PQconnectdb(listener.target);
    *done = 0;
    if (pg == NULL || PQstatus(pg) != CONNECTION_OK || !listen_more(pg, done)) {
        log_error("db: cannot listen for notifications: %s", pg ? PQerrorMessage(pg) : "no memory");
        PQfinish(pg);
        return NULL;
    }
    PQsetNoticeProcessor(pg, quiet, NULL);
    return pg;
}

static void *listen_loop(void *arg)
{
    (void)arg;
    PGconn *pg = NULL;
    bool first = true;
    int done = 0; /* channels listened to on pg */
    while (listener.running) {
        if (pg == NULL) {
            if ((pg = listen_connect(&done)) == NULL) {
                poll(&(struct pollfd){.fd = listener.wake[0], .events = POLLIN}, 1, 1000);
                continue;
            }
            for (int i = 0; !first && i < done;
                 i++) /* back after a break: what came meanwhile is lost */
                listener.deliver(listener.channels[i], "*");
            first = false;
        }
        struct pollfd fds[2] = {{.fd = PQsocket(pg), .events = POLLIN},
                                {.fd = listener.wake[0], .events = POLLIN}};
        if (poll(fds, 2, 1000) < 0 || !listener.running)
            continue;
        if (fds[1].revents & POLLIN) { /* a channel was added */
            char drain[16];
            if (read(listener.wake[0], drain, sizeof(drain)) < 0)
                log_error("db: cannot read the listener's wake-up");
        }
        if (PQconsumeInput(pg) == 0 || !listen_more(pg, &done)) { /* broken: listen again */
            PQfinish(pg);
            pg = NULL;
            continue;
        }
        PGnotify *n;
        while ((n = PQnotifies(pg)) != NULL) {
            listener.deliver(n->relname, n->extra);
            PQfreemem(n);
        }
    }
    PQfinish(pg);
    return NULL;
}

static int pg_listen(const char *target, const char *channel,
                     void (*deliver)(const char *channel, const char *payload))
{
    pthread_mutex_lock(&listener.lock);
    bool known = false;
    for (int i = 0; i < listener.nchannels; i++)
        known = known || strcmp(listener.channels[i], channel) == 0;
    if (!known && listener.nchannels == LISTEN_CHANNELS) {
        pthread_mutex_unlock(&listener.lock);
        return DB_ERROR;
    }
    if (!known)
        snprintf(listener.channels[listener.nchannels++], sizeof(listener.channels[0]), "%s",
                 channel);
    pthread_mutex_unlock(&listener.lock);
    if (listener.running) { /* the thread listens to the new channel too */
        if (!known && write(listener.wake[1], "c", 1) < 0)
            return DB_ERROR;
        return DB_OK;
    }
    snprintf(listener.target, sizeof(listener.target), "%s", target);
    listener.deliver = deliver;
    if (pipe(listener.wake) != 0)
        return DB_ERROR;
    listener.running = true;
    if (pthread_create(&listener.thread, NULL, listen_loop, NULL) != 0) {
        listener.running = false;
        return DB_ERROR;
    }
    return DB_OK;
}

static void pg_listen_stop(void)
{
    if (!listener.running)
        return;
    listener.running = false;
    if (write(listener.wake[1], "x", 1) < 0)
        log_error("db: cannot wake the notification listener");
    pthread_join(listener.thread, NULL);
    close(listener.wake[0]);
    close(listener.wake[1]);
    listener.wake[0] = listener.wake[1] = -1;
}

const struct db_backend db_pg_backend = {
    .name = "PostgreSQL",
    .dialect_suffix = ".pg.sql",
    .begin = "BEGIN",
    .lock_couple = "SELECT id FROM couples WHERE id = $1 FOR UPDATE",
    .pick_job = "SELECT id FROM jobs WHERE run_at <= $1 AND (locked_until IS NULL"
                " OR locked_until < $1) ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .run = pg_run,
    .script = pg_script,
    .dialect = pg_dialect,
    .migration_lock = pg_migration_lock,
    .tables = pg_tables,
    .describe = pg_describe,
    .notify = "SELECT pg_notify($1, $2)",
    .listen = pg_listen,
    .listen_stop = pg_listen_stop,
};
