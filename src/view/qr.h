/* qr.h: QR codes as inline SVG (libqrencode). */
#ifndef HEARTH_QR_H
#define HEARTH_QR_H

/* Returns an <svg> element showing text as a QR code, with label as its
 * accessible name; malloc'd, the caller frees. NULL when text cannot be
 * encoded. Both strings are escaped. */
char *qr_svg(const char *text, const char *label);

#endif
