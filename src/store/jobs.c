/* jobs.c: the jobs table and the scheduler thread (see jobs.h). A claim is
 * a conditional write in a short transaction of its own: the job's row gets
 * this server's name and a time its claim lapses, only if no live claim is
 * there; the job then runs in a transaction of its own, and its row is
 * deleted, moved to its next run, or moved later after a failure. */
#include "store/jobs.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/ticker.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/db.h"

enum { KINDS_MAX = 32, RUN_DUE_MAX = 100 };

static const struct job_kind *kinds[KINDS_MAX];
static int nkinds;
static char me[48]; /* this server, in claims: host-pid-random */
static struct ticker ticker;

void jobs_register(const struct job_kind *kind)
{
    if (nkinds == KINDS_MAX)
        fatal("too many job kinds");
    kinds[nkinds++] = kind;
}

static const struct job_kind *kind_named(const char *name)
{
    for (int i = 0; i < nkinds; i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

int jobs_schedule(const char *kind, const char *key, int64_t run_at, const char *payload)
{
    int rc = db_exec("INSERT INTO jobs (id, kind, key, run_at, payload, attempts, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (kind, key) DO UPDATE SET"
                     " run_at = excluded.run_at, payload = excluded.payload, attempts = 0,"
                     " locked_by = NULL, locked_until = NULL, last_error = NULL",
                     "issisi", id_new(), kind, key, run_at, payload ? payload : "", clock_now_ms());
    return rc < 0 ? rc : 0;
}

int jobs_cancel(const char *kind, const char *key)
{
    int rc = db_exec("DELETE FROM jobs WHERE kind = $1 AND key = $2", "ss", kind, key);
    return rc < 0 ? rc : 0;
}

struct claim {
    int64_t now;
    json_t *job; /* {id, kind, key, payload, attempts} once claimed */
};

static int claim_tx(void *arg)
{
    struct claim *c = arg;
    json_t *picked;
    int rc = db_row(&picked, db_backend_here()->pick_job, "i:d", c->now);
    if (rc == DB_NOT_FOUND)
        return 0;
    if (rc != DB_OK)
        return rc;
    int64_t id = id_from(json_object_get(picked, "id"));
    json_decref(picked);
    int changed = db_exec("UPDATE jobs SET locked_by = $2, locked_until = $3,"
                          " attempts = attempts + 1 WHERE id = $1"
                          " AND (locked_until IS NULL OR locked_until < $4)",
                          "isii", id, me, c->now + JOBS_CLAIM_MS, c->now);
    if (changed < 0)
        return changed;
    if (changed == 0) /* another server claimed it first */
        return 0;
    return db_row(&c->job, "SELECT id, kind, key, payload, attempts FROM jobs WHERE id = $1",
                  "i:dsssi", id);
}

struct running_job {
    const struct job_kind *kind;
    const char *key, *payload;
};

static int run_tx(void *arg)
{
    const struct running_job *r = arg;
    return r->kind->run(r->key, r->payload) == 0 ? 0 : DB_ERROR;
}

/* Runs a claimed job and records how it went. */
static void run_claimed(json_t *job, int64_t now)
{
    int64_t id = id_from(json_object_get(job, "id"));
    int64_t attempts = json_integer_value(json_object_get(job, "attempts"));
    const char *name = json_string_value(json_object_get(job, "kind"));
    struct running_job r = {kind_named(name), json_string_value(json_object_get(job, "key")),
                            json_string_value(json_object_get(job, "payload"))};
    int rc = r.kind != NULL ? db_tx(run_tx, &r) : DB_ERROR;
    if (rc >= 0 && r.kind->every_ms > 0) {
        db_exec("UPDATE jobs SET run_at = $3, attempts = 0, locked_by = NULL, locked_until = NULL,"
                " last_error = NULL WHERE id = $1 AND locked_by = $2",
                "isi", id, me, clock_now_ms() + r.kind->every_ms);
    } else if (rc >= 0) {
        db_exec("DELETE FROM jobs WHERE id = $1 AND locked_by = $2", "is", id, me);
    } else if (attempts >= JOBS_ATTEMPTS) {
        log_error("jobs: %s %s failed %lld times and was dropped", name,
                  json_string_value(json_object_get(job, "key")), (long long)attempts);
        db_exec("DELETE FROM jobs WHERE id = $1 AND locked_by = $2", "is", id, me);
    } else {
        int64_t wait = (int64_t)JOBS_BACKOFF_MS << (attempts < 12 ? attempts - 1 : 11);
        log_error("jobs: %s %s failed (attempt %lld); it runs again in %lld s", name,
                  json_string_value(json_object_get(job, "key")), (long long)attempts,
                  (long long)(wait / 1000));
        db_exec("UPDATE jobs SET run_at = $3, locked_by = NULL, locked_until = NULL,"
                " last_error = $4 WHERE id = $1 AND locked_by = $2",
                "isis", id, me, now + wait, r.kind ? "failed" : "no such kind on this server");
    }
}

/* This server's name in claims, made once. */
static void name_me(void)
{
    char host[32] = "";
    gethostname(host, sizeof(host) - 1);
    snprintf(me, sizeof(me), "%.24s-%d-%08x", host, (int)getpid(), randombytes_random());
}

int jobs_run_due(void)
{
    static pthread_once_t named = PTHREAD_ONCE_INIT;
    pthread_once(&named, name_me);
    int ran = 0;
    for (; ran < RUN_DUE_MAX; ran++) {
        struct claim c = {clock_now_ms(), NULL};
        if (db_tx(claim_tx, &c) < 0 || c.job == NULL)
            break;
        run_claimed(c.job, c.now);
        json_decref(c.job);
    }
    return ran;
}

static void scheduler(void *arg)
{
    (void)arg;
    jobs_run_due();
}

int jobs_start(void)
{
    int64_t now = clock_now_ms();
    for (int i = 0; i < nkinds; i++) {
        if (kinds[i]->every_ms <= 0)
            continue;
        if (db_exec("INSERT INTO jobs (id, kind, key, run_at, payload, attempts, created_at)"
                    " VALUES ($1, $2, 'every', $3, '', 0, $3) ON CONFLICT (kind, key) DO NOTHING",
                    "isi", id_new(), kinds[i]->name, now) < 0)
            return -1;
    }
    return ticker_start(&ticker, JOBS_POLL_MS, scheduler, NULL);
}

void jobs_stop(void)
{
    ticker_stop(&ticker);
    nkinds = 0;
}
