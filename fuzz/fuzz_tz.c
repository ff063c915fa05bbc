/* Fuzzes time zones (src/core/tz.c): tz_valid on any name, and tz_date and
 * tz_format at any time in any name, known zones included. The input is a
 * mode byte, eight bytes of milliseconds, then the zone name; with the mode's
 * low bit set, the next two bytes pick a zone from the known list instead,
 * and the time is folded into the years 1716 to 2223 (libical takes some
 * 20 ms a call for zones with summer time far in the future, which the
 * server, whose times come from its clock, never asks for). */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"

static const int64_t FOLD_MS = 8000000000000; /* about 253 years either side of 1970 */

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_tz: %s\n", what);
        abort();
    }
}

static void at_time(const char *name, int64_t ms)
{
    char date[11], when[32];
    memset(date, 'x', sizeof(date));
    tz_date(name, ms, date);
    require(strlen(date) == 10 && date[4] == '-' && date[7] == '-', "a date is YYYY-MM-DD");
    memset(when, 'x', sizeof(when));
    tz_format(name, ms, when);
    require(memchr(when, '\0', sizeof(when)) != NULL, "a formatted time is terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        tz_init();
        ready = true;
    }
    if (size < 9)
        return 0;
    int64_t ms;
    memcpy(&ms, data + 1, sizeof(ms));
    const uint8_t *rest = data + 9;
    size_t len = size - 9;
    char *name;
    if ((data[0] & 1) && len >= 2) {
        json_t *names = tz_names();
        size_t i = ((size_t)rest[0] << 8 | rest[1]) % json_array_size(names);
        name = strdup(json_string_value(json_array_get(names, i)));
        require(tz_valid(name), "a listed zone is valid");
        ms %= FOLD_MS;
    } else {
        name = malloc(len + 1);
        memcpy(name, rest, len);
        name[len] = '\0';
        tz_valid(name);
    }
    at_time(name, ms);
    at_time(NULL, ms);
    free(name);
    return 0;
}
