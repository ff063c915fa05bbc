/* qr.c: one SVG path with a unit square per dark module, plus the quiet zone. */
#include "view/qr.h"

#include <qrencode.h>
#include <string.h>

#include "core/buf.h"
#include "view/template.h"

enum { QR_QUIET = 4, QR_MAX_SVG = 256 * 1024 };

char *qr_svg(const char *text, const char *label)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        return NULL;
    int size = qr->width + 2 * QR_QUIET;
    struct buf out;
    buf_init(&out, QR_MAX_SVG);
    buf_printf(&out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-label=\"",
               size, size);
    html_escape(&out, label, strlen(label));
    buf_printf(&out,
               "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
               "fill=\"#fff\"/><path fill=\"#000\" d=\"",
               size, size);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                buf_printf(&out, "M%d %dh1v1h-1z", x + QR_QUIET, y + QR_QUIET);
    buf_puts(&out, "\"/></svg>");
    QRcode_free(qr);
    if (out.overflow) {
        buf_free(&out);
        return NULL;
    }
    return buf_take(&out, NULL);
}
