/* clock.h: wall-clock time for stored timestamps, monotonic time for
 * durations.
 *
 * Tests move the wall clock: in a test build (compiled with
 * HEARTH_TEST_CLOCK, as `make test` builds the server), when
 * HEARTH_CLOCK_FILE names a file at start-up, its content (a signed number of
 * milliseconds) is added to the real time. The file is read again whenever
 * it changes. A release build has no such code: it always tells real time. */
#ifndef HEARTH_CLOCK_H
#define HEARTH_CLOCK_H
#include <stdint.h>

/* Reads HEARTH_CLOCK_FILE once in a test build; call at start-up. */
void clock_init(void);
/* Milliseconds since the Unix epoch, UTC (plus the test offset, if any). */
int64_t clock_now_ms(void);
/* Monotonic nanoseconds, for measuring durations only. */
int64_t clock_mono_ns(void);

#endif
