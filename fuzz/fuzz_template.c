/* Fuzzes template compilation and rendering (src/view/template.c). */
#include <stddef.h>
#include <stdint.h>

#include "view/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tpl_set *set = tpl_set_new();
    char err[256];
    if (tpl_set_add(set, "t", TPL_HTML, (const char *)data, size, err, sizeof(err)) == 0 &&
        tpl_set_add(set, "p", TPL_HTML, "{{> t}}", 7, err, sizeof(err)) == 0 &&
        tpl_set_link(set, err, sizeof(err)) == 0) {
        json_t *m = json_pack("{s:s, s:[{s:i}, {s:i}], s:{s:b}, s:s}", "a", "<x>", "list", "n", 1,
                              "n", 2, "o", "flag", 1, "body_html", "<b>");
        struct buf out;
        buf_init(&out, 1 << 16);
        json_t *ctx[1] = {m};
        tpl_render(tpl_set_get(set, "t"), ctx, 1, &out);
        tpl_render(tpl_set_get(set, "p"), ctx, 1, &out); /* a partial that includes t */
        buf_free(&out);
        json_decref(m);
    }
    tpl_set_free(set);
    return 0;
}
