/* test-route.c: matching a request to its route (serve/route.h), on a
 * table of our own and on the API's: parameters (UTF-8 only), literal
 * segments before parameters, HEAD for GET, the methods a path allows,
 * every route of the API reachable by its own pattern, and taking the
 * query arguments openapi.json gives it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "serve/api.h"
#include "serve/route.h"
#include "tap.h"

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
h(struct brul_req *r)
{
	(void)r;
	return 0;
}

static const struct brul_route table[] = {
	{ "GET", "/health", BRUL_ROLE_NONE, h, "", 0 },
	{ "GET", "/api/v1/alerts/stats", BRUL_ROLE_VIEWER, h, "", 0 },
	{ "GET", "/api/v1/alerts/{alert_id}", BRUL_ROLE_VIEWER, h, "", 0 },
	{ "POST", "/api/v1/alerts/{alert_id}/acknowledge", BRUL_ROLE_ENGINEER,
	  h, "", 0 },
	{ "PATCH", "/api/v1/users/{user_id}", BRUL_ROLE_ADMIN, h, "", 0 },
	{ "GET", "/api/v1/users/{user_id}", BRUL_ROLE_ADMIN, h, "", 0 },
	{ "GET", "/a/{x}/b/{y}/c/{z}", BRUL_ROLE_VIEWER, h, "", 0 },
};
#define N ((int)(sizeof table / sizeof table[0]))

static int
match(const char *method, const char *path, struct brul_path_params *p,
      char *allow)
{
	memset(p, 0, sizeof *p);
	return brul_route_match(table, N, method, path, p, allow, 64);
}

/* o's member k as text; "" when it has none. */
static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* The query arguments the operation op of doc takes, as brul's routes
 * list them, into buf sorted: its parameters in the query (those of
 * components/parameters too) and the API keys of its security schemes
 * that are sent in the query. */
static void
doc_args(json_t *doc, json_t *op, char *buf, size_t n)
{
	const char *names[64];
	size_t i, k = 0, at = 0;
	json_t *p, *sec;

	json_t *comp = json_object_get(doc, "components");

	json_array_foreach(json_object_get(op, "parameters"), i, p) {
		const char *ref = str(p, "$ref");

		if (strncmp(ref, "#/components/parameters/", 24) == 0)
			p = json_object_get(json_object_get(comp,
			    "parameters"), ref + 24);
		if (k < 64 && strcmp(str(p, "in"), "query") == 0)
			names[k++] = str(p, "name");
	}
	json_array_foreach(json_object_get(op, "security"), i, sec) {
		const char *scheme;
		json_t *v, *s;

		json_object_foreach(sec, scheme, v) {
			s = json_object_get(json_object_get(comp,
			    "securitySchemes"), scheme);
			if (k < 64 && strcmp(str(s, "in"), "query") == 0)
				names[k++] = str(s, "name");
		}
	}
	qsort(names, k, sizeof names[0], cmpstr);
	buf[0] = '\0';
	for (i = 0; i < k && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? " " : "",
		    names[i]);
}

/* The arguments of a route, sorted, into buf. */
static void
route_args(const char *takes, char *buf, size_t n)
{
	char copy[400], *names[64], *w, *save = NULL;
	size_t k = 0, at = 0;

	snprintf(copy, sizeof copy, "%s", takes);
	for (w = strtok_r(copy, " ", &save); w && k < 64;
	    w = strtok_r(NULL, " ", &save))
		names[k++] = w;
	qsort(names, k, sizeof names[0], cmpstr);
	buf[0] = '\0';
	for (size_t i = 0; i < k && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? " " : "",
		    names[i]);
}

/* Each route takes the query arguments openapi.json gives it, no more,
 * no fewer, each once. */
static void
openapi_args(struct tap *t)
{
	char path[4096], want[600], have[600], name[700];
	struct brul_err err;
	json_error_t je;
	json_t *doc;
	int i, bad = 0;

	if (brul_data_path("openapi.json", path, sizeof path, &err) < 0 ||
	    (doc = json_load_file(path, 0, &je)) == NULL) {
		tap_ok(t, 0, "openapi.json is found and read");
		return;
	}
	for (i = 0; i < brul_nroutes; i++) {
		const struct brul_route *r = &brul_routes[i];
		char method[8];
		json_t *op;
		size_t j;

		for (j = 0; r->method[j] && j < sizeof method - 1; j++)
			method[j] = (char)(r->method[j] - 'A' + 'a');
		method[j] = '\0';
		op = json_object_get(json_object_get(json_object_get(doc,
		    "paths"), r->pattern), method);
		doc_args(doc, op, want, sizeof want);
		route_args(r->args, have, sizeof have);
		if (op == NULL || strcmp(want, have) != 0) {
			printf("#   %s %s takes \"%s\"; openapi.json says "
			    "\"%s\"\n", r->method, r->pattern, have, want);
			bad++;
		}
		for (const char *a = have; *a; a += strcspn(a, " "),
		    a += strspn(a, " ")) {
			size_t k = strcspn(a, " ");
			const char *b = a + k + strspn(a + k, " ");

			if (strncmp(a, b, k) == 0 && (b[k] == ' ' ||
			    b[k] == '\0') && *b) {
				printf("#   %s %s takes %.*s twice\n",
				    r->method, r->pattern, (int)k, a);
				bad++;
			}
		}
	}
	snprintf(name, sizeof name, "the %d routes take the query arguments "
	    "openapi.json says, once each", brul_nroutes);
	tap_ok(t, bad == 0, name);
	json_decref(doc);
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_path_params p;
	char allow[64], path[600];
	int i;

	tap_ok(&t, match("GET", "/health", &p, allow) == 0, "a literal path");
	tap_ok(&t, match("HEAD", "/health", &p, allow) == 0, "HEAD is GET");
	tap_ok(&t, match("GET", "/api/v1/alerts/stats", &p, allow) == 1,
	    "a literal segment before a parameter");
	i = match("GET", "/api/v1/alerts/thermal.B1.20260101T0000Z", &p,
	    allow);
	tap_ok(&t, i == 2 && strcmp(p.v[0], "thermal.B1.20260101T0000Z") == 0,
	    "a parameter, copied");
	tap_ok(&t, match("POST", "/api/v1/alerts/x/acknowledge", &p, allow) ==
	    3 && strcmp(p.v[0], "x") == 0, "a parameter inside the path");
	i = match("GET", "/a/1/b/22/c/333", &p, allow);
	tap_ok(&t, i == 6 && strcmp(p.v[0], "1") == 0 &&
	    strcmp(p.v[1], "22") == 0 && strcmp(p.v[2], "333") == 0,
	    "three parameters in order");
	tap_ok(&t, match("GET", "/api/v1/alerts/", &p, allow) == -1,
	    "an empty segment is no parameter");
	tap_ok(&t, match("GET", "/api/v1/alerts/x/y", &p, allow) == -1,
	    "a parameter is one segment");
	tap_ok(&t, match("GET", "/api/v1/alerts/\xff\xfe", &p, allow) == -1 &&
	    match("GET", "/api/v1/alerts/B1\xc3/acknowledge", &p, allow) ==
	    -1 && match("POST", "/api/v1/alerts/\xed\xa0\x80/acknowledge",
	    &p, allow) == -1, "a parameter that is not UTF-8 matches nothing");
	tap_ok(&t, match("GET", "/api/v1/alerts/\xc3\xa9t\xc3\xa9", &p,
	    allow) == 2 && strcmp(p.v[0], "\xc3\xa9t\xc3\xa9") == 0,
	    "a parameter in UTF-8 does");
	tap_ok(&t, match("GET", "/health/", &p, allow) == -1,
	    "a trailing slash is another path");
	tap_ok(&t, match("GET", "/nowhere", &p, allow) == -1, "no route: -1");
	i = match("DELETE", "/api/v1/users/7", &p, allow);
	tap_ok(&t, i == -2 && strcmp(allow, "PATCH, GET") == 0,
	    "a path with other methods: -2 and what it allows");
	memset(path, 'x', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	memcpy(path, "/a/", 3);
	tap_ok(&t, match("GET", path, &p, allow) == -1,
	    "a parameter too long for the buffer does not match");

	/* The API's own table: each route found by its pattern. */
	for (i = 0; i < brul_nroutes; i++) {
		const struct brul_route *r = &brul_routes[i];
		char want[600];
		size_t at = 0;
		int k;

		for (const char *s = r->pattern; *s && at < sizeof path - 8;)
			if (*s == '{') {
				at += (size_t)snprintf(path + at,
				    sizeof path - at, "p%d", i);
				s = strchr(s, '}') + 1;
			} else
				path[at++] = *s++;
		path[at] = '\0';
		memset(&p, 0, sizeof p);
		k = brul_route_match(brul_routes, brul_nroutes, r->method,
		    path, &p, allow, sizeof allow);
		snprintf(want, sizeof want, "%s %s is route %d", r->method,
		    r->pattern, i);
		tap_ok(&t, k == i, want);
	}
	for (i = 0; i < brul_nroutes; i++)
		if (brul_routes[i].role < BRUL_ROLE_NONE ||
		    brul_routes[i].role > BRUL_ROLE_ADMIN ||
		    brul_routes[i].fn == NULL)
			break;
	tap_ok(&t, i == brul_nroutes, "every route has a role and a handler");
	openapi_args(&t);
	return tap_done(&t);
}
