/* cache.c: a direct-mapped table of guide pages' shared parts, behind one
 * lock: a lookup copies two references out, so the lock is held for a few
 * instructions. An entry is current while the generation it was read at is
 * the generation now and its time has not run out. */
#include "guides/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"

enum { SLUG_MAX = 128 };

struct entry {
    char slug[SLUG_MAX];
    int64_t page;
    uint64_t gen;
    int64_t expires_ms;
    json_t *guide, *section;
};

static const char CHANNEL[] = "guides";
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry slots[GUIDE_CACHE_SLOTS];
static _Atomic uint64_t generation = 1;

static void on_change(const char *payload, void *arg)
{
    (void)payload; /* any payload, "*" after a lost connection too */
    (void)arg;
    guide_cache_clear();
}

int guide_cache_init(void)
{
    return db_listen(CHANNEL, on_change, NULL) == DB_OK ? 0 : -1;
}

int guide_cache_changed(void)
{
    return db_notify(CHANNEL, "changed") == DB_OK ? 0 : -1;
}

uint64_t guide_cache_generation(void)
{
    return atomic_load(&generation);
}

static struct entry *slot(const char *slug, int64_t page)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the slug, then the page */
    for (const char *p = slug; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ (uint64_t)page) * 1099511628211ULL;
    return &slots[h % GUIDE_CACHE_SLOTS];
}

bool guide_cache_get(const char *slug, int64_t page, json_t **guide, json_t **section)
{
    *guide = *section = NULL;
    if (strlen(slug) >= SLUG_MAX)
        return false;
    pthread_mutex_lock(&lock);
    struct entry *e = slot(slug, page);
    bool hit = e->guide != NULL && e->page == page && strcmp(e->slug, slug) == 0 &&
               e->gen == atomic_load(&generation) && clock_now_ms() < e->expires_ms;
    if (hit) {
        *guide = json_incref(e->guide);
        *section = json_incref(e->section);
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

static void drop(struct entry *e)
{
    json_decref(e->guide);
    json_decref(e->section);
    e->guide = e->section = NULL;
}

void guide_cache_put(const char *slug, int64_t page, uint64_t gen, json_t *guide, json_t *section)
{
    if (strlen(slug) >= SLUG_MAX)
        return;
    pthread_mutex_lock(&lock);
    if (gen != atomic_load(&generation)) { /* changed while it was read */
        pthread_mutex_unlock(&lock);
        return;
    }
    struct entry *e = slot(slug, page);
    drop(e);
    snprintf(e->slug, sizeof(e->slug), "%s", slug);
    e->page = page;
    e->gen = gen;
    e->expires_ms = clock_now_ms() + GUIDE_CACHE_TTL_MS;
    e->guide = json_incref(guide);
    e->section = json_incref(section);
    pthread_mutex_unlock(&lock);
}

void guide_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    atomic_fetch_add(&generation, 1);
    for (size_t i = 0; i < GUIDE_CACHE_SLOTS; i++)
        drop(&slots[i]);
    pthread_mutex_unlock(&lock);
}
