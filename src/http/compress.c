/* compress.c: gzip and brotli for answers made per request, and the choice
 * between them. The levels are set for speed on pages of a few to a few
 * hundred KiB (docs/architecture.md, "Compression", has the measurements);
 * each coder's window is fitted to the body, so a small page costs a small
 * window, and the output buffer is never larger than the body: a result
 * that would not be smaller is abandoned as soon as it fills. */
#include "http/compress.h"

#include <brotli/encode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/util.h"

enum {
    GZIP_LEVEL = 5,     /* zlib 1..9 */
    BROTLI_QUALITY = 3, /* brotli 0..11 */
    GZIP_WRAPPER = 16,  /* added to windowBits: a gzip header and trailer */
    Q_ONE = 1000,       /* q=1 in thousandths */
};

/* ---- Accept-Encoding ---- */

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Reads a qvalue ("0", "0.5", "1.000") from s[0..n) into thousandths;
 * returns -1 when it is not one. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * Q_ONE;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q > Q_ONE ? -1 : q;
}

/* The q of one element's parameters, p[0..n) (what follows its coding):
 * 1000 when none says otherwise, -1 when they are malformed (a parameter
 * without a value, a q that is not a qvalue). */
static int element_q(const char *p, size_t n)
{
    int q = Q_ONE;
    size_t i = 0;
    for (;;) {
        while (i < n && (is_ows(p[i]) || p[i] == ';'))
            i++;
        if (i == n)
            return q;
        size_t name = i;
        while (i < n && p[i] != '=' && p[i] != ';' && !is_ows(p[i]))
            i++;
        size_t name_len = i - name;
        while (i < n && is_ows(p[i]))
            i++;
        if (name_len == 0 || i == n || p[i] != '=')
            return -1;
        i++;
        while (i < n && is_ows(p[i]))
            i++;
        size_t value = i;
        while (i < n && p[i] != ';' && !is_ows(p[i]))
            i++;
        if (name_len == 1 && (p[name] == 'q' || p[name] == 'Q')) {
            q = parse_q(p + value, i - value);
            if (q < 0)
                return -1;
        }
    }
}

static bool coding_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

enum compress_coding compress_choose(const char *accept_encoding, unsigned offered)
{
    if (accept_encoding == NULL)
        return COMPRESS_IDENTITY;
    /* per coding: the q it was given (-1 not named); a coding named twice
     * keeps the lower, so a refusal anywhere stands */
    int named[COMPRESS_CODINGS] = {-1, -1, -1};
    int star = -1;
    size_t total = strnlen(accept_encoding, COMPRESS_HEADER_MAX + 1);
    if (total > COMPRESS_HEADER_MAX)
        return COMPRESS_IDENTITY; /* no browser sends so much; a cut could hide a q=0 */
    const char *s = accept_encoding, *end = accept_encoding + total;
    while (s < end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *stop = comma ? comma : end;
        while (s < stop && is_ows(*s))
            s++;
        const char *name = s;
        while (s < stop && *s != ';' && !is_ows(*s))
            s++;
        size_t name_len = (size_t)(s - name);
        int q = element_q(s, (size_t)(stop - s));
        if (q < 0)
            q = 0;
        int slot = -2;
        if (coding_is(name, name_len, "gzip") || coding_is(name, name_len, "x-gzip"))
            slot = COMPRESS_GZIP;
        else if (coding_is(name, name_len, "br"))
            slot = COMPRESS_BR;
        else if (coding_is(name, name_len, "identity"))
            slot = COMPRESS_IDENTITY;
        else if (coding_is(name, name_len, "*"))
            slot = -1;
        if (slot >= 0 && (named[slot] < 0 || q < named[slot]))
            named[slot] = q;
        else if (slot == -1 && (star < 0 || q < star))
            star = q;
        s = comma ? comma + 1 : end;
    }
    enum compress_coding best = COMPRESS_IDENTITY;
    int best_q = 0;
    static const enum compress_coding preference[] = {COMPRESS_BR, COMPRESS_GZIP};
    for (size_t i = 0; i < ARRAY_LEN(preference); i++) {
        enum compress_coding c = preference[i];
        int q = named[c] >= 0 ? named[c] : star;
        if ((offered & (1u << c)) && q > best_q) {
            best = c;
            best_q = q;
        }
    }
    /* identity named and preferred to every coding on offer */
    if (best != COMPRESS_IDENTITY && named[COMPRESS_IDENTITY] > best_q)
        return COMPRESS_IDENTITY;
    return best;
}

const char *compress_name(enum compress_coding coding)
{
    switch (coding) {
    case COMPRESS_GZIP: return "gzip";
    case COMPRESS_BR: return "br";
    default: return NULL;
    }
}

/* ---- types ---- */

bool compress_type(const char *content_type)
{
    static const char *const exact[] = {
        "text/html",       "text/css",
        "text/plain",      "text/calendar",
        "text/javascript", "text/csv",
        "text/xml",        "application/json",
        "application/xml", "application/javascript",
        "image/svg+xml",
    };
    if (content_type == NULL)
        return false;
    size_t n = strcspn(content_type, "; \t");
    for (size_t i = 0; i < ARRAY_LEN(exact); i++)
        if (coding_is(content_type, n, exact[i]))
            return true;
    /* application/problem+json, application/atom+xml, application/manifest+json */
    static const char app[] = "application/";
    size_t sub = sizeof(app) - 1;
    if (n <= sub || strncasecmp(content_type, app, sub) != 0)
        return false;
    return (n > sub + 5 && strncasecmp(content_type + n - 5, "+json", 5) == 0) ||
           (n > sub + 4 && strncasecmp(content_type + n - 4, "+xml", 4) == 0);
}

/* ---- coders ---- */

/* The smallest window of 2^bits bytes, within [lo, hi], that holds len. */
static int window_bits(size_t len, int lo, int hi)
{
    int bits = lo;
    while (bits < hi && ((size_t)1 << bits) < len)
        bits++;
    return bits;
}

static int gzip_into(const char *in, size_t len, unsigned char *out, size_t cap, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, window_bits(len, 9, 15) + GZIP_WRAPPER, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    z.next_in = (unsigned char *)(uintptr_t)in; /* zlib does not write it */
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH); /* Z_OK or Z_BUF_ERROR: it did not fit */
    *out_len = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

static int brotli_into(const char *in, size_t len, unsigned char *out, size_t cap, size_t *out_len)
{
    size_t n = cap;
    int lgwin = window_bits(len, BROTLI_MIN_WINDOW_BITS, BROTLI_MAX_WINDOW_BITS);
    if (!BrotliEncoderCompress(BROTLI_QUALITY, lgwin, BROTLI_MODE_TEXT, len, (const uint8_t *)in,
                               &n, out))
        return -1; /* the output did not fit */
    *out_len = n;
    return 0;
}

int compress_body(enum compress_coding coding, const char *in, size_t len, char **out,
                  size_t *out_len)
{
    if (len == 0 || len > COMPRESS_MAX)
        return -1;
    size_t cap = len - 1; /* the result must be smaller */
    unsigned char *buf = xmalloc(cap > 0 ? cap : 1);
    size_t n = 0;
    int rc = -1;
    if (coding == COMPRESS_GZIP)
        rc = gzip_into(in, len, buf, cap, &n);
    else if (coding == COMPRESS_BR)
        rc = brotli_into(in, len, buf, cap, &n);
    if (rc != 0 || n == 0 || n >= len) {
        free(buf);
        return -1;
    }
    *out = xrealloc(buf, n); /* give back the slack while the answer is sent */
    *out_len = n;
    return 0;
}

const char *compress_response(const char *accept_encoding, const char *type, char **body,
                              size_t *len, bool *vary)
{
    *vary = compress_type(type);
    if (!*vary || *len < COMPRESS_MIN || *len > COMPRESS_MAX)
        return NULL;
    enum compress_coding coding = compress_choose(accept_encoding, COMPRESS_OFFER_ALL);
    char *out;
    size_t out_len;
    if (coding == COMPRESS_IDENTITY || compress_body(coding, *body, *len, &out, &out_len) != 0)
        return NULL;
    free(*body);
    *body = out;
    *len = out_len;
    return compress_name(coding);
}
