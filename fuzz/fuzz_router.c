/* Fuzzes route matching (src/http/router.c) against Hearth's real table. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        app_register_routes();
        ready = 1;
    }
    char *path = malloc(size + 1);
    memcpy(path, data, size);
    path[size] = '\0';
    const struct route *r;
    char allow[128];
    json_t *params = json_object();
    router_match("GET", path, &r, params, allow, sizeof(allow));
    router_match("POST", path, &r, params, allow, sizeof(allow));
    json_decref(params);
    free(path);
    return 0;
}
