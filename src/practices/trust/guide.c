/* guide.c: the State of Us meeting's guidance, cues and kind phrasings,
 * from content/trust/meeting.txt ("[section]" lines start a section; each
 * other non-empty line that is not a comment is one entry), read once at
 * start-up into {section: [entries]}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "practices/trust/internal.h"

enum { ENTRY_MAX = 400 }; /* bytes of one entry */

static const char FILE_NAME[] = "content/trust/meeting.txt";
static json_t *sections, *none; /* none: the empty list of a missing section */

int trust_guide_start(void)
{
    const char *data;
    size_t size;
    int owned;
    if (assets_get(FILE_NAME, &data, &size, &owned) != 0) {
        fprintf(stderr, "hearth: %s is missing\n", FILE_NAME);
        return -1;
    }
    json_decref(sections);
    sections = json_object();
    if (none == NULL)
        none = json_array();
    json_t *current = NULL;
    int lineno = 0, rc = 0;
    for (const char *p = data, *end = data + size; p < end && rc == 0; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
            char name[64];
            snprintf(name, sizeof(name), "%.*s", (int)(n - 2), p + 1);
            current = json_array();
            json_object_set_new(sections, name, current);
        } else if (n > 0 && p[0] != '#') {
            if (current == NULL || n > ENTRY_MAX) {
                fprintf(stderr, "hearth: %s:%d: an entry outside a section, or too long\n",
                        FILE_NAME, lineno + 1);
                rc = -1;
            } else {
                json_array_append_new(current, json_stringn(p, n));
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (owned)
        free((void *)data);
    return rc;
}

void trust_guide_stop(void)
{
    json_decref(sections);
    json_decref(none);
    sections = none = NULL;
}

json_t *trust_guide(const char *section)
{
    json_t *list = json_object_get(sections, section);
    return list ? list : none;
}
