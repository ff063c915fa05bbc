/* clock.h: wall-clock time for stored timestamps, monotonic time for
 * durations. */
#ifndef HEARTH_CLOCK_H
#define HEARTH_CLOCK_H
#include <stdint.h>

/* Milliseconds since the Unix epoch, UTC. */
int64_t clock_now_ms(void);
/* Monotonic nanoseconds, for measuring durations only. */
int64_t clock_mono_ns(void);

#endif
