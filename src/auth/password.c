/* password.c: no composition rules; length plus zxcvbn's guessability
 * estimate, which knows common passwords, keyboard walks, dates and words. */
#include "auth/password.h"

#include <ctype.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <zxcvbn.h>

#include "core/utf8.h"

enum { PERSONAL_WORDS_MAX = 16 };

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
    /* Words of the name and of the email address count as known to an
     * attacker: "Ana Bell" and "ana.b@mail.org" give ana, bell, b, mail, org. */
    char words[256];
    const char *personal[PERSONAL_WORDS_MAX + 2];
    int n = 0;
    snprintf(words, sizeof(words), "%s %s", name ? name : "", email ? email : "");
    char *save = NULL;
    for (char *w = strtok_r(words, " .@_+-", &save); w && n < PERSONAL_WORDS_MAX;
         w = strtok_r(NULL, " .@_+-", &save)) {
        for (char *p = w; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        personal[n++] = w;
    }
    personal[n++] = "hearth";
    personal[n] = NULL;
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
