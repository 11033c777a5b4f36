/* test-route.c: matching a request to its route (serve/route.h), on a
 * table of our own and on the API's: parameters (UTF-8 only), literal
 * segments before parameters, HEAD for GET, the methods a path allows,
 * and every route of the API reachable by its own pattern. */
#include <stdio.h>
#include <string.h>

#include "serve/api.h"
#include "serve/route.h"
#include "tap.h"

static int
h(struct brul_req *r)
{
	(void)r;
	return 0;
}

static const struct brul_route table[] = {
	{ "GET", "/health", BRUL_ROLE_NONE, h },
	{ "GET", "/api/v1/alerts/stats", BRUL_ROLE_VIEWER, h },
	{ "GET", "/api/v1/alerts/{alert_id}", BRUL_ROLE_VIEWER, h },
	{ "POST", "/api/v1/alerts/{alert_id}/acknowledge", BRUL_ROLE_ENGINEER,
	  h },
	{ "PATCH", "/api/v1/users/{user_id}", BRUL_ROLE_ADMIN, h },
	{ "GET", "/api/v1/users/{user_id}", BRUL_ROLE_ADMIN, h },
	{ "GET", "/a/{x}/b/{y}/c/{z}", BRUL_ROLE_VIEWER, h },
};
#define N ((int)(sizeof table / sizeof table[0]))

static int
match(const char *method, const char *path, struct brul_path_params *p,
      char *allow)
{
	memset(p, 0, sizeof *p);
	return brul_route_match(table, N, method, path, p, allow, 64);
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
	return tap_done(&t);
}
