/*
 * log.h: brul-serve's log, on stderr: one JSON object a line, one line
 * for each request answered.
 *
 * Fields: ts, remote address, method, path (never the query string,
 * which may hold a token), route pattern, status, bytes, milliseconds,
 * user, and for a request answered 500 or 503 for a failure the client
 * is not told about, error: what failed.  Every string is written as
 * brul_log_str writes it, so that nothing a client sends can end a line
 * or a string early: a line is one JSON object, whatever the request
 * held.  Each line is written with one write(2), so the lines of
 * threads never interleave.
 *
 * Ownership: the caller's buffers; nothing is kept.
 */
#ifndef BRUL_LOG_H
#define BRUL_LOG_H

#include <stddef.h>
#include <time.h>

#include "core/err.h"
#include "serve/req.h"

/* The longest line written, with its newline. */
#define BRUL_LOG_LINE 4096

/* s as the text of a JSON string, into dst[0..n), NUL-terminated, cut
 * to fit (never inside an escape): printable ASCII but " and \ as is,
 * those two as \" and \\, every other byte b as \u00XX, so that the
 * line is ASCII and each character of the string decoded is one byte
 * of s.  Returns the length written. */
size_t brul_log_str(char *dst, size_t n, const char *s);

/* The request's line, newline included, into line[0..BRUL_LOG_LINE):
 * its length.  now is the time written as ts. */
size_t brul_log_access_line(char *line, const struct brul_req *r,
			    time_t now, double ms);

/* Writes the request's line, once answered, ms after it arrived. */
void brul_log_access(const struct brul_req *r, double ms);
/* Keeps what failed (the first failure) for the request's line, which
 * is then written even when the access log is off: a failure the client
 * is answered 500 or 503 for without being told why. */
void brul_log_failure(struct brul_req *r, const struct brul_err *err);

#endif
