/* Unit tests for response compression (src/http/compress.c): the
 * Accept-Encoding parser, the compressible types, and the coders' bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http/compress.h"

enum { ALL = COMPRESS_OFFER_ALL, GZIP_ONLY = 1 << COMPRESS_GZIP };

static const char *choose(const char *accept, unsigned offered)
{
    return compress_name(compress_choose(accept, offered));
}

static void no_header_or_identity_alone_means_no_coding(void **state)
{
    (void)state;
    assert_null(choose(NULL, ALL));
    assert_null(choose("", ALL));
    assert_null(choose("identity", ALL));
    assert_null(choose("deflate", ALL)); /* not offered */
    assert_null(choose("compress, zstd", ALL));
}

static void each_coding_is_taken_when_it_is_the_one_accepted(void **state)
{
    (void)state;
    assert_string_equal(choose("gzip", ALL), "gzip");
    assert_string_equal(choose("br", ALL), "br");
    assert_string_equal(choose("x-gzip", ALL), "gzip");
    assert_string_equal(choose("GZip", ALL), "gzip");
    assert_string_equal(choose("BR", ALL), "br");
    assert_string_equal(choose("deflate, gzip", ALL), "gzip");
}

static void brotli_wins_a_tie_and_the_higher_q_wins_otherwise(void **state)
{
    (void)state;
    assert_string_equal(choose("gzip, deflate, br", ALL), "br");
    assert_string_equal(choose("br, gzip", ALL), "br");
    assert_string_equal(choose("gzip;q=1.0, br;q=1", ALL), "br");
    assert_string_equal(choose("br;q=0.5, gzip", ALL), "gzip");
    assert_string_equal(choose("br;q=0.999, gzip;q=1.000", ALL), "gzip");
    assert_string_equal(choose("gzip;q=0.2, br;q=0.3", ALL), "br");
    /* only what is offered */
    assert_string_equal(choose("br, gzip", GZIP_ONLY), "gzip");
    assert_null(choose("br", GZIP_ONLY));
    assert_null(choose("br, gzip", 0));
}

static void q_zero_refuses_a_coding_however_it_is_written(void **state)
{
    (void)state;
    assert_null(choose("gzip;q=0", ALL));
    assert_null(choose("gzip; q=0", ALL));
    assert_null(choose("gzip ;Q=0.000", ALL));
    assert_null(choose("br;q=0, gzip;q=0", ALL));
    assert_string_equal(choose("br;q=0, gzip", ALL), "gzip");
    assert_string_equal(choose("gzip;q=0, br", ALL), "br");
    /* named twice: the refusal stands */
    assert_null(choose("gzip, gzip;q=0", ALL));
}

static void the_star_stands_for_every_coding_not_named(void **state)
{
    (void)state;
    assert_string_equal(choose("*", ALL), "br");
    assert_string_equal(choose("br;q=0, *", ALL), "gzip");
    assert_string_equal(choose("*;q=0.5, gzip", ALL), "gzip");
    assert_string_equal(choose("gzip;q=0, *;q=0.1", ALL), "br");
    assert_null(choose("*;q=0", ALL));
    assert_null(choose("*;q=0, identity", ALL));
}

static void identity_preferred_over_every_coding_is_honoured(void **state)
{
    (void)state;
    assert_null(choose("identity;q=1, br;q=0.5, gzip;q=0.5", ALL));
    assert_string_equal(choose("identity;q=0.5, br", ALL), "br");
    assert_string_equal(choose("identity;q=0, gzip", ALL), "gzip");
}

static void malformed_elements_refuse_their_coding_and_spare_the_others(void **state)
{
    (void)state;
    assert_null(choose("gzip;q=2", ALL));
    assert_null(choose("gzip;q=1.5", ALL));
    assert_null(choose("gzip;q=0.5.", ALL));
    assert_null(choose("gzip;q=0.12345", ALL));
    assert_null(choose("gzip;q=", ALL));
    assert_null(choose("gzip;q", ALL));
    assert_null(choose("gzip;q=-1", ALL));
    assert_null(choose("gzip;=1", ALL));
    assert_null(choose("gzip junk", ALL));
    assert_string_equal(choose("br;q=abc, gzip", ALL), "gzip");
    assert_string_equal(choose(",, ,gzip,,", ALL), "gzip");
    assert_string_equal(choose("gzip;level=9", ALL), "gzip");
    assert_string_equal(choose("gzip;q=0.5;level=9", ALL), "gzip");
}

static void a_header_longer_than_any_browser_sends_gets_no_coding(void **state)
{
    (void)state;
    char *header = malloc(COMPRESS_HEADER_MAX + 64);
    memset(header, ' ', COMPRESS_HEADER_MAX + 63);
    memcpy(header, "gzip", 4);
    header[COMPRESS_HEADER_MAX + 63] = '\0';
    assert_null(choose(header, ALL));
    header[COMPRESS_HEADER_MAX] = '\0';
    assert_string_equal(choose(header, ALL), "gzip");
    free(header);
}

static void text_json_xml_and_svg_are_compressible_streams_and_images_not(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "text/html; charset=utf-8",
        "text/css; charset=utf-8",
        "application/json",
        "application/problem+json",
        "application/atom+xml; charset=utf-8",
        "text/calendar; charset=utf-8",
        "text/javascript; charset=utf-8",
        "application/javascript",
        "image/svg+xml",
        "text/plain; charset=utf-8",
        "application/manifest+json",
        "TEXT/HTML",
    };
    static const char *const no[] = {
        "text/event-stream; charset=utf-8",
        "image/png",
        "image/x-icon",
        "font/woff2",
        "application/octet-stream",
        "application/zip",
        "text/htmlx",
        "application/+json",
        "",
    };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        assert_true(compress_type(yes[i]));
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_false(compress_type(no[i]));
    assert_false(compress_type(NULL));
}

/* Text that compresses well: a page's worth of repeated markup. */
static char *page_text(size_t len)
{
    char *s = malloc(len);
    for (size_t i = 0; i < len; i++)
        s[i] = "<li class=\"item\">Hearth</li>\n"[i % 29];
    return s;
}

static void gzip_output_is_smaller_and_inflates_to_the_input(void **state)
{
    (void)state;
    size_t len = 20000;
    char *in = page_text(len), *out = NULL;
    size_t out_len = 0;
    assert_int_equal(compress_body(COMPRESS_GZIP, in, len, &out, &out_len), 0);
    assert_true(out_len < len / 10);
    assert_int_equal((unsigned char)out[0], 0x1f); /* the gzip magic */
    assert_int_equal((unsigned char)out[1], 0x8b);
    char *back = malloc(len);
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (unsigned char *)out;
    z.avail_in = (unsigned)out_len;
    z.next_out = (unsigned char *)back;
    z.avail_out = (unsigned)len;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, len);
    inflateEnd(&z);
    assert_memory_equal(back, in, len);
    free(back);
    free(out);
    free(in);
}

static void a_result_that_is_not_smaller_is_refused(void **state)
{
    (void)state;
    /* bytes without pattern (a fixed generator): no coder makes them smaller */
    size_t len = 4096;
    unsigned char *in = malloc(len);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        in[i] = (unsigned char)x;
    }
    char *out = (char *)0x1; /* untouched on refusal */
    size_t out_len = 7;
    assert_int_equal(compress_body(COMPRESS_GZIP, (char *)in, len, &out, &out_len), -1);
    assert_int_equal(compress_body(COMPRESS_BR, (char *)in, len, &out, &out_len), -1);
    assert_ptr_equal(out, (char *)0x1);
    assert_int_equal(out_len, 7);
    /* nor an empty body, an oversized one, or identity */
    assert_int_equal(compress_body(COMPRESS_GZIP, "", 0, &out, &out_len), -1);
    assert_int_equal(compress_body(COMPRESS_GZIP, "x", COMPRESS_MAX + 1, &out, &out_len), -1);
    assert_int_equal(compress_body(COMPRESS_IDENTITY, (char *)in, len, &out, &out_len), -1);
    free(in);
}

static void a_response_is_compressed_only_from_1_kib_of_a_compressible_type(void **state)
{
    (void)state;
    bool vary = false;
    size_t len = COMPRESS_MIN - 1;
    char *body = page_text(len), *before = body;
    assert_null(compress_response("br", "text/html; charset=utf-8", &body, &len, &vary));
    assert_true(vary); /* the type is compressible: the answer varies anyway */
    assert_ptr_equal(body, before);
    free(body);

    len = COMPRESS_MIN;
    body = page_text(len);
    assert_null(compress_response("br", "image/png", &body, &len, &vary));
    assert_false(vary);
    assert_null(compress_response("gzip;q=0", "text/css", &body, &len, &vary));
    assert_true(vary);
    assert_int_equal(len, COMPRESS_MIN);
    assert_string_equal(compress_response("br, gzip", "text/css", &body, &len, &vary), "br");
    assert_true(len < COMPRESS_MIN / 10);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_header_or_identity_alone_means_no_coding),
        cmocka_unit_test(each_coding_is_taken_when_it_is_the_one_accepted),
        cmocka_unit_test(brotli_wins_a_tie_and_the_higher_q_wins_otherwise),
        cmocka_unit_test(q_zero_refuses_a_coding_however_it_is_written),
        cmocka_unit_test(the_star_stands_for_every_coding_not_named),
        cmocka_unit_test(identity_preferred_over_every_coding_is_honoured),
        cmocka_unit_test(malformed_elements_refuse_their_coding_and_spare_the_others),
        cmocka_unit_test(a_header_longer_than_any_browser_sends_gets_no_coding),
        cmocka_unit_test(text_json_xml_and_svg_are_compressible_streams_and_images_not),
        cmocka_unit_test(gzip_output_is_smaller_and_inflates_to_the_input),
        cmocka_unit_test(a_result_that_is_not_smaller_is_refused),
        cmocka_unit_test(a_response_is_compressed_only_from_1_kib_of_a_compressible_type),
    };
    return cmocka_run_group_tests_name("compress", tests, NULL, NULL);
}
