/* Unit tests for the fair queue of costly requests (src/http/slowq.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/slowq.h"

static const size_t totals[SLOWQ_CLASSES] = {8, 64};

static void a_flood_from_one_bucket_waits_behind_itself(void **state)
{
    (void)state;
    struct slowq *q = slowq_new(totals, 16);
    static int flood[16], owner;
    for (int i = 0; i < 16; i++)
        assert_int_equal(slowq_push(q, &flood[i], "198.51.100.0/24", SLOWQ_NORMAL, 0), 0);
    assert_int_equal(slowq_push(q, &owner, "192.0.2.0/24", SLOWQ_NORMAL, 0), 0);
    /* the owner's network gets the second turn, not the seventeenth */
    assert_ptr_equal(slowq_pop(q, 0, NULL), &flood[0]);
    assert_ptr_equal(slowq_pop(q, 0, NULL), &owner);
    for (int i = 1; i < 16; i++)
        assert_ptr_equal(slowq_pop(q, 0, NULL), &flood[i]);
    assert_null(slowq_pop(q, 0, NULL));
    slowq_free(q);
}

static void known_browsers_go_first_and_have_room_of_their_own(void **state)
{
    (void)state;
    struct slowq *q = slowq_new(totals, 64);
    static int normal[64], known;
    for (int i = 0; i < 64; i++)
        assert_int_equal(slowq_push(q, &normal[i], "net", SLOWQ_NORMAL, 0), 0);
    assert_int_equal(slowq_push(q, &normal[0], "other", SLOWQ_NORMAL, 0), -1);
    assert_int_equal(slowq_push(q, &known, "u:42", SLOWQ_PRIORITY, 0), 0);
    assert_int_equal(slowq_count(q, SLOWQ_NORMAL), 64);
    assert_int_equal(slowq_count(q, SLOWQ_PRIORITY), 1);
    assert_ptr_equal(slowq_pop(q, 0, NULL), &known);
    while (slowq_pop(q, 0, NULL) != NULL)
        ;
    assert_int_equal(slowq_count(q, SLOWQ_NORMAL), 0);
    slowq_free(q);
}

static void a_bucket_holds_at_most_its_share(void **state)
{
    (void)state;
    struct slowq *q = slowq_new(totals, 2);
    static int a, b, c;
    assert_int_equal(slowq_push(q, &a, "x", SLOWQ_NORMAL, 0), 0);
    assert_int_equal(slowq_push(q, &b, "x", SLOWQ_NORMAL, 500), 0);
    assert_int_equal(slowq_push(q, &c, "x", SLOWQ_NORMAL, 0), -1);
    assert_int_equal(slowq_push(q, &c, "y", SLOWQ_NORMAL, 0), 0);
    assert_ptr_equal(slowq_pop(q, 0, NULL), &a);
    assert_ptr_equal(slowq_pop(q, 0, NULL), &c);
    /* its room comes back when a job leaves */
    assert_int_equal(slowq_push(q, &a, "x", SLOWQ_NORMAL, 0), 0);
    slowq_free(q);
}

static void delayed_jobs_wait_without_taking_a_turn(void **state)
{
    (void)state;
    struct slowq *q = slowq_new(totals, 16);
    static int late, early, now;
    int64_t wake = -1;
    assert_int_equal(slowq_push(q, &late, "a", SLOWQ_NORMAL, 2000), 0);
    assert_int_equal(slowq_push(q, &early, "b", SLOWQ_NORMAL, 1000), 0);
    assert_null(slowq_pop(q, 500, &wake));
    assert_int_equal(wake, 1000);
    assert_int_equal(slowq_push(q, &now, "a", SLOWQ_NORMAL, 0), 0);
    assert_ptr_equal(slowq_pop(q, 500, &wake), &now);
    assert_ptr_equal(slowq_pop(q, 1500, &wake), &early);
    assert_int_equal(wake, 2000);
    assert_null(slowq_pop(q, 1500, &wake));
    /* draining takes everything, whatever its time */
    assert_ptr_equal(slowq_pop(q, INT64_MAX, &wake), &late);
    assert_int_equal(wake, 0);
    slowq_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_flood_from_one_bucket_waits_behind_itself),
        cmocka_unit_test(known_browsers_go_first_and_have_room_of_their_own),
        cmocka_unit_test(a_bucket_holds_at_most_its_share),
        cmocka_unit_test(delayed_jobs_wait_without_taking_a_turn),
    };
    return cmocka_run_group_tests_name("slowq", tests, NULL, NULL);
}
