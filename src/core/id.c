/* id.c: time-ordered random ids. */
#include "core/id.h"

#include <sodium.h>
#include <stdatomic.h>

#include "core/clock.h"
#include "core/util.h"

int64_t id_new(void)
{
    uint32_t r = randombytes_random() & 0x3fffff;
    uint64_t ms = (uint64_t)clock_now_ms() & ((UINT64_C(1) << 41) - 1);
    return (int64_t)((ms << 22) | r | 1);
}

int64_t id_new_ordered(void)
{
    static _Atomic int64_t last;
    int64_t prev = atomic_load(&last), id;
    do {
        id = id_new();
        if (id <= prev)
            id = prev + 2; /* stays odd, like id_new */
    } while (!atomic_compare_exchange_weak(&last, &prev, id));
    return id;
}

int id_parse(const char *s, size_t len, int64_t *out)
{
    int64_t v;
    if (len > 19 || parse_int64(s, len, &v) != 0 || v <= 0)
        return -1;
    *out = v;
    return 0;
}

int64_t id_from(const json_t *v)
{
    int64_t id = 0;
    const char *s = json_string_value(v);
    if (s != NULL && id_parse(s, json_string_length(v), &id) != 0)
        id = 0;
    return id;
}
