/*
 * fuzz-http.c: libFuzzer target for what brul-serve does with a request
 * before a handler needs the database: the path and arguments decoded
 * (serve/url.h), the route found and its path parameters (route.h), the
 * arguments checked against those the route takes and read by each
 * parser (args.h), the JSON body parsed, every error answer's body made
 * (reply.h), and the log's lines written (log.h).
 *
 * The input is an HTTP request as a client sends it: "METHOD TARGET
 * VERSION", header lines, an empty line, the body.  It is split here as
 * libmicrohttpd splits it (the target at "?", arguments at "&" and the
 * first "=", "+" a space), each string ending at its first NUL as
 * libmicrohttpd's do.
 *
 * Beyond "no crash, no leak, nothing undefined":
 * - decoding never lengthens a path or an argument, nor leaves a NUL in
 *   it (which would cut it short);
 * - a route found has the method asked (HEAD: GET), and its pattern
 *   with the parameters put back is the path; each parameter is UTF-8,
 *   not empty, without '/';
 * - a path no route has is unknown to every method; a 405 lists methods;
 * - every answer is 200 (the handler's to give), 400, 404 or 405, and
 *   every error body is one JSON object {"error": {status, code,
 *   message}} with that status;
 * - a time read back is ISO text, and moved stays in years 0001-9999;
 * - every log line is one JSON object on one line, with or without a
 *   failure, and its method and path decode to the bytes received (cut,
 *   never changed).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/utf8.h"
#include "serve/api.h"
#include "serve/log.h"
#include "serve/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS 64

/* An error answer's body at status, checked. */
static void
answer(int status, const char *code, const char *msg)
{
	char *body = brul_error_body(status, code, msg);
	json_t *o, *e;

	if (body == NULL || (o = json_loads(body, 0, NULL)) == NULL)
		abort();
	e = json_object_get(o, "error");
	if (json_object_size(o) != 1 || json_object_size(e) != 3 ||
	    json_integer_value(json_object_get(e, "status")) != status ||
	    !json_is_string(json_object_get(e, "code")) ||
	    strcmp(json_string_value(json_object_get(e, "code")), code) != 0 ||
	    !json_is_string(json_object_get(e, "message")))
		abort();
	json_decref(o);
	free(body);
}

/* A 400 for argument name, as args.c words it. */
static void
bad(const char *name, const char *want, const char *got)
{
	char q[4 * BRUL_ARG_QUOTE + 1], msg[512];

	brul_arg_quote(q, got);
	snprintf(msg, sizeof msg, "%s: expected %s, not \"%s\"", name, want,
	    q);
	answer(400, "bad_argument", msg);
}

/* Whether UTF-8 text s, each character below U+0100, is a prefix of the
 * bytes b: a log string decoded against what was received. */
static int
decodes_to(const char *s, const char *b)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (s == NULL)
		return 0;
	while (*p) {
		unsigned c = *p++;

		if (c >= 0x80) {
			if ((c & 0xe0) != 0xc0 || (*p & 0xc0) != 0x80)
				return 0;
			c = (c & 0x1f) << 6 | (*p++ & 0x3f);
		}
		if (c > 0xff || b[i] == '\0' || (unsigned char)b[i] != c)
			return 0;
		i++;
	}
	return 1;
}

/* Decodes s as libmicrohttpd has brul-serve decode it: the text is
 * never longer, and holds no NUL before its end. */
static void
unescape(char *s)
{
	size_t n = strlen(s);

	if (brul_url_unescape(s) != strlen(s) || strlen(s) > n)
		abort();
}

/* A log line: one JSON object on one line, its method and path those
 * received. */
static void
logline(const char *line, size_t n, const struct brul_req *r)
{
	json_t *o;

	if (n == 0 || n >= BRUL_LOG_LINE || line[n - 1] != '\n' ||
	    memchr(line, '\n', n) != line + n - 1 ||
	    (o = json_loadb(line, n - 1, 0, NULL)) == NULL ||
	    !json_is_object(o))
		abort();
	if (!decodes_to(json_string_value(json_object_get(o, "method")),
	    r->method) ||
	    !decodes_to(json_string_value(json_object_get(o, "path")),
	    r->path))
		abort();
	json_decref(o);
}

/* The parsers an argument may meet, on value; each refusal answered. */
static void
parse_all(const char *name, const char *value)
{
	static const char *const risks[] = { "low", "medium", "high",
		"critical" };
	char want[200], out[32], moved[32];
	int64_t t;
	long v;
	int k;

	if (brul_arg_parse_int(value, 1, 1000, &v, want, sizeof want) < 0)
		bad(name, want, value);
	else if (v < 1 || v > 1000)
		abort();
	if (brul_arg_parse_time(value, out) < 0)
		bad(name, "a time (2026-01-01T00:00:00Z) or a date in years "
		    "0001-9999", value);
	else {
		if (strlen(out) != BRUL_TIME_LEN ||
		    brul_time_parse(out, BRUL_TIME_LEN, &t) < 0)
			abort();
		brul_arg_time_add(moved, out, -3660L * 86400);
		if (brul_time_parse(moved, strlen(moved), &t) < 0 ||
		    strcmp(moved, "0001-01-01T00:00:00Z") < 0)
			abort();
		brul_arg_time_add(moved, out, 3660L * 86400);
		if (brul_time_parse(moved, strlen(moved), &t) < 0 ||
		    strcmp(moved, "9999-12-31T23:59:59Z") > 0)
			abort();
	}
	if (brul_arg_parse_enum(value, risks, 4, &k, want, sizeof want) < 0)
		bad(name, want, value);
	else if (strcmp(value, risks[k]) != 0)
		abort();
	if (brul_arg_parse_id(value) < 0)
		bad(name, "an identifier (letters, digits, -_.:)", value);
}

/* Whether path is pattern with params put back. */
static int
rebuilt(const char *pattern, const struct brul_path_params *pp,
	const char *path)
{
	char buf[4096];
	size_t at = 0;
	int np = 0;

	for (const char *p = pattern; *p && at < sizeof buf - 1;) {
		if (*p == '{') {
			const char *v = pp->v[np++];

			if (brul_utf8_invalid(v, strlen(v)) >= 0 ||
			    *v == '\0' || strchr(v, '/'))
				return 0;
			at += (size_t)snprintf(buf + at, sizeof buf - at, "%s",
			    v);
			p = strchr(p, '}') + 1;
		} else
			buf[at++] = *p++;
	}
	buf[at < sizeof buf ? at : sizeof buf - 1] = '\0';
	return strcmp(buf, path) == 0;
}

/* The request's arguments, split as libmicrohttpd splits them, checked
 * against route i's and read; the status. */
static int
arguments(char *query, int i)
{
	unsigned long seen = 0;
	char msg[400];
	int n = 0;

	for (char *a = query, *next; a && n < MAXARGS; a = next, n++) {
		char *eq, *v = NULL;

		if ((next = strchr(a, '&')) != NULL)
			*next++ = '\0';
		if (*a == '\0')
			continue;
		for (char *p = a; *p; p++)
			if (*p == '+')
				*p = ' ';
		if ((eq = strchr(a, '=')) != NULL) {
			*eq = '\0';
			v = eq + 1;
			unescape(v);
		}
		unescape(a);
		if (brul_arg_check(brul_routes[i].args, a, v, &seen, msg,
		    sizeof msg) < 0) {
			answer(400, "bad_argument", msg);
			return 400;
		}
		parse_all(a, v);
	}
	return 200;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *req = malloc(size + 1), *line, *sp, *target, *query, *body;
	char allow[64], msg[300], line2[BRUL_LOG_LINE];
	struct brul_req r = { 0 };
	struct brul_err err;
	size_t blen = 0;
	int i, status;
	json_t *o;

	if (req == NULL)
		return 0;
	memcpy(req, data, size);
	req[size] = '\0';
	/* The request line; the body after the first empty line. */
	line = req;
	if ((body = memmem(req, size, "\r\n\r\n", 4)) != NULL) {
		body += 4;
		blen = size - (size_t)(body - req);
	}
	line[strcspn(line, "\r\n")] = '\0';
	if ((sp = strchr(line, ' ')) == NULL) {
		free(req);
		return 0;
	}
	*sp = '\0';
	target = sp + 1;
	target[strcspn(target, " ")] = '\0';
	if ((query = strchr(target, '?')) != NULL)
		*query++ = '\0';
	unescape(target);

	r.method = line;
	r.path = target;
	strcpy(r.remote, "127.0.0.1");
	i = brul_route_match(brul_routes, brul_nroutes, line, target,
	    &r.params, allow, sizeof allow);
	if (i >= 0) {
		const char *m = strcmp(line, "HEAD") == 0 ? "GET" : line;

		if (strcmp(brul_routes[i].method, m) != 0 ||
		    !rebuilt(brul_routes[i].pattern, &r.params, target))
			abort();
		r.route = i;
		r.pattern = brul_routes[i].pattern;
		status = arguments(query, i);
	} else if (i == -2) {
		if (allow[0] == '\0' || strspn(allow, "GETPOSTPATCHDELETE, ") !=
		    strlen(allow))
			abort();
		status = 405;
	} else {
		struct brul_path_params pp;
		char a2[64];

		if (brul_route_match(brul_routes, brul_nroutes, "GET", target,
		    &pp, a2, sizeof a2) != -1)
			abort();
		answer(404, "not_found", "no such path");
		status = 404;
	}
	if (status != 200 && status != 400 && status != 404 && status != 405)
		abort();

	/* The body, as a handler that takes one reads it. */
	if (body) {
		if ((o = brul_body_parse(body, blen, msg, sizeof msg)) == NULL)
			answer(400, "bad_json", msg);
		else if (!json_is_object(o))
			abort();
		json_decref(o);
	}

	/* The log: the request's line, then with a failure whose message
	 * holds what the client sent (PostgreSQL's errors may quote it). */
	r.status = status;
	r.bytes = size;
	logline(line2, brul_log_access_line(line2, &r, (time_t)size * 86400,
	    (double)size), &r);
	brul_err_set(&err, NULL, 0, 0, "PostgreSQL: %s", body ? body : line);
	brul_log_failure(&r, &err);
	logline(line2, brul_log_access_line(line2, &r, 0, 1), &r);
	free(req);
	return 0;
}
