/* content.c: Listen's topics (content/listen/topics.txt, by level) and the
 * cues shown during a session (content/listen/cues.txt), read once at
 * start-up. */
#include <stdio.h>

#include "core/assets.h"
#include "core/buf.h"
#include "practices/listen/internal.h"

static const char TOPICS[] = "content/listen/topics.txt", CUES[] = "content/listen/cues.txt";
static const struct {
    const char *name, *label;
} LEVELS[] = {{"light", "Light"}, {"everyday", "Everyday friction"}, {"deeper", "Deeper"}};

static json_t *topics, *cues, *none;

/* "/listen?topic=...#start": the address that puts a topic in the box. */
static json_t *topic_link(const char *topic)
{
    struct buf b;
    buf_init(&b, 1024);
    buf_printf(&b, "/listen?topic=");
    for (const unsigned char *c = (const unsigned char *)topic; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '.' || *c == '_')
            buf_printf(&b, "%c", *c);
        else
            buf_printf(&b, "%%%02X", *c);
    }
    buf_printf(&b, "#start");
    json_t *out = json_pack("{s:s, s:s}", "text", topic, "href", b.data);
    buf_free(&b);
    return out;
}

int listen_content_start(void)
{
    json_t *levels = assets_sections(TOPICS, LISTEN_TOPIC_MAX * 4);
    cues = assets_sections(CUES, 400);
    none = json_array();
    if (levels == NULL || cues == NULL) {
        json_decref(levels);
        return -1;
    }
    topics = json_array();
    for (size_t k = 0; k < sizeof(LEVELS) / sizeof(LEVELS[0]); k++) {
        json_t *links = json_array(), *t;
        size_t i;
        json_array_foreach (json_object_get(levels, LEVELS[k].name), i, t)
            json_array_append_new(links, topic_link(json_string_value(t)));
        json_array_append_new(topics, json_pack("{s:s, s:s, s:o}", "name", LEVELS[k].name, "label",
                                                LEVELS[k].label, "topics", links));
    }
    json_decref(levels);
    return 0;
}

void listen_content_stop(void)
{
    json_decref(topics);
    json_decref(cues);
    json_decref(none);
    topics = cues = none = NULL;
}

json_t *listen_topics(void)
{
    return topics;
}

json_t *listen_cues(const char *section)
{
    json_t *list = json_object_get(cues, section);
    return list ? list : none;
}
