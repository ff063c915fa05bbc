/* Unit tests for the store's contract (src/store/db.h): typed results,
 * savepoints, the request transaction, conflicts, retries of refused
 * transactions, injected failures and migrations. They run on SQLite, and
 * on PostgreSQL too when HEARTH_TEST_PG names a server (scripts/test.sh
 * starts one): every test runs on a fresh database of the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assets.h"
#include "core/log.h"
#include "store/backend.h"
#include "store/db.h"
#include "store_fixture.h"

static const char THINGS[] =
    "CREATE TABLE couples (id INTEGER PRIMARY KEY, time_zone TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, ended_at INTEGER) STRICT;"
    "CREATE TABLE things (id INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
    " s TEXT, b INTEGER NOT NULL DEFAULT 0, f REAL) STRICT;";

static const struct asset base[] = {
    FILE_OF("migrations/t/001_things.sql", THINGS),
    {NULL, NULL, 0},
};

static int fresh(void **state)
{
    return store_fresh(state, base);
}

static int64_t count_things(void)
{
    int64_t n = -1;
    assert_int_equal(db_int(&n, "SELECT count(*) FROM things", ""), DB_OK);
    return n;
}

static void columns_come_back_as_declared_on_both_engines(void **state)
{
    (void)state;
    int64_t big = (int64_t)1 << 40; /* past 32 bits: INTEGER is 64-bit everywhere */
    assert_int_equal(db_exec("INSERT INTO things (id, n, s, b, f) VALUES ($1, $2, $3, $4, 2.5)",
                             "iisb", big + 7, big, "text", 1),
                     1);
    json_t *row;
    assert_int_equal(db_row(&row,
                            "SELECT id, n, s, b, f, id = $1 AS same, NULL AS missing,"
                            " n > 0 AS positive FROM things WHERE id = $1",
                            "i:disbfbsb", big + 7),
                     DB_OK);
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)(big + 7));
    assert_string_equal(json_string_value(json_object_get(row, "id")), id);
    assert_int_equal(json_integer_value(json_object_get(row, "n")), big);
    assert_string_equal(json_string_value(json_object_get(row, "s")), "text");
    assert_true(json_is_true(json_object_get(row, "b")));
    assert_true(json_real_value(json_object_get(row, "f")) == 2.5);
    /* a comparison is a boolean on PostgreSQL and an integer on SQLite */
    assert_true(json_is_true(json_object_get(row, "same")));
    assert_true(json_is_true(json_object_get(row, "positive")));
    assert_true(json_is_null(json_object_get(row, "missing")));
    json_decref(row);
    assert_int_equal(db_row(&row, "SELECT id FROM things WHERE id = $1", "i:d", (int64_t)1),
                     DB_NOT_FOUND);
    /* a declaration that does not match the columns is an error */
    assert_int_equal(db_row(&row, "SELECT id, n FROM things", ":d"), DB_ERROR);
}

static void nested_transactions_are_savepoints(void **state)
{
    (void)state;
    assert_int_equal(db_begin(), DB_OK);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 1)", ""), 1);
    assert_int_equal(db_begin(), DB_OK);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (2, 2)", ""), 1);
    db_rollback(); /* only the inner one */
    assert_int_equal(db_begin(), DB_OK);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (3, 3)", ""), 1);
    assert_int_equal(db_commit(), DB_OK);
    assert_int_equal(db_commit(), DB_OK);
    json_t *rows;
    assert_int_equal(db_query(&rows, "SELECT id FROM things ORDER BY id LIMIT 10", ":i"), DB_OK);
    assert_int_equal(json_array_size(rows), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "id")), 3);
    json_decref(rows);
}

static void a_request_keeps_its_writes_only_when_it_succeeds(void **state)
{
    (void)state;
    db_request_start();
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 1)", ""), 1);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (2, 1)", ""), 1);
    assert_int_equal(db_request_finish(false), DB_OK);
    assert_int_equal(count_things(), 0);
    db_request_start();
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 1)", ""), 1);
    assert_int_equal(db_request_finish(true), DB_OK);
    assert_int_equal(count_things(), 1);
    /* reads alone begin nothing; a request without writes ends cleanly */
    db_request_start();
    assert_int_equal(count_things(), 1);
    assert_int_equal(db_request_finish(true), DB_OK);
}

static void a_transaction_left_open_is_rolled_back_and_reported(void **state)
{
    (void)state;
    db_request_start();
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 1)", ""), 1);
    assert_int_equal(db_begin(), DB_OK); /* never committed: a bug in a handler */
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (2, 1)", ""), 1);
    assert_int_equal(db_request_finish(true), DB_ERROR);
    assert_int_equal(count_things(), 0);
    /* and the connection is clean for the next request */
    db_request_start();
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (3, 1)", ""), 1);
    assert_int_equal(db_request_finish(true), DB_OK);
    assert_int_equal(count_things(), 1);
}

static int insert_twice(void *arg)
{
    (void)arg;
    return db_exec("INSERT INTO things (id, n) VALUES (9, 9)", "");
}

static void a_unique_violation_is_a_conflict_and_the_request_goes_on(void **state)
{
    (void)state;
    db_request_start();
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (9, 1)", ""), 1);
    /* in a savepoint of its own, a conflict leaves the rest of the request
     * usable (PostgreSQL aborts a transaction on an error otherwise) */
    assert_int_equal(db_tx(insert_twice, NULL), DB_CONFLICT);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (10, 1)", ""), 1);
    assert_int_equal(db_request_finish(true), DB_OK);
    assert_int_equal(count_things(), 2);
}

static void an_injected_failure_fails_that_statement_only(void **state)
{
    (void)state;
    db_request_start();
    db_fail_nth(2);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 1)", ""), 1);
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (2, 1)", ""), DB_ERROR);
    assert_int_equal(db_request_calls(), 2);
    assert_int_equal(db_request_finish(false), DB_OK);
    assert_int_equal(count_things(), 0);
}

/* Two transactions take two rows in opposite orders: the engine refuses one
 * (a deadlock), and db_tx runs it again until both are in. */
struct crossing {
    int64_t first, second;
    int runs;
};

static int cross(void *arg)
{
    struct crossing *c = arg;
    c->runs++;
    if (db_exec("UPDATE things SET n = n + 1 WHERE id = $1", "i", c->first) < 0)
        return DB_ERROR;
    usleep(200 * 1000);
    return db_exec("UPDATE things SET n = n + 1 WHERE id = $1", "i", c->second) < 0 ? DB_ERROR : 0;
}

static void *cross_thread(void *arg)
{
    struct crossing *c = arg;
    intptr_t rc = db_tx(cross, c);
    return (void *)rc;
}

static void a_deadlock_is_retried_as_a_whole(void **state)
{
    (void)state;
    if (pg == NULL)
        skip(); /* SQLite has one writer at a time: no deadlock to make */
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 0), (2, 0)", ""), 2);
    struct crossing a = {1, 2, 0}, b = {2, 1, 0};
    pthread_t ta, tb;
    void *ra, *rb;
    pthread_create(&ta, NULL, cross_thread, &a);
    pthread_create(&tb, NULL, cross_thread, &b);
    pthread_join(ta, &ra);
    pthread_join(tb, &rb);
    assert_int_equal((intptr_t)ra, 0);
    assert_int_equal((intptr_t)rb, 0);
    assert_true(a.runs + b.runs >= 3); /* one of them ran again */
    int64_t total = 0;
    assert_int_equal(db_int(&total, "SELECT sum(n) FROM things", ""), DB_OK);
    assert_int_equal(total, 4); /* each ran its two updates exactly once in the end */
}

static void the_couple_lock_needs_a_transaction(void **state)
{
    (void)state;
    assert_int_equal(
        db_exec("INSERT INTO couples (id, time_zone, created_at) VALUES (5, 'UTC', 0)", ""), 1);
    assert_int_equal(db_lock_couple(5), DB_ERROR);
    db_request_start();
    assert_int_equal(db_lock_couple(5), DB_OK); /* begins the request's transaction */
    assert_int_equal(db_request_finish(true), DB_OK);
}

/* ---- watched tables ---- */

/* The mark once PostgreSQL's own delivery of what was sent has come too
 * (it comes from the listener's thread, after the one here at commit). */
static uint64_t settled_mark(void)
{
    uint64_t mark = db_watch_mark(), now;
    while (usleep(pg ? 200000 : 0), (now = db_watch_mark()) != mark)
        mark = now;
    return mark;
}

static void the_watch_mark_moves_with_each_commit_that_may_change_a_watched_table(void **state)
{
    (void)state;
    assert_int_equal(db_watch("couples"), DB_OK);
    uint64_t start = settled_mark();
    assert_true(start != 0);
    int64_t n;
    assert_int_equal(db_int(&n, "SELECT count(*) FROM couples", ""), DB_OK);
    assert_true(db_watch_mark() == start); /* reading changes nothing */

    assert_int_equal(
        db_exec("INSERT INTO couples (id, time_zone, created_at) VALUES (1, 'UTC', 0)", ""), 1);
    uint64_t written = db_watch_mark();
    assert_true(written != start); /* at once, before any delivery from the engine */
    written = settled_mark();

    db_request_start(); /* in a transaction: at its commit, never when it rolls back */
    assert_int_equal(db_exec("UPDATE couples SET time_zone = 'Europe/Paris'", ""), 1);
    assert_true(db_watch_mark() == written);
    assert_int_equal(db_request_finish(false), DB_OK);
    assert_true(settled_mark() == written);
    db_request_start();
    assert_int_equal(db_exec("UPDATE couples SET time_zone = 'Europe/Paris'", ""), 1);
    assert_int_equal(db_request_finish(true), DB_OK);
    uint64_t committed = db_watch_mark();
    assert_true(committed != written);
    committed = settled_mark();

    /* a command's write (hearth sql, on a connection of its own) */
    FILE *sink = fopen("/dev/null", "w");
    assert_int_equal(db_shell(url, "UPDATE couples SET time_zone = 'Asia/Tokyo'", sink), DB_OK);
    fclose(sink);
    uint64_t outside = db_watch_mark();
    for (int i = 0; i < 100 && outside == committed; i++) { /* PostgreSQL: once delivered */
        usleep(10000);
        outside = db_watch_mark();
    }
    assert_true(outside != committed);
    outside = settled_mark();

    /* a table nobody watches: PostgreSQL is not told; on SQLite every
     * commit shows */
    assert_int_equal(db_exec("INSERT INTO things (id, n) VALUES (1, 1)", ""), 1);
    assert_true((settled_mark() == outside) == (pg != NULL));
}

/* ---- migrations ---- */

static int migrate(const struct asset *files)
{
    db_migrations_override(files);
    int applied = 0;
    int rc = db_migrate(url, modules, &applied);
    db_migrations_override(base);
    return rc == DB_OK ? applied : -1;
}

static void a_migration_applies_once_and_a_changed_one_stops_start_up(void **state)
{
    (void)state;
    static const struct asset more[] = {
        FILE_OF("migrations/t/001_things.sql", THINGS),
        FILE_OF("migrations/t/002_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY) STRICT;"),
        {NULL, NULL, 0},
    };
    static const struct asset changed[] = {
        FILE_OF("migrations/t/001_things.sql", THINGS),
        FILE_OF("migrations/t/002_more.sql", "CREATE TABLE more (id INTEGER) STRICT;"),
        {NULL, NULL, 0},
    };
    assert_int_equal(migrate(more), 1);
    assert_int_equal(migrate(more), 0);
    assert_int_equal(migrate(changed), -1);
    assert_int_equal(migrate(base), -1); /* an applied file that is gone */
}

static void two_files_with_one_number_stop_start_up(void **state)
{
    (void)state;
    static const struct asset twins[] = {
        FILE_OF("migrations/t/001_things.sql", THINGS),
        FILE_OF("migrations/t/002_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;"),
        FILE_OF("migrations/t/002_b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT;"),
        {NULL, NULL, 0},
    };
    static const struct asset mixed[] = {
        FILE_OF("migrations/t/001_things.sql", THINGS),
        FILE_OF("migrations/t/002_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;"),
        FILE_OF("migrations/t/002_a.pg.sql", "CREATE TABLE a (id BIGINT PRIMARY KEY);"),
        {NULL, NULL, 0},
    };
    static const struct asset stranger[] = {
        FILE_OF("migrations/t/001_things.sql", THINGS),
        FILE_OF("migrations/nobody/001_x.sql", "SELECT 1;"),
        {NULL, NULL, 0},
    };
    assert_int_equal(migrate(twins), -1);
    assert_int_equal(migrate(mixed), -1);
    assert_int_equal(migrate(stranger), -1);
}

static void each_engine_takes_its_own_dialect_file(void **state)
{
    (void)state;
    static const struct asset pair[] = {
        FILE_OF("migrations/t/001_things.sql", THINGS),
        FILE_OF("migrations/t/002_engine.sqlite.sql",
                "CREATE TABLE engine (name TEXT) STRICT; INSERT INTO engine VALUES ('sqlite');"),
        FILE_OF("migrations/t/002_engine.pg.sql",
                "CREATE TABLE engine (name TEXT); INSERT INTO engine VALUES ('pg');"),
        {NULL, NULL, 0},
    };
    assert_int_equal(migrate(pair), 1);
    json_t *row;
    assert_int_equal(db_row(&row, "SELECT name FROM engine", ":s"), DB_OK);
    assert_string_equal(json_string_value(json_object_get(row, "name")), pg ? "pg" : "sqlite");
    json_decref(row);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fresh, store_done)

int main(void)
{
    store_engine();
    const struct CMUnitTest tests[] = {
        T(columns_come_back_as_declared_on_both_engines),
        T(nested_transactions_are_savepoints),
        T(a_request_keeps_its_writes_only_when_it_succeeds),
        T(a_transaction_left_open_is_rolled_back_and_reported),
        T(a_unique_violation_is_a_conflict_and_the_request_goes_on),
        T(an_injected_failure_fails_that_statement_only),
        T(a_deadlock_is_retried_as_a_whole),
        T(the_couple_lock_needs_a_transaction),
        T(the_watch_mark_moves_with_each_commit_that_may_change_a_watched_table),
        T(a_migration_applies_once_and_a_changed_one_stops_start_up),
        T(two_files_with_one_number_stop_start_up),
        T(each_engine_takes_its_own_dialect_file),
    };
    return cmocka_run_group_tests_name(pg ? "db (PostgreSQL)" : "db (SQLite)", tests, NULL, NULL);
}
