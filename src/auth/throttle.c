/* throttle.c: an open-addressed table of (key hash, window start, count),
 * bounded in size, so memory stays fixed whatever an attacker sends. A new
 * key takes an empty or expired slot near its hash, else the oldest slot
 * that is not blocked; a blocked key is never pushed out by others, so
 * flooding the table with fresh keys cannot free it. When every nearby slot
 * is blocked the new key goes uncounted: filling the table that way takes
 * far more failures than password hashing allows in a window. */
#include "auth/throttle.h"

#include <pthread.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { THROTTLE_SLOTS = 16384, THROTTLE_PROBE = 32 };

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

static bool expired(const struct throttle *t, const struct slot *s, int64_t now)
{
    return s->key == 0 || now - s->start >= t->window;
}

/* Finds key's slot; with create, claims an empty or expired one, else the
 * oldest that is not blocked. NULL when there is none. */
static struct slot *find(struct throttle *t, uint64_t key, int64_t now, int create)
{
    size_t base = (size_t)(key % THROTTLE_SLOTS);
    struct slot *victim = NULL;
    for (size_t i = 0; i < THROTTLE_PROBE; i++) {
        struct slot *s = &t->slots[(base + i) % THROTTLE_SLOTS];
        if (s->key == key)
            return s;
        if (!create || (victim != NULL && expired(t, victim, now)))
            continue;
        if (expired(t, s, now))
            victim = s;
        else if (s->count < t->limit && (victim == NULL || s->start < victim->start))
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

int throttle_count(struct throttle *t, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, hash_key(t, key), now_ms, 0);
    int n = s != NULL && now_ms - s->start < t->window ? s->count : 0;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, hash_key(t, key), now_ms, 1);
    if (s != NULL) {
        if (now_ms - s->start >= t->window) {
            s->start = now_ms;
            s->count = 0;
        }
        if (s->count < INT32_MAX)
            s->count++;
    }
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
