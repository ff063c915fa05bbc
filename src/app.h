/* app.h: wires Hearth's modules into the server: their routes, and what they
 * set up once the server's base URL is known. */
#ifndef HEARTH_APP_H
#define HEARTH_APP_H

#include "http/http.h"

/* Registers every module's route table with the router. */
void app_register_routes(void);
/* Runs after the database is open and the server listens. Returns 0 or -1. */
int app_start(const struct http_config *cfg);
/* Releases what app_start set up. */
void app_stop(void);

#endif
