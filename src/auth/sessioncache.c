/* sessioncache.c: a direct-mapped table behind one lock, indexed by the
 * start of the token's hash (itself uniform); a hit copies the row out. */
#include "auth/sessioncache.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "store/db.h"

enum { HASH_TEXT = 65 };

struct entry {
    char hash[HASH_TEXT];
    uint64_t mark;
    int64_t expires_ns;
    json_t *row;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry slots[SESSION_CACHE_SLOTS];

int session_cache_init(void)
{
    static const char *const tables[] = {"sessions", "session_tokens", "users", "memberships",
                                         "couples"};
    for (size_t i = 0; i < ARRAY_LEN(tables); i++)
        if (db_watch(tables[i]) != DB_OK)
            return -1;
    return 0;
}

uint64_t session_cache_mark(void)
{
    return db_watch_mark();
}

static struct entry *slot(const char *hash)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the first 16 characters */
    for (int i = 0; i < 16; i++)
        h = (h ^ (unsigned char)hash[i]) * 1099511628211ULL;
    return &slots[h % SESSION_CACHE_SLOTS];
}

json_t *session_cache_get(const char *hash, uint64_t mark)
{
    if (mark == 0 || strlen(hash) != HASH_TEXT - 1)
        return NULL;
    json_t *row = NULL;
    pthread_mutex_lock(&lock);
    struct entry *e = slot(hash);
    if (e->row != NULL && e->mark == mark && strcmp(e->hash, hash) == 0 &&
        clock_mono_ns() < e->expires_ns)
        row = json_deep_copy(e->row);
    pthread_mutex_unlock(&lock);
    return row;
}

void session_cache_put(const char *hash, uint64_t mark, const json_t *row)
{
    if (mark == 0 || strlen(hash) != HASH_TEXT - 1)
        return;
    json_t *copy = json_deep_copy(row);
    pthread_mutex_lock(&lock);
    struct entry *e = slot(hash);
    json_t *old = e->row;
    memcpy(e->hash, hash, HASH_TEXT);
    e->mark = mark;
    e->expires_ns = clock_mono_ns() + (int64_t)SESSION_CACHE_TTL_MS * 1000000;
    e->row = copy;
    pthread_mutex_unlock(&lock);
    json_decref(old);
}

void session_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++) {
        json_decref(slots[i].row);
        slots[i].row = NULL;
    }
    pthread_mutex_unlock(&lock);
}
