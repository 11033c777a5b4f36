/* args.c: see args.h. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/num.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "serve/args.h"
#include "serve/reply.h"

static const char *
arg(struct brul_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

static int
bad(struct brul_req *r, const char *name, const char *want, const char *got)
{
	brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_argument",
	    "%s: expected %s, not \"%.64s\"", name, want, got);
	return -1;
}

int
brul_arg_int(struct brul_req *r, const char *name, long lo, long hi,
	     long *v)
{
	const char *s = arg(r, name);
	int64_t x;
	char want[80];

	if (s == NULL)
		return 0;
	if (brul_int_parse(s, strlen(s), &x) < 0 || x < lo || x > hi) {
		snprintf(want, sizeof want, "an integer from %ld to %ld", lo,
		    hi);
		return bad(r, name, want, s);
	}
	*v = (long)x;
	return 1;
}

int
brul_arg_time(struct brul_req *r, const char *name, char out[32])
{
	const char *s = arg(r, name);
	int64_t t, day;

	if (s == NULL)
		return 0;
	if (brul_time_parse(s, strlen(s), &t) == 0)
		;
	else if (brul_date_parse(s, strlen(s), &day) == 0)
		t = day * 86400;
	else
		return bad(r, name, "a time (2026-01-01T00:00:00Z) or a date",
		    s);
	out[brul_time_format(out, t)] = '\0';
	return 1;
}

int
brul_arg_enum(struct brul_req *r, const char *name, const char *const *names,
	      int n, int *v)
{
	const char *s = arg(r, name);
	char want[200];
	size_t at = 0;

	if (s == NULL)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*v = i;
			return 1;
		}
	for (int i = 0; i < n && at < sizeof want; i++)
		at += (size_t)snprintf(want + at, sizeof want - at, "%s%s",
		    i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
	return bad(r, name, want, s);
}

int
brul_arg_id(struct brul_req *r, const char *name, const char **v)
{
	const char *s = arg(r, name);
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n == 0 || n > 128 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") != n)
		return bad(r, name, "an identifier (letters, digits, -_.:)",
		    s);
	*v = s;
	return 1;
}

int
brul_arg_bool(struct brul_req *r, const char *name, int *v)
{
	static const char *const names[] = { "false", "true" };

	return brul_arg_enum(r, name, names, 2, v);
}

int
brul_arg_page(struct brul_req *r, char *limit, char *offset)
{
	long l = 50, o = 0;

	if (brul_arg_int(r, "limit", 1, 1000, &l) < 0 ||
	    brul_arg_int(r, "offset", 0, 1000000000, &o) < 0)
		return -1;
	snprintf(limit, 24, "%ld", l);
	snprintf(offset, 24, "%ld", o);
	return 0;
}

json_t *
brul_body(struct brul_req *r)
{
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	json_error_t je;
	json_t *o;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
		brul_reply_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "unsupported_media_type", "send JSON (Content-Type: "
		    "application/json)");
		return NULL;
	}
	if ((o = json_loadb(r->body ? r->body : "", r->nbody,
	    JSON_REJECT_DUPLICATES, &je)) == NULL) {
		brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_json",
		    "body: %s at line %d, column %d", je.text, je.line,
		    je.column);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_json",
		    "body: expected a JSON object");
		return NULL;
	}
	return o;
}

int
brul_body_str(struct brul_req *r, json_t *o, const char *key, size_t max,
	      int required, const char **v)
{
	json_t *x = json_object_get(o, key);

	*v = NULL;
	if (x == NULL || json_is_null(x)) {
		if (!required)
			return 0;
		brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_body",
		    "%s: missing", key);
		return -1;
	}
	if (!json_is_string(x) || json_string_length(x) == 0 ||
	    json_string_length(x) > max ||
	    strlen(json_string_value(x)) != json_string_length(x)) {
		brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_body",
		    "%s: expected a string of 1 to %zu bytes", key, max);
		return -1;
	}
	*v = json_string_value(x);
	return 1;
}
