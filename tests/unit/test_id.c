/* Unit tests for ids (src/core/id.c). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/id.h"

enum { PER_THREAD = 20000 };

static void *take_ordered(void *arg)
{
    int64_t *ids = arg;
    for (int i = 0; i < PER_THREAD; i++)
        ids[i] = id_new_ordered();
    return NULL;
}

/* Many ids fall in one millisecond, where id_new's random bits decide the
 * order; id_new_ordered keeps the order of the calls, across threads. */
static void ordered_ids_rise_with_every_call(void **state)
{
    (void)state;
    static int64_t a[PER_THREAD], b[PER_THREAD];
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, take_ordered, b), 0);
    take_ordered(a);
    pthread_join(t, NULL);
    for (int i = 1; i < PER_THREAD; i++) {
        assert_true(a[i] > a[i - 1]);
        assert_true(b[i] > b[i - 1]);
        assert_true(a[i] & 1);
    }
    for (int i = 0, j = 0; i < PER_THREAD && j < PER_THREAD;) { /* no id twice */
        assert_true(a[i] != b[j]);
        if (a[i] < b[j])
            i++;
        else
            j++;
    }
    int64_t parsed;
    assert_int_equal(id_parse("0", 1, &parsed), -1);
    assert_int_equal(id_parse("12345678901234567890", 20, &parsed), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordered_ids_rise_with_every_call),
    };
    return cmocka_run_group_tests_name("id", tests, NULL, NULL);
}
