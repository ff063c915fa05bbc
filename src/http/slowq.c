/* slowq.c: a fair queue (round robin over buckets, two classes) with
 * delayed jobs. Buckets live in a small chained hash table and exist only
 * while they hold jobs; jobs that must wait sit in one list sorted by time
 * and join their bucket's line when their time comes. */
#include "http/slowq.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { HASH_HEADS = 256 };

struct node {
    void *job;
    int64_t not_before;
    struct bucket *bucket;
    struct node *next;
};

struct bucket {
    char key[SLOWQ_KEY_MAX];
    enum slowq_class cls;
    struct node *head, *tail; /* jobs ready to run, oldest first */
    size_t count;             /* ready and waiting */
    bool in_ring;
    struct bucket *ring_next; /* the next bucket whose turn comes */
    struct bucket *hash_next;
};

struct slowq {
    size_t totals[SLOWQ_CLASSES], per_bucket;
    size_t count[SLOWQ_CLASSES];
    struct bucket *ring_head[SLOWQ_CLASSES], *ring_tail[SLOWQ_CLASSES];
    struct node *waiting; /* sorted by not_before */
    struct bucket *heads[HASH_HEADS];
};

struct slowq *slowq_new(const size_t totals[SLOWQ_CLASSES], size_t per_bucket)
{
    struct slowq *q = xcalloc(1, sizeof(*q));
    memcpy(q->totals, totals, sizeof(q->totals));
    q->per_bucket = per_bucket;
    return q;
}

void slowq_free(struct slowq *q)
{
    if (q == NULL)
        return;
    for (size_t h = 0; h < HASH_HEADS; h++) {
        for (struct bucket *b = q->heads[h], *next; b != NULL; b = next) {
            next = b->hash_next;
            for (struct node *n = b->head, *nn; n != NULL; n = nn) {
                nn = n->next;
                free(n);
            }
            free(b);
        }
    }
    for (struct node *n = q->waiting, *nn; n != NULL; n = nn) {
        nn = n->next;
        free(n);
    }
    free(q);
}

static size_t hash_of(const char *key, enum slowq_class cls)
{
    uint32_t h = 2166136261u ^ (uint32_t)cls;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % HASH_HEADS;
}

static struct bucket *find_bucket(struct slowq *q, const char *key, enum slowq_class cls,
                                  bool create)
{
    char k[SLOWQ_KEY_MAX];
    snprintf(k, sizeof(k), "%s", key);
    size_t h = hash_of(k, cls);
    for (struct bucket *b = q->heads[h]; b != NULL; b = b->hash_next)
        if (b->cls == cls && strcmp(b->key, k) == 0)
            return b;
    if (!create)
        return NULL;
    struct bucket *b = xcalloc(1, sizeof(*b));
    memcpy(b->key, k, sizeof(k));
    b->cls = cls;
    b->hash_next = q->heads[h];
    q->heads[h] = b;
    return b;
}

static void drop_bucket(struct slowq *q, struct bucket *b)
{
    struct bucket **link = &q->heads[hash_of(b->key, b->cls)];
    while (*link != b)
        link = &(*link)->hash_next;
    *link = b->hash_next;
    free(b);
}

/* Gives bucket b a turn after every bucket already waiting for one. */
static void ring_append(struct slowq *q, struct bucket *b)
{
    b->in_ring = true;
    b->ring_next = NULL;
    if (q->ring_tail[b->cls] != NULL)
        q->ring_tail[b->cls]->ring_next = b;
    else
        q->ring_head[b->cls] = b;
    q->ring_tail[b->cls] = b;
}

/* Puts a ready job at the end of its bucket's line. */
static void make_ready(struct slowq *q, struct node *n)
{
    struct bucket *b = n->bucket;
    n->next = NULL;
    if (b->tail != NULL)
        b->tail->next = n;
    else
        b->head = n;
    b->tail = n;
    if (!b->in_ring)
        ring_append(q, b);
}

int slowq_push(struct slowq *q, void *job, const char *key, enum slowq_class cls,
               int64_t not_before_ns)
{
    if (q->count[cls] >= q->totals[cls])
        return -1;
    struct bucket *b = find_bucket(q, key, cls, true);
    if (b->count >= q->per_bucket) {
        if (b->count == 0)
            drop_bucket(q, b);
        return -1;
    }
    struct node *n = xcalloc(1, sizeof(*n));
    n->job = job;
    n->not_before = not_before_ns;
    n->bucket = b;
    b->count++;
    q->count[cls]++;
    if (not_before_ns <= 0) {
        make_ready(q, n);
        return 0;
    }
    struct node **link = &q->waiting;
    while (*link != NULL && (*link)->not_before <= not_before_ns)
        link = &(*link)->next;
    n->next = *link;
    *link = n;
    return 0;
}

void *slowq_pop(struct slowq *q, int64_t now_ns, int64_t *wake_ns)
{
    while (q->waiting != NULL && q->waiting->not_before <= now_ns) {
        struct node *n = q->waiting;
        q->waiting = n->next;
        make_ready(q, n);
    }
    if (wake_ns != NULL)
        *wake_ns = q->waiting != NULL ? q->waiting->not_before : 0;
    for (int cls = 0; cls < SLOWQ_CLASSES; cls++) {
        struct bucket *b = q->ring_head[cls];
        if (b == NULL)
            continue;
        /* this bucket's turn: its oldest job; it goes round again if it has more */
        q->ring_head[cls] = b->ring_next;
        if (q->ring_head[cls] == NULL)
            q->ring_tail[cls] = NULL;
        b->in_ring = false;
        struct node *n = b->head;
        b->head = n->next;
        if (b->head == NULL)
            b->tail = NULL;
        void *job = n->job;
        free(n);
        b->count--;
        q->count[cls]--;
        if (b->head != NULL)
            ring_append(q, b);
        else if (b->count == 0)
            drop_bucket(q, b);
        return job;
    }
    return NULL;
}

size_t slowq_count(const struct slowq *q, enum slowq_class cls)
{
    return q->count[cls];
}
