/* Fuzzes the device cookie, session token and bearer header parsers
 * (src/auth/session.c). Any value must be handled safely; a value signed the
 * way session.c signs device cookies must parse back to its user id and
 * nonce; and any change to such a value must be refused. */
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/session.h"

enum { EDITS_MAX = 8 };

/* Any fixed key will do: the MAC only has to be computed as session.c does. */
static const unsigned char key[crypto_auth_KEYBYTES] = "fuzz device key, 32 bytes long.";

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_device: %s\n", what);
        abort();
    }
}

/* Writes "USERID.NONCE.MAC" for user_id and nonce (24 hex digits). */
static void sign(int64_t user_id, const char *nonce, char *out, size_t outlen)
{
    char payload[64], mac[2 * crypto_auth_BYTES + 1];
    unsigned char raw[crypto_auth_BYTES];
    snprintf(payload, sizeof(payload), "%lld.%s", (long long)user_id, nonce);
    crypto_auth(raw, (const unsigned char *)payload, strlen(payload), key);
    sodium_bin2hex(mac, sizeof(mac), raw, sizeof(raw));
    snprintf(out, outlen, "%s.%s", payload, mac);
}

/* The input as a cookie value, a token and an Authorization header. */
static void arbitrary(const char *s)
{
    int64_t user_id;
    char nonce[SESSION_NONCE_TEXT];
    if (session_parse_device(s, key, &user_id, nonce))
        require(strlen(nonce) == SESSION_NONCE_TEXT - 1, "a parsed nonce has 24 characters");
    if (session_token_shape(s))
        require(strlen(s) == 43, "a token has 43 characters");
    const char *token = session_bearer(s);
    if (token != NULL) {
        require(token == s + 7 && strncasecmp(s, "Bearer ", 7) == 0,
                "the bearer token follows \"Bearer \"");
        session_token_shape(token);
    }
}

/* A value signed from the input's first bytes, then edited by the rest. */
static void round_trip(const uint8_t *data, size_t size)
{
    int64_t user_id = 0;
    unsigned char raw_nonce[(SESSION_NONCE_TEXT - 1) / 2] = {0};
    memcpy(&user_id, data, size < sizeof(user_id) ? size : sizeof(user_id));
    if (size > sizeof(user_id))
        memcpy(raw_nonce, data + sizeof(user_id),
               size - sizeof(user_id) < sizeof(raw_nonce) ? size - sizeof(user_id)
                                                          : sizeof(raw_nonce));
    char nonce_hex[SESSION_NONCE_TEXT], value[160], signed_value[160];
    sodium_bin2hex(nonce_hex, sizeof(nonce_hex), raw_nonce, sizeof(raw_nonce));
    sign(user_id, nonce_hex, value, sizeof(value));
    memcpy(signed_value, value, sizeof(value));

    int64_t got = 0;
    char nonce[SESSION_NONCE_TEXT];
    require(session_parse_device(value, key, &got, nonce), "a signed value parses");
    require(got == user_id && strcmp(nonce, nonce_hex) == 0,
            "a signed value gives back its user id and nonce");
    unsigned char other[crypto_auth_KEYBYTES];
    memcpy(other, key, sizeof(other));
    other[0] ^= 1;
    require(!session_parse_device(value, other, &got, nonce), "another key refuses the value");

    /* the bytes after the ones used above: (position, byte) pairs */
    size_t used = sizeof(user_id) + sizeof(raw_nonce);
    for (size_t i = used, k = 0; i + 1 < size && k < EDITS_MAX; i += 2, k++) {
        size_t len = strlen(value);
        if (len == 0)
            break;
        value[data[i] % len] = (char)data[i + 1];
        if (strcmp(value, signed_value) != 0)
            require(!session_parse_device(value, key, &got, nonce), "an edited value is refused");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    arbitrary(s);
    free(s);
    round_trip(data, size);
    return 0;
}
