/* feelings.c: the feelings vocabulary (see feelings.h). */
#include "practices/feelings.h"

#include <stdio.h>
#include <string.h>

#include "core/assets.h"

static const char FILE_NAME[] = "content/listen/feelings.txt";

const char *feelings_names[FEELINGS_MAX + 1];
static json_t *groups, *words_list;
static int users;

int feelings_start(void)
{
    if (users++ > 0)
        return 0;
    json_t *sections = assets_sections(FILE_NAME, FEELING_MAX);
    if (sections == NULL)
        return -1;
    groups = json_array();
    words_list = json_array();
    size_t n = 0;
    const char *core;
    json_t *words;
    json_object_foreach (sections, core, words) {
        char label[64];
        snprintf(label, sizeof(label), "%s", core);
        if (label[0] >= 'a' && label[0] <= 'z')
            label[0] = (char)(label[0] - 'a' + 'A');
        json_array_append_new(
            groups, json_pack("{s:s, s:s, s:O}", "name", core, "label", label, "words", words));
        size_t i;
        json_t *w;
        json_array_foreach (words, i, w) {
            if (n == FEELINGS_MAX) {
                fprintf(stderr, "hearth: %s: more than %d feelings\n", FILE_NAME, FEELINGS_MAX);
                json_decref(sections);
                return -1;
            }
            feelings_names[n++] = json_string_value(w); /* kept alive by groups */
            json_array_append(words_list, w);
        }
    }
    feelings_names[n] = NULL;
    json_decref(sections);
    return 0;
}

void feelings_stop(void)
{
    if (users == 0 || --users > 0)
        return;
    json_decref(groups);
    json_decref(words_list);
    groups = words_list = NULL;
    feelings_names[0] = NULL;
}

json_t *feelings_groups(void)
{
    return groups;
}

json_t *feelings_words(void)
{
    return words_list;
}
