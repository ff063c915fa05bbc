/* db.c: the engine-neutral half of db.h. It chooses the backend from the
 * URL, keeps one connection per thread, turns the type strings and varargs
 * into parameters, and owns transactions: nesting through savepoints, the
 * lazily begun request transaction, retries of refused transactions, and
 * (in test builds) injected failures. */
#include "store/db.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "store/backend.h"

enum { PARAMS_MAX = 32, SAVEPOINT_SQL = 48, SHELL_LINE_MAX = 64 * 1024 };

enum { PENDING_MAX = 32, PAYLOAD_MAX = 64, CHANNEL_MAX = 32, LISTENERS_MAX = 8 };

/* A notification waiting for its transaction to commit (engines that
 * deliver in-process: SQLite). */
struct pending {
    char channel[CHANNEL_MAX], payload[PAYLOAD_MAX];
    int depth; /* the level that sent it */
};

struct tstate {
    struct db_conn *conn;
    const struct db_backend *backend;
    struct pending pending[PENDING_MAX];
    int npending;
    int depth;          /* open levels: 1 the transaction, more are savepoints */
    bool request;       /* between db_request_start and db_request_finish */
    bool request_began; /* the request's transaction is open (depth 1) */
    bool retry;         /* a retryable failure hit the open transaction */
    bool group;         /* commits share syncs (db_sync_ticket) */
    int fail_at, calls; /* test builds: inject a failure at statement fail_at */
    struct tstate *next;
};

static const struct db_backend *backend;
static char *target;
static char *listen_target; /* db_set_listen_url: another way to the same database */

struct listener {
    char channel[CHANNEL_MAX];
    void (*fn)(const char *payload, void *arg);
    void *arg;
};
static pthread_mutex_t listeners_lock = PTHREAD_MUTEX_INITIALIZER;
static struct listener listeners[LISTENERS_MAX];
static int nlisteners;
static char description[160];
/* db_watch: the watched tables' names, and the notifications heard */
static char watched[DB_WATCH_MAX][CHANNEL_MAX];
static int nwatched;
static _Atomic uint64_t watch_heard;
static pthread_mutex_t states_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tstate *states;
static __thread struct tstate *here;

/* ---- choosing the engine ---- */

static const struct db_backend *backend_for(const char *url, const char **rest)
{
    if (str_starts(url, "postgres://") || str_starts(url, "postgresql://")) {
        *rest = url;
        return &db_pg_backend;
    }
    *rest = str_starts(url, "sqlite:") ? url + 7 : url;
    return &db_sqlite_backend;
}

struct db_conn *db_connect_url(const char *url, const struct db_backend **b)
{
    const char *rest;
    *b = backend_for(url, &rest);
    return (*b)->connect(rest);
}

const char *db_describe(void)
{
    return description;
}

/* ---- this thread's connection ---- */

static struct tstate *state(void)
{
    if (here != NULL && here->conn != NULL)
        return here;
    if (backend == NULL)
        return NULL;
    struct db_conn *c = backend->connect(target);
    if (c == NULL)
        return NULL;
    if (here == NULL) {
        here = xcalloc(1, sizeof(*here));
        pthread_mutex_lock(&states_lock);
        here->next = states;
        states = here;
        pthread_mutex_unlock(&states_lock);
    }
    here->conn = c;
    here->backend = backend;
    return here;
}

struct db_conn *db_conn_here(void)
{
    struct tstate *t = state();
    return t ? t->conn : NULL;
}

const struct db_backend *db_backend_here(void)
{
    return backend;
}

/* ---- values ---- */

size_t db_cols_count(const char *cols)
{
    return cols ? strlen(cols) : 0;
}

json_t *db_value_from_text(char type, const char *text, size_t len)
{
    if (text == NULL)
        return json_null();
    int64_t n;
    switch (type) {
    case 'i': return parse_int64(text, len, &n) == 0 ? json_integer(n) : json_null();
    case 'b':
        return json_boolean(len > 0 && (text[0] == 't' || (text[0] >= '1' && text[0] <= '9')));
    case 'f': {
        char tmp[64];
        snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < sizeof(tmp) ? len : sizeof(tmp) - 1), text);
        return json_real(strtod(tmp, NULL));
    }
    case 'd': return parse_int64(text, len, &n) == 0 ? json_stringn(text, len) : json_null();
    default: {
        json_t *v = json_stringn(text, len);
        return v ? v : json_null();
    }
    }
}

/* Splits "is:dsb" into parameter and column letters; *cols is NULL when
 * none are declared. Reads the parameters from ap. Returns the count, or
 * -1 on a malformed type string (a programming error, logged). */
static int read_params(const char *types, va_list ap, struct db_param *params, const char **cols,
                       char *colbuf, size_t colbuf_len)
{
    const char *colon = types ? strchr(types, ':') : NULL;
    size_t np = types == NULL ? 0 : colon ? (size_t)(colon - types) : strlen(types);
    *cols = NULL;
    if (colon != NULL) {
        snprintf(colbuf, colbuf_len, "%s", colon + 1);
        *cols = colbuf;
    }
    if (np > PARAMS_MAX)
        fatal("db: more than %d parameters", PARAMS_MAX);
    for (size_t i = 0; i < np; i++) {
        params[i].type = types[i];
        switch (types[i]) {
        case 'i': params[i].i = va_arg(ap, int64_t); break;
        case 'b': params[i].i = va_arg(ap, int) != 0; break;
        case 's': params[i].s = va_arg(ap, const char *); break;
        default: fatal("db: unknown parameter type '%c'", types[i]);
        }
    }
    return (int)np;
}

/* A statement that only reads: it begins with SELECT or WITH. Writing CTEs
 * are written as DELETE ... WHERE ... IN (WITH ...). */
static bool is_read(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '(')
        sql++;
    return strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "WITH", 4) == 0;
}

/* ---- transactions ---- */

static int script(struct tstate *t, const char *sql)
{
    int rc = t->backend->script(t->conn, sql);
    if (rc == DB_BUSY)
        t->retry = true;
    return rc;
}

static int open_level(struct tstate *t)
{
    char sql[SAVEPOINT_SQL];
    if (t->depth == 0) {
        int rc = script(t, t->backend->begin);
        if (rc != DB_OK)
            return rc;
        t->retry = false;
    } else {
        snprintf(sql, sizeof(sql), "SAVEPOINT level%d", t->depth);
        if (script(t, sql) != DB_OK)
            return DB_ERROR;
    }
    t->depth++;
    return DB_OK;
}

/* Calls the listeners of channel with payload. */
static void deliver(const char *channel, const char *payload)
{
    pthread_mutex_lock(&listeners_lock);
    struct listener copy[LISTENERS_MAX];
    int n = nlisteners;
    memcpy(copy, listeners, sizeof(copy));
    pthread_mutex_unlock(&listeners_lock);
    for (int i = 0; i < n; i++)
        if (strcmp(copy[i].channel, channel) == 0)
            copy[i].fn(payload, copy[i].arg);
}

/* What a level's end does to the notifications it sent: dropped when it
 * rolled back, handed to the level around it when it committed, delivered
 * when the transaction committed. */
static void settle_pending(struct tstate *t, bool committed)
{
    int kept = 0;
    for (int i = 0; i < t->npending; i++) {
        struct pending *p = &t->pending[i];
        if (p->depth <= t->depth) {
            t->pending[kept++] = *p;
        } else if (committed && t->depth == 0) {
            deliver(p->channel, p->payload);
        } else if (committed) {
            p->depth = t->depth;
            t->pending[kept++] = *p;
        }
    }
    t->npending = kept;
}

static int close_level(struct tstate *t, bool commit)
{
    char sql[SAVEPOINT_SQL];
    int rc = DB_OK;
    if (t->depth <= 0)
        return DB_ERROR;
    t->depth--;
    if (t->depth == 0) {
        rc = script(t, commit ? "COMMIT" : "ROLLBACK");
        if (rc != DB_OK && commit)
            script(t, "ROLLBACK");
        settle_pending(t, commit && rc == DB_OK);
        return rc;
    } else if (commit) {
        snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT level%d", t->depth);
        rc = script(t, sql);
    } else {
        snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT level%d", t->depth);
        rc = script(t, sql);
        snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT level%d", t->depth);
        script(t, sql);
    }
    settle_pending(t, commit && rc == DB_OK);
    return rc;
}

/* In a request, the first write begins its transaction. */
static int begin_request_tx(struct tstate *t)
{
    if (!t->request || t->request_began)
        return DB_OK;
    int rc = open_level(t);
    if (rc == DB_OK)
        t->request_began = true;
    return rc;
}

int db_begin(void)
{
    struct tstate *t = state();
    if (t == NULL || begin_request_tx(t) != DB_OK)
        return DB_ERROR;
    return open_level(t) == DB_OK ? DB_OK : DB_ERROR;
}

int db_commit(void)
{
    struct tstate *t = state();
    return t != NULL && close_level(t, true) == DB_OK ? DB_OK : DB_ERROR;
}

void db_rollback(void)
{
    struct tstate *t = state();
    if (t != NULL && t->depth > (t->request_began ? 1 : 0))
        close_level(t, false);
}

static void backoff(int attempt)
{
    struct timespec ts = {0, (long)(1 + rand() % (4 << attempt)) * 1000000L};
    nanosleep(&ts, NULL);
}

int db_tx(int (*fn)(void *arg), void *arg)
{
    struct tstate *t = state();
    if (t == NULL)
        return DB_ERROR;
    for (int attempt = 0;; attempt++) {
        bool outermost = t->depth == 0 && !t->request;
        if (db_begin() != DB_OK)
            return t->retry ? DB_BUSY : DB_ERROR;
        int rc = fn(arg);
        if (rc >= 0 && !t->retry && db_commit() == DB_OK)
            return rc;
        if (t->depth > (t->request_began ? 1 : 0))
            close_level(t, false);
        if (!outermost || !t->retry || attempt + 1 == DB_TX_TRIES)
            return rc < 0 ? rc : t->retry ? DB_BUSY : DB_ERROR;
        t->retry = false;
        backoff(attempt);
    }
}

int db_lock_couple(int64_t couple_id)
{
    struct tstate *t = state();
    if (t == NULL || begin_request_tx(t) != DB_OK)
        return DB_ERROR;
    if (t->depth == 0) {
        log_error("db: db_lock_couple outside a transaction");
        return DB_ERROR;
    }
    struct db_param p = {.type = 'i', .i = couple_id};
    json_t *rows = json_array();
    int rc = t->backend->run(t->conn, t->backend->lock_couple, &p, 1, "d", rows, 1, true);
    json_decref(rows);
    if (rc == DB_BUSY)
        t->retry = true;
    return rc < 0 ? rc : DB_OK;
}

int db_notify(const char *channel, const char *payload)
{
    struct tstate *t = state();
    if (t == NULL || begin_request_tx(t) != DB_OK)
        return DB_ERROR;
    for (int i = 0; i < t->npending; i++) /* already sent at this level or one around it */
        if (t->pending[i].depth <= t->depth && strcmp(t->pending[i].channel, channel) == 0 &&
            strcmp(t->pending[i].payload, payload) == 0)
            return DB_OK;
    if (t->backend->notify != NULL) { /* the engine delivers it at commit, everywhere */
        struct db_param p[2] = {{.type = 's', .s = channel}, {.type = 's', .s = payload}};
        json_t *rows = json_array();
        int rc = t->backend->run(t->conn, t->backend->notify, p, 2, "s", rows, 1, true);
        json_decref(rows);
        if (rc < 0)
            return rc;
        /* and here, at once after the commit: this server's listeners need
         * not wait for the engine's delivery (which comes too) */
    }
    if (t->depth == 0) {
        deliver(channel, payload);
        return DB_OK;
    }
    if (t->npending == PENDING_MAX)
        return DB_ERROR;
    struct pending *p = &t->pending[t->npending++];
    snprintf(p->channel, sizeof(p->channel), "%s", channel);
    snprintf(p->payload, sizeof(p->payload), "%s", payload);
    p->depth = t->depth;
    return DB_OK;
}

int db_listen(const char *channel, void (*fn)(const char *payload, void *arg), void *arg)
{
    pthread_mutex_lock(&listeners_lock);
    if (nlisteners == LISTENERS_MAX) {
        pthread_mutex_unlock(&listeners_lock);
        return DB_ERROR;
    }
    struct listener *l = &listeners[nlisteners++];
    snprintf(l->channel, sizeof(l->channel), "%s", channel);
    l->fn = fn;
    l->arg = arg;
    pthread_mutex_unlock(&listeners_lock);
    if (backend != NULL && backend->listen != NULL)
        return backend->listen(listen_target ? listen_target : target, channel, deliver);
    return DB_OK;
}

void db_request_start(void)
{
    struct tstate *t = state();
    if (t == NULL)
        return;
    if (t->backend->group_commit != NULL && !t->group)
        t->group = t->backend->group_commit(t->conn) == DB_OK;
    t->request = true;
    t->request_began = false;
    t->retry = false;
    t->calls = 0;
}

int db_request_finish(bool ok)
{
    struct tstate *t = state();
    if (t == NULL)
        return DB_ERROR;
    int rc = DB_OK;
    int own = t->request_began ? 1 : 0;
    if (t->depth > own) {
        log_error("db: a handler returned with %d transaction(s) of its own open; rolled back",
                  t->depth - own);
        while (t->depth > own)
            close_level(t, false);
        ok = false;
        rc = DB_ERROR;
    }
    bool retry = t->retry;
    if (t->request_began && close_level(t, ok && !retry) != DB_OK && ok)
        rc = DB_ERROR;
    t->request = t->request_began = false;
    t->fail_at = 0;
    t->retry = false;
    return retry ? DB_RETRY : rc;
}

bool db_request_wrote(void)
{
    struct tstate *t = state();
    return t != NULL && t->request_began;
}

int64_t db_sync_ticket(void)
{
    struct tstate *t = state();
    return t != NULL && t->group ? t->backend->sync_ticket(t->conn) : 0;
}

void db_sync_then(int64_t ticket, void (*fn)(void *arg), void *arg)
{
    if (ticket > 0 && backend != NULL && backend->sync_then != NULL)
        backend->sync_then(ticket, fn, arg);
    else
        fn(arg);
}

void db_sync_wait(int64_t ticket)
{
    if (ticket > 0 && backend != NULL && backend->sync_wait != NULL)
        backend->sync_wait(ticket);
}

int64_t db_syncs(void)
{
    return backend != NULL && backend->syncs != NULL ? backend->syncs() : 0;
}

void db_fail_nth(int n)
{
    struct tstate *t = state();
    if (t != NULL)
        t->fail_at = n;
}

int db_request_calls(void)
{
    struct tstate *t = state();
    return t ? t->calls : 0;
}

/* ---- watched tables ---- */

static bool is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* True when sql names a watched table as a word. A process that watches
 * nothing (a command) cannot know what the servers watch: every write
 * counts. */
static bool names_watched(const char *sql)
{
    if (nwatched == 0)
        return true;
    for (int i = 0; i < nwatched; i++) {
        size_t n = strlen(watched[i]);
        for (const char *p = strcasestr(sql, watched[i]); p != NULL;
             p = strcasestr(p + 1, watched[i]))
            if ((p == sql || !is_word(p[-1])) && !is_word(p[n]))
                return true;
    }
    return false;
}

static void on_watched(const char *payload, void *arg)
{
    (void)payload; /* "write", or "*" after a lost connection */
    (void)arg;
    atomic_fetch_add(&watch_heard, 1);
}

int db_watch(const char *table)
{
    if (nwatched == DB_WATCH_MAX || strlen(table) >= CHANNEL_MAX)
        return DB_ERROR;
    if (nwatched == 0 && db_listen(DB_WATCH_CHANNEL, on_watched, NULL) != DB_OK)
        return DB_ERROR;
    snprintf(watched[nwatched++], CHANNEL_MAX, "%s", table);
    return DB_OK;
}

uint64_t db_watch_mark(void)
{
    struct tstate *t = state();
    uint64_t engine = 0;
    if (t == NULL ||
        (t->backend->change_mark != NULL && t->backend->change_mark(t->conn, &engine) != 0))
        return 0;
    /* odd times the count, mixed with the engine's: a change of either shows */
    uint64_t mark = (atomic_load(&watch_heard) * UINT64_C(0x9E3779B97F4A7C15)) ^ engine;
    return mark != 0 ? mark : 1;
}

/* ---- statements ---- */

static int run(const char *sql, const char *types, va_list ap, json_t *rows, size_t max)
{
    struct tstate *t = state();
    if (t == NULL)
        return DB_ERROR;
    struct db_param params[PARAMS_MAX];
    char colbuf[64];
    const char *cols;
    int np = read_params(types, ap, params, &cols, colbuf, sizeof(colbuf));
    t->calls++;
#ifdef HEARTH_TEST_FAULTS
    if (t->fail_at > 0 && t->calls == t->fail_at) {
        log_error("db: failure injected at statement %d [%.60s]", t->calls, sql);
        return DB_ERROR;
    }
#endif
    if (!is_read(sql) && begin_request_tx(t) != DB_OK)
        return DB_ERROR;
    if (rows != NULL && cols == NULL)
        fatal("db: [%.60s] reads rows but declares no columns", sql);
    int rc = t->backend->run(t->conn, sql, params, np, cols, rows, max, true);
    if (rc == DB_BUSY && t->depth > 0)
        t->retry = true;
    if (rc >= 0 && !is_read(sql) && names_watched(sql) &&
        db_notify(DB_WATCH_CHANNEL, "write") != DB_OK) {
        if (t->depth > 0)
            return DB_ERROR;               /* the transaction rolls back: nothing kept goes stale */
        atomic_fetch_add(&watch_heard, 1); /* committed: this server's readers at least */
        log_error("db: a write to a watched table could not be announced");
    }
    return rc;
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
    char full[PARAMS_MAX + 4];
    snprintf(full, sizeof(full), "%s:i", types ? types : "");
    va_list ap;
    va_start(ap, types);
    json_t *row;
    int rc = first_row(&row, sql, full, ap);
    va_end(ap);
    *out = 0;
    if (rc != DB_OK)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach (row, key, v) {
        *out = json_integer_value(v);
        break;
    }
    json_decref(row);
    return DB_OK;
}

/* ---- opening and closing ---- */

int db_migrate(const char *url, const char *const *modules, int *applied)
{
    const struct db_backend *b;
    struct db_conn *c = db_connect_url(url, &b);
    if (c == NULL)
        return DB_ERROR;
    int rc = db_migrations_apply(b, c, modules, applied);
    b->disconnect(c);
    return rc;
}

int db_migrate_status(const char *url, const char *const *modules, FILE *out)
{
    const struct db_backend *b;
    struct db_conn *c = db_connect_url(url, &b);
    if (c == NULL)
        return DB_ERROR;
    int rc = db_migrations_print(b, c, modules, out);
    b->disconnect(c);
    return rc;
}

int db_open(const char *url, const char *const *modules)
{
    int applied = 0;
    if (db_migrate(url, modules, &applied) != DB_OK)
        return DB_ERROR;
    if (applied > 0)
        log_info("db: applied %d migration(s)", applied);
    const char *rest;
    backend = backend_for(url, &rest);
    free(target);
    target = xstrdup(rest);
    backend->describe(rest, description, sizeof(description));
    return DB_OK;
}

void db_close(void)
{
    if (backend != NULL && backend->listen_stop != NULL)
        backend->listen_stop();
    if (backend != NULL && backend->sync_stop != NULL) {
        backend->sync_stop();
        if (backend->syncs() > 0)
            log_info("db: requests' writes took %lld sync(s) of the write-ahead log",
                     (long long)backend->syncs());
    }
    pthread_mutex_lock(&listeners_lock);
    nlisteners = 0;
    pthread_mutex_unlock(&listeners_lock);
    nwatched = 0;
    pthread_mutex_lock(&states_lock);
    struct tstate *t = states;
    states = NULL;
    pthread_mutex_unlock(&states_lock);
    while (t != NULL) {
        struct tstate *next = t->next;
        if (t->conn != NULL)
            t->backend->disconnect(t->conn);
        free(t);
        t = next;
    }
    here = NULL;
    free(target);
    target = NULL;
    free(listen_target);
    listen_target = NULL;
    backend = NULL;
}

int db_set_listen_url(const char *url)
{
    const char *rest;
    if (backend == NULL || backend->listen == NULL || backend_for(url, &rest) != backend)
        return DB_ERROR;
    free(listen_target);
    listen_target = xstrdup(rest);
    return DB_OK;
}

/* ---- hearth sql and hearth copy ---- */

/* Runs one statement (or script) for the shell and prints its rows. */
static int shell_one(const struct db_backend *b, struct db_conn *c, const char *sql, FILE *out)
{
    json_t *rows = json_array();
    /* a query prints its rows; anything else may be several statements */
    int rc =
        is_read(sql) ? b->run(c, sql, NULL, 0, NULL, rows, DB_MAX_ROWS, false) : b->script(c, sql);
    if (rc >= 0 && !is_read(sql) && b->notify != NULL) { /* servers that watch a table */
        struct db_param p[2] = {{.type = 's', .s = DB_WATCH_CHANNEL}, {.type = 's', .s = "write"}};
        json_t *none = json_array();
        b->run(c, b->notify, p, 2, "s", none, 1, false);
        json_decref(none);
    }
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *key;
        json_t *v;
        bool first = true;
        json_object_foreach (row, key, v) {
            fprintf(out, "%s%s", first ? "" : "|", json_is_string(v) ? json_string_value(v) : "");
            first = false;
        }
        fputc('\n', out);
    }
    fflush(out);
    json_decref(rows);
    return rc < 0 ? rc : DB_OK;
}

int db_shell(const char *url, const char *sql, FILE *out)
{
    const struct db_backend *b;
    struct db_conn *c = db_connect_url(url, &b);
    if (c == NULL)
        return DB_ERROR;
    int rc = DB_OK;
    if (strcmp(sql, "-") != 0) {
        rc = shell_one(b, c, sql, out);
    } else { /* one statement a line from standard input, each run as it comes */
        char line[SHELL_LINE_MAX];
        while (fgets(line, sizeof(line), stdin) != NULL) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] != '\0' && shell_one(b, c, line, out) != DB_OK)
                rc = DB_ERROR;
        }
    }
    b->disconnect(c);
    return rc;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int db_dump(const char *url, FILE *out)
{
    const struct db_backend *b;
    struct db_conn *c = db_connect_url(url, &b);
    json_t *tables = NULL;
    int rc = DB_ERROR;
    if (c == NULL || b->tables(c, &tables) != DB_OK)
        goto out;
    size_t i;
    json_t *name;
    json_array_foreach (tables, i, name) {
        const char *table = json_string_value(name);
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
        json_t *rows = json_array();
        if (b->run(c, sql, NULL, 0, NULL, rows, DB_MAX_ROWS, false) < 0) {
            json_decref(rows);
            goto out;
        }
        /* one line a row, "table<TAB>column=value...", sorted: engines order alike */
        size_t n = json_array_size(rows), k;
        char **lines = xcalloc(n ? n : 1, sizeof(*lines));
        json_t *row;
        json_array_foreach (rows, k, row) {
            struct buf line;
            buf_init(&line, 1024 * 1024);
            buf_puts(&line, table);
            const char *col;
            json_t *v;
            json_object_foreach (row, col, v)
                buf_printf(&line, "\t%s=%s", col,
                           json_is_string(v) ? json_string_value(v) : "NULL");
            lines[k] = buf_take(&line, NULL);
        }
        qsort(lines, n, sizeof(*lines), by_text);
        for (k = 0; k < n; k++) {
            fprintf(out, "%s\n", lines[k]);
            free(lines[k]);
        }
        free(lines);
        json_decref(rows);
    }
    rc = DB_OK;
out:
    json_decref(tables);
    if (c != NULL)
        b->disconnect(c);
    return rc;
}

enum { COPY_BATCH = 500 };

/* Copies table from one connection to the other, COPY_BATCH rows per
 * transaction; *copied gets the count. */
static int copy_table(const struct db_backend *fb, struct db_conn *from,
                      const struct db_backend *tb, struct db_conn *to, const char *table,
                      int64_t *copied)
{
    char *select = NULL, *insert = NULL;
    json_t *rows = NULL;
    int rc = DB_ERROR;
    *copied = 0;
    for (int64_t offset = 0;; offset += COPY_BATCH) {
        free(select);
        select = xmalloc(strlen(table) + 96);
        snprintf(select, strlen(table) + 96, "SELECT * FROM %s ORDER BY 1 LIMIT %d OFFSET %lld",
                 table, COPY_BATCH, (long long)offset);
        json_decref(rows);
        rows = json_array();
        if (fb->run(from, select, NULL, 0, NULL, rows, COPY_BATCH, false) < 0)
            goto out;
        if (json_array_size(rows) == 0)
            break;
        if (insert == NULL) { /* INSERT INTO t (a, b) VALUES ($1, $2) */
            json_t *first = json_array_get(rows, 0);
            struct buf b;
            buf_init(&b, 64 * 1024);
            buf_printf(&b, "INSERT INTO %s (", table);
            const char *key;
            json_t *v;
            size_t n = 0;
            json_object_foreach (first, key, v)
                buf_printf(&b, "%s%s", n++ ? ", " : "", key);
            buf_puts(&b, ") VALUES (");
            for (size_t k = 1; k <= n; k++)
                buf_printf(&b, "%s$%zu", k > 1 ? ", " : "", k);
            buf_puts(&b, ")");
            insert = buf_take(&b, NULL);
        }
        if (tb->script(to, tb->begin) != DB_OK)
            goto out;
        size_t i;
        json_t *row;
        json_array_foreach (rows, i, row) {
            struct db_param params[PARAMS_MAX * 2];
            int np = 0;
            const char *key;
            json_t *v;
            json_object_foreach (row, key, v) {
                if (np == PARAMS_MAX * 2)
                    break;
                params[np].type = 'u';
                params[np].s = json_string_value(v);
                np++;
            }
            if (tb->run(to, insert, params, np, NULL, NULL, 0, false) < 0) {
                tb->script(to, "ROLLBACK");
                goto out;
            }
            (*copied)++;
        }
        if (tb->script(to, "COMMIT") != DB_OK)
            goto out;
        if (json_array_size(rows) < COPY_BATCH)
            break;
    }
    rc = DB_OK;
out:
    json_decref(rows);
    free(select);
    free(insert);
    return rc;
}

static int64_t count_rows(const struct db_backend *b, struct db_conn *c, const char *table)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT count(*) AS n FROM %s", table);
    json_t *rows = json_array();
    int rc = b->run(c, sql, NULL, 0, "i", rows, 1, false);
    int64_t n =
        rc == DB_OK ? json_integer_value(json_object_get(json_array_get(rows, 0), "n")) : -1;
    json_decref(rows);
    return n;
}

int db_copy(const char *from_url, const char *to_url, const char *const *modules)
{
    const struct db_backend *fb, *tb;
    int applied = 0, rc = DB_ERROR;
    if (db_migrate(to_url, modules, &applied) != DB_OK)
        return DB_ERROR;
    struct db_conn *from = db_connect_url(from_url, &fb);
    struct db_conn *to = db_connect_url(to_url, &tb);
    json_t *tables = NULL;
    /* in the source's creation order: tables come before those that refer to them */
    if (from == NULL || to == NULL || fb->tables(from, &tables) != DB_OK)
        goto out;
    size_t i;
    json_t *name;
    json_array_foreach (tables, i, name) {
        const char *table = json_string_value(name);
        if (strcmp(table, "schema_migrations") == 0)
            continue;
        if (count_rows(tb, to, table) != 0) {
            log_error("copy: the table %s of the destination is missing or not empty", table);
            goto out;
        }
    }
    json_array_foreach (tables, i, name) {
        const char *table = json_string_value(name);
        int64_t copied = 0;
        if (strcmp(table, "schema_migrations") == 0)
            continue;
        if (copy_table(fb, from, tb, to, table, &copied) != DB_OK) {
            log_error("copy: the table %s could not be copied", table);
            goto out;
        }
        int64_t there = count_rows(tb, to, table);
        if (there != count_rows(fb, from, table)) {
            log_error("copy: %s holds %lld rows after the copy, not %lld", table, (long long)there,
                      (long long)count_rows(fb, from, table));
            goto out;
        }
        log_info("copy: %s: %lld rows", table, (long long)copied);
    }
    rc = DB_OK;
out:
    json_decref(tables);
    if (from != NULL)
        fb->disconnect(from);
    if (to != NULL)
        tb->disconnect(to);
    return rc;
}
