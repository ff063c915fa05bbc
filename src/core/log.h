/* log.h: one-line logs to stderr. Never pass secrets or private content. */
#ifndef HEARTH_LOG_H
#define HEARTH_LOG_H

/* Writes "TIME LEVEL message" as one line to stderr; lines from different
 * threads never interleave. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* While the server runs, info lines are gathered and written together, at
 * most LOG_BATCH_MS after the first of them (an error line at once, after
 * those before it): one write for hundreds of access-log lines. log_gather
 * returns -1 if its thread cannot start, and lines are then written one by
 * one; log_scatter writes what is gathered and goes back to that. */
int log_gather(void);
void log_scatter(void);

#endif
