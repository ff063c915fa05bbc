/* Unit tests for the password policy, token hashing and login throttling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"

static int init(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

static void short_and_long_passwords_are_refused_by_length(void **state)
{
    (void)state;
    assert_string_equal(password_check("tiny-pass-1", "Ana", "ana@x.org"),
                        "Password must be at least 12 characters.");
    char longer[200];
    memset(longer, 'k', 129);
    longer[129] = '\0';
    assert_string_equal(password_check(longer, "Ana", "ana@x.org"),
                        "Password must be at most 128 characters.");
}

static void length_counts_characters_not_bytes(void **state)
{
    (void)state;
    /* eleven two-byte characters are 22 bytes but still too short */
    assert_non_null(password_check("ééééééééééé", NULL, NULL));
    assert_null(password_check("éloïse-mañana-çava", NULL, NULL));
}

static void common_and_patterned_passwords_are_refused(void **state)
{
    (void)state;
    const char *weak[] = {"password1234", "qwertyuiop12", "123456789012", "aaaaaaaaaaaa",
                          "iloveyou2024"};
    for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++)
        if (password_check(weak[i], "Ana", "ana@x.org") == NULL)
            fail_msg("'%s' was accepted", weak[i]);
}

static void personal_words_count_as_guessable(void **state)
{
    (void)state;
    assert_null(password_check("ana-bellweather", NULL, NULL));
    assert_non_null(password_check("ana-bellweather", "Ana Bellweather", "ana.b@x.org"));
}

static void strong_passwords_without_composition_rules_pass(void **state)
{
    (void)state;
    assert_null(password_check("sunflower river forty", "Ana", "ana@x.org"));
    assert_null(password_check("my cat is called bob", "Ana", "ana@x.org"));
}

static void hashes_verify_only_the_right_password(void **state)
{
    (void)state;
    char hash[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash("sunflower river forty", hash), 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(password_verify(hash, "sunflower river forty"));
    assert_false(password_verify(hash, "sunflower river fort"));
    assert_false(password_verify(NULL, "anything at all here"));
    assert_false(password_needs_rehash(hash));
}

static void hashes_made_with_other_limits_need_a_rehash(void **state)
{
    (void)state;
    char hash[PASSWORD_HASH_MAX];
    const char *pw = "sunflower river forty";
    assert_int_equal(crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN),
                     0);
    assert_true(password_verify(hash, pw));
    assert_true(password_needs_rehash(hash));
}

static void token_hashes_are_stable_hex_and_never_the_token(void **state)
{
    (void)state;
    const char *token = "neOmrJewAR13vKZpQmf21VH9Q8KMKt6J2pQMSy5k83M";
    char a[65], b[65], c[65];
    session_hash_token(token, a);
    session_hash_token(token, b);
    session_hash_token("neOmrJewAR13vKZpQmf21VH9Q8KMKt6J2pQMSy5k83N", c);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_null(strstr(a, token));
}

static void a_masked_csrf_token_differs_every_time_and_matches_only_its_token(void **state)
{
    (void)state;
    char token[SESSION_TOKEN_TEXT], other[SESSION_TOKEN_TEXT];
    session_new_token(token);
    session_new_token(other);
    char a[SESSION_CSRF_FIELD_TEXT], b[SESSION_CSRF_FIELD_TEXT];
    session_csrf_mask(token, a);
    session_csrf_mask(token, b);
    assert_int_equal(strlen(a), SESSION_CSRF_FIELD_TEXT - 1);
    assert_string_not_equal(a, b);
    assert_null(strstr(a, token));
    assert_true(session_csrf_matches(a, token));
    assert_true(session_csrf_matches(b, token));
    assert_false(session_csrf_matches(a, other));
    /* the token as it is still counts (clients that read it from the cookie) */
    assert_true(session_csrf_matches(token, token));
    assert_false(session_csrf_matches(other, token));
    /* a changed character, a cut field, nothing */
    char changed[SESSION_CSRF_FIELD_TEXT];
    memcpy(changed, a, sizeof(changed));
    changed[60] = changed[60] == 'A' ? 'B' : 'A';
    assert_false(session_csrf_matches(changed, token));
    changed[60] = a[60];
    changed[SESSION_CSRF_FIELD_TEXT - 2] = '\0';
    assert_false(session_csrf_matches(changed, token));
    assert_false(session_csrf_matches("", token));
    assert_false(session_csrf_matches(NULL, token));
    assert_false(session_csrf_matches(a, NULL));
    /* not base64url, of the right length */
    memset(changed, '!', SESSION_CSRF_FIELD_TEXT - 1);
    changed[SESSION_CSRF_FIELD_TEXT - 1] = '\0';
    assert_false(session_csrf_matches(changed, token));
    /* a token of another shape is never masked into something that matches */
    session_csrf_mask("short", a);
    assert_string_equal(a, "");
}

static void a_key_is_held_after_the_limit_until_its_window_ends(void **state)
{
    (void)state;
    struct throttle *t = throttle_new(3, 60000);
    int64_t t0 = 1000000;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(throttle_wait(t, "account:a|1.2.3.4", t0 + i), 0);
        throttle_fail(t, "account:a|1.2.3.4", t0 + i);
    }
    assert_int_equal(throttle_wait(t, "account:a|1.2.3.4", t0 + 10), 60);
    assert_int_equal(throttle_wait(t, "account:a|1.2.3.4", t0 + 59001), 1);
    assert_int_equal(throttle_wait(t, "account:a|1.2.3.4", t0 + 60000), 0);
    throttle_fail(t, "account:a|1.2.3.4", t0 + 60000);
    assert_int_equal(throttle_wait(t, "account:a|1.2.3.4", t0 + 60001), 0);
    throttle_free(t);
}

static void keys_are_counted_apart_and_cleared_on_success(void **state)
{
    (void)state;
    struct throttle *t = throttle_new(2, 1000);
    throttle_fail(t, "one", 0);
    throttle_fail(t, "one", 1);
    assert_true(throttle_wait(t, "one", 2) > 0);
    assert_int_equal(throttle_wait(t, "two", 2), 0);
    throttle_clear(t, "one");
    assert_int_equal(throttle_wait(t, "one", 3), 0);
    throttle_free(t);
}

static void a_flood_of_keys_keeps_memory_fixed_and_recent_keys_counted(void **state)
{
    (void)state;
    struct throttle *t = throttle_new(2, 1000000);
    char key[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof(key), "address:%d", i);
        throttle_fail(t, key, i);
    }
    throttle_fail(t, "victim", 100001);
    throttle_fail(t, "victim", 100001);
    assert_true(throttle_wait(t, "victim", 100002) > 0);
    throttle_free(t);
}

static void a_blocked_key_is_never_forgotten_whatever_fills_the_table(void **state)
{
    (void)state;
    struct throttle *t = throttle_new(3, 1000000);
    char key[32];
    for (int i = 0; i < 3; i++)
        throttle_fail(t, "victim", i);
    int wait = throttle_wait(t, "victim", 10);
    assert_true(wait > 0);
    /* fresh keys, one failure each: they push each other out, never it */
    for (int i = 0; i < 200000; i++) {
        snprintf(key, sizeof(key), "fresh:%d", i);
        throttle_fail(t, key, 10 + i);
    }
    assert_int_equal(throttle_count(t, "victim", 200100), 3);
    /* blocked keys fill what they can, and still never take its place */
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof(key), "blocked:%d", i);
        for (int k = 0; k < 3; k++)
            throttle_fail(t, key, 300000 + i);
    }
    assert_true(throttle_wait(t, "victim", 400001) > 0);
    /* its window still ends on time */
    assert_int_equal(throttle_wait(t, "victim", 1000000), 0);
    throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_and_long_passwords_are_refused_by_length),
        cmocka_unit_test(length_counts_characters_not_bytes),
        cmocka_unit_test(common_and_patterned_passwords_are_refused),
        cmocka_unit_test(personal_words_count_as_guessable),
        cmocka_unit_test(strong_passwords_without_composition_rules_pass),
        cmocka_unit_test(hashes_verify_only_the_right_password),
        cmocka_unit_test(hashes_made_with_other_limits_need_a_rehash),
        cmocka_unit_test(token_hashes_are_stable_hex_and_never_the_token),
        cmocka_unit_test(a_masked_csrf_token_differs_every_time_and_matches_only_its_token),
        cmocka_unit_test(a_key_is_held_after_the_limit_until_its_window_ends),
        cmocka_unit_test(keys_are_counted_apart_and_cleared_on_success),
        cmocka_unit_test(a_flood_of_keys_keeps_memory_fixed_and_recent_keys_counted),
        cmocka_unit_test(a_blocked_key_is_never_forgotten_whatever_fills_the_table),
    };
    return cmocka_run_group_tests_name("auth", tests, init, NULL);
}
