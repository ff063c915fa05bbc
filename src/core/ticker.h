/* ticker.h: a thread that calls a function at a fixed interval until it is
 * stopped: the connection watchdog, the events' heartbeat and the jobs'
 * scheduler each run on one. */
#ifndef HEARTH_TICKER_H
#define HEARTH_TICKER_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct ticker {
    void (*tick)(void *arg);
    void *arg;
    int64_t every_ms;
    bool running;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
};

/* Starts a thread calling tick(arg) every every_ms (the first call once
 * every_ms has passed). Returns 0 or -1. */
int ticker_start(struct ticker *t, int64_t every_ms, void (*tick)(void *arg), void *arg);
/* Stops it: a call in progress finishes, then the thread ends. Safe to call
 * on a ticker that never started or has stopped. */
void ticker_stop(struct ticker *t);

#endif
