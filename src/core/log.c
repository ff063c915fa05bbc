/* log.c: timestamps and whole-line write(2) calls so lines from worker
 * threads never interleave. While the server runs, lines are gathered in one
 * buffer under a mutex and written by whoever fills it, or by a thread that
 * wakes LOG_BATCH_MS after the first line of a batch: a write a request costs
 * as much as the rest of a kept page, and it wakes whoever reads the log. */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    LOG_LINE_MAX = 1024,
    LOG_BATCH_MS = 10,           /* the longest a gathered line waits */
    LOG_BATCH_BYTES = 16 * 1024, /* gathered lines written at once */
    LOG_FLUSH_BYTES = 8 * 1024,  /* written by the thread that passes this */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t first_line = PTHREAD_COND_INITIALIZER;
static char batch[LOG_BATCH_BYTES];
static size_t batch_len;
static bool gathering, stopping;
static pthread_t writer;

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to log to: nothing else to do */
        p += w;
        n -= (size_t)w;
    }
}

/* with the lock held */
static void flush_batch(void)
{
    write_all(batch, batch_len);
    batch_len = 0;
}

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        if (batch_len == 0) {
            pthread_cond_wait(&first_line, &lock);
            continue;
        }
        /* a batch has begun: let it gather for LOG_BATCH_MS */
        pthread_mutex_unlock(&lock);
        struct timespec pause = {0, LOG_BATCH_MS * 1000000L};
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&lock);
        flush_batch();
    }
    flush_batch();
    pthread_mutex_unlock(&lock);
    return NULL;
}

int log_gather(void)
{
    pthread_mutex_lock(&lock);
    stopping = false;
    gathering = pthread_create(&writer, NULL, writer_main, NULL) == 0;
    pthread_mutex_unlock(&lock);
    return gathering ? 0 : -1;
}

void log_scatter(void)
{
    pthread_mutex_lock(&lock);
    bool was = gathering;
    gathering = false;
    stopping = true;
    pthread_cond_signal(&first_line);
    pthread_mutex_unlock(&lock);
    if (was)
        pthread_join(writer, NULL);
}

static size_t format_line(char *line, size_t cap, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* "TIME LEVEL message\n" into line (cap bytes), cut short when too long;
 * returns its length. */
static size_t format_line(char *line, size_t cap, const char *level, const char *fmt, va_list ap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(line, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    int m = snprintf(line + n, cap - n, ".%03ldZ %s ", ts.tv_nsec / 1000000, level);
    if (m > 0)
        n += (size_t)m;
    int k = vsnprintf(line + n, cap - n - 1, fmt, ap);
    if (k > 0)
        n += (size_t)k < cap - n - 1 ? (size_t)k : cap - n - 2;
    line[n++] = '\n';
    return n;
}

/* Writes the line now, or gathers it; urgent: with all before it, now. */
static void emit(const char *line, size_t n, bool urgent)
{
    pthread_mutex_lock(&lock);
    if (!gathering) {
        write_all(line, n);
    } else {
        if (batch_len + n > sizeof(batch))
            flush_batch();
        memcpy(batch + batch_len, line, n);
        if (batch_len == 0)
            pthread_cond_signal(&first_line);
        batch_len += n;
        if (urgent || batch_len >= LOG_FLUSH_BYTES)
            flush_batch();
    }
    pthread_mutex_unlock(&lock);
}

static void log_line(const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    size_t n = format_line(line, sizeof(line), level, fmt, ap);
    emit(line, n, strcmp(level, "error") == 0);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("error", fmt, ap);
    va_end(ap);
}
