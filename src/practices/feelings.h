/* feelings.h: the feelings vocabulary (content/listen/feelings.txt): feeling
 * words grouped under core feelings, offered wherever someone looks for a
 * word for how they feel (a reflection in Listen, the check-in's word in
 * Signals). Loaded once at start-up by the practices that use it. */
#ifndef HEARTH_FEELINGS_H
#define HEARTH_FEELINGS_H
#include <jansson.h>

enum { FEELINGS_MAX = 256, FEELING_MAX = 32 }; /* words, and bytes of one */

/* Loads the vocabulary; a second call only counts. Returns 0 or -1. */
int feelings_start(void);
/* Each start's stop; the last frees the vocabulary. */
void feelings_stop(void);
/* Every word, NULL-terminated: a route's choices. */
extern const char *feelings_names[FEELINGS_MAX + 1];
/* [{name, label, words: [...]}] by core feeling, owned by the vocabulary. */
json_t *feelings_groups(void);
/* Every word in one list, owned by the vocabulary. */
json_t *feelings_words(void);

#endif
