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

size_t
brul_arg_quote(char *dst, const char *s)
{
	size_t len = strnlen(s, BRUL_ARG_QUOTE), i = 0, j = 0;

	while (i < len) {
		long k = brul_utf8_invalid(s + i, len - i);
		size_t ok = k < 0 ? len - i : (size_t)k;

		memcpy(dst + j, s + i, ok);
		i += ok;
		j += ok;
		if (i == len)
			break;
		/* A character cut by the limit ends the quote; a byte that
		 * is not UTF-8 at all is written as its value. */
		if (brul_utf8_invalid(s + i, strnlen(s + i, 4)) != 0)
			break;
		j += (size_t)snprintf(dst + j, 5, "\\x%02X",
		    (unsigned char)s[i]);
		i++;
	}
	dst[j] = '\0';
	return j;
}

static int
bad(struct brul_req *r, const char *name, const char *want, const char *got)
{
	char q[4 * BRUL_ARG_QUOTE + 1];

	brul_arg_quote(q, got);
	brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_argument",
	    "%s: expected %s, not \"%s\"", name, want, q);
	return -1;
}

int
brul_arg_parse_int(const char *s, long lo, long hi, long *v, char *want,
		   size_t n)
{
	int64_t x;

	if (brul_int_parse(s, strlen(s), &x) < 0 || x < lo || x > hi) {
		snprintf(want, n, "an integer from %ld to %ld", lo, hi);
		return -1;
	}
	*v = (long)x;
	return 0;
}

int
brul_arg_parse_time(const char *s, char out[32])
{
	int64_t t, day;

	if (brul_time_parse(s, strlen(s), &t) == 0)
		;
	else if (brul_date_parse(s, strlen(s), &day) == 0)
		t = day * 86400;
	else
		return -1;
	/* PostgreSQL has no year 0 (1 BC): 0000-01-01 would be its error,
	 * a 500. */
	if (t < brul_days_from_civil(1, 1, 1) * BRUL_DAY)
		return -1;
	out[brul_time_format(out, t)] = '\0';
	return 0;
}

int
brul_arg_time_add(char out[32], const char *t, long seconds)
{
	int64_t lo = brul_days_from_civil(1, 1, 1) * BRUL_DAY;
	int64_t hi = brul_days_from_civil(10000, 1, 1) * BRUL_DAY - 1;
	int64_t x = 0;
	int kept = 0;

	brul_time_parse(t, strlen(t), &x);
	x += seconds;
	if (x < lo || x > hi) {
		x = x < lo ? lo : hi;
		kept = 1;
	}
	out[brul_time_format(out, x)] = '\0';
	return kept;
}

int
brul_arg_parse_enum(const char *s, const char *const *names, int count,
		    int *v, char *want, size_t n)
{
	size_t at = 0;

	for (int i = 0; i < count; i++)
		if (strcmp(s, names[i]) == 0) {
			*v = i;
			return 0;
		}
	want[0] = '\0';
	for (int i = 0; i < count && at < n; i++)
		at += (size_t)snprintf(want + at, n - at, "%s%s",
		    i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
	return -1;
}

int
brul_arg_parse_id(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || n > 128 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") != n ? -1 : 0;
}

int
brul_arg_int(struct brul_req *r, const char *name, long lo, long hi,
	     long *v)
{
	const char *s = arg(r, name);
	char want[80];

	if (s == NULL)
		return 0;
	if (brul_arg_parse_int(s, lo, hi, v, want, sizeof want) < 0)
		return bad(r, name, want, s);
	return 1;
}

int
brul_arg_time(struct brul_req *r, const char *name, char out[32])
{
	const char *s = arg(r, name);

	if (s == NULL)
		return 0;
	if (brul_arg_parse_time(s, out) < 0)
		return bad(r, name, "a time (2026-01-01T00:00:00Z) or a date "
		    "in years 0001-9999", s);
	return 1;
}

int
brul_arg_enum(struct brul_req *r, const char *name, const char *const *names,
	      int n, int *v)
{
	const char *s = arg(r, name);
	char want[200];

	if (s == NULL)
		return 0;
	if (brul_arg_parse_enum(s, names, n, v, want, sizeof want) < 0)
		return bad(r, name, want, s);
	return 1;
}

int
brul_arg_id(struct brul_req *r, const char *name, const char **v)
{
	const char *s = arg(r, name);

	if (s == NULL)
		return 0;
	if (brul_arg_parse_id(s) < 0)
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

int
brul_arg_check(const char *takes, const char *name, const char *value,
	       unsigned long *seen, char *msg, size_t n)
{
	char q[4 * BRUL_ARG_QUOTE + 1];
	size_t len = strlen(name);
	const char *p = takes;
	int i = 0;

	brul_arg_quote(q, name);
	while (*p) {
		size_t k = strcspn(p, " ");

		if (k == len && strncmp(p, name, len) == 0)
			break;
		p += k;
		p += strspn(p, " ");
		i++;
	}
	if (*p == '\0') {
		size_t at = (size_t)snprintf(msg, n, "%s: not an argument of "
		    "this route, which takes ", q);

		/* The names it takes, as a list: "a, b and c". */
		for (p = takes, i = 0; *p && at < n; i++) {
			size_t k = strcspn(p, " ");
			const char *next = p + k + strspn(p + k, " ");

			at += (size_t)snprintf(msg + at, n - at, "%s%.*s",
			    i == 0 ? "" : *next ? ", " : " and ", (int)k, p);
			p = next;
		}
		if (i == 0)
			snprintf(msg, n, "%s: not an argument of this route, "
			    "which takes none", q);
		return -1;
	}
	if (value == NULL) {
		snprintf(msg, n, "%s: expected %s=VALUE", q, q);
		return -1;
	}
	if (i < 32) {
		if (*seen & 1UL << i) {
			snprintf(msg, n, "%s: given twice", q);
			return -1;
		}
		*seen |= 1UL << i;
	}
	return 0;
}

struct argcheck {
	const char *takes;
	unsigned long seen;
	int bad;
	char msg[400];
};

static enum MHD_Result
argcheck(void *cls, enum MHD_ValueKind kind, const char *key,
	 const char *value)
{
	struct argcheck *a = cls;

	(void)kind;
	if (brul_arg_check(a->takes, key ? key : "", value, &a->seen, a->msg,
	    sizeof a->msg) < 0) {
		a->bad = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

int
brul_args_check(struct brul_req *r, const char *takes)
{
	struct argcheck a = { takes, 0, 0, "" };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, argcheck,
	    &a);
	if (!a.bad)
		return 0;
	brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_argument", "%s",
	    a.msg);
	return -1;
}

json_t *
brul_body_parse(const char *body, size_t len, char *msg, size_t n)
{
	json_error_t je;
	json_t *o;

	if ((o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		snprintf(msg, n, "body: %s at line %d, column %d", je.text,
		    je.line, je.column);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		snprintf(msg, n, "body: expected a JSON object");
		return NULL;
	}
	return o;
}

json_t *
brul_body(struct brul_req *r)
{
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	char msg[300];
	json_t *o;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
		brul_reply_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "unsupported_media_type", "send JSON (Content-Type: "
		    "application/json)");
		return NULL;
	}
	if ((o = brul_body_parse(r->body ? r->body : "", r->nbody, msg,
	    sizeof msg)) == NULL)
		brul_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_json", "%s",
		    msg);
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
