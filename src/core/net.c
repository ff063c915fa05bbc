/* net.c: parsing and truncating addresses with inet_pton/inet_ntop. */
#include "core/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

bool net_normalise(const char *text, char out[NET_ADDRESS_MAX])
{
    unsigned char a[16];
    if (text != NULL && inet_pton(AF_INET, text, a) == 1)
        return inet_ntop(AF_INET, a, out, NET_ADDRESS_MAX) != NULL;
    if (text == NULL || inet_pton(AF_INET6, text, a) != 1)
        return false;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, sizeof(mapped)) == 0)
        return inet_ntop(AF_INET, a + 12, out, NET_ADDRESS_MAX) != NULL;
    return inet_ntop(AF_INET6, a, out, NET_ADDRESS_MAX) != NULL;
}

static void mask(unsigned char *a, size_t bytes, int bits)
{
    for (size_t i = 0; i < bytes; i++) {
        int keep = bits - (int)i * 8;
        a[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
    }
}

void net_prefix(const char *ip, int v4_bits, int v6_bits, char out[NET_ADDRESS_MAX])
{
    unsigned char a[16];
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, ip, a) == 1) {
        mask(a, 4, v4_bits);
        inet_ntop(AF_INET, a, text, sizeof(text));
        snprintf(out, NET_ADDRESS_MAX, "%s/%d", text, v4_bits);
    } else if (inet_pton(AF_INET6, ip, a) == 1) {
        mask(a, 16, v6_bits);
        inet_ntop(AF_INET6, a, text, sizeof(text));
        snprintf(out, NET_ADDRESS_MAX, "%s/%d", text, v6_bits);
    } else {
        snprintf(out, NET_ADDRESS_MAX, "unknown");
    }
}
