/*
 * err.h: the error value every fallible lib/ call fills.
 *
 * lib/ never prints and never exits: a function that can fail takes a
 * struct brul_err *, fills it and returns -1 (or NULL).  The tool formats it
 * with brul_err_str() and decides what to do.  The struct is plain storage:
 * nothing to free.  A NULL err is allowed everywhere and means "don't tell me".
 */
#ifndef BRUL_ERR_H
#define BRUL_ERR_H

#include <stddef.h>

struct brul_err {
	char where[256];	/* file name, "<stdin>", or "" */
	long line;		/* 1-based; 0 = not known */
	long col;		/* 1-based column or field; 0 = not known */
	char msg[512];		/* lowercase, no full stop */
};

/* Clears e (no error). */
void brul_err_clear(struct brul_err *e);

/* Sets e and returns -1, so that callers can write `return brul_err_set(...)`.
 * where may be NULL. */
int brul_err_set(struct brul_err *e, const char *where, long line, long col,
		 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "where:line: msg", "where: msg" or "msg", into buf (always NUL-terminated).
 * Returns buf. */
const char *brul_err_str(const struct brul_err *e, char *buf, size_t n);

#endif
