/* Fuzzes the question bank parser (src/practices/questions.c,
 * questions_load). The input's first byte chooses which file the rest stands
 * for: the deep dive when it is 3 modulo 4, else the daily bank (loading the
 * real daily bank beside a fuzzed deep dive is slow, as it checks every
 * question against every other); the other file is the real one built into
 * Hearth from content/questions. A bank that loads must hold what
 * the rest of Hearth relies on. questions_load prints to stderr on malformed
 * input: that is expected. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "practices/share/questions.h"

static const char *daily_text, *dive_text;
static size_t daily_len, dive_len;

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_questions: %s\n", what);
        abort();
    }
}

static void load_real(const char *name, const char **text, size_t *len)
{
    int owned;
    require(assets_get(name, text, len, &owned) == 0, "the real question files are built in");
}

static bool is_category(const char *slug)
{
    for (const char *const *c = questions_categories(); *c != NULL; c++)
        if (*c == slug)
            return true;
    return false;
}

/* What a loaded bank promises (the daily bank's questions too when it came
 * from the input: checking the real one every time would only be slow). */
static void check_bank(bool daily_fuzzed)
{
    size_t n;
    const struct question *q = questions_daily(&n);
    require(n > 0, "a bank has questions");
    for (size_t i = 0; daily_fuzzed && i < n; i++) {
        require(strlen(q[i].key) == QUESTION_KEY - 1 &&
                    strspn(q[i].key, "0123456789abcdef") == QUESTION_KEY - 1,
                "a key is 12 hex digits");
        require(questions_find(q[i].key) == &q[i], "a question is found by its key");
        require(q[i].depth >= 0 && q[i].depth < DEPTHS, "a depth is light, deeper or deep");
        require(is_category(q[i].category), "a category is one of the bank's");
        require(q[i].text[0] != '\0', "a question has text");
        questions_category_label(q[i].category);
    }
    for (int i = 0; i < DIVE_QUESTIONS; i++)
        require(questions_dive(i) != NULL, "the deep dive has 36 questions");
    require(questions_dive(DIVE_QUESTIONS) == NULL && questions_dive(-1) == NULL,
            "nothing outside the deep dive");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (daily_text == NULL) {
        load_real("content/questions/daily.tsv", &daily_text, &daily_len);
        load_real("content/questions/deep-dive.tsv", &dive_text, &dive_len);
        require(questions_load(daily_text, daily_len, dive_text, dive_len) == 0,
                "the real question files load");
        check_bank(true);
    }
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    bool daily = data[0] % 4 != 3;
    int rc = daily ? questions_load(text, len, dive_text, dive_len)
                   : questions_load(daily_text, daily_len, text, len);
    if (rc == 0)
        check_bank(daily);
    else
        require(rc == -1, "a malformed bank returns -1");
    return 0;
}
