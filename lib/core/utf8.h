/*
 * utf8.h: checking that text is UTF-8, as every stream's text must be
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
#ifndef BRUL_UTF8_H
#define BRUL_UTF8_H

#include <stddef.h>

/* The offset of the first byte of s[0..n) that does not start a valid
 * sequence, or -1 when all of it is UTF-8. */
long brul_utf8_invalid(const char *s, size_t n);

#endif
