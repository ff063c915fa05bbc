/* compress.h: content codings for response bodies (gzip through zlib,
 * brotli through libbrotlienc), the Accept-Encoding parser that picks one,
 * and the rule for which answers are worth compressing.
 *
 * Dynamic bodies are compressed per response (compress_response); static
 * files were compressed once at build time (scripts/embed.sh) and only ask
 * compress_choose which of their variants to send. */
#ifndef HEARTH_COMPRESS_H
#define HEARTH_COMPRESS_H
#include <stdbool.h>
#include <stddef.h>

enum compress_coding { COMPRESS_IDENTITY, COMPRESS_GZIP, COMPRESS_BR, COMPRESS_CODINGS };

enum {
    COMPRESS_MIN = 1024,            /* smaller bodies go as they are */
    COMPRESS_MAX = 8 * 1024 * 1024, /* larger ones too: a bound on the work per answer */
    COMPRESS_OFFER_ALL = (1 << COMPRESS_GZIP) | (1 << COMPRESS_BR),
    COMPRESS_HEADER_MAX = 1024, /* Accept-Encoding values read at most */
};

/* The coding to answer with, given the request's Accept-Encoding value (NULL
 * when it sent none) and the codings on offer (bits 1 << coding). Follows
 * RFC 9110 12.5.3: codings are case-insensitive ("x-gzip" is gzip), q=0
 * refuses one, "*" stands for every coding not named, a malformed q refuses
 * its coding; the highest q wins and a tie goes to brotli (smaller). No
 * header, nothing acceptable, or identity named with a higher q than every
 * offered coding: COMPRESS_IDENTITY (which is always sent rather than a 406). */
enum compress_coding compress_choose(const char *accept_encoding, unsigned offered);

/* The Content-Encoding token of coding: "gzip", "br", or NULL for identity. */
const char *compress_name(enum compress_coding coding);

/* True when a response of this Content-Type is worth compressing: text
 * (HTML, CSS, plain, calendar, JavaScript), JSON and XML of every kind (+json,
 * +xml), SVG. Never an event stream, whose bytes must leave as they come. */
bool compress_type(const char *content_type);

/* Compresses in[0..len) with coding (gzip or brotli, at the levels chosen for
 * answers made per request) into a new buffer. Returns 0 with *out (malloc'd,
 * the caller frees) and *out_len < len, or -1 when the result would not be
 * smaller, len is outside [1, COMPRESS_MAX], or the coder failed; *out is
 * then untouched. */
int compress_body(enum compress_coding coding, const char *in, size_t len, char **out,
                  size_t *out_len);

/* The one call for a dynamic answer: when type is compressible, *len at least
 * COMPRESS_MIN and a coding acceptable to accept_encoding, replaces *body
 * (malloc'd; the old one is freed) and *len with the compressed body and
 * returns the coding's name for Content-Encoding; otherwise returns NULL and
 * leaves them. *vary is set when the answer depends on Accept-Encoding (its
 * type is compressible, whatever happened), for a Vary header. */
const char *compress_response(const char *accept_encoding, const char *type, char **body,
                              size_t *len, bool *vary);

#endif
