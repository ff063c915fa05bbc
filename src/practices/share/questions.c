/* questions.c: parses the tab-separated question files into arrays that live
 * for the whole run. */
#include "practices/share/questions.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/util.h"

enum { MAX_QUESTIONS = 4096, MAX_CATEGORIES = QUESTION_CATEGORIES_MAX, MAX_TEXT = 400 };

const char *const question_depths[DEPTHS + 1] = {"light", "deeper", "deep", NULL};

static char *daily_src, *dive_src;
static struct question daily[MAX_QUESTIONS];
static size_t ndaily;
static const char *dive[DIVE_QUESTIONS];
const char *question_categories[QUESTION_CATEGORIES_MAX + 1];
static char labels[MAX_CATEGORIES][64];
static size_t ncategories;

int questions_depth(const char *name)
{
    for (int i = 0; name != NULL && i < DEPTHS; i++)
        if (strcmp(question_depths[i], name) == 0)
            return i;
    return -1;
}

static char *copy_text(const char *data, size_t size)
{
    char *copy = xmalloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';
    return copy;
}

static char *load(const char *name)
{
    const char *data;
    size_t size;
    int owned;
    if (assets_get(name, &data, &size, &owned) != 0)
        return NULL;
    char *copy = copy_text(data, size);
    if (owned)
        free((void *)data);
    return copy;
}

/* Splits line into at most n tab-separated fields; returns the count. */
static int split(char *line, char **fields, int n)
{
    int k = 0;
    char *p = line;
    while (k < n) {
        fields[k++] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return strchr(p, '\t') ? n + 1 : k;
}

static const char *intern_category(const char *slug)
{
    for (size_t i = 0; i < ncategories; i++)
        if (strcmp(question_categories[i], slug) == 0)
            return question_categories[i];
    if (ncategories == MAX_CATEGORIES)
        return NULL;
    question_categories[ncategories] = slug;
    snprintf(labels[ncategories], sizeof(labels[0]), "%s", slug);
    for (char *p = labels[ncategories]; *p; p++)
        if (*p == '-')
            *p = ' ';
    labels[ncategories][0] = (char)toupper((unsigned char)labels[ncategories][0]);
    return question_categories[ncategories++];
}

static bool slug_ok(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
            return false;
    return true;
}

static int fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "hearth: %s:%d: %s\n", file, line, what);
    return -1;
}

static const char DAILY_FILE[] = "content/questions/daily.tsv";
static const char DIVE_FILE[] = "content/questions/deep-dive.tsv";

static int parse_daily(void)
{
    static const char *const file = DAILY_FILE;
    char *save = NULL;
    int lineno = 0;
    for (char *line = strtok_r(daily_src, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[3];
        lineno++;
        if (lineno == 1)
            continue; /* the header */
        if (split(line, f, 3) != 3)
            return fail(file, lineno, "expected category, depth and text separated by tabs");
        int depth = questions_depth(f[1]);
        size_t len = strlen(f[2]);
        if (!slug_ok(f[0]) || depth < 0 || len == 0 || len > MAX_TEXT)
            return fail(file, lineno, "bad category, depth or text");
        if (ndaily == MAX_QUESTIONS)
            return fail(file, lineno, "too many questions");
        struct question *q = &daily[ndaily];
        unsigned char h[6];
        crypto_generichash(h, sizeof(h), (const unsigned char *)f[2], len, NULL, 0);
        sodium_bin2hex(q->key, sizeof(q->key), h, sizeof(h));
        for (size_t i = 0; i < ndaily; i++)
            if (strcmp(daily[i].key, q->key) == 0)
                return fail(file, lineno, "the same question appears twice");
        q->text = f[2];
        q->depth = depth;
        q->category = intern_category(f[0]);
        if (q->category == NULL)
            return fail(file, lineno, "too many categories");
        ndaily++;
    }
    return ndaily > 0 ? 0 : fail(file, lineno, "no questions");
}

static int parse_dive(void)
{
    static const char *const file = DIVE_FILE;
    char *save = NULL;
    int lineno = 0, n = 0;
    for (char *line = strtok_r(dive_src, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[2];
        lineno++;
        if (lineno == 1)
            continue;
        if (split(line, f, 2) != 2 || n == DIVE_QUESTIONS || f[1][0] == '\0')
            return fail(file, lineno, "expected set and text separated by a tab");
        if (f[0][0] - '0' != n / DIVE_SET + 1 || f[0][1] != '\0')
            return fail(file, lineno, "sets must be 1, 2 and 3 with 12 questions each, in order");
        dive[n++] = f[1];
    }
    return n == DIVE_QUESTIONS ? 0 : fail(file, lineno, "expected 36 questions");
}

int questions_load(const char *daily_text, size_t daily_len, const char *dive_text, size_t dive_len)
{
    questions_shutdown();
    daily_src = copy_text(daily_text, daily_len);
    dive_src = copy_text(dive_text, dive_len);
    return parse_daily() == 0 && parse_dive() == 0 ? 0 : -1;
}

int questions_init(void)
{
    char *d = load(DAILY_FILE), *v = load(DIVE_FILE);
    int rc = d == NULL || v == NULL ? fail(d ? DIVE_FILE : DAILY_FILE, 0, "missing")
                                    : questions_load(d, strlen(d), v, strlen(v));
    free(d);
    free(v);
    return rc;
}

void questions_parse_categories(const char *stored, json_t *out)
{
    char list[QUESTION_CATEGORIES_MAX * 64];
    snprintf(list, sizeof(list), "%s", stored != NULL ? stored : "");
    char *save = NULL;
    for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        bool known = false, seen = false;
        for (size_t i = 0; i < ncategories; i++)
            known |= strcmp(question_categories[i], c) == 0;
        size_t k;
        json_t *v;
        json_array_foreach (out, k, v)
            seen |= strcmp(json_string_value(v), c) == 0;
        if (known && !seen)
            json_array_append_new(out, json_string(c));
    }
}

void questions_shutdown(void)
{
    free(daily_src);
    free(dive_src);
    daily_src = dive_src = NULL;
    ndaily = ncategories = 0;
    memset(question_categories, 0, sizeof(question_categories));
    memset(dive, 0, sizeof(dive));
}

const struct question *questions_daily(size_t *count)
{
    *count = ndaily;
    return daily;
}

const struct question *questions_find(const char *key)
{
    for (size_t i = 0; key != NULL && i < ndaily; i++)
        if (strcmp(daily[i].key, key) == 0)
            return &daily[i];
    return NULL;
}

const char *questions_dive(int position)
{
    return position >= 0 && position < DIVE_QUESTIONS ? dive[position] : NULL;
}

const char *const *questions_categories(void)
{
    return question_categories;
}

const char *questions_category_label(const char *slug)
{
    for (size_t i = 0; i < ncategories; i++)
        if (strcmp(question_categories[i], slug) == 0)
            return labels[i];
    return slug;
}
