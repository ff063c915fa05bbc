/* ticker.c: see ticker.h. The thread waits on a condition variable with a
 * deadline, so ticker_stop ends the wait at once. */
#include "core/ticker.h"

#include <time.h>

static void *loop(void *arg)
{
    struct ticker *t = arg;
    pthread_mutex_lock(&t->lock);
    while (t->running) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns = until.tv_nsec + (t->every_ms % 1000) * 1000000;
        until.tv_sec += (time_t)(t->every_ms / 1000 + ns / 1000000000);
        until.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&t->wake, &t->lock, &until);
        if (!t->running)
            break;
        pthread_mutex_unlock(&t->lock);
        t->tick(t->arg);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

int ticker_start(struct ticker *t, int64_t every_ms, void (*tick)(void *arg), void *arg)
{
    t->tick = tick;
    t->arg = arg;
    t->every_ms = every_ms;
    t->running = true;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    if (pthread_create(&t->thread, NULL, loop, t) != 0) {
        t->running = false;
        return -1;
    }
    return 0;
}

void ticker_stop(struct ticker *t)
{
    if (t->tick == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    bool was = t->running;
    t->running = false;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    if (was)
        pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    t->tick = NULL;
}
