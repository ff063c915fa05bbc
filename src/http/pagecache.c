/* pagecache.c: a direct-mapped table of pages behind one lock, and a table
 * of version counters that couples share by hash. An entry is current while
 * its couple's counter and the global epoch are what they were when it was
 * rendered, and its time has not run out. */
#include "http/pagecache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "store/db.h"

struct entry {
    struct pagecache_key key; /* key.url owned */
    uint64_t version;
    int64_t expires_ms;
    char *body[COMPRESS_CODINGS]; /* as rendered, and compressed once asked for */
    size_t len[COMPRESS_CODINGS];
};

static const char CHANNEL[] = "pages";
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry slots[PAGECACHE_SLOTS];
static size_t bytes; /* held by entries */
static _Atomic uint32_t versions[PAGECACHE_VERSIONS];
static _Atomic uint32_t epoch; /* bumped for every couple at once */

static size_t version_slot(int64_t couple_id)
{
    return (size_t)(((uint64_t)couple_id * 11400714819323198485ULL) >> 52) % PAGECACHE_VERSIONS;
}

uint64_t pagecache_version(int64_t couple_id)
{
    return ((uint64_t)atomic_load(&epoch) << 32) | atomic_load(&versions[version_slot(couple_id)]);
}

void pagecache_bump(int64_t couple_id)
{
    if (couple_id == 0)
        atomic_fetch_add(&epoch, 1);
    else
        atomic_fetch_add(&versions[version_slot(couple_id)], 1);
}

static void on_change(const char *payload, void *arg)
{
    (void)arg;
    int64_t id = 0;
    /* "*", after a lost connection too: every couple */
    if (parse_int64(payload, strlen(payload), &id) != 0)
        id = 0;
    pagecache_bump(id);
}

int pagecache_init(void)
{
    return db_listen(CHANNEL, on_change, NULL) == DB_OK ? 0 : -1;
}

int pagecache_changed(int64_t couple_id)
{
    char payload[24];
    if (couple_id != 0)
        snprintf(payload, sizeof(payload), "%lld", (long long)couple_id);
    else
        snprintf(payload, sizeof(payload), "*");
    return db_notify(CHANNEL, payload) == DB_OK ? 0 : -1;
}

static struct entry *slot(const struct pagecache_key *k)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the session, then the address */
    for (int i = 0; i < 8; i++)
        h = (h ^ (uint8_t)((uint64_t)k->session_id >> (8 * i))) * 1099511628211ULL;
    for (const char *p = k->url; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return &slots[h % PAGECACHE_SLOTS];
}

static bool same(const struct pagecache_key *a, const struct pagecache_key *b)
{
    return a->session_id == b->session_id && a->couple_id == b->couple_id &&
           strcmp(a->day, b->day) == 0 && strcmp(a->url, b->url) == 0;
}

static void drop(struct entry *e)
{
    for (int c = 0; c < COMPRESS_CODINGS; c++) {
        bytes -= e->len[c];
        free(e->body[c]);
    }
    free((char *)e->key.url);
    memset(e, 0, sizeof(*e));
}

/* The current entry of key (lock held), or NULL; a stale one is dropped. */
static struct entry *current(const struct pagecache_key *key)
{
    struct entry *e = slot(key);
    if (e->body[COMPRESS_IDENTITY] == NULL || !same(&e->key, key))
        return NULL;
    if (e->version == pagecache_version(key->couple_id) && clock_now_ms() < e->expires_ms)
        return e;
    drop(e);
    return NULL;
}

static char *copy_of(const char *data, size_t len)
{
    char *copy = xmalloc(len);
    memcpy(copy, data, len);
    return copy;
}

char *pagecache_get(const struct pagecache_key *key, enum compress_coding *coding, size_t *len,
                    uint64_t *version)
{
    char *copy = NULL;
    pthread_mutex_lock(&lock);
    struct entry *e = current(key);
    if (e != NULL) {
        if (e->body[*coding] == NULL)
            *coding = COMPRESS_IDENTITY;
        copy = copy_of(e->body[*coding], e->len[*coding]);
        *len = e->len[*coding];
        *version = e->version;
    }
    pthread_mutex_unlock(&lock);
    return copy;
}

void pagecache_put_coded(const struct pagecache_key *key, uint64_t version,
                         enum compress_coding coding, const char *body, size_t len)
{
    pthread_mutex_lock(&lock);
    struct entry *e = current(key);
    if (e != NULL && e->version == version && e->body[coding] == NULL &&
        bytes + len <= PAGECACHE_BYTES) {
        e->body[coding] = copy_of(body, len);
        e->len[coding] = len;
        bytes += len;
    }
    pthread_mutex_unlock(&lock);
}

void pagecache_put(const struct pagecache_key *key, uint64_t version, const char *body, size_t len)
{
    pthread_mutex_lock(&lock);
    struct entry *e = slot(key);
    if (e->body[COMPRESS_IDENTITY] != NULL)
        drop(e);
    /* a page rendered before a write that committed meanwhile is not kept */
    if (version == pagecache_version(key->couple_id) && bytes + len <= PAGECACHE_BYTES) {
        e->key = *key;
        e->key.url = xstrdup(key->url);
        e->version = version;
        e->expires_ms = clock_now_ms() + PAGECACHE_TTL_MS;
        e->body[COMPRESS_IDENTITY] = copy_of(body, len);
        e->len[COMPRESS_IDENTITY] = len;
        bytes += len;
    }
    pthread_mutex_unlock(&lock);
}

void pagecache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < PAGECACHE_SLOTS; i++)
        if (slots[i].body[COMPRESS_IDENTITY] != NULL)
            drop(&slots[i]);
    pthread_mutex_unlock(&lock);
}
