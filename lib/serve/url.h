/*
 * url.h: a request's path and query arguments decoded from their %XX
 * escapes, as libmicrohttpd hands them to brul-serve (server.c gives it
 * brul_url_unescape in place of its own).
 *
 * libmicrohttpd's decoder writes %00 as a NUL, which ends the text for
 * everything after it: /api/v1/batteries/B1%00x was read as B1, and
 * limit=5%00x as 5.  Here %00 is left as it is, three characters that
 * no route, identifier, number or time contains, so such a request is
 * refused (404, 400) instead of being read as a shorter one.
 *
 * Ownership: decodes the caller's text in place.
 */
#ifndef BRUL_URL_H
#define BRUL_URL_H

#include <stddef.h>

/* Decodes each %XX (X a hex digit, either case) of s but %00 in place;
 * anything else, a % without two hex digits after it included, is kept.
 * Returns the new length: the text is never longer, and never holds a
 * NUL before its end. */
size_t brul_url_unescape(char *s);

#endif
