/* password.h: the password policy and argon2id hashing. */
#ifndef HEARTH_PASSWORD_H
#define HEARTH_PASSWORD_H
#include <sodium.h>
#include <stdbool.h>

enum {
    PASSWORD_MIN = 12,      /* characters */
    PASSWORD_MAX = 128,     /* characters */
    PASSWORD_MIN_BITS = 32, /* zxcvbn's estimate of guessing entropy */
    PASSWORD_HASH_MAX = crypto_pwhash_STRBYTES,
};

/* Limits how many hashes run at once (argon2id uses 64 MiB each). */
void password_init(unsigned concurrency);
/* Checks a new password. Returns NULL when it is acceptable, else a message
 * saying what to change. Length is counted in characters; personal words
 * (name, email) count as guessable. */
const char *password_check(const char *password, const char *name, const char *email);
/* Hashes password with argon2id (interactive limits) into out. Returns 0 or -1. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* Returns true when password matches hash. Takes about as long either way. */
bool password_verify(const char *hash, const char *password);
/* True when the hash was made with other limits than today's. */
bool password_needs_rehash(const char *hash);

#endif
