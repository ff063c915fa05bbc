/* Unit tests for the mutual-reveal rule (src/practices/reveal.h), the one
 * every practice with private answers uses: on SQLite, and on PostgreSQL
 * when HEARTH_TEST_PG names a server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "practices/reveal.h"
#include "store_fixture.h"

static const char TABLES[] =
    "CREATE TABLE couples (id INTEGER PRIMARY KEY, time_zone TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, ended_at INTEGER) STRICT;"
    "CREATE TABLE items (couple_id INTEGER NOT NULL, id INTEGER NOT NULL, revealed_at INTEGER,"
    " PRIMARY KEY (couple_id, id)) STRICT;"
    "CREATE TABLE answers (couple_id INTEGER NOT NULL, item_id INTEGER NOT NULL,"
    " user_id INTEGER NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL, PRIMARY KEY (couple_id, item_id, user_id)) STRICT;"
    "INSERT INTO couples (id, time_zone, created_at) VALUES (1, 'UTC', 0), (2, 'UTC', 0);";

static const struct asset tables[] = {
    FILE_OF("migrations/t/001_reveal.sql", TABLES),
    {NULL, NULL, 0},
};

enum { ANNA = 11, BEN = 12, CARA = 21 };

static struct reveal r = {.items = "items", .answers = "answers"};

static int fresh(void **state)
{
    return store_fresh(state, tables);
}

static void add_item(int64_t couple, int64_t id)
{
    assert_int_equal(db_exec("INSERT INTO items (couple_id, id) VALUES ($1, $2)", "ii", couple, id),
                     1);
}

struct submission {
    int64_t couple, item, user;
    const char *text;
    int result;
};

static int submit_tx(void *arg)
{
    struct submission *s = arg;
    s->result = reveal_submit(&r, s->couple, s->item, s->user, s->text);
    return s->result < 0 ? s->result : 0;
}

/* Submits in a transaction of its own; returns reveal_submit's result. */
static int submit(int64_t couple, int64_t item, int64_t user, const char *text)
{
    struct submission s = {couple, item, user, text, 0};
    int rc = db_tx(submit_tx, &s);
    return rc < 0 ? rc : s.result;
}

/* What user sees of item: reveal_view_of over its answers. */
static json_t *view(int64_t couple, int64_t item, int64_t user)
{
    json_t *rows, *state;
    assert_int_equal(reveal_answers(&r, couple, item, &rows), DB_OK);
    assert_int_equal(db_row(&state,
                            "SELECT revealed_at FROM items WHERE couple_id = $1"
                            " AND id = $2",
                            "ii:i", couple, item),
                     DB_OK);
    bool revealed = !json_is_null(json_object_get(state, "revealed_at"));
    json_decref(state);
    json_t *v = reveal_view_of(rows, user, revealed, "Partner");
    json_decref(rows);
    return v;
}

static const char *mine(json_t *v)
{
    return json_string_value(json_object_get(json_object_get(v, "mine"), "text"));
}

static json_t *partner(json_t *v)
{
    return json_object_get(v, "partner");
}

static void each_sees_only_their_own_until_both_have_written(void **state)
{
    (void)state;
    add_item(1, 100);
    json_t *v = view(1, 100, ANNA);
    assert_true(json_is_null(json_object_get(v, "mine")));
    assert_true(json_is_false(json_object_get(partner(v), "answered")));
    json_decref(v);

    assert_int_equal(submit(1, 100, ANNA, "Anna's first"), REVEAL_WAITING);
    assert_int_equal(submit(1, 100, ANNA, "Anna's second"), REVEAL_CHANGED);
    v = view(1, 100, ANNA);
    assert_string_equal(mine(v), "Anna's second");
    assert_true(json_is_false(json_object_get(v, "revealed")));
    json_decref(v);
    v = view(1, 100, BEN); /* Ben knows Anna answered, and nothing of what */
    assert_true(json_is_null(json_object_get(v, "mine")));
    assert_true(json_is_true(json_object_get(partner(v), "answered")));
    assert_null(json_object_get(partner(v), "text"));
    char *dump = json_dumps(v, 0);
    assert_null(strstr(dump, "Anna's"));
    free(dump);
    json_decref(v);

    assert_int_equal(submit(1, 100, BEN, "Ben's"), REVEAL_OPENED);
    v = view(1, 100, BEN);
    assert_true(json_is_true(json_object_get(v, "revealed")));
    assert_string_equal(mine(v), "Ben's");
    assert_string_equal(json_string_value(json_object_get(partner(v), "text")), "Anna's second");
    json_decref(v);
    v = view(1, 100, ANNA);
    assert_string_equal(json_string_value(json_object_get(partner(v), "text")), "Ben's");
    json_decref(v);
}

static void nothing_changes_after_the_reveal(void **state)
{
    (void)state;
    add_item(1, 100);
    assert_int_equal(submit(1, 100, ANNA, "a"), REVEAL_WAITING);
    assert_int_equal(submit(1, 100, BEN, "b"), REVEAL_OPENED);
    assert_int_equal(submit(1, 100, ANNA, "rewritten"), REVEAL_CLOSED);
    assert_int_equal(submit(1, 100, BEN, "rewritten"), REVEAL_CLOSED);
    json_t *v = view(1, 100, ANNA);
    assert_string_equal(mine(v), "a");
    assert_string_equal(json_string_value(json_object_get(partner(v), "text")), "b");
    json_decref(v);
}

static void an_item_of_another_couple_is_not_found(void **state)
{
    (void)state;
    add_item(1, 100);
    assert_int_equal(submit(2, 100, CARA, "x"), DB_NOT_FOUND);
    assert_int_equal(submit(1, 999, ANNA, "x"), DB_NOT_FOUND);
    int64_t n = -1;
    assert_int_equal(db_int(&n, "SELECT count(*) FROM answers", ""), DB_OK);
    assert_int_equal(n, 0);
    /* couple 2's item of the same id is its own: couple 1's answers stay out */
    add_item(2, 100);
    assert_int_equal(submit(1, 100, ANNA, "anna"), REVEAL_WAITING);
    assert_int_equal(submit(2, 100, CARA, "cara"), REVEAL_WAITING);
    json_t *v = view(2, 100, CARA);
    assert_true(json_is_false(json_object_get(partner(v), "answered")));
    json_decref(v);
}

static void *submit_thread(void *arg)
{
    struct submission *s = arg;
    struct submission copy = *s;
    s->result = db_tx(submit_tx, &copy) < 0 ? -100 : copy.result;
    return NULL;
}

/* Both partners answer at the same moment, again and again: each time
 * exactly one of the two writes opens the item, and both answers are kept. */
static void two_partners_at_once_reveal_exactly_once(void **state)
{
    (void)state;
    enum { ROUNDS = 20 };
    for (int64_t item = 1; item <= ROUNDS; item++) {
        add_item(1, item);
        struct submission a = {1, item, ANNA, "anna", 0}, b = {1, item, BEN, "ben", 0};
        pthread_t ta, tb;
        pthread_create(&ta, NULL, submit_thread, &a);
        pthread_create(&tb, NULL, submit_thread, &b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        int opened = (a.result == REVEAL_OPENED) + (b.result == REVEAL_OPENED);
        int waited = (a.result == REVEAL_WAITING) + (b.result == REVEAL_WAITING);
        assert_int_equal(opened, 1);
        assert_int_equal(waited, 1);
        json_t *v = view(1, item, ANNA);
        assert_true(json_is_true(json_object_get(v, "revealed")));
        assert_string_equal(json_string_value(json_object_get(partner(v), "text")), "ben");
        json_decref(v);
    }
}

static int submit_one_tx(void *arg)
{
    struct submission *s = arg;
    s->result = reveal_submit_one(&r, s->couple, s->item, s->user, s->text);
    return s->result < 0 ? s->result : 0;
}

/* A question for one of the two: their answer opens to both at once, and
 * stays as it was. */
static void an_answer_for_one_opens_at_once_and_stays(void **state)
{
    (void)state;
    add_item(1, 100);
    struct submission s = {1, 100, BEN, "only Ben answers", 0};
    assert_int_equal(db_tx(submit_one_tx, &s), 0);
    assert_int_equal(s.result, REVEAL_OPENED);
    json_t *v = view(1, 100, ANNA);
    assert_true(json_is_true(json_object_get(v, "revealed")));
    assert_true(json_is_null(json_object_get(v, "mine")));
    assert_string_equal(json_string_value(json_object_get(partner(v), "text")), "only Ben answers");
    json_decref(v);
    struct submission again = {1, 100, BEN, "changed", 0};
    assert_int_equal(db_tx(submit_one_tx, &again), 0);
    assert_int_equal(again.result, REVEAL_CLOSED);
    v = view(1, 100, BEN);
    assert_string_equal(mine(v), "only Ben answers");
    json_decref(v);
    struct submission missing = {2, 100, CARA, "x", 0};
    assert_int_equal(db_tx(submit_one_tx, &missing), DB_NOT_FOUND);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fresh, store_done)

int main(void)
{
    store_engine();
    reveal_init(&r);
    const struct CMUnitTest tests[] = {
        T(each_sees_only_their_own_until_both_have_written),
        T(nothing_changes_after_the_reveal),
        T(an_item_of_another_couple_is_not_found),
        T(two_partners_at_once_reveal_exactly_once),
        T(an_answer_for_one_opens_at_once_and_stays),
    };
    return cmocka_run_group_tests_name(pg ? "reveal (PostgreSQL)" : "reveal (SQLite)", tests, NULL,
                                       NULL);
}
