/*
 * args.h: a request's query arguments and JSON body, checked.
 *
 * Each argument helper returns 0 (absent: the default is kept), 1 (set),
 * or -1 having answered 400 ("limit: expected an integer from 1 to
 * 1000, not "0""): the handler then returns r->ret.
 */
#ifndef BRUL_ARGS_H
#define BRUL_ARGS_H

#include <jansson.h>
#include <stddef.h>

#include "serve/req.h"

int brul_arg_int(struct brul_req *r, const char *name, long lo, long hi,
		 long *v);
/* A time (ISO 8601 UTC, or a date for its midnight; years 0001-9999) as
 * ISO text. */
int brul_arg_time(struct brul_req *r, const char *name, char out[32]);
/* One of names[0..n): its index in *v. */
int brul_arg_enum(struct brul_req *r, const char *name,
		  const char *const *names, int n, int *v);
/* An identifier: 1-128 bytes of letters, digits and "-_.:". */
int brul_arg_id(struct brul_req *r, const char *name, const char **v);
int brul_arg_bool(struct brul_req *r, const char *name, int *v);
/* limit (1-1000, default 50) and offset (default 0) as text, into
 * buffers of 24 bytes; 0, or -1 having answered 400. */
int brul_arg_page(struct brul_req *r, char *limit, char *offset);

/* The checks behind those helpers, on an argument's text alone: 0 and
 * the value, or -1 (with what was expected in want[0..n), for the
 * message).  An id is 1-128 bytes of letters, digits and "-_.:"; a time
 * is ISO 8601 UTC or a date in years 0001-9999, given back as ISO text. */
int brul_arg_parse_int(const char *s, long lo, long hi, long *v, char *want,
		       size_t n);
int brul_arg_parse_time(const char *s, char out[32]);
/* t, a time as brul_arg_parse_time gives it, moved by seconds, into out
 * as ISO text, kept within years 0001-9999 (whose times are the only ones
 * written as the streams write them): 0, or 1 when it had to be kept. */
int brul_arg_time_add(char out[32], const char *t, long seconds);
int brul_arg_parse_enum(const char *s, const char *const *names, int count,
			int *v, char *want, size_t n);
int brul_arg_parse_id(const char *s);

/* How much of an argument an answer quotes: its first bytes, at most. */
#define BRUL_ARG_QUOTE 64

/* s as a 400 quotes it, into dst[0..4 * BRUL_ARG_QUOTE + 1): its first
 * BRUL_ARG_QUOTE bytes at most, cut between characters, a byte that is
 * not part of UTF-8 written \xFF, so that the answer is text whatever
 * the client sent.  Returns the length written. */
size_t brul_arg_quote(char *dst, const char *s);

/* Whether the request's query arguments are those its route takes
 * (takes: names separated by spaces, "" for none): each of them once and
 * with a value.  0, or -1 having answered 400 naming the first that is
 * not. */
int brul_args_check(struct brul_req *r, const char *takes);
/* The check behind it, on one argument (value NULL: "name" without "="):
 * 0, or -1 with the message in msg[0..n).  seen is the arguments met so
 * far, a bit for each of takes' first 32 names; start it at 0. */
int brul_arg_check(const char *takes, const char *name, const char *value,
		   unsigned long *seen, char *msg, size_t n);

/* The request's JSON body as an object (the caller's, json_decref), or
 * NULL having answered 400 or 415. */
json_t *brul_body(struct brul_req *r);
/* The check behind it, on the body's bytes: the object, or NULL with the
 * 400's message in msg[0..n). */
json_t *brul_body_parse(const char *body, size_t len, char *msg, size_t n);
/* A member of a body: a string of 1..max bytes (NULL when absent if
 * optional, else answered 400), or -1 via r->ret. */
int brul_body_str(struct brul_req *r, json_t *o, const char *key, size_t max,
		  int required, const char **v);

#endif
