/* prompts.c: the attunement prompt of the day, from content/signals/
 * prompts.txt (one a line; '#' starts a comment), read once at start-up.
 *
 * A couple's prompt needs no storage: the days of a cycle (as many days as
 * prompts) map one to one onto the prompts through an affine permutation
 * whose factor and offset come from the couple's id. So both partners get
 * the same prompt on the couple's day, couples differ, and no prompt comes
 * back within a cycle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/tz.h"
#include "core/util.h"
#include "practices/signals/internal.h"

enum { PROMPTS_MAX = 4096, PROMPT_MAX = 200 }; /* prompts, and bytes of one */

static const char FILE_NAME[] = "content/signals/prompts.txt";
static char *text;
static const char *prompts[PROMPTS_MAX];
static size_t nprompts;

int signals_prompts_start(void)
{
    const char *data;
    size_t size;
    int owned;
    if (assets_get(FILE_NAME, &data, &size, &owned) != 0) {
        fprintf(stderr, "hearth: %s is missing\n", FILE_NAME);
        return -1;
    }
    text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (owned)
        free((void *)data);
    nprompts = 0;
    int lineno = 0;
    for (char *line = text, *next; line != NULL; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        if (strlen(line) > PROMPT_MAX || nprompts == PROMPTS_MAX) {
            fprintf(stderr,
                    "hearth: %s:%d: a prompt is at most %d bytes, and there are at most %d\n",
                    FILE_NAME, lineno, PROMPT_MAX, PROMPTS_MAX);
            return -1;
        }
        prompts[nprompts++] = line;
    }
    if (nprompts == 0) {
        fprintf(stderr, "hearth: %s has no prompts\n", FILE_NAME);
        return -1;
    }
    return 0;
}

void signals_prompts_stop(void)
{
    free(text);
    text = NULL;
    nprompts = 0;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

const char *signals_prompt_today(struct req *req)
{
    uint64_t n = nprompts, h = mix((uint64_t)req->couple->id);
    uint64_t factor = n > 1 ? 1 + h % (n - 1) : 1;
    while (gcd(factor, n) != 1)
        factor++;
    uint64_t offset = mix(h) % n;
    uint64_t d = (uint64_t)(tz_day_number(req->couple->today) % (int64_t)n);
    return prompts[(factor * d + offset) % n];
}
