/* app.c: the list of Hearth's modules. Adding a module means adding its
 * routes here. */
#include "app.h"

#include "core/util.h"
#include "http/router.h"
#include "pages/pages.h"

void app_register_routes(void)
{
    router_add(pages_routes, pages_nroutes);
}

int app_start(const struct http_config *cfg)
{
    (void)cfg;
    return 0;
}

void app_stop(void)
{
}
