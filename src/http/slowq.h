/* slowq.h: the queue of costly requests (password hashing), shared fairly.
 *
 * Each job belongs to a bucket (a network, or a signed-in person) and to a
 * class: SLOWQ_PRIORITY (a browser or client that logged in to the account
 * before) is always served before SLOWQ_NORMAL. Within a class, buckets take
 * turns: one job from each bucket that has any, round and round, so a flood
 * from one network waits behind itself and not in front of everyone else.
 * A job may carry a time before which it must not run (a login delay); it
 * waits in the queue without taking a turn until then.
 *
 * Each bucket holds at most per_bucket jobs and each class at most its own
 * total, so a flood in the normal class never refuses a known browser. The
 * queue does no locking: the caller holds its own mutex. */
#ifndef HEARTH_SLOWQ_H
#define HEARTH_SLOWQ_H
#include <stddef.h>
#include <stdint.h>

enum slowq_class { SLOWQ_PRIORITY, SLOWQ_NORMAL, SLOWQ_CLASSES };
enum { SLOWQ_KEY_MAX = 64 };

struct slowq;

/* A queue holding at most totals[class] jobs per class, per_bucket per
 * bucket. Aborts when memory runs out. */
struct slowq *slowq_new(const size_t totals[SLOWQ_CLASSES], size_t per_bucket);
/* Frees the queue (jobs still in it are dropped: drain it first). */
void slowq_free(struct slowq *q);
/* Adds job (not NULL) to the bucket named key (truncated to SLOWQ_KEY_MAX-1
 * bytes) of cls, not to run before not_before_ns (0: at once). Returns 0, or
 * -1 when the bucket or the class is full. */
int slowq_push(struct slowq *q, void *job, const char *key, enum slowq_class cls,
               int64_t not_before_ns);
/* Takes the next job that may run at now_ns, or NULL. When it returns NULL
 * and jobs are waiting for their time, *wake_ns gets the earliest such time
 * (else 0). With now_ns = INT64_MAX every job may run (draining). */
void *slowq_pop(struct slowq *q, int64_t now_ns, int64_t *wake_ns);
/* Jobs queued in class cls, waiting or not. */
size_t slowq_count(const struct slowq *q, enum slowq_class cls);

#endif
