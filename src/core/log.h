/* log.h: one-line logs to stderr. Never pass secrets or private content. */
#ifndef HEARTH_LOG_H
#define HEARTH_LOG_H

/* Writes "TIME LEVEL message" as one line, atomically, to stderr. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
