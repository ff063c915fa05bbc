/* Fuzzes the normalisation of typed invite codes (src/auth/pairing.c):
 * a code it accepts is 8 characters of the code alphabet, normalises to
 * itself, and is exactly what is left of the input once spaces and dashes
 * are dropped and letters upper-cased. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pairing.h"

/* The alphabet pairing.c draws codes from: no I, L, O, 0 or 1. */
static const char ALPHABET[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_invite: %s\n", what);
        abort();
    }
}

/* What the contract says the code is, or false when it is none. */
static bool expected(const char *typed, char out[INVITE_CODE_LEN + 1])
{
    size_t n = 0;
    for (const char *p = typed; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (n == INVITE_CODE_LEN || strchr(ALPHABET, c) == NULL)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == INVITE_CODE_LEN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char code[INVITE_CODE_LEN + 1], expect[INVITE_CODE_LEN + 1], again[INVITE_CODE_LEN + 1];
    int rc = pairing_normalise_code(s, code);
    bool ok = expected(s, expect);
    require((rc == 0) == ok, "a code is accepted exactly when it has 8 alphabet characters");
    if (rc == 0) {
        require(strlen(code) == INVITE_CODE_LEN, "a code has 8 characters");
        require(strspn(code, ALPHABET) == INVITE_CODE_LEN, "a code uses the code alphabet");
        require(strcmp(code, expect) == 0, "a code keeps the typed characters, upper-cased");
        require(pairing_normalise_code(code, again) == 0 && strcmp(code, again) == 0,
                "a normalised code normalises to itself");
    } else {
        require(rc == -1, "a refused code returns -1");
    }
    require(pairing_normalise_code(NULL, code) == -1, "no code is refused");
    free(s);
    return 0;
}
