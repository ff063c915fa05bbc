/* migrate.c: migrations per module (see db.h). The files are read from the
 * assets (migrations/MODULE/NNN_name.sql), checked for shape and duplicate
 * numbers whatever engine runs, and applied in order, each in one
 * transaction together with its row in schema_migrations, which keeps the
 * file's checksum so that an applied file that changed later stops
 * start-up. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/db.h"

enum { MIGRATIONS_MAX = 512, MODULE_MAX = 32, NAME_MAX_LEN = 96, CHECKSUM_TEXT = 65 };

enum variant { PORTABLE, SQLITE_ONLY, PG_ONLY };

struct migration {
    char module[MODULE_MAX];
    int order; /* the module's place in the list given */
    int version;
    char name[NAME_MAX_LEN];
    char file[160];
    enum variant variant;
    char checksum[CHECKSUM_TEXT];
};

struct collection {
    const char *const *modules;
    struct migration list[MIGRATIONS_MAX];
    int n;
    int failed;
};

static const struct asset *override; /* tests: migrations from here instead */

void db_migrations_override(const struct asset *list)
{
    override = list;
}

/* Calls fn for every migration file, from the assets or the override. */
static void each_file(int (*fn)(const char *, const char *, size_t, void *), void *arg)
{
    if (override == NULL) {
        assets_each("migrations/", fn, arg);
        return;
    }
    for (const struct asset *a = override; a->name != NULL; a++)
        fn(a->name, a->data, a->size, arg);
}

/* The text of file, from the assets or the override; *owned as assets_get. */
static int file_text(const char *file, const char **data, size_t *size, int *owned)
{
    *owned = 0;
    for (const struct asset *a = override; a != NULL && a->name != NULL; a++) {
        if (strcmp(a->name, file) == 0) {
            *data = a->data;
            *size = a->size;
            return 0;
        }
    }
    return override != NULL ? -1 : assets_get(file, data, size, owned);
}

static const char SCHEMA_MIGRATIONS[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                        " module TEXT NOT NULL,"
                                        " version INTEGER NOT NULL,"
                                        " name TEXT NOT NULL,"
                                        " checksum TEXT NOT NULL,"
                                        " applied_at INTEGER NOT NULL,"
                                        " PRIMARY KEY (module, version))";

static int module_order(const char *const *modules, const char *name, size_t len)
{
    for (int i = 0; modules[i] != NULL; i++)
        if (strlen(modules[i]) == len && strncmp(modules[i], name, len) == 0)
            return i;
    return -1;
}

/* Reads one file name: migrations/MODULE/NNN_name[.sqlite|.pg].sql. */
static int collect_one(const char *file, const char *data, size_t size, void *arg)
{
    struct collection *col = arg;
    const char *mod = file + strlen("migrations/");
    const char *slash = strchr(mod, '/');
    struct migration m;
    memset(&m, 0, sizeof(m));
    if (slash == NULL || (size_t)(slash - mod) >= MODULE_MAX) {
        log_error("db: %s: migrations live in migrations/MODULE/NNN_name.sql", file);
        col->failed = 1;
        return 0;
    }
    m.order = module_order(col->modules, mod, (size_t)(slash - mod));
    if (m.order < 0) {
        log_error("db: %s: no module is called %.*s", file, (int)(slash - mod), mod);
        col->failed = 1;
        return 0;
    }
    memcpy(m.module, mod, (size_t)(slash - mod));
    const char *base = slash + 1;
    size_t digits = strspn(base, "0123456789");
    size_t blen = strlen(base);
    m.variant = str_ends(base, ".sqlite.sql") ? SQLITE_ONLY
                : str_ends(base, ".pg.sql")   ? PG_ONLY
                                              : PORTABLE;
    size_t slen = strlen(m.variant == SQLITE_ONLY ? ".sqlite.sql"
                         : m.variant == PG_ONLY   ? ".pg.sql"
                                                  : ".sql");
    int64_t v = 0;
    if (digits < 3 || digits > 6 || base[digits] != '_' || !str_ends(base, ".sql") ||
        blen <= digits + 1 + slen || blen - digits - 1 - slen >= NAME_MAX_LEN ||
        parse_int64(base, digits, &v) != 0) {
        log_error("db: %s: a migration is named NNN_name.sql (or .sqlite.sql / .pg.sql)", file);
        col->failed = 1;
        return 0;
    }
    size_t name_len = blen - digits - 1 - slen;
    m.version = (int)v;
    memcpy(m.name, base + digits + 1, name_len);
    snprintf(m.file, sizeof(m.file), "%s", file);
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)data, size, NULL, 0);
    sodium_bin2hex(m.checksum, sizeof(m.checksum), h, sizeof(h));
    if (col->n == MIGRATIONS_MAX) {
        log_error("db: more than %d migration files", MIGRATIONS_MAX);
        col->failed = 1;
        return 0;
    }
    col->list[col->n++] = m;
    return 0;
}

static int by_order(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    if (x->order != y->order)
        return x->order - y->order;
    if (x->version != y->version)
        return x->version - y->version;
    return (int)x->variant - (int)y->variant;
}

/* Checks that each number of a module has one portable file, or one file per
 * engine, and one name. */
static int check_numbers(struct collection *col)
{
    for (int i = 0; i < col->n;) {
        int j = i, counts[3] = {0};
        while (j < col->n && col->list[j].order == col->list[i].order &&
               col->list[j].version == col->list[i].version) {
            counts[col->list[j].variant]++;
            if (strcmp(col->list[j].name, col->list[i].name) != 0) {
                log_error("db: %s and %s share the number %d", col->list[i].file, col->list[j].file,
                          col->list[i].version);
                return -1;
            }
            j++;
        }
        bool ok = (counts[PORTABLE] == 1 && counts[SQLITE_ONLY] + counts[PG_ONLY] == 0) ||
                  (counts[PORTABLE] == 0 && counts[SQLITE_ONLY] == 1 && counts[PG_ONLY] == 1);
        if (!ok) {
            log_error("db: migrations/%s: number %d needs one .sql file, or one .sqlite.sql and "
                      "one .pg.sql",
                      col->list[i].module, col->list[i].version);
            return -1;
        }
        i = j;
    }
    return 0;
}

/* Collects the migrations that apply to backend b, in order. */
static int collect(const struct db_backend *b, struct collection *col)
{
    col->n = 0;
    col->failed = 0;
    each_file(collect_one, col);
    if (col->failed)
        return -1;
    qsort(col->list, (size_t)col->n, sizeof(col->list[0]), by_order);
    if (check_numbers(col) != 0)
        return -1;
    enum variant other = b == &db_pg_backend ? SQLITE_ONLY : PG_ONLY;
    int k = 0;
    for (int i = 0; i < col->n; i++)
        if (col->list[i].variant != other)
            col->list[k++] = col->list[i];
    col->n = k;
    return 0;
}

static const struct migration *find(const struct collection *col, const char *module, int version)
{
    for (int i = 0; i < col->n; i++)
        if (col->list[i].version == version && strcmp(col->list[i].module, module) == 0)
            return &col->list[i];
    return NULL;
}

static int run_script(const struct db_backend *b, struct db_conn *c, const char *sql)
{
    char *rewritten = b->dialect(sql);
    int rc = b->script(c, rewritten ? rewritten : sql);
    free(rewritten);
    return rc;
}

/* The applied migrations, as rows {module, version, checksum, applied_at}. */
static int applied_rows(const struct db_backend *b, struct db_conn *c, json_t **rows)
{
    *rows = json_array();
    return b->run(c,
                  "SELECT module, version, name, checksum, applied_at FROM schema_migrations"
                  " ORDER BY module, version",
                  NULL, 0, "sissi", *rows, DB_MAX_ROWS, false);
}

/* Refuses a database made before migrations were kept per module. */
static int check_layout(const struct db_backend *b, struct db_conn *c)
{
    json_t *tables;
    if (b->tables(c, &tables) != DB_OK)
        return -1;
    bool old = false;
    size_t i;
    json_t *t;
    json_array_foreach (tables, i, t)
        old |= strcmp(json_string_value(t), "schema_version") == 0;
    json_decref(tables);
    if (old)
        log_error("db: this database was made by a development version of Hearth that kept its "
                  "migrations in schema_version; its data cannot be upgraded. Move the file "
                  "aside and start with a new database.");
    return old ? -1 : 0;
}

/* Checks every applied migration against its file; 0 when all match. */
static int verify(const struct collection *col, json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *module = json_string_value(json_object_get(row, "module"));
        int version = (int)json_integer_value(json_object_get(row, "version"));
        if (module_order(col->modules, module, strlen(module)) < 0)
            continue; /* a module no longer registered keeps its tables */
        const struct migration *m = find(col, module, version);
        if (m == NULL) {
            log_error("db: the applied migration %s %03d %s has no file any more", module, version,
                      json_string_value(json_object_get(row, "name")));
            return -1;
        }
        if (strcmp(m->checksum, json_string_value(json_object_get(row, "checksum"))) != 0) {
            log_error("db: %s changed after it was applied; write a new migration instead",
                      m->file);
            return -1;
        }
    }
    return 0;
}

static bool is_applied(json_t *rows, const struct migration *m)
{
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        if (json_integer_value(json_object_get(row, "version")) == m->version &&
            strcmp(json_string_value(json_object_get(row, "module")), m->module) == 0)
            return true;
    return false;
}

static int apply_one(const struct db_backend *b, struct db_conn *c, const struct migration *m)
{
    const char *data;
    size_t size;
    int owned;
    if (file_text(m->file, &data, &size, &owned) != 0)
        return -1;
    struct db_param p[5] = {{.type = 's', .s = m->module},
                            {.type = 'i', .i = m->version},
                            {.type = 's', .s = m->name},
                            {.type = 's', .s = m->checksum},
                            {.type = 'i', .i = clock_now_ms()}};
    int rc = b->script(c, b->begin);
    if (rc == DB_OK)
        rc = run_script(b, c, data);
    if (rc == DB_OK)
        rc = b->run(c,
                    "INSERT INTO schema_migrations (module, version, name, checksum, applied_at)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    p, 5, NULL, NULL, 0, false) < 0
                 ? DB_ERROR
                 : DB_OK;
    if (rc == DB_OK)
        rc = b->script(c, "COMMIT");
    if (rc != DB_OK) {
        b->script(c, "ROLLBACK");
        log_error("db: the migration %s failed; nothing of it was applied", m->file);
    }
    if (owned)
        free((void *)data);
    return rc == DB_OK ? 0 : -1;
}

int db_migrations_apply(const struct db_backend *b, struct db_conn *c, const char *const *modules,
                        int *applied)
{
    struct collection *col = xcalloc(1, sizeof(*col));
    col->modules = modules;
    json_t *rows = NULL;
    int rc = DB_ERROR, count = 0;
    if (collect(b, col) != 0 || check_layout(b, c) != 0 || run_script(b, c, SCHEMA_MIGRATIONS) != 0)
        goto out;
    if (b->migration_lock(c, true) != DB_OK)
        goto out;
    if (applied_rows(b, c, &rows) == DB_OK && verify(col, rows) == 0) {
        rc = DB_OK;
        for (int i = 0; i < col->n && rc == DB_OK; i++) {
            if (is_applied(rows, &col->list[i]))
                continue;
            if (apply_one(b, c, &col->list[i]) != 0)
                rc = DB_ERROR;
            else
                count++;
        }
    }
    b->migration_lock(c, false);
out:
    json_decref(rows);
    free(col);
    if (applied != NULL)
        *applied = count;
    return rc;
}

int db_migrations_print(const struct db_backend *b, struct db_conn *c, const char *const *modules,
                        FILE *out)
{
    struct collection *col = xcalloc(1, sizeof(*col));
    col->modules = modules;
    json_t *rows = NULL;
    int rc = DB_ERROR;
    if (collect(b, col) != 0 || run_script(b, c, SCHEMA_MIGRATIONS) != 0 ||
        applied_rows(b, c, &rows) != DB_OK)
        goto out;
    for (int i = 0; i < col->n; i++) {
        const struct migration *m = &col->list[i];
        json_t *row = NULL, *r;
        size_t k;
        json_array_foreach (rows, k, r)
            if (json_integer_value(json_object_get(r, "version")) == m->version &&
                strcmp(json_string_value(json_object_get(r, "module")), m->module) == 0)
                row = r;
        char when[32] = "pending";
        if (row != NULL) {
            time_t secs = (time_t)(json_integer_value(json_object_get(row, "applied_at")) / 1000);
            struct tm tm;
            gmtime_r(&secs, &tm);
            strftime(when, sizeof(when), "applied %Y-%m-%d %H:%M UTC", &tm);
        }
        bool changed =
            row != NULL && strcmp(m->checksum, json_string_value(json_object_get(row, "checksum")));
        fprintf(out, "%-10s %03d %-32s %s%s\n", m->module, m->version, m->name, when,
                changed ? " (CHANGED since)" : "");
    }
    rc = DB_OK;
out:
    json_decref(rows);
    free(col);
    return rc;
}
