/*
 * log.h: brul-serve's log, on stderr: one JSON line per request (the
 * access log), and the detail of failures that clients are not told.
 *
 * Access log fields: ts, remote address, method, path (never the query
 * string, which may hold a token), route pattern, status, bytes,
 * milliseconds, user.  Each line is written with one write(2), so the
 * lines of threads never interleave.
 */
#ifndef BRUL_LOG_H
#define BRUL_LOG_H

#include "core/err.h"
#include "serve/req.h"

/* The request's line, once answered, ms after it arrived. */
void brul_log_access(const struct brul_req *r, double ms);
/* "brul-serve: METHOD PATH: what err says": a failure the client was
 * answered 500 or 503 for. */
void brul_log_failure(const struct brul_req *r, const struct brul_err *err);

#endif
