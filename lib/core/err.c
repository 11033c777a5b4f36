/*
 * err.c: filling and formatting struct brul_err.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

void
brul_err_clear(struct brul_err *e)
{
	if (e == NULL)
		return;
	e->where[0] = '\0';
	e->line = 0;
	e->col = 0;
	e->msg[0] = '\0';
}

int
brul_err_set(struct brul_err *e, const char *where, long line, long col,
    const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;
	size_t n;

	if (e == NULL)
		return -1;
	/* The arguments, and where, may point into e itself (a caller adding
	 * to an error it got): format into a copy first. */
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	if (where == NULL)
		where = "";
	n = strnlen(where, sizeof(e->where) - 1);
	memmove(e->where, where, n);
	e->where[n] = '\0';
	memcpy(e->msg, msg, sizeof(msg));
	e->line = line;
	e->col = col;
	return -1;
}

const char *
brul_err_str(const struct brul_err *e, char *buf, size_t n)
{
	const char *msg;

	if (buf == NULL || n == 0)
		return buf;
	if (e == NULL) {
		buf[0] = '\0';
		return buf;
	}
	msg = e->msg[0] != '\0' ? e->msg : "unknown error";
	if (e->where[0] == '\0')
		snprintf(buf, n, "%s", msg);
	else if (e->line <= 0)
		snprintf(buf, n, "%s: %s", e->where, msg);
	else if (e->col <= 0)
		snprintf(buf, n, "%s:%ld: %s", e->where, e->line, msg);
	else
		snprintf(buf, n, "%s:%ld:%ld: %s", e->where, e->line, e->col,
		    msg);
	return buf;
}
