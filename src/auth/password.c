/* password.c: no composition rules; length plus zxcvbn's guessability
 * estimate, which knows common passwords, keyboard walks, dates and words. */
#include "auth/password.h"

#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <zxcvbn.h>

#include "core/utf8.h"

static sem_t slots;
static bool slots_ready;

/* A valid hash that matches nothing, verified when an account is unknown so
 * that the answer takes as long as for a wrong password. */
static char decoy_hash[PASSWORD_HASH_MAX];

void password_init(unsigned concurrency)
{
    if (!slots_ready) {
        sem_init(&slots, 0, concurrency > 0 ? concurrency : 1);
        slots_ready = true;
        password_hash("not a real password: decoy", decoy_hash);
    }
}

const char *password_check(const char *password, const char *name, const char *email)
{
    size_t bytes = strlen(password);
    size_t chars = utf8_length(password, bytes);
    if (chars < PASSWORD_MIN)
        return "Password must be at least 12 characters.";
    if (chars > PASSWORD_MAX)
        return "Password must be at most 128 characters.";
    char local[128] = "";
    if (email != NULL) {
        snprintf(local, sizeof(local), "%s", email);
        local[strcspn(local, "@")] = '\0';
    }
    const char *personal[] = {name && *name ? name : "hearth", local[0] ? local : "hearth",
                              "hearth", NULL};
    double bits = ZxcvbnMatch(password, personal, NULL);
    if (bits < PASSWORD_MIN_BITS)
        return "This password is too easy to guess (it is common, or follows a pattern). "
               "A few unrelated words make a strong one.";
    return NULL;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    if (slots_ready)
        sem_wait(&slots);
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    if (slots_ready)
        sem_post(&slots);
    return rc == 0 ? 0 : -1;
}

bool password_verify(const char *hash, const char *password)
{
    if (hash == NULL)
        hash = decoy_hash;
    if (slots_ready)
        sem_wait(&slots);
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    if (slots_ready)
        sem_post(&slots);
    return ok && hash != decoy_hash;
}

bool password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}
