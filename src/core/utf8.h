/* utf8.h: validation and counting of UTF-8 text. */
#ifndef HEARTH_UTF8_H
#define HEARTH_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points past U+10FFFF). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s[0..n). */
size_t utf8_length(const char *s, size_t n);
/* Bytes of the first max code points of valid UTF-8 s[0..n) (all n when it
 * holds fewer). */
size_t utf8_prefix(const char *s, size_t n, size_t max);
/* Writes s[0..n) to out (which must hold 3*n+1 bytes) with every ill-formed
 * sequence replaced by U+FFFD; returns the bytes written, NUL excluded. */
size_t utf8_repair(const char *s, size_t n, char *out);
/* True when valid UTF-8 s[0..n) holds an invisible formatting character:
 * direction overrides, embeddings, isolates and marks, zero-width spaces and
 * joiners, the word joiner and invisible operators, the byte order mark, and
 * tag characters. They can make a name read as something else. */
bool utf8_has_invisible(const char *s, size_t n);

#endif
