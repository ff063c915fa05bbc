/* Fuzzes the Accept-Encoding parser (src/http/compress.c) against its
 * contract, and the gzip coder with the same bytes as a body: a result is
 * smaller than what went in and inflates back to it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http/compress.h"

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_accept_encoding: %s\n", what);
        abort();
    }
}

/* True when s holds word, in any case. */
static bool mentions(const char *s, const char *word)
{
    return strcasestr(s, word) != NULL;
}

static void choose(const char *s)
{
    bool any = mentions(s, "*");
    for (unsigned offered = 0; offered <= COMPRESS_OFFER_ALL; offered++) {
        enum compress_coding c = compress_choose(s, offered);
        require(c == compress_choose(s, offered), "the same header, the same choice");
        require(c == COMPRESS_IDENTITY || (offered & (1u << c)), "only a coding on offer");
        if (c == COMPRESS_GZIP)
            require(any || mentions(s, "gzip"), "gzip only when named or under *");
        if (c == COMPRESS_BR)
            require(any || mentions(s, "br"), "br only when named or under *");
    }
    require(compress_choose(s, 0) == COMPRESS_IDENTITY, "nothing offered, nothing chosen");
}

static void gzip_round_trip(const uint8_t *data, size_t size)
{
    char *out = NULL;
    size_t out_len = 0;
    if (compress_body(COMPRESS_GZIP, (const char *)data, size, &out, &out_len) != 0) {
        require(out == NULL, "a refusal leaves the output alone");
        return;
    }
    require(out_len > 0 && out_len < size, "a result is smaller");
    unsigned char *back = malloc(size);
    z_stream z;
    memset(&z, 0, sizeof(z));
    require(inflateInit2(&z, 15 + 16) == Z_OK, "inflate starts");
    z.next_in = (unsigned char *)out;
    z.avail_in = (uInt)out_len;
    z.next_out = back;
    z.avail_out = (uInt)size;
    require(inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == size, "it inflates whole");
    inflateEnd(&z);
    require(memcmp(back, data, size) == 0, "it inflates to the input");
    free(back);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    choose(s);
    free(s);
    gzip_round_trip(data, size);
    require(compress_choose(NULL, COMPRESS_OFFER_ALL) == COMPRESS_IDENTITY, "no header, as it is");
    return 0;
}
