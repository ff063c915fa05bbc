/* buf.h: a growable byte buffer with a hard maximum size. Appending past the
 * maximum fails, marks the buffer overflowed and keeps what fit. */
#ifndef HEARTH_BUF_H
#define HEARTH_BUF_H
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len, cap, max;
    bool overflow;
};

/* Prepares an empty buffer that will never hold more than max bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees the buffer's memory; the buffer can be initialised again. */
void buf_free(struct buf *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Appends n bytes; returns 0, or -1 (and sets overflow) past the maximum. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data (malloc'd, NUL-terminated, possibly empty) to the caller, who
 * frees it; the buffer is left empty. */
char *buf_take(struct buf *b, size_t *len);

#endif
