/* guide.c: the State of Us meeting's guidance, cues and kind phrasings,
 * from content/trust/meeting.txt ("[section]" lines start a section; each
 * other non-empty line that is not a comment is one entry), read once at
 * start-up into {section: [entries]}. */
#include "core/assets.h"
#include "practices/trust/internal.h"

enum { ENTRY_MAX = 400 }; /* bytes of one entry */

static const char FILE_NAME[] = "content/trust/meeting.txt";
static json_t *sections, *none; /* none: the empty list of a missing section */

int trust_guide_start(void)
{
    json_decref(sections);
    sections = assets_sections(FILE_NAME, ENTRY_MAX);
    if (none == NULL)
        none = json_array();
    return sections != NULL ? 0 : -1;
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
