/*
 * sbuf.h: a growing, NUL-terminated byte buffer, for SQL and COPY text.
 *
 * The add functions never fail: on running out of memory they set .oom
 * and drop what they were given, and the caller checks .oom once at the
 * end.  Ownership: struct brul_sbuf is caller storage, zeroed to start;
 * free .s when done.
 */
#ifndef BRUL_SBUF_H
#define BRUL_SBUF_H

#include <stddef.h>

struct brul_sbuf {
	char *s;
	size_t n, cap;
	int oom;
};

void brul_sbuf_add(struct brul_sbuf *b, const char *s, size_t n);
void brul_sbuf_str(struct brul_sbuf *b, const char *s);
void brul_sbuf_fmt(struct brul_sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
