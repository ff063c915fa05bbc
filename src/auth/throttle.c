/* throttle.c: an open-addressed table of (key hash, window start, count),
 * bounded in size. When the table is full the entry whose window started
 * longest ago is reused, so memory stays fixed whatever an attacker sends. */
#include "auth/throttle.h"

#include <pthread.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { THROTTLE_SLOTS = 8192, THROTTLE_PROBE = 16 };

struct slot {
    uint64_t key; /* 0 = empty */
    int64_t start;
    int count;
};

struct throttle {
    pthread_mutex_t lock;
    int limit;
    int64_t window;
    unsigned char salt[crypto_shorthash_KEYBYTES];
    struct slot slots[THROTTLE_SLOTS];
};

struct throttle *throttle_new(int limit, int64_t window_ms)
{
    struct throttle *t = xcalloc(1, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    t->limit = limit;
    t->window = window_ms;
    randombytes_buf(t->salt, sizeof(t->salt));
    return t;
}

void throttle_free(struct throttle *t)
{
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static uint64_t hash_key(const struct throttle *t, const char *key)
{
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), t->salt);
    return h ? h : 1;
}

/* Finds key's slot; with create, claims an empty, expired or oldest one. */
static struct slot *find(struct throttle *t, uint64_t key, int64_t now, int create)
{
    size_t base = (size_t)(key % THROTTLE_SLOTS);
    struct slot *victim = NULL;
    for (size_t i = 0; i < THROTTLE_PROBE; i++) {
        struct slot *s = &t->slots[(base + i) % THROTTLE_SLOTS];
        if (s->key == key)
            return s;
        if (!create)
            continue;
        bool free_slot = s->key == 0 || now - s->start >= t->window;
        if (free_slot && (victim == NULL || victim->key != 0))
            victim = s;
        else if (victim == NULL || (victim->key != 0 && s->start < victim->start))
            victim = s;
    }
    if (victim != NULL) {
        victim->key = key;
        victim->start = now;
        victim->count = 0;
    }
    return victim;
}

int throttle_wait(struct throttle *t, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, hash_key(t, key), now_ms, 0);
    int wait = 0;
    if (s != NULL && now_ms - s->start < t->window && s->count >= t->limit) {
        int64_t ms = s->start + t->window - now_ms;
        wait = (int)((ms + 999) / 1000);
        if (wait < 1)
            wait = 1;
    }
    pthread_mutex_unlock(&t->lock);
    return wait;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, hash_key(t, key), now_ms, 1);
    if (now_ms - s->start >= t->window) {
        s->start = now_ms;
        s->count = 0;
    }
    s->count++;
    pthread_mutex_unlock(&t->lock);
}

void throttle_clear(struct throttle *t, const char *key)
{
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, hash_key(t, key), 0, 0);
    if (s != NULL)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&t->lock);
}
