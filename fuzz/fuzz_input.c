/* Fuzzes form and JSON parsing and validation (src/http/input.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/input.h"

static const char *const choices[] = {"a", "b", NULL};
static const struct route route = {
    .method = "POST",
    .pattern = "/f",
    .fields = {{.name = "s", .type = FIELD_STRING, .required = true, .max = 20},
               {.name = "t", .type = FIELD_TEXT, .max = 100},
               {.name = "p", .type = FIELD_SECRET, .min = 12, .max = 128},
               {.name = "e", .type = FIELD_EMAIL},
               {.name = "i", .type = FIELD_INT, .min = -5, .max = 5},
               {.name = "b", .type = FIELD_BOOL},
               {.name = "c", .type = FIELD_CHOICE, .choices = choices},
               {.name = "cs", .type = FIELD_CHOICES, .choices = choices},
               {.name = "d", .type = FIELD_DATE},
               {.name = "id", .type = FIELD_ID}},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int json = 0; json < 2; json++) {
        struct req req = {0};
        req.input = json_object();
        req.typed = json_object();
        req.errors = json_object();
        json_t *raw = json_object();
        char err[256];
        if (json)
            input_parse_json(&route, raw, (const char *)data, size, err, sizeof(err));
        else
            input_parse_form(&route, raw, (const char *)data, size);
        input_validate(&route, &req, raw);
        json_decref(req.input);
        json_decref(req.typed);
        json_decref(req.errors);
    }
    return 0;
}
