/* questions.h: the question bank (the .tsv files in content/questions), loaded and
 * checked once at start-up. A question's key is derived from its text, so
 * reordering the file keeps every couple's history valid. */
#ifndef HEARTH_QUESTIONS_H
#define HEARTH_QUESTIONS_H
#include <jansson.h>
#include <stddef.h>

enum {
    DEPTHS = 3,
    DIVE_QUESTIONS = 36,
    DIVE_SET = 12,
    QUESTION_KEY = 13,
    QUESTION_CATEGORIES_MAX = 32
};

struct question {
    char key[QUESTION_KEY]; /* 12 hex digits */
    const char *text;
    const char *category; /* a slug from questions_categories() */
    int depth;            /* 0 light, 1 deeper, 2 deep */
};

/* Loads both files; on malformed content prints what and where, returns -1. */
int questions_init(void);
/* Loads the bank from the text of the two files instead (tests, fuzzing).
 * Returns 0, or -1 as questions_init does. */
int questions_load(const char *daily_text, size_t daily_len, const char *dive_text,
                   size_t dive_len);
/* Appends to out (a JSON array) each category of stored (a comma-separated
 * list, as Share keeps a couple's choice) that the bank knows, once. */
void questions_parse_categories(const char *stored, json_t *out);
void questions_shutdown(void);
/* The daily bank, in file order. */
const struct question *questions_daily(size_t *count);
/* The bank question with this key, or NULL. */
const struct question *questions_find(const char *key);
/* Deep-dive question at position 0-35. */
const char *questions_dive(int position);
/* Category slugs in file order, NULL-terminated; filled by questions_init
 * (routes use it as their list of choices). */
extern const char *question_categories[QUESTION_CATEGORIES_MAX + 1];
const char *const *questions_categories(void);
/* "Body and health" for "body-and-health". Owned by the module. */
const char *questions_category_label(const char *slug);
/* The depth names, indexed by depth: light, deeper, deep. */
extern const char *const question_depths[DEPTHS + 1];
/* 0, 1 or 2 for a depth name; -1 otherwise. */
int questions_depth(const char *name);

#endif
