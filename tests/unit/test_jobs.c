/* Unit tests for scheduled jobs (src/store/jobs.h) on SQLite, and on
 * PostgreSQL when HEARTH_TEST_PG names a server: due jobs run once, even
 * with several schedulers at once; failures come back later; standing jobs
 * stay; a job lives in its transaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "store/jobs.h"
#include "store_fixture.h"

static const struct asset *tables(void)
{
    static struct asset list[2];
    const char *data;
    size_t size;
    int owned;
    if (list[0].name == NULL) {
        assert_int_equal(assets_get("migrations/core/002_jobs.sql", &data, &size, &owned), 0);
        list[0] = (struct asset){"migrations/t/001_jobs.sql", data, size};
    }
    return list;
}

static int fresh(void **state)
{
    return store_fresh(state, tables());
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int runs[64]; /* runs per key number */
static int failures_left;

static int count_run(const char *key, const char *payload)
{
    (void)payload;
    int64_t n = 0;
    assert_int_equal(parse_int64(key, strlen(key), &n), 0);
    assert_true(n >= 0 && n < 64);
    pthread_mutex_lock(&lock);
    runs[n]++;
    bool fail = failures_left > 0;
    if (fail)
        failures_left--;
    pthread_mutex_unlock(&lock);
    return fail ? -1 : 0;
}

static const struct job_kind counting = {"count", count_run, 0};
static const struct job_kind standing = {"standing", count_run, 60 * 1000};

static int64_t jobs_count(void)
{
    int64_t n = -1;
    assert_int_equal(db_int(&n, "SELECT count(*) FROM jobs", ""), DB_OK);
    return n;
}

static void reset(void)
{
    memset(runs, 0, sizeof(runs));
    failures_left = 0;
}

static void a_due_job_runs_once_and_a_later_one_waits(void **state)
{
    (void)state;
    reset();
    int64_t now = clock_now_ms();
    assert_int_equal(jobs_schedule("count", "1", now - 1, "p"), 0);
    assert_int_equal(jobs_schedule("count", "2", now + 60 * 60 * 1000, "p"), 0);
    assert_int_equal(jobs_run_due(), 1);
    assert_int_equal(jobs_run_due(), 0);
    assert_int_equal(runs[1], 1);
    assert_int_equal(runs[2], 0);
    assert_int_equal(jobs_count(), 1); /* the done one is gone */
    /* scheduling the same kind and key again moves it */
    assert_int_equal(jobs_schedule("count", "2", now - 1, "p"), 0);
    assert_int_equal(jobs_count(), 1);
    assert_int_equal(jobs_run_due(), 1);
    assert_int_equal(runs[2], 1);
    assert_int_equal(jobs_cancel("count", "2"), 0);
}

static void a_failed_job_runs_again_later_with_a_longer_wait(void **state)
{
    (void)state;
    reset();
    failures_left = 2;
    assert_int_equal(jobs_schedule("count", "3", clock_now_ms() - 1, ""), 0);
    assert_int_equal(jobs_run_due(), 1);
    json_t *row;
    assert_int_equal(db_row(&row, "SELECT run_at, attempts, locked_by FROM jobs", ":iis"), DB_OK);
    int64_t first_wait = json_integer_value(json_object_get(row, "run_at")) - clock_now_ms();
    assert_true(first_wait > JOBS_BACKOFF_MS - 1000 && first_wait <= JOBS_BACKOFF_MS);
    assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 1);
    assert_true(json_is_null(json_object_get(row, "locked_by")));
    json_decref(row);
    assert_int_equal(jobs_run_due(), 0); /* not yet */
    assert_int_equal(db_exec("UPDATE jobs SET run_at = 0", ""), 1);
    assert_int_equal(jobs_run_due(), 1);
    int64_t second_wait = 0;
    assert_int_equal(db_int(&second_wait, "SELECT run_at FROM jobs", ""), DB_OK);
    second_wait -= clock_now_ms();
    assert_true(second_wait > 2 * JOBS_BACKOFF_MS - 1000); /* doubled */
    assert_int_equal(db_exec("UPDATE jobs SET run_at = 0", ""), 1);
    assert_int_equal(jobs_run_due(), 1);
    assert_int_equal(runs[3], 3);
    assert_int_equal(jobs_count(), 0);
}

static void a_job_failing_every_time_is_dropped_after_its_attempts(void **state)
{
    (void)state;
    reset();
    failures_left = 1000;
    assert_int_equal(jobs_schedule("count", "4", 0, ""), 0);
    for (int i = 0; i < JOBS_ATTEMPTS; i++) {
        assert_int_equal(db_exec("UPDATE jobs SET run_at = 0", ""), 1);
        assert_int_equal(jobs_run_due(), 1);
    }
    assert_int_equal(runs[4], JOBS_ATTEMPTS);
    assert_int_equal(jobs_count(), 0);
}

static void a_standing_job_comes_back_after_its_interval(void **state)
{
    (void)state;
    reset();
    assert_int_equal(jobs_schedule("standing", "5", 0, ""), 0);
    assert_int_equal(jobs_run_due(), 1);
    int64_t next = 0;
    assert_int_equal(db_int(&next, "SELECT run_at FROM jobs WHERE kind = 'standing'", ""), DB_OK);
    assert_true(next - clock_now_ms() > 59 * 1000);
    assert_int_equal(jobs_run_due(), 0);
    assert_int_equal(runs[5], 1);
}

static void a_lapsed_claim_is_taken_again_and_a_live_one_is_not(void **state)
{
    (void)state;
    reset();
    assert_int_equal(jobs_schedule("count", "6", 0, ""), 0);
    /* another server claimed it and is still within its claim */
    assert_int_equal(db_exec("UPDATE jobs SET locked_by = 'other', locked_until = $1", "i",
                             clock_now_ms() + 60 * 1000),
                     1);
    assert_int_equal(jobs_run_due(), 0);
    /* that server died: its claim lapses, and this one runs the job */
    assert_int_equal(db_exec("UPDATE jobs SET locked_until = 1", ""), 1);
    assert_int_equal(jobs_run_due(), 1);
    assert_int_equal(runs[6], 1);
}

static int schedule_then_fail(void *arg)
{
    (void)arg;
    if (jobs_schedule("count", "7", 0, "") != 0)
        return DB_ERROR;
    return DB_ERROR; /* the transaction rolls back, and the job with it */
}

static void a_job_scheduled_in_a_failed_transaction_never_was(void **state)
{
    (void)state;
    reset();
    assert_true(db_tx(schedule_then_fail, NULL) < 0);
    assert_int_equal(jobs_count(), 0);
}

static void *scheduler_thread(void *arg)
{
    int *ran = arg;
    for (int i = 0; i < 20; i++)
        *ran += jobs_run_due();
    return NULL;
}

/* Three schedulers at once (as three servers would) over forty due jobs:
 * each job runs exactly once. */
static void several_schedulers_run_each_job_once(void **state)
{
    (void)state;
    reset();
    enum { JOBS = 40 };
    for (int i = 10; i < 10 + JOBS; i++) {
        char key[16];
        snprintf(key, sizeof(key), "%d", i);
        assert_int_equal(jobs_schedule("count", key, 0, ""), 0);
    }
    pthread_t t[3];
    int ran[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, scheduler_thread, &ran[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(ran[0] + ran[1] + ran[2], JOBS);
    for (int i = 10; i < 10 + JOBS; i++)
        assert_int_equal(runs[i], 1);
    assert_int_equal(jobs_count(), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fresh, store_done)

int main(void)
{
    store_engine();
    jobs_register(&counting);
    jobs_register(&standing);
    const struct CMUnitTest tests[] = {
        T(a_due_job_runs_once_and_a_later_one_waits),
        T(a_failed_job_runs_again_later_with_a_longer_wait),
        T(a_job_failing_every_time_is_dropped_after_its_attempts),
        T(a_standing_job_comes_back_after_its_interval),
        T(a_lapsed_claim_is_taken_again_and_a_live_one_is_not),
        T(a_job_scheduled_in_a_failed_transaction_never_was),
        T(several_schedulers_run_each_job_once),
    };
    return cmocka_run_group_tests_name(pg ? "jobs (PostgreSQL)" : "jobs (SQLite)", tests, NULL,
                                       NULL);
}
