/* store_fixture.h: for unit tests of code on the store. Each test gets a
 * fresh database of the engine under test: SQLite, or PostgreSQL when
 * HEARTH_TEST_PG names a server (scripts/test.sh starts one), migrated with
 * the test's own tables. Include once per test program. */
#ifndef HEARTH_STORE_FIXTURE_H
#define HEARTH_STORE_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/assets.h"
#include "store/backend.h"
#include "store/db.h"

#define FILE_OF(name, text)                                                                        \
    {                                                                                              \
        name, text, sizeof(text) - 1                                                               \
    }

static const char *const modules[] = {"t", NULL};

static const char *pg; /* the server's URL, when the tests run on PostgreSQL */
static char url[512];
static int seq;

/* A fresh database of the engine under test with the migrations given
 * (module "t"), open as the store's. */
static int store_fresh(void **state, const struct asset *migrations)
{
    (void)state;
    seq++;
    if (pg == NULL) {
        snprintf(url, sizeof(url), "sqlite:/tmp/hearth-test-db-%d-%d.db", (int)getpid(), seq);
        unlink(url + 7);
    } else {
        char admin[600], sql[80];
        snprintf(admin, sizeof(admin), "%s/postgres", pg);
        snprintf(sql, sizeof(sql), "CREATE DATABASE unit_%d_%d", (int)getpid(), seq);
        if (db_shell(admin, sql, stderr) != DB_OK)
            return -1;
        snprintf(url, sizeof(url), "%s/unit_%d_%d", pg, (int)getpid(), seq);
    }
    db_migrations_override(migrations);
    return db_open(url, modules) == DB_OK ? 0 : -1;
}

static int store_done(void **state)
{
    (void)state;
    db_close();
    db_migrations_override(NULL);
    if (pg == NULL) {
        char wal[600];
        unlink(url + 7);
        snprintf(wal, sizeof(wal), "%s-wal", url + 7);
        unlink(wal);
        snprintf(wal, sizeof(wal), "%s-shm", url + 7);
        unlink(wal);
    } else {
        char admin[600], sql[96];
        snprintf(admin, sizeof(admin), "%s/postgres", pg);
        snprintf(sql, sizeof(sql), "DROP DATABASE unit_%d_%d WITH (FORCE)", (int)getpid(), seq);
        db_shell(admin, sql, stderr);
    }
    return 0;
}

/* Reads which engine the tests run on; call first in main. */
static void store_engine(void)
{
    pg = getenv("HEARTH_TEST_PG");
    if (pg != NULL && *pg == '\0')
        pg = NULL;
}

#endif
