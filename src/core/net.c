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

int net_parse_proxies(const char *list, struct net_proxies *out)
{
    out->n = 0;
    if (list == NULL)
        return 0;
    for (const char *p = list; *p != '\0';) {
        size_t len = strcspn(p, ",");
        char one[NET_ADDRESS_MAX];
        while (len > 0 && *p == ' ')
            p++, len--;
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == 0 || len >= sizeof(one) || out->n == NET_PROXIES_MAX)
            return -1;
        memcpy(one, p, len);
        one[len] = '\0';
        if (!net_normalise(one, out->addr[out->n]))
            return -1;
        out->n++;
        p += strcspn(p, ",");
        if (*p == ',')
            p++;
    }
    return 0;
}

bool net_is_proxy(const struct net_proxies *p, const char *ip)
{
    for (int i = 0; p != NULL && i < p->n; i++)
        if (strcmp(p->addr[i], ip) == 0)
            return true;
    return false;
}

void net_client_address(const char *peer, const char *const *forwarded, int n,
                        const struct net_proxies *proxies, char out[NET_ADDRESS_MAX])
{
    snprintf(out, NET_ADDRESS_MAX, "%s", peer);
    if (!net_is_proxy(proxies, peer))
        return;
    /* every hop of every line, in the order they were appended */
    struct {
        const char *at;
        size_t len;
    } hops[NET_HOPS_MAX];
    int nhops = 0;
    for (int line = 0; line < n; line++) {
        for (const char *p = forwarded[line]; p != NULL && *p != '\0';) {
            size_t len = strcspn(p, ",");
            const char *at = p;
            p += len;
            if (*p == ',')
                p++;
            while (len > 0 && (*at == ' ' || *at == '\t'))
                at++, len--;
            while (len > 0 && (at[len - 1] == ' ' || at[len - 1] == '\t'))
                len--;
            if (len == 0)
                continue;
            if (nhops == NET_HOPS_MAX)
                return;
            hops[nhops].at = at;
            hops[nhops].len = len;
            nhops++;
        }
    }
    for (int i = nhops - 1; i >= 0; i--) {
        char hop[NET_ADDRESS_MAX], ip[NET_ADDRESS_MAX];
        if (hops[i].len >= sizeof(hop))
            return;
        memcpy(hop, hops[i].at, hops[i].len);
        hop[hops[i].len] = '\0';
        if (!net_normalise(hop, ip))
            return;
        if (!net_is_proxy(proxies, ip)) {
            memcpy(out, ip, NET_ADDRESS_MAX);
            return;
        }
    }
}
