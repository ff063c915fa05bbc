/* clock.c: clock_gettime, plus the test offset described in clock.h. */
#include "core/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/util.h"

static char *offset_file;
static pthread_mutex_t offset_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t offset_ms;
static struct timespec offset_mtime;

void clock_init(void)
{
#ifdef HEARTH_TEST_CLOCK
    const char *f = getenv("HEARTH_CLOCK_FILE");
    if (f != NULL && *f != '\0')
        offset_file = xstrdup(f);
#endif
}

static int64_t test_offset(void)
{
    struct stat st;
    pthread_mutex_lock(&offset_lock);
    if (stat(offset_file, &st) == 0 &&
        (st.st_mtim.tv_sec != offset_mtime.tv_sec || st.st_mtim.tv_nsec != offset_mtime.tv_nsec)) {
        FILE *fp = fopen(offset_file, "r");
        char line[32] = "";
        if (fp != NULL) {
            if (fgets(line, sizeof(line), fp) != NULL) {
                int64_t v;
                line[strcspn(line, "\r\n")] = '\0';
                if (parse_int64(line, strlen(line), &v) == 0)
                    offset_ms = v;
            }
            fclose(fp);
        }
        offset_mtime = st.st_mtim;
    }
    int64_t v = offset_ms;
    pthread_mutex_unlock(&offset_lock);
    return v;
}

int64_t clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return offset_file != NULL ? now + test_offset() : now;
}

int64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
