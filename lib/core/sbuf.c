/*
 * sbuf.c: see sbuf.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/grow.h"
#include "core/sbuf.h"

void
brul_sbuf_add(struct brul_sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap &&
	    brul_grow(&b->s, &b->cap, b->n + n + 1, 1) < 0) {
		b->oom = 1;
		return;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void
brul_sbuf_str(struct brul_sbuf *b, const char *s)
{
	brul_sbuf_add(b, s, strlen(s));
}

void
brul_sbuf_fmt(struct brul_sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		b->oom = 1;
	else
		brul_sbuf_add(b, tmp, (size_t)n);
}
