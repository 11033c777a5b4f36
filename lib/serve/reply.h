/*
 * reply.h: brul-serve's answers: JSON, errors, files.
 *
 * Every answer carries Cache-Control: no-store (a read's 200: an ETag
 * and private, no-cache), nosniff, a closed
 * Content-Security-Policy and, for the origins configured, CORS headers
 * (a dashboard file has its own: an ETag, no-cache and the page's
 * policy).  Errors are JSON, {"error": {"status": 404, "code":
 * "not_found", "message": "no battery B9"}}, and never carry internals.
 * Each function answers once and returns what the handler returns.
 */
#ifndef BRUL_REPLY_H
#define BRUL_REPLY_H

#include <jansson.h>
#include <stddef.h>

#include "core/sbuf.h"
#include "serve/req.h"
#include "serve/www.h"

struct MHD_Response;

int brul_reply(struct brul_req *r, int status, const char *ctype,
	       const char *body, size_t n);
int brul_reply_json(struct brul_req *r, int status, const char *json);
/* Takes o (json_decref'd). */
int brul_reply_jansson(struct brul_req *r, int status, json_t *o);
int brul_reply_none(struct brul_req *r);	/* 204 */
/* 429 with Retry-After: seconds. */
int brul_reply_throttled(struct brul_req *r, int seconds);
int brul_reply_error(struct brul_req *r, int status, const char *code,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An error's body, as brul_reply_error answers it (the caller's, free):
 * a message that is not UTF-8 (a client's bytes, text cut short) has
 * each byte that is not written ?, so that the body is always made; NULL
 * only when out of memory. */
char *brul_error_body(int status, const char *code, const char *msg);
/* 405 with the methods the path allows. */
int brul_reply_not_allowed(struct brul_req *r, const char *allow);
/* Answers with b's text (taking it; b is emptied).  A read whose answer
 * may be kept (r->keep) answers a 200 as brul_reply_kept, remembering it
 * under r->keep_key when set. */
int brul_reply_sbuf(struct brul_req *r, int status, struct brul_sbuf *b);
/* A read's 200 with its ETag (Cache-Control: private, no-cache), taking
 * body (malloc'd); 304 and no body when If-None-Match has the ETag. */
int brul_reply_kept(struct brul_req *r, char *body, size_t n,
		    const char *etag);
/* A file of the dashboard (304 when the browser has it). */
int brul_reply_file(struct brul_req *r, const struct brul_www_file *f);
/* Adds the headers every answer carries to resp (for answers built
 * elsewhere: a preflight, a stream). */
void brul_reply_headers(struct brul_req *r, struct MHD_Response *resp);

#endif
