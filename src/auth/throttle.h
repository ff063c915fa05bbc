/* throttle.h: counts failures per key in fixed windows, in memory. Used for
 * logins: a blocked key waits (429 with Retry-After); nothing is ever locked. */
#ifndef HEARTH_THROTTLE_H
#define HEARTH_THROTTLE_H
#include <stdint.h>

struct throttle;

/* A throttle allowing limit failures per key in each window_ms. */
struct throttle *throttle_new(int limit, int64_t window_ms);
void throttle_free(struct throttle *t);
/* Returns 0 when key may try now, else the seconds to wait (at least 1). */
int throttle_wait(struct throttle *t, const char *key, int64_t now_ms);
/* The failures counted for key in its current window. */
int throttle_count(struct throttle *t, const char *key, int64_t now_ms);
/* Records one failure for key at now_ms. */
void throttle_fail(struct throttle *t, const char *key, int64_t now_ms);
/* Forgets key's failures (after a success). */
void throttle_clear(struct throttle *t, const char *key);

#endif
